"""Issue 14: provinsi.html as the dashboard, and the page of ``pmkscheck history -o``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

from test_history import write_first, write_second

ROOT = Path(__file__).resolve().parents[1]


def _validate(folder: Path, out: Path, store: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(folder), "-o",
                        str(out), "--history", str(store), "--fail-on", "never", "-q"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def test_province_dashboard_and_history_page(tmp_path):
    store = tmp_path / "history.sqlite3"
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(ROOT / "sample_data" / "kutim_pmks_2025.xlsx", batch)
    write_first(batch / "samarinda_pmks.xlsx")
    _validate(batch, tmp_path / "out1", store)
    write_second(batch / "samarinda_pmks.xlsx")  # the next quarter's list, same file name
    out = tmp_path / "out2"
    _validate(batch, out, store)
    page = (out / "provinsi.html").read_text(encoding="utf-8")
    # each kab/kota links to its own report, and the link resolves
    hrefs = re.findall(r'<a href="([^"]+)"', page)
    assert len(hrefs) == 2
    assert all((out / unquote(h)).is_file() for h in hrefs)
    # findings in words (the rules' titles), not raw codes
    from pmkscheck.rules import rule

    assert rule("NIK_DUPLICATE").t("title", "id") in page or rule(
        "NAME_PLACEHOLDER").t("title", "id") in page
    assert not re.search(r"\b[A-Z]+_[A-Z_]+ \(\d+\)", page)
    # the change since the district's previous submission
    assert "+1 / -1 / 5 berubah" in page and "kiriman pertama" in page
    # districts that sent nothing, no empty tables, an inline SVG chart that parses
    assert "Belum ada berkas" in page and "Kabupaten Berau" in page
    assert "<tbody></tbody>" not in page
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 1 and ET.fromstring(svgs[0]).tag.endswith("svg")
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    # pmkscheck history: text and an offline HTML page with one chart per kab/kota
    html_page = tmp_path / "riwayat.html"
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "history", "--history", str(store),
                        "-o", str(html_page), "--lang", "en"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "6472 Kota Samarinda - Trend:" in r.stdout and "6408" in r.stdout
    text = html_page.read_text(encoding="utf-8")
    assert len(re.findall(r"<svg", text)) == 2
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        ET.fromstring(svg)
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "history", "--history", str(store),
                        "--district", "6472", "--format", "json"],
                       capture_output=True, text=True, timeout=120)
    import json

    items = json.loads(r.stdout)
    assert [i["file"] for i in items] == ["samarinda_pmks.xlsx"] * 2
    assert items[0]["sha256"] != items[1]["sha256"]
