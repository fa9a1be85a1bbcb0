"""Terminal view (pmkscheck.report.terminal): golden files at 80 columns, colour, progress.

Golden files live in tests/golden/terminal_*.txt. To regenerate them after an intended change,
run ``UPDATE_GOLDEN=1 python -m pytest tests/test_report_terminal.py`` and review the diff
(``git diff tests/golden``) before committing. Lines are compared without trailing spaces.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from test_report_sample import sample_report

from pmkscheck.report import FileReport, Report
from pmkscheck.report.console import ProgressPrinter, make_console, progress_printer
from pmkscheck.report.terminal import render
from pmkscheck.settings import Settings

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _render(report: Report, width: int = 80, color: bool | None = False) -> str:
    buf = io.StringIO()
    render(report, report.settings, buf, width=width, color=color)
    return buf.getvalue()


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"terminal_{name}.txt"
    text = _clean(text)
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    assert text == path.read_text(encoding="utf-8")


def _sample(lang: str = "id") -> Report:
    report, _f = sample_report(Path("data/kutim.xlsx"), lang=lang, outputs={
        "annotated": "data/kutim_pmkscheck/kutim.catatan.xlsx",
        "html": "data/kutim_pmkscheck/kutim.laporan.html"})
    return report


@pytest.mark.parametrize("lang", ["id", "en"])
def test_golden_sample(lang: str) -> None:
    _check_golden(f"sample_{lang}", _render(_sample(lang)))


def test_golden_csv_clean_and_unreadable() -> None:
    report, f = sample_report(Path("data/balikpapan.csv"), fmt="csv", sheet=None)
    ok_report, ok = sample_report(Path("data/paser.xlsx"), sheet="Sheet1", issues=[])
    bad = FileReport(path=Path("data/rusak.xlsx"), error="INPUT_CORRUPT",
                     error_params={"path": "data/rusak.xlsx", "reason": "not a zip file"})
    _check_golden("batch_id", _render(Report(files=[f, ok, bad], settings=report.settings)))


def test_lines_fit_in_80_columns() -> None:
    for lang in ("id", "en"):
        text = _render(_sample(lang))
        assert max(len(line.rstrip()) for line in text.splitlines()) <= 80


def test_every_code_and_location_shown() -> None:
    report = _sample()
    text = _render(report)
    f = report.files[0]
    for code in f.code_counts():
        assert code in text
    for i in f.issues:
        if i.row and i.letter:
            assert f"{i.letter}{i.row}" in text


def test_csv_shows_rows_not_cells() -> None:
    report, f = sample_report(Path("data/b.csv"), fmt="csv", sheet=None)
    text = _render(report)
    assert "baris 6" in text and "B6" not in text


def test_no_colour_when_not_a_tty() -> None:
    text = _render(_sample(), color=None)  # StringIO is not a tty
    assert "\x1b[" not in text


def test_colour_on_a_tty_and_no_color_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    out = Tty()
    render(_sample(), _sample().settings, out, width=80)
    assert "\x1b[" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    render(_sample(), _sample().settings, out, width=80)
    assert "\x1b[" not in out.getvalue()


def test_console_width() -> None:
    assert make_console(io.StringIO(), width=80).width == 80


def test_progress_quiet_when_not_a_tty() -> None:
    buf = io.StringIO()
    p = ProgressPrinter(buf)
    p("read kutim.xlsx")
    p.close()
    assert buf.getvalue() == ""
    verbose = ProgressPrinter(buf, verbose=1)
    verbose("read kutim.xlsx")
    assert buf.getvalue().endswith("read kutim.xlsx\n") and buf.getvalue().count("\n") == 1


def test_progress_on_a_tty_rewrites_one_line() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    with progress_printer(Settings(), out) as p:
        p("read kutim.xlsx")
        p("check kutim.xlsx")
    text = out.getvalue()
    assert "\n" not in text and text.count("\r") >= 3
    assert "check kutim.xlsx" in text and text.endswith("\r")
    off = Tty()
    progress_printer(Settings(progress=False), off)("read")
    assert off.getvalue() == ""
