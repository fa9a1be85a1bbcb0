"""Issue 16: findings are columns (``IssueTable``), and the JSON report is written from them.

Property-based: whatever findings a run holds, the table answers what the list of ``Issue``
records answered (order, counts, rows, groups), and the streamed JSON is the document
``json.dumps`` gives for the rendered dicts. Then, on a list whose NIK and No. KK columns Excel
destroyed: no ``Issue`` object is built per finding from the checks to the JSON report.
"""

from __future__ import annotations

import io
import json
import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmkscheck.issuetable as issuetable_module
from pmkscheck.findings import findings_to_issues
from pmkscheck.issues import Issue, Severity
from pmkscheck.issuetable import IssueTable, combined_key, distinct_rows
from pmkscheck.report.json_report import write_files
from pmkscheck.report.model import FileReport, issue_dicts
from pmkscheck.settings import Settings

CODES = ["NIK_LENGTH", "NIK_EXCEL_NUMBER", "NAME_HAS_DIGITS", "KK_EXCEL_NUMBER",
         "NIK_DUPLICATE", "DISTRICT_UNKNOWN"]
texts = st.one_of(st.none(), st.text(max_size=12))
issue_st = st.builds(
    Issue,
    code=st.sampled_from(CODES),
    severity=st.sampled_from(list(Severity)),
    row=st.one_of(st.none(), st.integers(1, 60)),
    field=st.sampled_from([None, "nik", "nama", "no_kk"]),
    column=st.sampled_from([None, "NIK", "Nama Lengkap", 'Kolom "X"\n2']),
    letter=st.sampled_from([None, "B", "Z", "AA", "AB"]),
    value=texts,
    params=st.dictionaries(st.sampled_from(["other_row", "n", "name"]),
                           st.one_of(st.integers(1, 99), st.text(max_size=5)), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(issue_st, max_size=30))
def test_a_table_is_the_list_it_was_built_from(issues):
    t = IssueTable.of(issues)
    assert len(t) == len(issues)
    assert list(t) == issues
    assert [t[k] for k in range(len(issues))] == issues
    assert t == issues
    assert pickle.loads(pickle.dumps(t)) == issues
    assert list(t.sorted()) == sorted(issues, key=Issue.sort_key)
    for sev in Severity:
        assert t.count(sev) == sum(i.severity is sev for i in issues)
        assert t.rows_with(sev).tolist() == sorted({i.row for i in issues
                                                    if i.severity is sev and i.row})
    assert t.worst == max((i.severity for i in issues), default=None)
    assert t.code_counts() == Counter(i.code for i in issues)
    groups = t.positions_by_code()
    assert {c: [issues[k] for k in p] for c, p in groups.items()} == {
        c: [i for i in issues if i.code == c] for c in {i.code for i in issues}}


@settings(max_examples=100, deadline=None)
@given(st.lists(issue_st, max_size=20), st.lists(issue_st, max_size=20), st.data())
def test_concat_and_take_are_the_list_operations(a, b, data):
    t = IssueTable.concat([IssueTable.of(a), b])
    assert list(t) == a + b
    keep = data.draw(st.lists(st.booleans(), min_size=len(t), max_size=len(t)))
    kept = [i for i, k in zip(a + b, keep, strict=True) if k]
    assert list(t.take(np.array(keep, dtype=bool))) == kept
    assert list(t.where_code(lambda c: c.startswith("NIK"))) == [
        i for i in a + b if i.code.startswith("NIK")]


@settings(max_examples=100, deadline=None)
@given(st.lists(issue_st, max_size=25), st.sampled_from(["partial", "full", "none"]),
       st.sampled_from(["id", "en"]), st.booleans())
def test_streamed_json_is_the_document_of_the_rendered_dicts(issues, mask, lang, csv):
    f = FileReport(path=Path("a.csv" if csv else "a.xlsx"), format="csv" if csv else "xlsx",
                   issues=issues)
    s = Settings(mask=mask, lang=lang)
    out = io.StringIO()
    write_files([f], "9", s, out)
    shell = {"tool": "pmkscheck", "version": "9", "files": [
        {**json.loads(out.getvalue())["files"][0], "issues": "ISSUES"}]}
    dicts = issue_dicts(f, s)  # the document json.dumps gives, one finding per line
    lines = ",\n".join(" " * 8 + json.dumps(d, ensure_ascii=False) for d in dicts)
    expected = json.dumps(shell, ensure_ascii=False, indent=2).replace(
        '"ISSUES"', f"[\n{lines}\n      ]" if dicts else "[]")
    assert out.getvalue() == expected
    doc = json.loads(out.getvalue())
    assert [d["code"] for d in doc["files"][0]["issues"]] == [i.code for i in issues]
    assert [d["cell"] for d in doc["files"][0]["issues"]] == [
        None if csv else i.cell for i in issues]


def test_streamed_json_in_chunks_is_one_document():
    issues = [Issue("NIK_LENGTH", Severity.ERROR, row=n, field="nik", letter="B",
                    value=f"640{n}") for n in range(1, 8)]
    f = FileReport(path=Path("a.xlsx"), format="xlsx", issues=issues)
    whole, chunked = io.StringIO(), io.StringIO()
    write_files([f, f], "1", Settings(), whole)
    import pmkscheck.report.model as model
    from pmkscheck.report.json_report import finding_lines

    old = model.CHUNK
    model.CHUNK = 3
    try:
        assert [b.count("\n") + 1 for b in finding_lines(f, Settings())] == [3, 3, 1]
        write_files([f, f], "1", Settings(), chunked)
    finally:
        model.CHUNK = old
    assert chunked.getvalue() == whole.getvalue()
    assert len(json.loads(whole.getvalue())["files"][1]["issues"]) == 7


def test_findings_frame_becomes_columns_with_params_and_locations(tmp_path):
    from pmkscheck.table import ROW, Column, SourceTable

    data = pd.DataFrame({ROW: [5, 6, 7], "nik": ["1", None, "3"], "nama": ["A", "B", "C"]},
                        index=[10, 11, 12])
    table = SourceTable(path=tmp_path / "x.xlsx", format="xlsx", sheet="S", header_row=4,
                        columns=[Column("NIK", "nik", "B", 1), Column("Nama", "nama", "C", 2)],
                        letters={"nik": "B", "nama": "C"},
                        headers={"nik": "NIK", "nama": "Nama"}, data=data)
    frame = pd.DataFrame({"code": ["NIK_DUPLICATE", "NIK_LENGTH"], "other_row": [7, np.nan]},
                         index=[10, 11])
    t = findings_to_issues(frame, table, None, ("nik",))
    assert isinstance(t, IssueTable)
    assert [(i.code, i.row, i.cell, i.value, dict(i.params)) for i in t] == [
        ("NIK_DUPLICATE", 5, "B5", "1", {"other_row": 7}),
        ("NIK_LENGTH", 6, "B6", None, {})]
    passing = pd.Series([True, False, pd.NA], index=[10, 11, 12])
    assert [(i.code, i.row) for i in findings_to_issues(passing, table, "NIK_LENGTH",
                                                        ("nik",))] == [("NIK_LENGTH", 6)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 3000), st.integers(0, 10**9)), max_size=200))
def test_distinct_rows_are_the_sorted_distinct_positive_rows(rows):
    arr = np.array(rows, dtype=np.int64)
    assert distinct_rows(arr).tolist() == sorted({r for r in rows if r > 0})


def test_combined_key_numbers_each_combination_in_order_of_appearance():
    a = np.array(["x", "y", "x", None, "x"], dtype=object)
    b = np.array([None, "B", None, None, "C"], dtype=object)
    assert combined_key(a, b).tolist() == [0, 1, 0, 2, 3]


@pytest.fixture
def destroyed_csv(tmp_path):
    lines = ["No;NIK;No KK;Nama;Jenis Kelamin;Tanggal Lahir;Desa;Kecamatan;Jenis PMKS"]
    for i in range(1, 3001):
        name = f"Siti Aminah {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}"
        lines.append(f"{i};6,40813E+15;6,40813E+15;{name};P;17-08-1950;Swarga Bara;"
                     "Sangatta Utara;Fakir Miskin")
    path = tmp_path / "kutim_rusak.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return path


def test_no_object_per_finding_from_checks_to_json_report(destroyed_csv, monkeypatch):
    """6,000 findings; the Issue records built on the way are counted (a handful, not 6,000)."""
    import pmkscheck
    from pmkscheck.report.json_report import render

    built = Counter()
    real = issuetable_module.Issue

    class Counted(real):  # type: ignore[misc, valid-type]
        __slots__ = ()

        def __init__(self, *a, **k):
            built["n"] += 1
            super().__init__(*a, **k)

    monkeypatch.setattr(issuetable_module, "Issue", Counted)
    report = pmkscheck.validate(str(destroyed_csv), use_history=False, write=False)
    f = report.files[0]
    counts = f.code_counts()
    assert counts["NIK_EXCEL_NUMBER"] == counts["KK_EXCEL_NUMBER"] == 3000, counts
    out = io.StringIO()
    render(report, report.settings, out)
    doc = json.loads(out.getvalue())
    assert len(doc["files"][0]["issues"]) == sum(counts.values()) >= 6000
    assert doc["files"][0]["summary"]["rows_with_errors"] == 3000
    assert built["n"] < 50, built
