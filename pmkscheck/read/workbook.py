"""Workbooks (xlsx, xlsm, xls, ods) -> one :class:`Grid` per sheet, through calamine.

Stage ① read. Two roads, same :class:`Grid`:

* **xlsx/xlsm, fast** (:meth:`Workbook._fast_grid`): fastexcel (calamine in Rust, straight to
  Arrow) reads every cell as text in a thread -- it releases the GIL -- while this thread streams
  the sheet XML (:func:`pmkscheck.read.xlsxscan.scan_sheet` with ``values=True``) for what text
  loses: which cells are numbers (with their exact stored value, so ``6408012345678900`` and
  ``12.5`` get the same text as on the other road), booleans and dates, plus formulas, error cells,
  hidden rows/columns and merges. On two cores the scan costs no wall time. Measured on the 100k-row
  benchmark workbook: ~1.3 s instead of ~2.7 s for the calamine road.
* **everything else** (xls, ods, and any xlsx whose cell tags the value scan does not read:
  see :mod:`pmkscheck.read.xlsxscan`): python-calamine's typed cells, turned into columns in blocks,
  converting each column once per unique value (:func:`pmkscheck.read.grid.convert_column`); for
  xlsx/xlsm the same XML scan adds formulas, error cells and hidden rows and columns.

``tests/test_read_fast.py`` reads a corpus of workbooks both ways and asserts identical grids.
Library exceptions never leave this module: they become :class:`InputError`.

Why one module of ~410 lines: one reader class over calamine and fastexcel: opening, sheet list,
hidden sheets, merged cells and typed columns use the same handles.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import python_calamine as pc

from pmkscheck import distinct
from pmkscheck.errors import InputError
from pmkscheck.read.grid import Grid, arrow_texts, convert_column, float_texts
from pmkscheck.read.guard import how_to_raise
from pmkscheck.read.xlsxscan import (
    SheetScan,
    scan_sheet,
    shared_strings_lie,
    sheet_parts,
    without_count_claims,
)
from pmkscheck.settings import Limits
from pmkscheck.table import (
    KIND_BOOL,
    KIND_DATE,
    KIND_EMPTY,
    KIND_ERROR,
    KIND_FORMULA,
    KIND_FORMULA_NO_VALUE,
    KIND_NUMBER,
    KIND_TEXT,
    column_index,
)

_BLOCK = 65_536


@dataclass(frozen=True)
class SheetInfo:
    """Name and visibility of one sheet."""

    name: str
    visible: bool
    is_chart: bool = False


class Workbook:
    """An open workbook; use as a context manager.

    Args:
        path: the file.
        fmt: detected format (``xlsx``, ``xlsm``, ``xls``, ``ods``).
        limits: size guards (rows, columns, cells).
    """

    def __init__(self, path: Path, fmt: str, limits: Limits) -> None:
        self.path = path
        self.format = fmt
        self.limits = limits
        # what the libraries read: the file, or a repaired copy in memory (_source)
        self._source: str | bytes = str(path)
        if fmt in ("xlsx", "xlsm"):
            self._source = _repaired(path)
        try:
            if isinstance(self._source, bytes):
                self._wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(self._source))
            else:
                self._wb = pc.CalamineWorkbook.from_path(self._source)
        except pc.PasswordError:
            raise InputError("INPUT_PASSWORD", path) from None
        except Exception as exc:  # noqa: BLE001 - any library failure is a corrupt file
            raise InputError("INPUT_CORRUPT", path, reason=_reason(exc)) from None
        self._zip: zipfile.ZipFile | None = None
        self._parts: dict[str, str] = {}
        if fmt in ("xlsx", "xlsm"):
            try:
                self._zip = zipfile.ZipFile(path)
                self._parts = sheet_parts(self._zip)
            except (zipfile.BadZipFile, OSError):
                self._zip = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the file handles."""
        try:
            self._wb.close()
        except Exception:  # noqa: BLE001,S110 - closing twice is harmless
            pass
        if self._zip is not None:
            self._zip.close()

    def sheets(self) -> list[SheetInfo]:
        """Every sheet (chart sheets flagged), in workbook order."""
        out = []
        try:
            metas = self._wb.sheets_metadata
        except Exception:  # noqa: BLE001
            return [SheetInfo(n, True) for n in self._wb.sheet_names]
        for m in metas:
            out.append(SheetInfo(
                name=m.name,
                visible=m.visible == pc.SheetVisibleEnum.Visible,
                is_chart=m.typ != pc.SheetTypeEnum.WorkSheet,
            ))
        return out

    def grid(self, name: str) -> Grid:
        """Read one sheet into a :class:`Grid` (row numbers as Excel shows them)."""
        grid = self._fast_grid(name)
        if grid is not None:
            return grid
        return self._calamine_grid(name)

    def _fast_grid(self, name: str) -> Grid | None:
        """The fast road (module docstring); ``None`` when this sheet must take the other one."""
        if self._zip is None or name not in self._parts or not _fast_enabled(self._zip):
            return None
        try:
            import fastexcel
        except ImportError:  # pragma: no cover - a dependency; the calamine road still works
            return None
        box: dict[str, object] = {}

        def load() -> None:
            try:
                sheet = fastexcel.read_excel(self._source).load_sheet(
                    name, header_row=None, skip_rows=0, dtypes="string")
                too_large = self._too_large(sheet.height, sheet.width, name)
                if too_large:
                    box["too_large"] = too_large
                    return
                columns = sheet.available_columns()
                box["col0"] = columns[0].absolute_index if columns else 0
                box["batch"] = sheet.to_arrow()
            except BaseException as exc:  # noqa: BLE001 - the calamine road reports it
                box["error"] = exc

        thread = threading.Thread(target=load, name="pmkscheck-fastexcel", daemon=True)
        thread.start()
        try:
            scan = scan_sheet(self._zip, self._parts[name], values=True)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            thread.join()
            raise InputError("INPUT_CORRUPT", self.path, reason=_reason(exc)) from None
        thread.join()
        if "too_large" in box:
            raise InputError("INPUT_TOO_LARGE", self.path, reason=box["too_large"])
        if "batch" not in box or not scan.canonical:
            return None
        grid = _arrow_grid(name, box["batch"], int(box["col0"]), scan)  # type: ignore[arg-type]
        _apply_scan(grid, scan)
        return grid

    def _too_large(self, height: int, width: int, name: str) -> str | None:
        """Why a sheet of ``height`` x ``width`` cells is refused, or ``None`` (Limits)."""
        lim = self.limits
        for over, key, limit in ((width > lim.max_columns + 1000, "max-columns", lim.max_columns),
                                 (height > lim.max_rows + 1000, "max-rows", lim.max_rows),
                                 (height * width > lim.max_cells, "max-cells", lim.max_cells)):
            if over:
                return (f"{height:,} rows x {width:,} columns in sheet '{name}', limit "
                        f"{limit:,} ({key}){how_to_raise(key)}")
        return None

    def _calamine_grid(self, name: str) -> Grid:
        """The calamine road: python-calamine's typed cells (module docstring)."""
        try:
            sheet = self._wb.get_sheet_by_name(name)
        except pc.PasswordError:
            raise InputError("INPUT_PASSWORD", self.path) from None
        except Exception as exc:  # noqa: BLE001
            raise InputError("INPUT_CORRUPT", self.path, reason=_reason(exc)) from None
        too_large = self._too_large(sheet.height, sheet.width, name)
        if too_large:
            raise InputError("INPUT_TOO_LARGE", self.path, reason=too_large)
        start = sheet.start
        try:
            # iter_rows: rows from row 1, columns from the first used one; rows are turned into
            # Python objects one block at a time, which keeps a 1M-row sheet's peak memory low
            cols, kinds, n_rows = _read_columns(
                sheet.iter_rows(), col0=start[1] if start else 0,
                check_errors=self.format not in ("xlsx", "xlsm"))
        except Exception as exc:  # noqa: BLE001
            raise InputError("INPUT_CORRUPT", self.path, reason=_reason(exc)) from None
        merges: list[tuple[int, int, int, int]] = []
        try:
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
                merges.append((r0, c0, r1, c1))
        except Exception:  # noqa: BLE001,S110 - merges are a nicety (xls/ods may lack them)
            pass
        grid = Grid(name=name, cols=cols, kinds=kinds,
                    rows=np.arange(1, n_rows + 1, dtype=np.int64), merges=merges)
        if self._zip is not None and name in self._parts:
            try:
                _apply_scan(grid, scan_sheet(self._zip, self._parts[name]))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise InputError("INPUT_CORRUPT", self.path, reason=_reason(exc)) from None
        return grid


def _repaired(path: Path) -> str | bytes:
    """The path, or the workbook's bytes with a lying shared-strings count removed.

    A header claiming 4294967295 shared strings over a few would make calamine reserve them all
    and abort (tafia/calamine#684); the claim is a hint, so the table is read without it
    (:func:`pmkscheck.read.xlsxscan.without_count_claims`). Anything unreadable here is left
    for calamine to report.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            if shared_strings_lie(zf):
                return without_count_claims(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError):
        pass
    return str(path)


@functools.cache
def _no_fast_styles(styles: bytes) -> bool:
    """False when the workbook has duration formats (``[h]:mm``): only calamine reads them."""
    return re.search(rb'formatCode="[^"]*\[(?:h|hh|m|mm|s|ss)\]', styles, re.IGNORECASE) is None


def _fast_enabled(zf: zipfile.ZipFile) -> bool:
    """The fast road applies: fastexcel may be used and no style asks for durations."""
    if os.environ.get("PMKSCHECK_READER") == "calamine":
        return False
    try:
        styles = zf.read("xl/styles.xml") if "xl/styles.xml" in zf.namelist() else b""
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    return _no_fast_styles(styles)


_DATE_TEXT = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)")


def _arrow_grid(name: str, batch: object, col0: int, scan: SheetScan) -> Grid:
    """Text columns from fastexcel + numbers and booleans from the value scan -> a Grid."""
    n_rows = batch.num_rows  # type: ignore[attr-defined]
    cols: list[np.ndarray] = [np.full(n_rows, None, dtype=object) for _ in range(col0)]
    kinds: list[np.ndarray] = [np.full(n_rows, KIND_EMPTY, dtype=object) for _ in range(col0)]
    kind_of = np.array([KIND_EMPTY, KIND_TEXT], dtype=object)
    for arr in batch.columns:  # type: ignore[attr-defined]
        texts = arrow_texts(arr, empty_as_none=True)
        cols.append(texts)
        kinds.append(kind_of.take(np.not_equal(texts, None).view(np.int8)))
    _put_numbers(cols, kinds, scan, n_rows)
    for col_b, row_b, value in scan.bools:
        c, r = column_index(col_b), int(row_b) - 1
        if c < len(cols) and 0 <= r < n_rows:
            cols[c][r] = "TRUE" if value.strip() in (b"1", b"true") else "FALSE"
            kinds[c][r] = KIND_BOOL
    return Grid(name=name, cols=cols, kinds=kinds,
                rows=np.arange(1, n_rows + 1, dtype=np.int64), merges=list(scan.merges))


def _put_numbers(cols: list[np.ndarray], kinds: list[np.ndarray], scan: SheetScan,
                 n_rows: int) -> None:
    """Numeric cells from the XML: exact text of the stored value, or a date where styled so.

    fastexcel's text of a date-formatted number is ``yyyy-mm-dd hh:mm:ss``; it is kept as the
    date (midnight dropped; a time of day alone for serials below 1, as calamine gives a time).
    """
    cidx, user_rows, floats = scan.number_cells()
    if not len(cidx):
        return
    ridx = user_rows - 1
    texts = float_texts(floats)
    ok = (ridx >= 0) & (ridx < n_rows) & (cidx < len(cols))
    for c in np.unique(cidx[ok]):
        sel = ok & (cidx == c)
        rows = ridx[sel]
        new_text, new_kind = texts[sel], np.full(len(rows), KIND_NUMBER, dtype=object)
        # fastexcel's text tells which numbers are date-formatted: decided once per distinct text
        codes, seen = distinct.factorize(cols[c][rows])
        as_date = [_date_text(t) for t in seen]
        if any(d is not None for d in as_date):
            is_date = np.array([d is not None for d in as_date] + [False])[codes]
            dates = np.array([d or "" for d in as_date] + [""], dtype=object)[codes]
            new_text = np.where(is_date, dates, new_text)
            clock = is_date & (floats[sel] < 1)  # a serial below 1: a time of day, as calamine
            new_text[clock] = [d[11:] if len(d) > 10 else "00:00:00" for d in dates[clock]]
            new_kind[is_date] = KIND_DATE
        cols[c][rows] = new_text
        kinds[c][rows] = new_kind


def _date_text(text: object) -> str | None:
    """ISO text of fastexcel's ``yyyy-mm-dd hh:mm:ss`` (midnight dropped), else ``None``."""
    m = _DATE_TEXT.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    day, clock = m.group(1), m.group(2)
    return day if clock == "00:00:00" else f"{day} {clock}"


def _reason(exc: BaseException) -> str:
    """A short, value-free reason for a reader failure (the exception's class name)."""
    return type(exc).__name__


def _read_columns(rows: Iterator[list], col0: int = 0, check_errors: bool = True
                  ) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Rows (lists) -> per-column text and kind arrays, converted block by block.

    Args:
        rows: calamine's rows (``iter_rows``: from row 1, from the first used column).
        col0: index of the first used column; that many empty columns are put in front so
            that column index 0 is always ``A``.
        check_errors: mark text equal to an error literal as an error cell (xls/ods hand error
            cells over as text; for xlsx the sheet scan finds them).
    """
    n_rows = 0
    text_parts: list[list[np.ndarray]] = []
    kind_parts: list[list[np.ndarray]] = []
    width = 0
    while block := list(itertools.islice(rows, _BLOCK)):
        n_rows += len(block)
        lens = list(map(len, block))
        w = max(lens)
        if lens.count(w) != len(lens):
            block = [r + [""] * (w - len(r)) if len(r) != w else r for r in block]
        converted = [convert_column(c, check_errors) for c in zip(*block, strict=True)]
        text_parts.append([t for t, _ in converted])
        kind_parts.append([k for _, k in converted])
        width = max(width, w)
    cols: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    for j in range(width):
        tparts, kparts = [], []
        for tp, kp in zip(text_parts, kind_parts, strict=True):
            if j < len(tp):
                tparts.append(tp[j])
                kparts.append(kp[j])
            else:
                n = len(tp[0]) if tp else 0
                tparts.append(np.full(n, None, dtype=object))
                kparts.append(np.full(n, "", dtype=object))
        cols.append(np.concatenate(tparts) if len(tparts) > 1 else tparts[0])
        kinds.append(np.concatenate(kparts) if len(kparts) > 1 else kparts[0])
    if col0:
        cols = [np.full(n_rows, None, dtype=object) for _ in range(col0)] + cols
        kinds = [np.full(n_rows, "", dtype=object) for _ in range(col0)] + kinds
    return cols, kinds, n_rows


def _apply_scan(grid: Grid, scan: SheetScan) -> None:
    """Mark formula and error cells found in the XML on the grid's kinds."""
    n_rows, n_cols = grid.n_rows, grid.n_cols
    assert grid.kinds is not None
    for cells, kind in ((scan.formulas, KIND_FORMULA),
                        (scan.formulas_no_value, KIND_FORMULA_NO_VALUE),
                        (scan.errors, KIND_ERROR)):
        if not cells:
            continue
        by_col: dict[int, list[int]] = {}
        for row, col in cells:
            if 1 <= row <= n_rows and col < n_cols:
                by_col.setdefault(col, []).append(row - 1)
        for col, idx in by_col.items():
            ix = np.asarray(idx, dtype=np.int64)
            ks = grid.kinds[col]
            if kind == KIND_FORMULA:
                # a cached error stays an error; the formula flag only replaces value kinds
                ix = ix[ks[ix] != KIND_ERROR]
            ks[ix] = kind
            if kind in (KIND_FORMULA_NO_VALUE,):
                grid.cols[col][ix] = None
    for (row, col), literal in scan.errors.items():
        if 1 <= row <= n_rows and col < n_cols and grid.cols[col][row - 1] is None:
            grid.cols[col][row - 1] = literal  # calamine hands error cells over as ""
    grid.hidden_rows = frozenset(scan.hidden_rows)
    grid.hidden_cols = frozenset(c for c in scan.hidden_cols if c < max(n_cols, 1) + 64)

