"""``--format junit``: the XML parsed with ElementTree and compared with the JSON findings."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from test_ci_support import hand_report, unreadable, with_files, with_first

from pmkscheck.issues import Issue, Severity
from pmkscheck.report import junit
from pmkscheck.settings import Settings


def parse(report, settings) -> ET.Element:
    buf = io.StringIO()
    junit.render(report, settings, buf)
    text = buf.getvalue()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_suite_per_table_case_per_code():
    settings = Settings(write=False)
    report = hand_report(settings)
    root = parse(report, settings)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["data/kutim.xlsx [PMKS]"]
    by_code = report.to_dict()["files"][0]["summary"]["by_code"]
    cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    assert set(cases) == set(by_code)
    assert suites[0].get("tests") == str(len(by_code))
    # every finding of the JSON report is listed under its code, with its cell
    issues = report.to_dict()["files"][0]["issues"]
    for code, n in by_code.items():
        node = cases[code].find("failure")
        if node is None:
            node = cases[code].find("system-out")
        lines = node.text.splitlines()
        assert len(lines) == n
        for line, issue in zip(lines, [i for i in issues if i["code"] == code], strict=True):
            assert issue["message"] in line
            if issue["cell"]:
                assert line.startswith(issue["cell"])


def test_errors_fail_warnings_per_fail_on_infos_never():
    def failing(fail_on):
        settings = Settings(write=False, fail_on=fail_on)
        suite = parse(hand_report(settings), settings).find("testsuite")
        names = {c.get("name") for c in suite.findall("testcase") if c.find("failure") is not None}
        assert suite.get("failures") == str(len(names))
        return names

    errors = {"NIK_LENGTH", "DATE_FUTURE", "NIK_DUPLICATE"}
    assert failing("error") == errors
    assert failing("never") == errors  # the exit status ignores them; the display does not
    assert failing("warning") == errors | {"COLUMN_RECOMMENDED_MISSING"}  # JENIS_VARIANT: info


def test_failure_attributes():
    settings = Settings(write=False, lang="en")
    suite = parse(hand_report(settings), settings).find("testsuite")
    case = next(c for c in suite.findall("testcase") if c.get("name") == "NIK_LENGTH")
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message").startswith("1 x NIK_LENGTH: ")
    assert case.get("classname") == "pmkscheck.kutim_xlsx.PMKS"
    assert case.get("file") == "data/kutim.xlsx"
    assert failure.text.startswith("B6 (N I K): ")


def test_totals_and_unreadable_file():
    settings = Settings(write=False)
    report = with_files(hand_report(settings), unreadable())
    root = parse(report, settings)
    bad = root.findall("testsuite")[1]
    assert (bad.get("name"), bad.get("tests"), bad.get("errors")) == ("data/rusak.xlsx", "1", "1")
    assert bad.find("testcase/error").get("type") == "INPUT_CORRUPT"
    assert root.get("tests") == str(sum(int(s.get("tests")) for s in root.findall("testsuite")))
    assert root.get("errors") == "1" and root.get("failures") == "3"


def test_clean_table_is_one_passing_case():
    settings = Settings(write=False)
    report = with_first(hand_report(settings), issues=[])
    suite = parse(report, settings).find("testsuite")
    assert [(c.get("name"), len(c)) for c in suite.findall("testcase")] == [("pmkscheck", 0)]
    assert suite.get("failures") == "0"


@pytest.mark.parametrize("mask,shown", [("partial", False), ("none", True)])
def test_masking_and_illegal_characters(mask, shown):
    settings = Settings(write=False, mask=mask)
    report = hand_report(settings)
    report = with_first(report, issues=[*report.files[0].issues, Issue(
        code="NAME_HAS_DIGITS", severity=Severity.WARNING, row=5, field="nama", column="Nama",
        letter="C", value="Siti\x00\x1b Aminah \ud800")])
    root = parse(report, settings)  # parses: no illegal XML characters left
    text = ET.tostring(root, encoding="unicode")
    assert ("6408014101900002" in text) is shown
    assert "Siti\ufffd\ufffd Aminah" in text
    assert Counter(c.get("name") for c in root.iter("testcase"))["NAME_HAS_DIGITS"] == 1
