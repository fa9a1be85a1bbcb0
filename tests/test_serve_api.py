"""``pmkscheck serve`` over HTTP (issue 15): who is let in, uploads, jobs, downloads, clean-up.

The app is driven through Starlette's test client with the Host a browser on 127.0.0.1 sends; the
browser itself is exercised in ``test_serve_browser.py``.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import test_settings
from hostile.corpus import _entities, valid_xlsx
from starlette.testclient import TestClient

from pmkscheck.serve.app import create_app
from pmkscheck.serve.jobs import JobQueue
from pmkscheck.serve.security import Gate
from pmkscheck.serve.uploads import safe_name

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "kutim_pmks_2025.xlsx"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
TOKEN = "t" * 43


@pytest.fixture()
def served(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    queue = JobQueue(root, test_settings(), workers=2, max_pending=4, ttl_s=3600)
    app = create_app(queue, Gate(token=TOKEN, port=PORT), max_upload_bytes=2 * 1024 * 1024)
    with TestClient(app, base_url=BASE) as client:
        client.headers["X-Pmkscheck-Token"] = TOKEN
        yield client, queue, root
    queue.close()


def _upload(client, *paths: Path, lang: str = "id"):
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    return client.post(f"/api/jobs?lang={lang}", files=files)


def _wait(client, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/jobs/{job_id}").json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def _cli_json(path: Path) -> dict:
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(path), "--no-write",
                        "--format", "json"], capture_output=True, text=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


# ---- nobody let in ----------------------------------------------------------------------

@pytest.mark.parametrize("headers,why", [
    ({}, "no token"),
    ({"X-Pmkscheck-Token": "wrong"}, "wrong token"),
    ({"X-Pmkscheck-Token": TOKEN, "Host": "evil.example:8765"}, "DNS rebinding host"),
    ({"X-Pmkscheck-Token": TOKEN, "Host": f"127.0.0.1:{PORT + 1}"}, "other port"),
    ({"X-Pmkscheck-Token": TOKEN, "Origin": "http://evil.example"}, "foreign origin"),
    ({"X-Pmkscheck-Token": TOKEN, "Origin": "null"}, "opaque origin"),
])
def test_requests_without_token_or_from_elsewhere_are_refused(served, headers, why):
    client, _, _ = served
    client.headers.pop("X-Pmkscheck-Token")
    for path in ("/", "/api/rules", "/static/app.js", "/api/districts"):
        r = client.get(path, headers=headers)
        assert r.status_code == 403, (why, path)
        assert "Ditolak" in r.text and "Refused" in r.text
    r = client.post("/api/jobs", headers=headers, files=[("files", ("a.csv", b"x", "text/csv"))])
    assert r.status_code == 403, why


def test_token_in_url_sets_a_strict_cookie_that_later_requests_use(served):
    client, _, _ = served
    client.headers.pop("X-Pmkscheck-Token")
    r = client.get(f"/?token={TOKEN}")
    assert r.status_code == 200 and "pmkscheck" in r.text
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "content-security-policy" in r.headers
    assert client.get("/api/rules").status_code == 200  # the cookie alone now suffices
    assert client.get("/", headers={"Host": f"localhost:{PORT}"}).status_code == 200


def test_page_loads_nothing_from_outside():
    from importlib import resources

    static = resources.files("pmkscheck.serve").joinpath("static")
    for name in ("index.html", "app.js", "app.css"):
        text = static.joinpath(name).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), name


# ---- uploads and jobs ---------------------------------------------------------------------

def test_sample_upload_gives_the_same_findings_as_the_cli(served):
    client, _, _ = served
    r = _upload(client, SAMPLE)
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["id"])
    assert job["state"] == "done", job
    web = job["report"]["files"][0]
    cli = _cli_json(SAMPLE)["files"][0]
    assert web["path"] == SAMPLE.name  # no server folder leaks to the page
    assert web["data_rows"] == cli["data_rows"] == 300
    for key in ("errors", "warnings", "infos", "rows_with_errors", "by_code"):
        assert web["summary"][key] == cli["summary"][key], key
    assert [(i["code"], i["cell"]) for i in web["issues"]] == \
        [(i["code"], i["cell"]) for i in cli["issues"]]
    kinds = {d["kind"] for d in job["downloads"]}
    assert {"annotated", "clean", "clean_csv", "report"} <= kinds
    annotated = next(d for d in job["downloads"] if d["kind"] == "annotated")
    got = client.get(f"/api/jobs/{job['id']}/files/{annotated['id']}")
    assert got.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(got.content))
    assert len(wb.sheetnames) >= 2
    html = client.get(f"/api/jobs/{job['id']}/laporan.html")
    assert html.status_code == 200 and "<html" in html.text
    assert not re.search(r"\b64\d{14}\b", json.dumps(job["report"]))  # NIKs masked


def test_english_job_speaks_english(served):
    client, _, _ = served
    job = _wait(client, _upload(client, SAMPLE, lang="en").json()["id"])
    messages = " ".join(i["message"] for i in job["report"]["files"][0]["issues"])
    assert "NIK" in messages and " tidak " not in messages


def test_several_files_give_the_province_view(served, tmp_path):
    client, _, _ = served
    other = valid_xlsx(tmp_path / "bontang.xlsx")
    job = _wait(client, _upload(client, SAMPLE, other).json()["id"])
    assert job["state"] == "done"
    assert len(job["report"]["files"]) == 2
    assert job["has_province"]
    assert {"province_xlsx", "province_html"} <= {d["kind"] for d in job["downloads"]}
    assert client.get(f"/api/jobs/{job['id']}/provinsi.html").status_code == 200


def test_hostile_file_gives_its_sentence_and_the_server_goes_on(served, tmp_path):
    client, _, root = served
    bomb = _entities(tmp_path)  # an XML entity bomb: refused by the guard
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    for bad in (bomb, broken):
        job = _wait(client, _upload(client, bad).json()["id"])
        assert job["state"] == "done"
        entry = job["report"]["files"][0]
        assert entry["error"]["message"], entry
        assert "Traceback" not in json.dumps(job)
        assert str(root) not in json.dumps(job) and "unggahan" not in json.dumps(job)
        assert entry["path"] == bad.name
    ok = _wait(client, _upload(client, SAMPLE).json()["id"])
    assert ok["state"] == "done" and ok["report"]["files"][0]["data_rows"] == 300


@pytest.mark.parametrize("name,body,status", [
    ("catatan.pdf", b"%PDF-1.4", 400),
    ("besar.csv", b"x" * (2 * 1024 * 1024 + 10), 413),
])
def test_bad_uploads_are_refused_with_one_sentence(served, name, body, status):
    client, _, root = served
    r = client.post("/api/jobs", files=[("files", (name, body, "application/octet-stream"))])
    assert r.status_code == status
    assert r.json()["error"]
    assert not any(root.iterdir())  # nothing left behind


def test_not_a_multipart_body_is_refused(served):
    client, _, _ = served
    r = client.post("/api/jobs", content=b"hello", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400


def test_queue_is_bounded(served, monkeypatch):
    client, queue, _ = served
    import threading

    gate = threading.Event()
    monkeypatch.setattr(queue, "_check", lambda job, paths: gate.wait(30))
    codes = [_upload(client, SAMPLE).status_code for _ in range(6)]
    gate.set()
    assert codes[:4] == [202] * 4 and codes[4:] == [503, 503]


@pytest.mark.parametrize("raw,expected", [
    ("C:\\Users\\Budi\\Documents\\kutim.xlsx", "kutim.xlsx"),
    ("../../etc/passwd.csv", "passwd.csv"),
    ("a\x00b<>:|?*.xlsx", "a_b______.xlsx"),
    ("...", "berkas-1.xlsx"),
])
def test_browser_file_names_are_made_safe(raw, expected):
    assert safe_name(raw, 0) == expected


def test_uploads_are_deleted_after_their_time_and_at_shutdown(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    queue = JobQueue(root, test_settings(), ttl_s=0.0)
    app = create_app(queue, Gate(token=TOKEN, port=PORT), max_upload_bytes=10 * 1024 * 1024)
    with TestClient(app, base_url=BASE, headers={"X-Pmkscheck-Token": TOKEN}) as client:
        job = _wait(client, _upload(client, SAMPLE).json()["id"])
        folder = root / job["id"]
        assert folder.is_dir() and any(folder.rglob("kutim_pmks_2025.xlsx"))
        time.sleep(0.01)
        assert queue.reap() == 1
        assert not folder.exists()
        assert client.get(f"/api/jobs/{job['id']}").status_code == 404
        _wait(client, _upload(client, SAMPLE).json()["id"])
    queue.close()
    assert not root.exists()


def test_server_log_has_no_personal_data(served, caplog):
    client, _, _ = served
    with caplog.at_level(logging.DEBUG, logger="pmkscheck"):
        _wait(client, _upload(client, SAMPLE).json()["id"])
    text = caplog.text
    assert "job" in text
    assert not re.search(r"\d{16}", text)
    assert TOKEN not in text


def test_rules_and_template(served):
    client, _, _ = served
    rules = client.get("/api/rules?lang=en").json()
    assert any(r["code"] == "NIK_EXCEL_NUMBER" and r["fix"] for r in rules)
    r = client.get("/api/template?district=6408&kind=individu")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames
    assert client.get("/api/template?district=9999").status_code == 400


def test_serve_command_binds_loopback_and_prints_the_token_url():
    from pmkscheck.serve import make_server

    server, sock, url, queue = make_server(test_settings(), port=0)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1"
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/\?token=[\w-]{{40,}}", url)
    finally:
        sock.close()
        queue.close()


def test_job_workers_spawn_their_reader_never_fork(served, monkeypatch):
    """A forked child of this multi-threaded server could inherit a held lock: workers spawn."""
    import threading

    from pmkscheck.read import isolate

    monkeypatch.delenv("PMKSCHECK_ISOLATE", raising=False)
    if hasattr(isolate.os, "fork"):
        assert isolate.isolation_method() == "fork"  # the CLI's own thread still forks
    seen: list[str] = []
    real = isolate._read_spawned

    def spy(*args, **kwargs):
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(isolate, "_read_spawned", spy)
    monkeypatch.setattr(isolate.os, "fork", lambda: pytest.fail("a job worker forked"),
                        raising=False)
    client, _, _ = served
    job = _wait(client, _upload(client, SAMPLE).json()["id"])
    assert job["state"] == "done", job
    assert job["report"]["files"][0]["data_rows"] == 300
    assert seen and all(name.startswith("pmkscheck-job") for name in seen)


def test_page_report_shows_what_changed_since_the_previous_submission(tmp_path):
    """With a history store, a second upload of a district's list carries the `changes` block."""
    from test_history import write_first, write_second

    store = tmp_path / "riwayat.sqlite3"
    root = tmp_path / "work"
    root.mkdir()
    queue = JobQueue(root, test_settings(history=store), workers=1, ttl_s=3600)
    app = create_app(queue, Gate(token=TOKEN, port=PORT), max_upload_bytes=2 * 1024 * 1024)
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    try:
        with TestClient(app, base_url=BASE) as client:
            client.headers["X-Pmkscheck-Token"] = TOKEN
            one = _wait(client, _upload(client, first).json()["id"])
            two = _wait(client, _upload(client, second).json()["id"])
    finally:
        queue.close()
    assert one["state"] == two["state"] == "done", (one, two)
    assert one["report"]["files"][0]["changes"] is None
    changes = two["report"]["files"][0]["changes"]
    assert changes["previous"]["file"] == "samarinda_q1.xlsx"  # the name as uploaded
    assert changes["persons"] == {"added": 1, "removed": 1, "changed": 5}
    assert changes["findings"]["new"] >= 1 and changes["findings"]["fixed"] >= 1
    assert str(root) not in json.dumps(two["report"])  # no server folder in the report
