"""Recap tables (``pmks-rekap``): counts per wilayah x jenis PMKS, in their real shapes.

Stages ① read -> ③ validate for a table whose schema kind is ``rekap``; the pipeline hands such a
table to :func:`check_rekap_table` instead of the person-list normalise/check path; both hand a
:class:`~pmkscheck.checks.result.CheckedTable` to the pipeline's one report builder::

    checked = check_rekap_table(table, settings, schema, notices)   # -> CheckedTable

Its findings go the person lists' way: the structure check (``checks.TABLE_CHECKS``: the
reader's notices) runs first, and the REKAP_ findings frames, located in the sheet grid (``row``,
``letter``, ``column`` columns), become issues in the one converter,
:func:`pmkscheck.findings.findings_to_issues`.

* :mod:`pmkscheck.rekap.shape` -- the sheet grid -> header groups (wide: one group per jenis,
  L/P/Jumlah sub-columns; long: L/P/Jumlah columns + a jenis column), wilayah rows, Jumlah rows;
* :mod:`pmkscheck.rekap.counts` -- count cells -> whole numbers (``"1.234"`` = 1234, empty = 0);
* :mod:`pmkscheck.rekap.checks` -- REKAP_* findings (totals, coverage, jenis headers);
* :mod:`pmkscheck.rekap.compare` -- ``--compare-with PERSON_LIST`` (REKAP_COMPARE_MISMATCH).
"""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd

from pmkscheck.checks import TABLE_CHECKS, CheckContext, run_checks
from pmkscheck.checks.result import CheckedTable
from pmkscheck.findings import IssueTable, findings_to_issues
from pmkscheck.issues import Issue
from pmkscheck.rekap.checks import run
from pmkscheck.rekap.compare import compare
from pmkscheck.rekap.shape import load_grid, locate, one_jenis_of
from pmkscheck.rules import catalogue
from pmkscheck.schema import Schema
from pmkscheck.settings import Settings
from pmkscheck.table import ROW, SkippedRow, SourceTable


def check_rekap_table(table: SourceTable, settings: Settings, schema: Schema,
                      notices: list[Issue] | None = None) -> CheckedTable:
    """Locate the recap in its sheet, run the REKAP_ checks, return its findings and figures."""
    t0 = time.perf_counter()
    ctx = CheckContext(table=table, clean=pd.DataFrame(index=table.data.index), derived={},
                       settings=settings, schema=schema, notices=tuple(notices or ()))
    kept = run_checks(ctx, settings.select, settings.ignore, TABLE_CHECKS)  # reader notices
    grid = load_grid(table)
    named = one_jenis_of(table)
    shape = locate(grid, schema, context=table.path.stem, one_jenis=named[0] if named else None)
    if shape is None:  # the header matched but no count column was found
        issues = IssueTable.concat([kept, [Issue(code="REKAP_NO_COUNTS", severity=catalogue()[
            "REKAP_NO_COUNTS"].severity)]])
        return CheckedTable(issues=issues, header_row=table.header_row, table=None)
    result = run(shape, table, settings)
    parts = [kept, _issues(result.findings, table)]
    if result.district is None and result.scope == "kecamatan":
        parts.append([Issue(code="DISTRICT_UNKNOWN", severity=catalogue()[
            "DISTRICT_UNKNOWN"].severity)])
    if settings.compare_with is not None:
        parts.append(_issues(compare(shape, result, settings), table))
    issues = IssueTable.concat(parts)
    rekap_table, clean = _tables(table, shape, result)
    covered = result.covered if result.covered is not None else set(result.codes.dropna())
    present = len(covered & set(result.expected))
    completeness = {"wilayah": present / len(result.expected)} if result.expected else {}
    skipped = [*table.skipped_rows]
    seen = {s.row for s in skipped}
    skipped += [SkippedRow(int(r), "total") for r in shape.user_rows(shape.total_rows)
                if int(r) not in seen]
    return CheckedTable(
        issues=issues, header_row=int(grid.rows[shape.layout.end]),
        data_rows=len(shape.data_rows), district=result.district,
        skipped_rows=sorted(skipped, key=lambda s: s.row), completeness=completeness,
        timings={"check": time.perf_counter() - t0}, table=rekap_table, clean=clean,
    )


def _issues(found: pd.DataFrame, table: SourceTable) -> IssueTable:
    """Located recap findings -> issues, by the one converter (an empty count cell reads 0)."""
    return findings_to_issues(found, table, None, empty_value="0")


def _tables(table: SourceTable, shape, result) -> tuple[SourceTable, pd.DataFrame]:
    """A SourceTable of the wilayah rows (for writers) and the cleaned recap (numbers parsed)."""
    rows = shape.user_rows(shape.data_rows)
    index = pd.RangeIndex(len(rows))
    grid = shape.grid
    label = "jenis_pmks" if shape.form == "transposed" else "wilayah"  # what each row is
    data = {ROW: rows, label: grid.cols[shape.wilayah_col][shape.data_rows]}
    letters = {label: shape.letter(shape.wilayah_col)}
    headers = {label: shape.wilayah_header}
    clean: dict[str, object] = {} if shape.form == "transposed" else {
        "wilayah": result.official.where(result.official.notna(),
                                         pd.Series(data["wilayah"], dtype=object)).to_numpy(),
        "kode_wilayah": result.codes.to_numpy(),
    }
    if result.jenis is not None:
        clean["jenis_pmks"] = result.jenis.to_numpy()
    if shape.satuan_col is not None:
        clean["satuan"] = grid.cols[shape.satuan_col][shape.data_rows]
    m = result.matrix
    for j, col in enumerate(shape.counts):
        clean[col.header] = pd.Series(m.values[: m.n_data, j]).astype("Int64").to_numpy()
    changes = {"extra": None} if hasattr(table, "extra") else {}  # counts are in ``clean``
    rekap = replace(table, data=pd.DataFrame(data, index=index), kinds={}, letters=letters,
                    headers=headers, **changes)
    return rekap, pd.DataFrame(clean, index=index)


__all__ = ["check_rekap_table"]
