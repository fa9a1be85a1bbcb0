"""Uploads streamed to a private folder, part by part, with a size limit (issue 15).

The browser posts ``multipart/form-data``; python-multipart's streaming parser hands us each chunk
as it arrives, and each file part is written straight to disk inside the job's own folder. Nothing
is held whole in memory, and the upload stops the moment it passes the limit. File names from the
browser are reduced to a safe base name (no folders, no drive letters, no control characters).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadError(Exception):
    """The upload cannot be taken; ``code`` says why (``too_large``, ``bad_form``, ``no_file``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def safe_name(raw: str, n: int) -> str:
    """The base name of a browser-supplied file name, safe on every platform."""
    base = re.split(r"[\\/]", raw)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base:
        base = f"berkas-{n + 1}.xlsx"
    return base[:150]


@dataclass
class _State:
    folder: Path
    max_bytes: int
    files: list[Path] = field(default_factory=list)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    out: BinaryIO | None = None
    written: int = 0


async def receive_files(stream: AsyncIterator[bytes], content_type: str, folder: Path,
                        max_bytes: int) -> list[Path]:
    """Write every file part of a multipart body under ``folder``; return their paths.

    Each file lands in its own numbered sub-folder so two uploads of ``data.xlsx`` do not collide
    and the reports keep the officer's file name. Raises :class:`UploadError`.
    """
    kind, options = parse_options_header(content_type.encode("latin-1"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("bad_form")
    state = _State(folder=folder, max_bytes=max_bytes)

    def on_part_begin() -> None:
        state.headers = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[bytes(state.header_field).lower()] = bytes(state.header_value)
        state.header_field.clear()
        state.header_value.clear()

    def on_headers_finished() -> None:
        _, opts = parse_options_header(state.headers.get(b"content-disposition", b""))
        filename = opts.get(b"filename")
        if filename is None:  # a plain form field (e.g. lang): ignored
            state.out = None
            return
        name = safe_name(filename.decode("utf-8", "replace"), len(state.files))
        target = folder / str(len(state.files) + 1) / name
        target.parent.mkdir(parents=True)
        state.files.append(target)
        state.out = target.open("wb")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.out is None:
            return
        state.written += end - start
        if state.written > state.max_bytes:
            raise UploadError("too_large")
        state.out.write(data[start:end])

    def on_part_end() -> None:
        if state.out is not None:
            state.out.close()
            state.out = None

    parser = MultipartParser(boundary, callbacks={
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    })
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure is the same answer to the browser
        raise UploadError("bad_form") from None
    finally:
        if state.out is not None:
            state.out.close()
    if not state.files:
        raise UploadError("no_file")
    return state.files
