"""Stage ⑤ write: the cleaned data file (xlsx + CSV) and the per-table JSON report.

Every data row of the input, in input order, none dropped; normalised values; Kemendagri codes
beside wilayah names; plus ``source_row``, ``severity`` (the row's worst) and ``issue_codes``.
ID columns are stored as text. Text a spreadsheet would run as a formula (leading ``= + - @``,
tab, CR) is neutralised: in xlsx with Excel's own "quote prefix" cell flag (the value is kept,
Excel shows and edits it as text); in CSV with a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.atomic import atomic_open
from pmkscheck.report.json_report import write_files
from pmkscheck.table import ROW
from pmkscheck.write.findingcols import Factor
from pmkscheck.write.ooxml import FORMULA_START
from pmkscheck.write.xlsx import save_frame

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport, Report
    from pmkscheck.settings import Settings

ID_COLUMNS = ("nik", "no_kk", "id_dtks", "kode_desa", "kode_kecamatan", "kode_kabupaten",
              "rt", "rw")
# field -> the columns the cleaned file gains after it: (attribute of the field's derived record,
# column name). The wilayah codes are the ``code`` of a WilayahCodes, RT/RW read from Alamat
# (when the sheet has no such columns) the ``rt``/``rw`` of the AlamatParts
# (pmkscheck/normalise/records.py).
CODE_COLUMNS = {
    "desa": (("code", "kode_desa"),),
    "kecamatan": (("code", "kode_kecamatan"),),
    "kabupaten": (("code", "kode_kabupaten"),),
    "alamat": (("rt", "rt"), ("rw", "rw")),
}


def clean_frame(f: FileReport) -> pd.DataFrame:
    """The cleaned table of a file report, as it is written."""
    assert f.table is not None and f.clean is not None
    table, clean = f.table, f.clean
    cols: dict[str, pd.Series] = {"source_row": table.data[ROW]}
    for name in clean.columns:
        cols[name] = clean[name]
        for attr, code_name in CODE_COLUMNS.get(name, ()):
            values = getattr(f.derived.get(name), attr, None)
            if values is not None:
                cols[code_name] = values
    if table.extra is not None:  # unrecognised columns, kept as read
        for name in table.extra.columns:
            cols[name if name not in cols else f"{name} (asli)"] = table.extra[name]
    worst, codes = row_summary(f)
    source = table.data[ROW].to_numpy(dtype=np.int64)
    cols["severity"] = _by_row(worst, source, table.data.index)
    cols["issue_codes"] = _by_row(codes, source, table.data.index)
    # the columns as they are, not copied into one block (issue 16: a second copy of a
    # 1M-row table is ~170 MB); the writers never change a column in place
    return pd.DataFrame(cols, index=table.data.index, copy=False)


def row_summary(f: FileReport) -> tuple[pd.Series, pd.Series]:
    """Per source row: worst severity label and the row's issue codes ("A; B"), as Series by row.

    The codes of a row in the order they are first found. Vectorised (issue 16): a list whose
    NIK column Excel destroyed has findings on every row; the joined text is made once per
    distinct sequence of codes, not per row. Lean on memory (a 1M-row list has 2-3M findings):
    the findings' own arrays are read without copies where they are already in row order, and
    each intermediate is dropped once used.
    """
    t = f.issues
    keep = t.row > 0
    if not keep.any():
        return pd.Series(dtype=object), pd.Series(dtype=object)
    code = Factor.of(t.code)
    cid, values = code.ids, code.values
    row, sev = t.row, t.severity
    if not keep.all():
        row, sev, cid = row[keep], sev[keep], cid[keep]
    del keep
    if row.size > 1 and not bool(np.all(row[1:] >= row[:-1])):
        order = np.argsort(row, kind="stable")  # stable: a row's findings keep their order
        row, sev, cid = row[order], sev[order], cid[order]
        del order
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    labels = np.array(["", "info", "warning", "error"], dtype=object)
    worst = pd.Series(labels[np.maximum.reduceat(sev, starts)], index=row[starts])
    del sev, starts
    # each (row, code) once, where first found: rows are sorted, so a repeat of a code in a row
    # follows its first in the findings of that code (one pass per distinct code)
    first = np.ones(row.size, dtype=bool)
    for c in range(len(values)):
        at = np.flatnonzero(cid == c)
        if at.size > 1:
            first[at[1:][row[at[1:]] == row[at[:-1]]]] = False
    rows, codes = row[first], cid[first].astype(np.int32)
    del first, row, cid
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    lengths = np.diff(np.r_[starts, rows.size])
    grid = np.full((starts.size, int(lengths.max())), -1, dtype=np.int32)
    grid[np.repeat(np.arange(starts.size), lengths),
         np.arange(rows.size) - np.repeat(starts, lengths)] = codes
    del codes, lengths
    base = len(values) + 1
    if base ** grid.shape[1] < 1 << 62:  # one integer per sequence: hashed, not sorted
        key = np.zeros(grid.shape[0], dtype=np.int64)
        for j in range(grid.shape[1]):
            key = key * base + grid[:, j] + 1
        inv, _ = pd.factorize(key)
        del key
        combos = grid[pd.Series(inv).drop_duplicates().index.to_numpy()]
    else:
        combos, inv = np.unique(grid, axis=0, return_inverse=True)
    del grid
    texts = np.array(["; ".join(values[c] for c in combo if c >= 0)
                      for combo in combos.tolist()], dtype=object)  # once per distinct combo
    return worst, pd.Series(texts[inv.reshape(-1)], index=rows[starts])


def _by_row(values: pd.Series, rows: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` (indexed by source row, sorted) for each of ``rows``; ``""`` where none."""
    out = np.full(len(rows), "", dtype=object)
    if len(values):
        keys = values.index.to_numpy(dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, rows), len(keys) - 1)
        hit = keys[pos] == rows
        out[hit] = values.to_numpy()[pos[hit]]
    return pd.Series(out, index=index)


def neutralise_csv(values: pd.Series) -> pd.Series:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe.

    ``values`` itself when nothing needs it (issue 16: no copy of a clean column).
    """
    s = values.astype(object, copy=False)
    codes, uniques = distinct.factorize(s)  # once per distinct value (issue 6: was once per cell)
    risky = np.array([isinstance(v, str) and v.startswith(FORMULA_START) for v in uniques]
                     + [False], dtype=bool)
    if not risky.any():
        return values if values.dtype == object else s
    mask = pd.Series(risky[codes], index=s.index)  # code -1 (missing) picks the final False
    s = s.copy()
    s[mask] = "'" + s[mask].astype(str)
    return s


def write_clean_csv(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """UTF-8 with BOM (Excel opens it correctly), comma-separated, every value quoted if needed."""
    frame = clean_frame(f)
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object:
            safe = neutralise_csv(values)
            if safe is not values:  # a column is replaced only where a cell changed
                frame[col] = safe
    with atomic_open(target, "w", protect=(f.path,), encoding="utf-8-sig", newline="") as fh:
        frame.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def write_clean_xlsx(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """Write the cleaned xlsx through :func:`~pmkscheck.write.xlsx.save_frame`.

    xlsxfast writes what xlsxwriter's cells would hold (issue 6).

    ID columns text-formatted, formula-like text quote-prefixed, header frozen with a filter.
    """
    frame = clean_frame(f)
    save_frame(frame, target, protect=(f.path,), sheet_name="Data Bersih",
               text_columns=ID_COLUMNS,
               widths={c: max(10, min(40, len(c) + 4)) for c in frame.columns})


def write_json(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """The JSON report of this table (same content as ``--format json`` for it)."""
    with atomic_open(target, "w", protect=(f.path,), encoding="utf-8") as fh:
        write_files([f], report.version, settings, fh)  # streamed (issue 16)
        fh.write("\n")
