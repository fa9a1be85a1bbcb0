"""Figures of a checked person list: completeness per field and the per-kecamatan summary.

Stage ③ validate (figures next to the findings); vectorised, one pass per column.
"""

from __future__ import annotations

import pandas as pd

from pmkscheck.issues import Severity
from pmkscheck.issuetable import IssueTable
from pmkscheck.normalise.records import Derived, wilayah_codes
from pmkscheck.schema import Schema
from pmkscheck.table import ROW, SourceTable


def filled_cells(clean: pd.DataFrame) -> pd.DataFrame:
    """``clean.notna()``, one numpy pass per column (both summaries below need it)."""
    return pd.DataFrame({name: pd.notna(clean[name].to_numpy()) for name in clean.columns},
                        index=clean.index, columns=clean.columns)


def completeness(clean: pd.DataFrame, schema: Schema,
                 filled: pd.DataFrame | None = None) -> dict[str, float]:
    """Share of records with a value, per schema field present (1.0 = complete).

    ``filled`` is :func:`filled_cells` of ``clean`` when the caller has it already.
    """
    if filled is None:
        filled = filled_cells(clean)
    n = len(clean)
    out: dict[str, float] = {}
    for spec in schema.fields:
        if spec.name in clean.columns:
            out[spec.name] = float(filled[spec.name].sum()) / n if n else 1.0
    return out


def kecamatan_summary(clean: pd.DataFrame, derived: Derived, table: SourceTable,
                      issues: IssueTable, filled: pd.DataFrame | None = None
                      ) -> list[dict[str, object]]:
    """Rows, rows with errors and completeness per kecamatan (as written, cleaned).

    ``filled`` is :func:`filled_cells` of ``clean`` when the caller has it already.
    """
    if "kecamatan" not in clean.columns or clean.empty:
        return []
    if filled is None:
        filled = filled_cells(clean)
    error_rows = IssueTable.of(issues).rows_with(Severity.ERROR)
    frame = pd.DataFrame({
        "kecamatan": clean["kecamatan"].fillna("(kosong)"),
        "kode": _or_none(wilayah_codes(derived, "kecamatan"), clean.index),
        "error": table.data[ROW].isin(error_rows),
        "filled": filled.to_numpy().mean(axis=1),
    })
    grouped = frame.groupby(["kecamatan"], dropna=False, sort=True)
    stats = grouped.agg(rows=("error", "size"), rows_with_errors=("error", "sum"),
                        completeness=("filled", "mean"), kode=("kode", "first"))
    return [
        {"kecamatan": name[0] if isinstance(name, tuple) else name,
         "code": None if pd.isna(row.kode) else str(row.kode),
         "rows": int(row.rows), "rows_with_errors": int(row.rows_with_errors),
         "completeness": round(float(row.completeness), 4)}
        for name, row in stats.iterrows()  # one row per kecamatan (~20), not per record
    ]


def _or_none(codes: pd.Series | None, index: pd.Index) -> pd.Series:
    """``codes``, or an all-``None`` column without them."""
    return pd.Series(None, index=index) if codes is None else codes


__all__ = ["completeness", "filled_cells", "kecamatan_summary"]
