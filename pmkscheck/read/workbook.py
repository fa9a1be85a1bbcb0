"""Workbooks (xlsx, xlsm, xls, ods) -> one :class:`Grid` per sheet, through python-calamine.

Stage ① read. calamine (Rust) parses the file; this module turns its rows into columns in blocks,
converting each column once per unique value (:func:`pmkscheck.read.grid.convert_column`), and, for
xlsx/xlsm, adds what calamine does not report (formulas without a cached value, error cells,
hidden rows and columns) from a streaming scan of the sheet XML (:mod:`pmkscheck.read.xlsxscan`).
Library exceptions never leave this module: they become :class:`InputError`.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import python_calamine as pc

from pmkscheck.errors import InputError
from pmkscheck.read.grid import Grid, convert_column
from pmkscheck.read.xlsxscan import SheetScan, scan_sheet, sheet_parts
from pmkscheck.settings import Limits
from pmkscheck.table import KIND_ERROR, KIND_FORMULA, KIND_FORMULA_NO_VALUE

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
        try:
            self._wb = pc.CalamineWorkbook.from_path(str(path))
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
        try:
            sheet = self._wb.get_sheet_by_name(name)
        except pc.PasswordError:
            raise InputError("INPUT_PASSWORD", self.path) from None
        except Exception as exc:  # noqa: BLE001
            raise InputError("INPUT_CORRUPT", self.path, reason=_reason(exc)) from None
        height, width = sheet.height, sheet.width
        if width > self.limits.max_columns + 1000 or height > self.limits.max_rows + 1000 or (
                height * width > self.limits.max_cells):
            raise InputError("INPUT_TOO_LARGE", self.path,
                             reason=f"{height} x {width} cells in sheet '{name}'")
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

