"""Stage ① read: any supported file -> ``ReadResult`` (one :class:`SourceTable` per table).

::

    from pmkscheck.read import read_file
    result = read_file(Path("kutim.xlsx"), Settings())
    result.format, result.sheets, result.tables, result.notices

The format comes from the content (:mod:`pmkscheck.read.detect`); workbooks are read with
fastexcel or python-calamine (:mod:`pmkscheck.read.workbook`), CSV/TSV with pyarrow or the stdlib
csv module (:mod:`pmkscheck.read.csvread`); the header, the field mapping and the record rows
are found by :mod:`pmkscheck.read.layout`. Unreadable input raises
:class:`~pmkscheck.errors.InputError` with an ``INPUT_*`` code; no library exception, traceback or
cell value ever leaves this package.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pmkscheck.errors import InputError, internal_failure
from pmkscheck.issues import Issue
from pmkscheck.read.detect import detect_format
from pmkscheck.read.grid import Grid
from pmkscheck.read.header import Layout, find_layout
from pmkscheck.read.layout import (
    build_table,
    cells_found,
    notice,
    person_evidence,
    recap_period,
)
from pmkscheck.schema import Schema, builtin_schemas, load_schema
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

__all__ = ["ReadResult", "read_file"]

_HEAD_BYTES = 8192


@dataclass
class ReadResult:
    """What reading one file produced.

    Attributes:
        path: the file.
        format: ``xlsx``, ``xlsm``, ``xls``, ``ods``, ``csv`` or ``tsv``.
        tables: one per sheet holding a recognised table (one for CSV), in sheet order.
        notices: file-level findings (hidden sheets, sheets without a table, macros).
        sheets: every sheet name (empty for CSV).
    """

    path: Path
    format: str
    tables: list[SourceTable] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


def read_file(path: Path, settings: Settings, schema: Schema | None = None) -> ReadResult:
    """Read ``path`` and return every recognised table in it.

    Args:
        path: the file to read.
        settings: ``settings.sheet`` restricts reading to one sheet (hidden or not);
            ``settings.limits`` guards against oversized input.
        schema: the schema to use; ``None`` tries every built-in schema and keeps, per sheet,
            the one whose header matches best.

    Raises:
        InputError: ``INPUT_NOT_FOUND``, ``INPUT_NOT_A_FILE``, ``INPUT_UNREADABLE``,
            ``INPUT_EMPTY``, ``INPUT_TOO_LARGE``, ``INPUT_UNSUPPORTED_FORMAT``, ``INPUT_CORRUPT``,
            ``INPUT_PASSWORD``, ``INPUT_SHEET_NOT_FOUND``, ``INPUT_NO_TABLE``.
    """
    path = Path(path)
    try:
        head = _open_head(path, settings)
        detected = detect_format(path, head, settings.limits)
        schemas = [schema] if schema is not None else _builtin()
        if detected.format == "text":
            return _read_text(path, settings, schemas)
        return _read_workbook(path, detected.format, detected.macros, settings, schemas)
    except InputError:
        raise
    except MemoryError:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"memory ran out while reading; limit memory-mb = {settings.limits.memory_mb} MB"
        )) from None
    except RecursionError:
        raise InputError("INPUT_READER_FAILED", path, reason="RecursionError") from None
    except Exception as exc:  # noqa: BLE001 - no library exception or traceback reaches a user
        raise internal_failure(exc, path, settings.limits.memory_mb) from None


def _open_head(path: Path, settings: Settings) -> bytes:
    """Check that ``path`` is a readable, non-empty regular file; return its first bytes."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("INPUT_NOT_FOUND", path) from None
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=type(exc).__name__) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError("INPUT_NOT_A_FILE", path)
    if is_lock_file_name(path.name) and not _spreadsheet_magic(path):
        raise InputError("INPUT_LOCK_FILE", path)
    if st.st_size == 0:
        raise InputError("INPUT_EMPTY", path)
    if st.st_size > settings.limits.max_file_bytes:
        raise InputError("INPUT_TOO_LARGE", path, reason=f"{st.st_size} bytes")
    try:
        with open(path, "rb") as fh:
            return fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=type(exc).__name__) from None


def is_lock_file_name(name: str) -> bool:
    """Whether ``name`` is the name of an Office lock file, made while a workbook is open.

    Excel and Word make ``~$kutim.xlsx``, LibreOffice ``.~lock.kutim.xlsx#``.

    >>> is_lock_file_name("~$kutim.xlsx"), is_lock_file_name(".~lock.kutim.xlsx#")
    (True, True)
    >>> is_lock_file_name("kutim.xlsx"), is_lock_file_name("data~$.csv")
    (False, False)
    """
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def _spreadsheet_magic(path: Path) -> bool:
    """Whether the file starts as a workbook does (zip or OLE2): a lock file never does."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))


@cache
def _builtin_cached() -> tuple[Schema, ...]:
    names = sorted(builtin_schemas())
    # pmks-individu first: it wins ties
    names.sort(key=lambda n: (n != "pmks-individu", n))
    return tuple(load_schema(n) for n in names)


def _builtin() -> list[Schema]:
    return list(_builtin_cached())


def _best_layout(grid: Grid, schemas: list[Schema], context: str | None = None
                 ) -> tuple[Layout, Schema] | None:
    best: tuple[Layout, Schema] | None = None
    recap: tuple[Layout, Schema] | None = None
    for sch in schemas:
        layout = find_layout(grid, sch, context=context)
        if layout is not None and (best is None or layout.score > best[0].score):
            best = (layout, sch)
        if layout is not None and sch.kind == "rekap":
            recap = (layout, sch)
    if best is not None and recap is not None and best[1].kind != "rekap" \
            and not person_evidence(grid, best[0]):
        return recap  # "No | Kecamatan | KK | Jiwa": counts of families, not a person list
    return best


def _no_table(path: Path, schemas: list[Schema], grids: list[Grid]) -> InputError:
    sch = schemas[0]
    expected = ", ".join(_display(sch, f) for f in sch.required)
    found: list[str] = []
    best = -1
    for grid in grids:
        score, cells = cells_found(grid, sch)
        if score > best:
            best, found = score, cells
    return InputError("INPUT_NO_TABLE", path, schema=" / ".join(s.name for s in schemas),
                      expected=expected, found=_safe_found(found))


def _display(schema: Schema, name: str) -> str:
    spec = schema.field(name)
    if spec is None or not spec.aliases:
        return name
    words = spec.aliases[0].split()
    acronyms = {"nik", "kk", "pmks", "ppks", "rt", "rw", "dtks", "ktp"}
    return " ".join(w.upper() if w.lower() in acronyms else w.capitalize() for w in words)


_ID_LIKE = re.compile(r"\d{5,}")


def _safe_found(cells: list[str]) -> str:
    """Header texts found, without anything that looks like personal data (IDs, long text)."""
    shown = []
    for text in cells[:12]:
        text = " ".join(text.split())
        if _ID_LIKE.search(text.replace(" ", "").replace(".", "")):
            text = "…"
        shown.append(text[:30])
    return ", ".join(f'"{t}"' for t in shown) if shown else "-"


def _read_text(path: Path, settings: Settings, schemas: list[Schema]) -> ReadResult:
    # named lazy import (start-up time): only a text file needs the CSV reader
    from pmkscheck.read.csvread import read_text

    grid, info = read_text(path, _open_head(path, settings))
    found = _best_layout(grid, schemas, path.stem)
    if found is None:
        raise _no_table(path, schemas, [grid])
    layout, sch = found
    table = _for_recap(build_table(grid, layout, sch, path=path, fmt=info.format), grid, sch)
    table.encoding, table.delimiter = info.encoding, info.delimiter
    table.notices[:0] = [notice("CSV_QUOTE_UNCLOSED", row=line, params={"lines": swallowed})
                         for line, swallowed in info.unclosed]
    return ReadResult(path=path, format=info.format, tables=[table], notices=[], sheets=[])


def _read_workbook(path: Path, fmt: str, macros: bool, settings: Settings,
                   schemas: list[Schema]) -> ReadResult:
    # named lazy import (start-up time): only a workbook needs calamine/fastexcel
    from pmkscheck.read.workbook import Workbook

    with Workbook(path, fmt, settings.limits) as wb:
        infos = wb.sheets()
        result = ReadResult(path=path, format=fmt, sheets=[i.name for i in infos])
        if macros:
            result.notices.append(notice("WORKBOOK_MACROS"))
        wanted = settings.sheet
        if wanted is not None:
            names = [i.name for i in infos]
            match = wanted if wanted in names else next(
                (n for n in names if n.strip().casefold() == wanted.strip().casefold()), None)
            if match is None:
                raise InputError("INPUT_SHEET_NOT_FOUND", path, sheet=wanted,
                                 sheets=", ".join(f'"{n}"' for n in names))
            to_read = [i for i in infos if i.name == match]
        else:
            to_read = []
            for info in infos:
                if info.is_chart:
                    continue
                if not info.visible:
                    result.notices.append(notice("SHEET_HIDDEN",
                                                 params={"sheet": info.name}))
                    continue
                to_read.append(info)
        grids: list[Grid] = []
        for info in to_read:
            grid = wb.grid(info.name)
            found = _best_layout(grid, schemas, path.stem)
            if found is None:
                if _has_content(grid):
                    grids.append(grid)
                    result.notices.append(notice("SHEET_NO_TABLE", params={"sheet": info.name}))
                continue
            layout, sch = found
            result.tables.append(_for_recap(build_table(grid, layout, sch, path=path, fmt=fmt),
                                            grid, sch))
        if not result.tables:
            raise _no_table(path, schemas, grids)
    return result


def _for_recap(table: SourceTable, grid: Grid, schema: Schema) -> SourceTable:
    """A recap keeps its grid and the year of its ``tahun`` column (open-data exports).

    The recap checks need the whole sheet; the parent process never opens the file again.
    """
    if schema.kind == "rekap":
        table.grid = grid
        table.period_hint = recap_period(table)
    return table


def _has_content(grid: Grid) -> bool:
    return any(bool((c != None).any()) for c in grid.cols)  # noqa: E711 - numpy elementwise
