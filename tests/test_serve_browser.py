"""``pmkscheck serve`` in a real browser (issue 15): Debian's Chromium driven by Playwright.

A real uvicorn server on 127.0.0.1 serves the page; Chromium (the system executable, nothing
downloaded) drops a sample workbook on the page, waits for the report, compares the counts with
the CLI's JSON, downloads the annotated workbook and opens it. A hostile file shows its sentence.
Screenshots of the main states are kept under ``docs/serve/`` when ``UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import test_settings

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "kutim_pmks_2025.xlsx"
SHOTS = ROOT / "docs" / "serve"
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def _running(settings, work: Path):
    """A real uvicorn server on 127.0.0.1 in a thread; yields the URL with its token."""
    from pmkscheck.serve import make_server

    srv, sock, url, queue = make_server(settings, port=0, work_root=work)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    try:
        yield url
    finally:
        srv.should_exit = True
        thread.join(10)
        queue.close()
        sock.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with _running(test_settings(), tmp_path_factory.mktemp("serve")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    outside: list[str] = []
    origin = server.split("/?")[0]
    pg.on("request", lambda r: None if r.url.startswith((origin, "data:", "blob:"))
          else outside.append(r.url))
    pg.goto(server)
    yield pg
    context.close()
    assert not outside, f"the page asked outside the server: {outside}"


def _drop(page, path: Path) -> None:
    """Drop a file on the drop zone the way a file manager does (a DataTransfer with a File)."""
    data = list(path.read_bytes())
    page.evaluate(
        """([name, bytes]) => {
            const file = new File([new Uint8Array(bytes)], name);
            const dt = new DataTransfer();
            dt.items.add(file);
            const zone = document.getElementById("drop");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true,
                                                        cancelable: true}));
            }
        }""", [path.name, data])


def _shot(page, name: str) -> None:
    if UPDATE:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_drop_a_workbook_and_read_the_report(page, tmp_path):
    _shot(page, "1-empty")
    assert page.locator("#drop .drop-title").inner_text() == "Tarik berkas ke sini"
    _drop(page, SAMPLE)
    job = page.locator("article.job[data-state='done']")
    job.wait_for(timeout=120_000)
    _shot(page, "2-report")
    cli = json.loads(subprocess.run(
        [sys.executable, "-m", "pmkscheck", "validate", str(SAMPLE), "--no-write", "--format",
         "json"], capture_output=True, text=True, timeout=300).stdout)["files"][0]
    cards = {c.get_attribute("data-count"): c.locator("b").inner_text()
             for c in job.locator(".card").all()}
    as_int = {k: int(v.replace(".", "").replace(",", "")) for k, v in cards.items()}
    assert as_int["baris data"] == cli["data_rows"] == 300
    assert as_int["galat"] == cli["summary"]["errors"]
    assert as_int["peringatan"] == cli["summary"]["warnings"]
    assert as_int["info"] == cli["summary"]["infos"]
    codes = {r.get_attribute("data-code") for r in job.locator("tr[data-code]").all()}
    assert codes == set(cli["summary"]["by_code"])
    with page.expect_download() as info:
        job.locator("a[data-kind='annotated']").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    wb = openpyxl.load_workbook(target)
    assert len(wb.sheetnames) >= 2
    assert target.name.endswith(".catatan.xlsx")


def test_file_picker_and_english_switch(page):
    page.click("#lang-en")
    assert page.locator("#drop .drop-title").inner_text() == "Drop files here"
    page.set_input_files("#picker", str(SAMPLE))
    job = page.locator("article.job[data-state='done']")
    job.wait_for(timeout=120_000)
    assert job.locator(".card[data-count='data rows'] b").inner_text() == "300"
    page.click("#rules summary")
    page.fill("#rules-filter", "NIK_EXCEL_NUMBER")
    assert "NIK_EXCEL_NUMBER" in page.locator("#rules-list").inner_text()
    _shot(page, "3-english-rules")
    page.evaluate("localStorage.clear()")


def test_hostile_file_shows_its_sentence(page, tmp_path):
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook at all")
    _drop(page, broken)
    job = page.locator("article.job[data-state='done']")
    job.wait_for(timeout=120_000)
    text = job.locator(".failed").inner_text()
    assert text and "Traceback" not in text
    _shot(page, "4-unreadable")
    _drop(page, SAMPLE)  # the server still serves
    page.locator("article.job[data-state='done'] .card").first.wait_for(timeout=120_000)


def test_request_without_token_is_refused(browser, server):
    context = browser.new_context()
    pg = context.new_page()
    response = pg.goto(server.split("?")[0])
    assert response.status == 403
    assert "Refused" in pg.content()
    context.close()


def test_second_submission_shows_what_changed(browser, tmp_path):
    """With a history store, the page says what changed since the district's previous list."""
    from test_history import write_first, write_second

    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    settings = test_settings(history=tmp_path / "riwayat.sqlite3")
    (tmp_path / "work").mkdir()
    with _running(settings, tmp_path / "work") as url:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        pg = context.new_page()
        pg.goto(url)
        _drop(pg, first)
        pg.locator("article.job[data-state='done']").first.wait_for(timeout=120_000)
        _drop(pg, second)
        changes = pg.locator("article.job[data-state='done'] p.changes")
        changes.wait_for(timeout=120_000)
        text = changes.inner_text()
        _shot(pg, "5-changes")
        context.close()
    assert "samarinda_q1.xlsx" in text and "Sejak pengiriman sebelumnya" in text
    assert "1 orang baru" in text and "1 orang hilang" in text, text
