"""Atomic file writes: a temporary file in the target folder, then ``os.replace``.

A reader of the output folder sees either the previous file or the complete new one, never half
a file. Writing over the input file is refused.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def refuse_input(target: Path, source: Path) -> None:
    """Raise ``PermissionError`` if ``target`` is the input file itself (never overwrite it)."""
    try:
        same = Path(target).resolve() == Path(source).resolve()
    except OSError:
        same = False
    if same:
        raise PermissionError(f"refusing to overwrite the input file {Path(target).name}")


@contextlib.contextmanager
def atomic_path(target: Path, protect: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success."""
    target = Path(target)
    for p in protect:
        if _same_file(target, Path(p)):
            raise PermissionError(f"refusing to overwrite the input file {target.name}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def _same_file(a: Path, b: Path) -> bool:
    """Do two paths name the same file (links and ``..`` resolved)?"""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


@contextlib.contextmanager
def atomic_open(target: Path, mode: str = "w", protect: tuple[Path, ...] = (),
                **kwargs: object) -> Iterator[IO]:
    """``open()`` that writes atomically (text or binary per ``mode``)."""
    with atomic_path(target, protect) as tmp, open(tmp, mode, **kwargs) as fh:  # noqa: PTH123
        yield fh
