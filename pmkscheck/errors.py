"""Errors that stop a file from being checked: they become one sentence and exit status 2.

``InputError`` carries a catalogue code and parameters, like an ``Issue``; the CLI renders it in
the user's language. Nothing here ever holds a cell value (personal data stays out of messages).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from pathlib import Path

from pmkscheck.mask import scrub


class PmkscheckError(Exception):
    """Base class of every error pmkscheck raises on purpose."""


class InputError(PmkscheckError):
    """The input could not be read or checked (exit status 2).

    Args:
        code: a catalogue code of group ``INPUT`` (e.g. ``INPUT_NOT_FOUND``).
        path: the file concerned.
        **params: values for the message template.
    """

    def __init__(self, code: str, path: object = None, **params: object) -> None:
        self.code = code
        self.path = None if path is None else str(path)
        self.params: Mapping[str, object] = {"path": self.path, **params}
        super().__init__(f"{code}: {self.path}")


class UsageError(PmkscheckError):
    """The command was used wrongly (exit status 2): bad option value, unknown schema, …."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params
        super().__init__(code)


def internal_failure(exc: BaseException, path: object = None,
                     memory_mb: int | None = None) -> InputError:
    """The :class:`InputError` that names what failed when reading hit an unexpected exception.

    * an ``ImportError`` of a library that could not be mapped into memory (under the reader's
      memory limit: "failed to map segment from shared object"): ``INPUT_READER_FAILED``
      naming the memory limit;
    * other ``ImportError`` / ``ModuleNotFoundError``: ``INPUT_INSTALL_BROKEN`` with the module
      that did not load and where pmkscheck was loaded from (an install without its
      dependencies, or a source checkout that shadows the installed package);
    * anything else: ``INPUT_INTERNAL_ERROR`` with the exception type, its message with quoted
      text (cell values) removed and long digit runs masked, and the line of code it came from.

    Args:
        exc: the exception.
        path: the file being read.
        memory_mb: the reader's memory limit, if it has one.
    """
    if isinstance(exc, ImportError) and not isinstance(exc, ModuleNotFoundError) and re.search(
            r"map segment|allocate memory|out of memory", str(exc), re.IGNORECASE):
        limit = f"memory limit of {memory_mb} MB" if memory_mb else "memory"
        return InputError("INPUT_READER_FAILED", path, reason=(
            f"{limit} reached while loading a library; raise memory-mb"))
    if isinstance(exc, ImportError):
        module = exc.name or re.sub(r"['\"]", "", str(exc))[:80] or "?"
        return InputError("INPUT_INSTALL_BROKEN", path, module=module,
                          origin=str(Path(__file__).parent))
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", str(exc)).strip()
    message = (scrub(" ".join(message.split())) or "")[:150]
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    where = "?"
    if frames:
        last = frames[-1]
        parts = re.split(r"[/\\]", last.filename)
        where = f"{'/'.join(parts[-2:])}:{last.lineno} ({last.name})"
    error = type(exc).__name__ + (f": {message}" if message else "")
    return InputError("INPUT_INTERNAL_ERROR", path, error=error, where=where)
