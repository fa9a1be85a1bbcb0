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
    frame = pd.DataFrame(cols, index=table.data.index)
    worst, codes = row_summary(f)
    frame["severity"] = frame["source_row"].map(worst).fillna("")
    frame["issue_codes"] = frame["source_row"].map(codes).fillna("")
    return frame


def row_summary(f: FileReport) -> tuple[dict[int, str], dict[int, str]]:
    """Per source row: worst severity label and the row's issue codes ("A; B")."""
    t = f.issues
    located = t.row > 0
    if not located.any():
        return {}, {}
    df = pd.DataFrame({"row": t.row[located], "sev": t.severity[located],
                       "code": t.code[located]})
    worst = df.groupby("row")["sev"].max().map({1: "info", 2: "warning", 3: "error"})
    codes = df.drop_duplicates(["row", "code"]).groupby("row")["code"].agg("; ".join)
    return worst.to_dict(), codes.to_dict()


def neutralise_csv(values: pd.Series) -> pd.Series:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    s = values.astype(object)
    codes, uniques = distinct.factorize(s)  # once per distinct value (issue 6: was once per cell)
    risky = np.array([isinstance(v, str) and v.startswith(FORMULA_START) for v in uniques]
                     + [False], dtype=bool)
    mask = pd.Series(risky[codes], index=s.index)  # code -1 (missing) picks the final False
    if mask.any():
        s = s.copy()
        s[mask] = "'" + s[mask].astype(str)
    return s


def write_clean_csv(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """UTF-8 with BOM (Excel opens it correctly), comma-separated, every value quoted if needed."""
    frame = clean_frame(f)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = neutralise_csv(frame[col])
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
