"""Repeated findings read as one (issue 16): a code's cells as ranges, a whole column as one line.

When Excel destroys a NIK column, every data row has the same finding. Listing "B2, B3, B4, …"
500,000 times tells the officer nothing the sentence "the whole column, B2:B500001" does not.
:func:`group_findings` turns the findings of one table into one :class:`Span` per code and column:
the rows as runs over the *data* rows (a skipped section row or signature line does not break a
run), and whether the code hits every data row of that column. Views (terminal, HTML, the
annotated workbook's summary) print a span; every cell is still listed where a format lists
cells (JSON, the annotated workbook's findings sheet, JUnit).

Vectorised: one sort and one ``diff`` per table, no Python loop per finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pmkscheck.issues import Issue, Severity
from pmkscheck.issuetable import IssueTable, combined_key, distinct_rows
from pmkscheck.table import ROW
from pmkscheck.text import num, section


@dataclass(frozen=True)
class Span:
    """Every finding of one code in one column of one table.

    Attributes:
        code, severity, field, letter: what and where (``letter`` is ``None`` for CSV).
        count: the number of findings.
        runs: ``(first_row, last_row)`` pairs in the user's row numbers; consecutive data rows
            form one run even when a skipped row lies between them.
        whole_column: the code hits every data row of the table in this column.
    """

    code: str
    severity: Severity
    field: str | None
    letter: str | None
    count: int
    runs: tuple[tuple[int, int], ...]
    whole_column: bool
    column: str | None = None  # the header as written in the file

    def where(self, lang: str, max_runs: int = 6, cells: bool = True) -> str:
        """``B2:B5001, B7`` / ``baris 2-5001, 7``: at most ``max_runs`` runs, then "+n more".

        ``cells=False`` (a CSV) gives line numbers even when the findings carry a letter.
        """
        w = section("spans", lang)
        if not self.runs:
            return w["file"]
        letter = self.letter if cells else None
        shown = []
        for a, b in self.runs[:max_runs]:
            if letter:
                shown.append(f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}")
            else:
                shown.append(str(a) if a == b else f"{a}-{b}")
        if not letter:  # "baris 5, 8, 14" / "rows 2-11, 50"; "row 5" alone
            one = len(shown) == 1 and self.runs[0][0] == self.runs[0][1]
            shown[0] = f"{w['row'] if one else w['rows']} {shown[0]}"
        text = ", ".join(shown)
        if len(self.runs) > max_runs:
            text += ", " + w["more"].format(n=num(len(self.runs) - max_runs, lang))
        return text

    def headline(self, lang: str, cells: bool = True) -> str:
        """``seluruh kolom (5.000 sel, B2:B5001)`` for a whole column, else the ranges."""
        w = section("spans", lang)
        if self.whole_column:
            name = f" {self.column}" if self.column else ""
            return (f"{w['whole']}{name} ({num(self.count, lang)} {w['cells']}, "
                    f"{self.where(lang, cells=cells)})")
        return self.where(lang, cells=cells)


def data_rows_of(table: object) -> np.ndarray | None:
    """The user's row numbers of a table's data records (``None`` without a table)."""
    data = getattr(table, "data", None)
    if data is None or ROW not in data:
        return None
    return data[ROW].to_numpy(dtype=np.int64)


def runs(rows: np.ndarray, data_rows: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Consecutive runs of ``rows``; with ``data_rows``, consecutive *data* rows.

    >>> runs(np.array([2, 3, 4, 7, 8, 10]))
    [(2, 4), (7, 8), (10, 10)]
    >>> runs(np.array([2, 3, 5, 6]), data_rows=np.array([2, 3, 5, 6, 9]))  # row 4 was skipped
    [(2, 6)]
    """
    order = None if data_rows is None else distinct_rows(np.asarray(data_rows, dtype=np.int64))
    return _runs(distinct_rows(np.asarray(rows, dtype=np.int64)), order)[0]


def _runs(rows: np.ndarray, order: np.ndarray | None) -> tuple[list[tuple[int, int]], bool]:
    """Runs of ``rows`` (sorted, distinct) and whether every one of them is a data row.

    ``order``: the sorted distinct data rows, or ``None``.
    """
    if rows.size == 0:
        return [], False
    every_known = False
    if order is not None and order.size:
        pos = np.searchsorted(order, rows)
        known = (pos < order.size) & (order[np.minimum(pos, order.size - 1)] == rows)
        every_known = bool(known.all())
        step = np.where(known, pos, -10)  # a row that is not a data row stands alone
        breaks = np.flatnonzero((np.diff(step) != 1) | (step[1:] < 0) | (step[:-1] < 0)) + 1
    else:
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.r_[0, breaks]
    ends = np.r_[breaks - 1, rows.size - 1]
    return list(zip(rows[starts].tolist(), rows[ends].tolist(), strict=True)), every_known


def group_findings(issues: IssueTable | Sequence[Issue], data_rows: np.ndarray | None = None,
                   ) -> list[Span]:
    """One :class:`Span` per (code, column), worst severity first, then by count.

    ``data_rows`` are the user's row numbers of the table's data records (:func:`data_rows_of`);
    without them runs are plain consecutive rows and no span is a whole column.
    """
    order = None if data_rows is None else distinct_rows(np.asarray(data_rows, dtype=np.int64))
    table = IssueTable.of(issues)
    if not len(table):
        return []
    inverse = combined_key(table.code, table.field, table.letter)  # a bucket per (code, column)
    by = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[by], np.arange(inverse.max() + 2))
    spans = []
    for n in range(len(bounds) - 1):
        at = by[bounds[n]:bounds[n + 1]]
        first = table[int(at[0])]
        rows = table.row[at]
        distinct = distinct_rows(rows)
        found, every_known = _runs(distinct, order)
        whole = bool(order is not None and order.size and first.field and every_known
                     and distinct.size == order.size)
        spans.append(Span(code=first.code, severity=first.severity, field=first.field,
                          letter=first.letter, count=len(at), runs=tuple(found),
                          whole_column=whole, column=first.column))
    spans.sort(key=lambda s: (-int(s.severity), -s.count, s.code))
    return spans


__all__ = ["Span", "data_rows_of", "group_findings", "runs"]
