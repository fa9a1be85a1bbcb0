"""Repeated findings read as one (issue 16): runs of rows, whole columns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck.issues import Issue, Severity
from pmkscheck.report.spans import group_findings, runs


def _issues(code, rows, letter="B", field="nik", severity=Severity.ERROR):
    return [Issue(code, severity, row=r, field=field, letter=letter) for r in rows]


@pytest.mark.parametrize("rows, data, expected", [
    ([2, 3, 4], None, [(2, 4)]),
    ([2, 4, 6], None, [(2, 2), (4, 4), (6, 6)]),
    ([5, 3, 4, 4], None, [(3, 5)]),                       # unsorted, repeated
    ([2, 3, 5, 6], [2, 3, 5, 6], [(2, 6)]),               # row 4 skipped (a section row)
    ([2, 3, 5, 6], [2, 3, 4, 5, 6], [(2, 3), (5, 6)]),    # row 4 is data without the finding
    ([2, 40], [2, 3], [(2, 2), (40, 40)]),                # a row outside the data stands alone
    ([], [2, 3], []),
])
def test_runs(rows, data, expected):
    got = runs(np.array(rows), None if data is None else np.array(data))
    assert got == expected


@given(st.sets(st.integers(2, 400), min_size=1))
def test_runs_cover_exactly_the_rows(rows):
    got = runs(np.array(sorted(rows)))
    covered = {r for a, b in got for r in range(a, b + 1)}
    assert covered == rows
    assert all(b + 1 < c for (_, b), (c, _) in zip(got, got[1:], strict=False))  # maximal


def test_a_destroyed_column_is_one_line():
    data = list(range(6, 5006))
    spans = group_findings(_issues("NIK_EXCEL_NUMBER", data), data)
    (span,) = spans
    assert span.whole_column and span.count == 5000
    assert span.headline("id") == "seluruh kolom (5.000 sel, B6:B5005)"
    assert span.headline("en") == "the whole column (5,000 cells, B6:B5005)"


def test_part_of_a_column_lists_its_ranges_and_csv_says_rows():
    data = list(range(2, 102))
    hit = [*range(2, 12), 50, *range(60, 70), 80, 90, 95, 97]
    (span,) = group_findings(_issues("NIK_LENGTH", hit, letter=None), data)
    assert not span.whole_column and span.count == len(hit)
    assert span.where("id") == "baris 2-11, 50, 60-69, 80, 90, 95, +1 rentang lagi"
    assert span.where("en", max_runs=10) == "rows 2-11, 50, 60-69, 80, 90, 95, 97"
    (one,) = group_findings(_issues("NIK_LENGTH", [50], letter="B"), data)
    assert one.where("en") == "B50" and one.where("en", cells=False) == "row 50"


def test_whole_column_names_its_header_and_a_csv_gives_lines():
    data = [2, 3, 4]
    issues = [Issue("NIK_EXCEL_NUMBER", Severity.ERROR, row=r, field="nik", column="N I K",
                    letter="B") for r in data]
    (span,) = group_findings(issues, data)
    assert span.headline("id") == "seluruh kolom N I K (3 sel, B2:B4)"
    assert span.headline("en", cells=False) == "the whole column N I K (3 cells, rows 2-4)"


def test_groups_are_per_code_and_column_worst_first():
    data = [2, 3, 4]
    issues = (_issues("NAME_HAS_DIGITS", [2, 3, 4], "D", "nama", Severity.WARNING)
              + _issues("NIK_LENGTH", [3], "B")
              + [Issue("COLUMN_RECOMMENDED_MISSING", Severity.WARNING)])
    spans = group_findings(issues, data)
    assert [(s.code, s.whole_column) for s in spans] == [
        ("NIK_LENGTH", False), ("NAME_HAS_DIGITS", True), ("COLUMN_RECOMMENDED_MISSING", False)]
    assert spans[-1].where("id") == "berkas" and spans[-1].count == 1
