"""The offline HTML report (pmkscheck.report.html).

Static checks on the text (no outside reference, everything escaped, identifiers masked) and,
when Debian's ``chromium`` is installed (scripts/test.sh installs it), a real render: headless
Chromium dumps the DOM after layout and takes a screenshot, kept as a test artefact in
``tests/artifacts/`` (gitignored) for a person to look at. Browser tests skip without chromium.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_sample import NIK, issue, sample_report, sample_workbook

from pmkscheck.issues import Severity
from pmkscheck.report import FileReport, Report
from pmkscheck.report.html import render_html
from pmkscheck.write.html import write_html

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Collect(HTMLParser):
    """Visible text per element class, and every tag/attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text_by_class: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in ("br", "meta", "rect", "img", "input", "link"):
            self.stack.append(a.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag not in ("br", "meta", "rect"):
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.text_by_class.setdefault(self.stack[-1], []).append(data.strip())


def _parse(text: str) -> _Collect:
    p = _Collect()
    p.feed(text)
    return p


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Report, FileReport]:
    return sample_report(tmp_path / "kutim.xlsx")


def test_no_external_reference(sample) -> None:
    report, f = sample
    text = render_html(f, report.settings)
    lowered = text.lower()
    for needle in ("http://", "https://", "//cdn", "src=", "@import", "url(", "<script",
                   "<link", "<img", "<iframe"):
        assert needle not in lowered, needle
    for tag, attrs in _parse(text).tags:
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)


def test_headline_numbers_chart_and_groups(sample) -> None:
    report, f = sample
    text = render_html(f, report.settings)
    p = _parse(text)
    assert p.text_by_class["n"][:5] == ["10", "7", "4", "2", "6"]
    assert "Kabupaten Kutai Timur" in p.text_by_class["n small"]
    bars = [a for t, a in p.tags if t == "rect" and a.get("class") == "bar"]
    assert len(bars) == len(f.completeness)
    widths = {float(a["width"]) for a in bars}
    assert max(widths) == 440.0 and 396.0 in widths  # 100 % and 90 % of a 440 px bar
    groups = {a["id"]: a["class"] for t, a in p.tags if t == "div" and "finding" in (
        a.get("class") or "")}
    assert groups == {c: f"finding {next(i for i in f.issues if i.code == c).severity.label}"
                      for c in f.code_counts()}
    counts = p.text_by_class["count"]
    assert counts[0] == "2×"  # NIK_DUPLICATE first: errors first, then by count
    # the first locations of a code are its cells
    dup = text[text.index('id="NIK_DUPLICATE"'):]
    dup = dup[: dup.index("</table>")]
    assert "<td>B5</td>" in dup and "<td>B8</td>" in dup
    # one row per kecamatan
    assert text.count("<td>Rantau Pulung</td>") == 1 and "66,7%" in text


def test_everything_escaped_and_masked(tmp_path: Path) -> None:
    report, f = sample_report(tmp_path / "<b>x</b>.xlsx", sheet="A&B <i>")
    f = replace(
        f, issues=[*f.issues, issue("NAME_HAS_DIGITS", 9, "nama", "<script>alert(1)</script>")],
        kecamatan=[*f.kecamatan, {"kecamatan": "<img src=x>", "code": None, "rows": 1,
                                  "rows_with_errors": 0, "completeness": 1.0}])
    text = render_html(f, report.settings)
    assert "<script>" not in text and "<img" not in text and "<b>x</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "A&amp;B &lt;i&gt;" in text
    assert NIK not in text and "640801******0001" in text


def test_mask_none_shows_full_nik(tmp_path: Path) -> None:
    report, f = sample_report(tmp_path / "k.xlsx", mask="none")
    assert NIK in render_html(f, report.settings)


def test_english(tmp_path: Path) -> None:
    report, f = sample_report(tmp_path / "k.xlsx", lang="en")
    text = render_html(report, report.settings)
    assert '<html lang="en">' in text and "Findings by code" in text and "How to fix" in text
    assert "Baris data" not in text


def test_print_css_for_a4(sample) -> None:
    report, f = sample
    text = render_html(f, report.settings)
    assert re.search(r"@page\s*\{\s*size:\s*A4", text)
    assert "@media print" in text


def test_no_findings_and_unreadable(tmp_path: Path) -> None:
    report, f = sample_report(tmp_path / "ok.xlsx", issues=[])
    bad = FileReport(path=tmp_path / "rusak.xlsx", error="INPUT_CORRUPT",
                     error_params={"path": "rusak.xlsx", "reason": "not a zip file"})
    text = render_html(Report(files=[f, bad], settings=report.settings), report.settings)
    assert "Tidak ada temuan" in text
    assert "INPUT_CORRUPT" in text and "rusak.xlsx" in text
    assert text.count('<section class="file">') == 2


def test_write_html_atomic_and_input_untouched(tmp_path: Path) -> None:
    src = sample_workbook(tmp_path / "kutim.xlsx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    report, f = sample_report(src)
    out = tmp_path / "kutim.laporan.html"
    write_html(f, report, report.settings, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    with pytest.raises(PermissionError):
        write_html(f, report, report.settings, src)


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chr'}",
           *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/test.sh installs it)")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_renders_in_chromium(tmp_path: Path, lang: str) -> None:
    report, f = sample_report(tmp_path / "kutim.xlsx", lang=lang)
    page = tmp_path / f"laporan-{lang}.html"
    write_html(f, report, report.settings, page)
    dom = _chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = _parse(dom.stdout)
    assert p.text_by_class["n"][:5] == ["10", "7", "4", "2", "6"]
    assert any(t == "svg" for t, _ in p.tags)
    assert sum(1 for t, a in p.tags if t == "rect" and a.get("class") == "bar") == 7
    assert sum(1 for t, a in p.tags if t == "div" and "finding " in (a.get("class") or "")) == \
        len(f.code_counts())
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report_html_{lang}.png"
    shot.unlink(missing_ok=True)
    res = _chromium([f"--screenshot={shot}", "--window-size=1200,2000",
                     "--hide-scrollbars", page.as_uri()], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a real page, not a blank one
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/test.sh installs it)")
def test_prints_to_a4_pdf(tmp_path: Path) -> None:
    report, f = sample_report(tmp_path / "kutim.xlsx")
    f = replace(f, issues=list(f.issues) * 8)  # several pages
    page = tmp_path / "laporan.html"
    write_html(f, report, report.settings, page)
    pdf = tmp_path / "laporan.pdf"
    res = _chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page boxes"
    for w, h in boxes:  # A4 = 595 x 842 pt
        assert abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "report_html_a4.pdf")


def test_severity_labels_in_both_languages(tmp_path: Path) -> None:
    for lang, label in (("id", "galat"), ("en", "error")):
        report, f = sample_report(tmp_path / "k.xlsx", lang=lang)
        text = render_html(f, report.settings)
        assert f'<span class="badge {Severity.ERROR.label}">{label}</span>' in text
