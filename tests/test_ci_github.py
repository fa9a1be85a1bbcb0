"""``--format github``: workflow commands parsed back and compared with the JSON findings."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from test_ci_support import hand_report, unreadable, with_files, with_first

from pmkscheck.report import github
from pmkscheck.settings import Settings
from pmkscheck.table import column_index

CMD = re.compile(r"^::(?P<kind>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")
KIND = {"error": "error", "warning": "warning", "info": "notice"}


def unescape(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def parse(output: str) -> list[dict]:
    out = []
    for line in output.splitlines():
        m = CMD.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        out.append({"kind": m["kind"], **{k: unescape(v) for k, v in props.items()},
                    "msg": unescape(m["msg"])})
    return out


def render(report, settings) -> str:
    buf = io.StringIO()
    github.render(report, settings, buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _no_runner_env(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_one_command_per_json_finding(lang):
    settings = Settings(write=False, lang=lang)
    report = hand_report(settings)
    commands = parse(render(report, settings))
    issues = report.to_dict()["files"][0]["issues"]
    assert len(commands) == len(issues)
    for cmd, issue in zip(commands, issues, strict=True):
        assert cmd["kind"] == KIND[issue["severity"]]
        assert cmd["title"] == issue["code"]
        assert cmd["file"] == "data/kutim.xlsx"
        assert cmd.get("line") == (str(issue["row"]) if issue["row"] else None)
        assert issue["message"] in cmd["msg"]
        if issue["value"]:
            assert f"[{issue['value']}]" in cmd["msg"]
        if issue["cell"]:
            assert cmd["msg"].startswith(issue["cell"])
            letter = re.match(r"[A-Z]+", issue["cell"])[0]
            assert cmd["col"] == str(column_index(letter) + 1)


def test_identifiers_are_masked_unless_asked():
    settings = Settings(write=False)
    out = render(hand_report(settings), settings)
    assert "6408014101900002" not in out and "647203170880" not in out
    assert "640801******0002" in out
    clear = Settings(write=False, mask="none")
    assert "6408014101900002" in render(hand_report(clear), clear)


def test_csv_findings_have_lines_but_no_columns():
    settings = Settings(write=False)
    report = hand_report(settings, path="kutim.csv", sheet=None, fmt="csv")
    commands = parse(render(report, settings))
    rows = [c for c in commands if "line" in c]
    assert rows and all("col" not in c for c in rows)
    assert all(c["msg"].startswith("baris ") for c in rows)


def test_special_characters_are_escaped():
    settings = Settings(write=False)
    report = hand_report(settings, path="data/a,b: 100%.xlsx")
    out = render(report, settings)
    assert len(out.splitlines()) == len(report.files[0].issues)
    assert {c["file"] for c in parse(out)} == {"data/a,b: 100%.xlsx"}
    assert github.escape_data("a\nb%") == "a%0Ab%25"


def test_unreadable_file_is_one_error(tmp_path):
    settings = Settings(write=False)
    report = with_files(hand_report(settings), unreadable())
    commands = parse(render(report, settings))
    last = commands[-1]
    assert (last["kind"], last["title"], last["file"]) == ("error", "INPUT_CORRUPT",
                                                           "data/rusak.xlsx")
    assert "line" not in last


def test_paths_relative_to_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    settings = Settings(write=False)
    report = hand_report(settings, path=tmp_path / "data" / "kutim.xlsx")
    assert {c["file"] for c in parse(render(report, settings))} == {"data/kutim.xlsx"}
    assert github.annotation_path(Path("/elsewhere/x.csv")) == "/elsewhere/x.csv"


def test_job_summary_appended(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    settings = Settings(write=False, lang="en")
    report = with_files(hand_report(settings), unreadable())
    render(report, settings)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n")
    assert "## ❌ pmkscheck" in text
    # the files table: one row per file, counts as in the JSON summary
    s = report.to_dict()["files"][0]["summary"]
    assert re.search(rf"\| data/kutim\.xlsx \| PMKS \| 5 \| {s['errors']} \| {s['warnings']} "
                     rf"\| {s['infos']} \| ❌ \|", text)
    assert "| data/rusak.xlsx | | | INPUT\\_CORRUPT |" in text
    # top codes with titles and first cells, errors first
    from pmkscheck.rules import rule

    assert f"| `NIK_LENGTH` | {rule('NIK_LENGTH').t('title', 'en')} | error | 1 | B6 |" in text
    table = text[text.index("### data/kutim.xlsx"):]
    codes = re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.M)
    assert codes[:3] == sorted(codes[:3]) and set(codes[:3]) == {"DATE_FUTURE", "NIK_DUPLICATE",
                                                                  "NIK_LENGTH"}
    jenis = next(line for line in table.splitlines() if "`JENIS_VARIANT`" in line)
    assert "E6, E7" in jenis and "| 2 |" in jenis
    missing = next(line for line in table.splitlines() if "COLUMN_RECOMMENDED_MISSING" in line)
    assert "whole file" in missing
    assert "6408014101900002" not in text


def test_summary_mentions_baseline(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    settings = Settings(write=False, baseline=tmp_path / "b.json")
    report = with_first(hand_report(settings), baselined=3)
    render(report, settings)
    assert "> 3 temuan lama" in summary.read_text(encoding="utf-8")


def test_clean_report_summary_is_green(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    settings = Settings(write=False)
    report = with_first(hand_report(settings), issues=[])
    assert render(report, settings) == ""
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## ✅ pmkscheck") and "| ✅ |" in text


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text())
def test_property_escaping_round_trips(text):
    data = github.escape_data(text)
    assert "\n" not in data and "\r" not in data and unescape(data) == text
    prop = github.escape_property(text)
    assert not {",", ":", "\n", "\r"} & set(prop) and unescape(prop) == text
