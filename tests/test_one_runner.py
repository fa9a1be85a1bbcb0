"""Issue 13: one issue runner for every table kind; the reader's notices as one structure check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from conftest import make_table, test_settings

from pmkscheck.checks import TABLE_CHECKS, CheckContext, registry, run_checks
from pmkscheck.checks.structure import RECAP_DROPPED, reader_notices
from pmkscheck.findings import findings_to_issues
from pmkscheck.issues import Issue, Severity
from pmkscheck.read.layout import notice
from pmkscheck.schema import load_schema


def _located(**cols: object) -> pd.DataFrame:
    """A recap-style findings frame: located in the sheet by the check (row, letter, column)."""
    return pd.DataFrame(cols)


def test_a_located_frame_keeps_its_cells_and_offers_value_to_the_message():
    table = make_table([{"nik": "1"}])
    found = _located(code=["REKAP_SEX_SUM", "REKAP_COUNT_NEGATIVE"], row=[12, 14],
                     letter=["E", "AB"], field=["jumlah", "l"],
                     column=["Anak Telantar / Jumlah", "Lansia / L"], value=[9.0, "-3"],
                     l=[4.0, np.nan], p=[3.0, np.nan], expected=[7.0, np.nan],
                     helper=["not named by any message", "x"])
    issues = findings_to_issues(found, table, None, empty_value="0")
    assert [(i.code, i.row, i.letter, i.field, i.column) for i in issues] == [
        ("REKAP_SEX_SUM", 12, "E", "jumlah", "Anak Telantar / Jumlah"),
        ("REKAP_COUNT_NEGATIVE", 14, "AB", "l", "Lansia / L")]
    # each finding keeps the parameters its message names; sums of counts read as whole numbers
    assert issues[0].params == {"value": 9, "l": 4, "p": 3, "expected": 7}
    assert issues[1].params == {"value": "-3"}
    assert issues[0].severity is Severity.ERROR


def test_an_empty_count_cell_reads_as_the_empty_value():
    table = make_table([{"nik": "1"}])
    found = _located(code=["REKAP_SEX_SUM"], row=[5], letter=["D"], field=["jumlah"],
                     column=["Jumlah"], value=[None], l=[1], p=[2], expected=[3])
    (issue,) = findings_to_issues(found, table, None, empty_value="0")
    assert issue.value is None and issue.params["value"] == "0"


def test_csv_findings_have_no_letter_even_when_located():
    table = make_table([{"nik": "1"}], fmt="csv")
    found = _located(code=["REKAP_COUNT_NEGATIVE"], row=[3], letter=["C"], field=["l"],
                     column=["L"], value=["-1"])
    (issue,) = findings_to_issues(found, table, None)
    assert (issue.row, issue.letter) == (3, None)


def test_a_person_check_frame_is_located_by_row_label_and_field():
    table = make_table([{"nik": "1"}, {"nik": "2"}], letters={"nik": "C"})
    issues = findings_to_issues(pd.Series([True, False], index=table.data.index), table,
                                "NIK_LENGTH", ("nik",))
    assert [(i.row, i.letter, i.value) for i in issues] == [
        (int(table.data["_row"].iloc[1]), "C", "2")]


def _ctx(table, schema: str, notices=()) -> CheckContext:
    return CheckContext(table=table, clean=pd.DataFrame(index=table.data.index), derived={},
                        settings=test_settings(), schema=load_schema(schema),
                        notices=tuple(notices))


def test_reader_notices_are_the_first_check_of_every_table_kind():
    assert TABLE_CHECKS == [reader_notices]
    assert registry()[0] is reader_notices


def test_reader_notices_file_first_then_table():
    table = make_table([{"nik": "1"}])
    table = replace(table, notices=[notice("COLUMN_UNKNOWN", letter="F", column="Catatan")])
    hidden = notice("SHEET_HIDDEN", params={"sheet": "Lama"})
    issues = run_checks(_ctx(table, "pmks-individu", [hidden]), checks=TABLE_CHECKS)
    assert [i.code for i in issues] == ["SHEET_HIDDEN", "COLUMN_UNKNOWN"]
    assert issues[0].params == {"sheet": "Lama"} and issues[1].letter == "F"


def test_a_recap_drops_the_notices_about_person_list_columns():
    table = make_table([{"nik": "1"}], schema="pmks-rekap")
    dropped = [notice(code) for code in sorted(RECAP_DROPPED)]
    kept = notice("SHEET_HIDDEN", params={"sheet": "Lama"})
    table = replace(table, notices=[*dropped, kept])
    assert [i.code for i in reader_notices.run(_ctx(table, "pmks-rekap"))] == ["SHEET_HIDDEN"]
    person = reader_notices.run(_ctx(table, "pmks-individu"))
    assert [i.code for i in person] == [*sorted(RECAP_DROPPED), "SHEET_HIDDEN"]


def test_reader_notices_run_whatever_is_selected():
    """Its codes are the reader's: the report builder filters them code by code."""
    table = replace(make_table([{"nik": "1"}]), notices=[notice("COLUMN_UNKNOWN", letter="F")])
    issues = run_checks(_ctx(table, "pmks-individu"), select=("NIK",), checks=TABLE_CHECKS)
    assert [i.code for i in issues] == ["COLUMN_UNKNOWN"]
    assert all(isinstance(i, Issue) for i in issues)
