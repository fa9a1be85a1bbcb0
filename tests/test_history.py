"""Issue 14: the submission history store, the comparison with the previous submission,
``pmkscheck history``. Every test uses its own store in tmp_path (the suite's default is off).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from builders import fake_nik, write_xlsx

from pmkscheck.history import store as store_mod
from pmkscheck.history.store import SCHEMA_VERSION, open_store

HEADER = ["No", "NIK", "No. KK", "Nama", "L/P", "Tanggal Lahir", "Alamat", "Desa/Kelurahan",
          "Kecamatan", "Jenis PMKS"]
FIRST_DATA_ROW = 4  # two title rows + the header row above


def person(n: int, nama: str, desa: str = "Jawa", jenis: str = "Fakir Miskin",
           nik: str | None = None, lahir: str = "17-08-1975") -> list[object]:
    return [n, nik if nik is not None else fake_nik(serial=n), fake_nik(serial=900 + n), nama,
            "L", lahir, "Jl. Contoh", desa, "Samarinda Ulu", jenis]


BASE = [person(1, "Budi Santoso"), person(2, "Siti Aminah"), person(3, "Joko Widodo"),
        person(4, "Rina Wati"), person(5, "Agus Salim"), person(6, "-")]  # 6: name placeholder


def sheet(rows: list[list[object]]) -> dict:
    return {"PMKS": [["DATA PMKS KOTA SAMARINDA"], [], HEADER, *rows]}


def write_first(path: Path) -> Path:
    return write_xlsx(path, sheet(BASE))


def write_second(path: Path) -> Path:
    """Person 2 removed, person 7 added, 3 moved to another jenis, 4 to another desa, 5 renamed,
    6's placeholder name fixed, and a new error (an invalid birth date) on person 1."""
    rows = [person(1, "Budi Santoso", lahir="31-02-1975"),
            person(3, "Joko Widodo", jenis="Lanjut Usia Telantar"),
            person(4, "Rina Wati", desa="Sidodadi"),
            person(5, "Agus Salim Hidayat"),
            person(6, "Dewi Lestari"),
            person(7, "Andi Pratama")]
    for n, r in enumerate(rows, start=1):
        r[0] = n
    return write_xlsx(path, sheet(rows))


def run(*args: str, store: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    full = [sys.executable, "-m", "pmkscheck", *args]
    if store is not None:
        full += ["--history", str(store)]
    return subprocess.run(full, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PMKSCHECK_HISTORY_TIMEOUT": "20", **(env or {})})


def validate_json(path: Path, store: Path, out: Path, *extra: str) -> dict:
    r = run("validate", str(path), "--format", "json", "-o", str(out), "--fail-on", "never",
            "--district", "6472", *extra, store=store)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_changes_across_two_submissions(tmp_path):
    store = tmp_path / "h" / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    doc1 = validate_json(first, store, tmp_path / "o1")
    assert doc1["files"][0]["changes"] is None  # nothing to compare with yet
    assert store.is_file()
    doc2 = validate_json(second, store, tmp_path / "o2")
    ch = doc2["files"][0]["changes"]
    assert ch["previous"]["file"] == "samarinda_q1.xlsx"
    assert set(ch["previous"]) == {"file", "data_date", "validated_at"}
    assert ch["persons"] == {"added": 1, "removed": 1, "changed": 5}
    assert ch["changed_fields"] == {"jenis": 1, "wilayah": 1, "nama": 2, "lahir": 1}
    # rows located in the new file: person 7 is the 6th data row
    assert ch["details"]["added"] == [{"row": FIRST_DATA_ROW + 5}]
    assert ch["details"]["removed"] == [{"previous_row": FIRST_DATA_ROW + 1}]
    changed = {d["row"]: set(d["fields"]) for d in ch["details"]["changed"]}
    assert changed == {FIRST_DATA_ROW: {"lahir"}, FIRST_DATA_ROW + 1: {"jenis"},
                       FIRST_DATA_ROW + 2: {"wilayah"}, FIRST_DATA_ROW + 3: {"nama"},
                       FIRST_DATA_ROW + 4: {"nama"}}
    # findings: the placeholder name is fixed, the bad birth date is new
    fixed = {(d["code"], d["previous_row"]) for d in ch["details"]["fixed"]}
    new = {(d["code"], d["row"]) for d in ch["details"]["new"]}
    assert ("NAME_PLACEHOLDER", FIRST_DATA_ROW + 5) in fixed
    assert any(row == FIRST_DATA_ROW for _code, row in new), new
    assert ch["findings"]["fixed"] == len(ch["details"]["fixed"]) >= 1
    assert ch["findings"]["new"] == len(ch["details"]["new"]) >= 1
    # re-validating the same file records nothing new and still compares with q1
    doc3 = validate_json(second, store, tmp_path / "o3")
    assert doc3["files"][0]["changes"]["previous"]["file"] == "samarinda_q1.xlsx"
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submission").fetchone()[0] == 2
    # pmkscheck history --format json: a list of submissions, each with its district code
    r = run("history", "--format", "json", store=store)
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [i["file"] for i in items] == ["samarinda_q1.xlsx", "samarinda_q2.xlsx"]
    assert {i["district"] for i in items} == {"6472"}
    assert all(0 <= i["error_rate"] <= 1 and 0 < i["completeness"] <= 1 for i in items)


def test_previous_file_is_compared_without_recording(tmp_path):
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    r = run("validate", str(second), "--format", "json", "--no-write", "--fail-on", "never",
            "--previous", str(first), env={"PMKSCHECK_HISTORY": "off"})
    assert r.returncode == 0, r.stderr
    ch = json.loads(r.stdout)["files"][0]["changes"]
    assert ch["persons"] == {"added": 1, "removed": 1, "changed": 5}
    assert not list(tmp_path.glob("*_pmkscheck"))  # nothing written for either file


def test_no_history_and_env_off_leave_the_report_as_before(tmp_path):
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    store = tmp_path / "never.sqlite3"
    r = run("validate", str(first), "--format", "json", "--no-write", "--no-history",
            "--history", str(store))
    doc = json.loads(r.stdout)
    assert "changes" not in doc["files"][0]
    assert not store.exists()


def test_terminal_and_html_show_the_changes(tmp_path):
    store = tmp_path / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    validate_json(first, store, tmp_path / "o1")
    r = run("validate", str(second), "-o", str(tmp_path / "o2"), "--fail-on", "never",
            "--lang", "en", "--district", "6472", store=store)
    assert r.returncode == 0, r.stderr
    assert "Changes since the previous submission" in r.stdout
    assert "Persons: 1 added, 1 removed, 5 changed" in r.stdout
    page = (tmp_path / "o2" / "samarinda_q2.laporan.html").read_text(encoding="utf-8")
    assert "Changes since the previous submission" in page and "samarinda_q1.xlsx" in page
    # the annotated workbook: a sheet of the changes, located in the new file
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "o2" / "samarinda_q2.catatan.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Problems", "Changes"]
    lines = [r for r in wb["Changes"].iter_rows(values_only=True) if r[0] is not None]
    located = {(r[0], r[2]) for r in lines if isinstance(r[0], int)}
    assert (FIRST_DATA_ROW + 5, "person added") in located
    assert (FIRST_DATA_ROW + 1, "person changed: jenis PMKS") in located
    links = {c.coordinate: c.hyperlink.location for row in wb["Changes"].iter_rows()
             for c in row if c.hyperlink}
    assert f"'PMKS'!A{FIRST_DATA_ROW + 5}" in links.values()


def test_store_holds_no_plain_nik_kk_or_name(tmp_path):
    store = tmp_path / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    validate_json(first, store, tmp_path / "o1")
    validate_json(second, store, tmp_path / "o2")
    data = b"".join(p.read_bytes() for p in tmp_path.glob("history.sqlite3*"))
    assert len(data) > 10_000
    for row in [*BASE, person(7, "Andi Pratama")]:
        for value in (row[1], row[2], row[3]):
            if value == "-":
                continue
            for encoded in (str(value).encode("utf-8"), str(value).encode("utf-16-le"),
                            str(value).upper().encode(), str(value).casefold().encode()):
                assert encoded not in data, value
    with sqlite3.connect(store) as conn:
        fps = [r[0] for r in conn.execute("SELECT fp FROM person")]
        salt = conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()[0]
    assert len(salt) == 64 and len(set(fps)) == 7  # 6 + the one added
    assert all(len(fp) == 32 for fp in fps)


def test_two_runs_at_once_on_one_store_both_succeed(tmp_path):
    store = tmp_path / "history.sqlite3"
    a = write_first(tmp_path / "samarinda_a.xlsx")
    b = write_second(tmp_path / "samarinda_b.xlsx")
    env = {**os.environ, "PMKSCHECK_HISTORY_TIMEOUT": "60"}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "pmkscheck", "validate", str(p), "--history", str(store),
         "-o", str(tmp_path / f"o{n}"), "--fail-on", "never", "--district", "6472",
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for n, p in enumerate((a, b))]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    with sqlite3.connect(store) as conn:
        names = sorted(r[0] for r in conn.execute("SELECT file_name FROM submission"))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert names == ["samarinda_a.xlsx", "samarinda_b.xlsx"]


@pytest.mark.parametrize("damage", ["header", "page", "foreign"])
def test_damaged_store_is_exit_2_and_untouched(tmp_path, damage):
    store = tmp_path / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    if damage == "foreign":  # a valid SQLite file that is not a pmkscheck store
        conn = sqlite3.connect(store)
        with conn:
            conn.execute("CREATE TABLE other (x)")
            conn.execute("INSERT INTO other VALUES (1)")
        conn.close()
    else:
        validate_json(first, store, tmp_path / "o1")
        data = bytearray(store.read_bytes())
        if damage == "header":
            data[0:16] = b"this is not sql!"
        else:  # page 1 after the file header: sqlite_master is unreadable
            data[100:600] = bytes(range(256)) + bytes(range(244))
        store.write_bytes(bytes(data))
    before = store.read_bytes()
    r = run("validate", str(first), "--no-write", "--format", "json", store=store)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr and str(store) in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert store.read_bytes() == before  # byte for byte
    r = run("history", store=store)
    assert r.returncode == 2 and store.read_bytes() == before


def test_store_from_a_newer_version_is_exit_2(tmp_path):
    store = tmp_path / "history.sqlite3"
    with open_store(store):
        pass
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.close()  # the last connection checkpoints the WAL into the file
    before = store.read_bytes()
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    r = run("validate", str(first), "--no-write", store=store)
    assert r.returncode == 2
    assert f"{SCHEMA_VERSION + 1}" in r.stderr and "Traceback" not in r.stderr
    assert store.read_bytes() == before


def test_store_locked_too_long_is_exit_2(tmp_path):
    store = tmp_path / "history.sqlite3"
    with open_store(store):
        pass
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run("validate", str(first), "-o", str(tmp_path / "o"), "--lang", "en", store=store,
                env={"PMKSCHECK_HISTORY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 2, r.stderr
    assert "locked by another program for more than 1 seconds" in r.stderr
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submission").fetchone()[0] == 0


def test_migration_from_version_1_keeps_the_data(tmp_path):
    store = tmp_path / "history.sqlite3"
    with open_store(store, upto=1) as s:
        with s.transaction() as conn:
            conn.execute(
                "INSERT INTO submission (file_name, sha256, district, schema, rows, errors, "
                "warnings, infos, rows_with_errors, validated_at) "
                "VALUES ('old.xlsx', 'x', '6472', 'pmks-individu', 10, 1, 0, 0, 1, 't')")
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == 1
        cols = {r[1] for r in conn.execute("PRAGMA table_info(submission)")}
        assert "data_date_source" not in cols
    with open_store(store) as s:
        assert s.query("SELECT version FROM schema_version")[0][0] == SCHEMA_VERSION
        assert s.query("SELECT file_name, data_date_source FROM submission") == [
            ("old.xlsx", None)]
    r = run("history", "--format", "json", store=store)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["file"] == "old.xlsx"


def test_interrupted_record_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    from pmkscheck.history import records

    store = tmp_path / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    validate_json(first, store, tmp_path / "o1")
    from pmkscheck.pipeline import check_paths
    from pmkscheck.settings import Settings

    real = records.PERSON_COLUMNS

    class Boom(tuple):
        def __iter__(self):  # raised while the persons are being inserted
            raise KeyboardInterrupt

    monkeypatch.setattr(records, "PERSON_COLUMNS", Boom(real))
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    with pytest.raises(KeyboardInterrupt):
        check_paths([str(second)], Settings(history=store, write=True, district="6472",
                                            output_dir=tmp_path / "o2", progress=False))
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submission").fetchone()[0] == 1
        n_persons = conn.execute("SELECT COUNT(*) FROM person").fetchone()[0]
    assert n_persons == 6


def test_default_location_per_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("PMKSCHECK_HISTORY", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert store_mod.default_path() == tmp_path / "Local" / "pmkscheck" / "history.sqlite3"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert store_mod.default_path().parts[-4:] == (
        "Library", "Application Support", "pmkscheck", "history.sqlite3")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_mod.store_path(None) == tmp_path / "xdg" / "pmkscheck" / "history.sqlite3"
    assert store_mod.store_path(None, use_history=False) is None
    monkeypatch.setenv("PMKSCHECK_HISTORY", "off")
    assert store_mod.store_path(None) is None
    assert store_mod.store_path(tmp_path / "x.sqlite3") == tmp_path / "x.sqlite3"


def test_unreadable_previous_file_is_exit_2(tmp_path):
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    r = run("validate", str(first), "--no-write", "--previous", str(tmp_path / "nope.xlsx"),
            "--no-history")
    assert r.returncode == 2 and "nope.xlsx" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_keyed_is_hmac_sha256_once_per_distinct_value():
    import hmac

    import pandas as pd

    from pmkscheck.history.snapshot import keyed

    nul = chr(0)
    values = pd.Series(["6408131210220379", None, "a" + nul + "b", "a", "6408131210220379"])
    out = keyed(values, b"k" * 32, "nik")
    want = [hmac.new(b"k" * 32, b"nik\x00" + v.encode(), "sha256").hexdigest()[:32]
            if v is not None else None for v in values]
    assert out.tolist() == want
    assert out[2] != out[3]  # a NUL never merges two values


def test_process_killed_mid_record_leaves_the_store_as_it_was(tmp_path):
    """A real crash: the process dies (os._exit) while the persons are being inserted."""
    store = tmp_path / "history.sqlite3"
    first = write_first(tmp_path / "samarinda_q1.xlsx")
    validate_json(first, store, tmp_path / "o1")
    second = write_second(tmp_path / "samarinda_q2.xlsx")
    script = f"""
import os, sys
from pathlib import Path
from pmkscheck.history import records

class Die(tuple):
    def __iter__(self):
        sys.stdout.flush()
        os._exit(9)  # no rollback, no cleanup: as if the power went off

records.PERSON_COLUMNS = Die(records.PERSON_COLUMNS)
from pmkscheck.cli import main
main(["validate", {str(second)!r}, "--history", {str(store)!r}, "--district", "6472",
      "-o", {str(tmp_path / "o2")!r}, "-q"])
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 9, r.stderr
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM submission").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM person").fetchone()[0] == 6
    finally:
        conn.close()
    # and the next run works normally
    doc = validate_json(second, store, tmp_path / "o3")
    assert doc["files"][0]["changes"]["persons"]["added"] == 1


@pytest.mark.parametrize(("given", "want"), [
    (None, ("2025-06-30", "today")),  # no data date in the report: the check's reference date
    ({"date": "2024-12-31", "source": "title"}, ("2024-12-31", "title")),
    ("date", ("2024-12-31", None)),
    ("datetime", ("2024-12-31", None)),
    ("object", ("2024-12-31", "file_name")),
])
def test_data_date_taken_from_the_report(given, want):
    import datetime as dt
    from types import SimpleNamespace

    from pmkscheck.history.snapshot import _data_date
    from pmkscheck.settings import Settings

    value = {"date": dt.date(2024, 12, 31), "datetime": dt.datetime(2024, 12, 31, 5),
             "object": SimpleNamespace(date=dt.date(2024, 12, 31), source="file_name")
             }.get(given, given) if isinstance(given, str) else given
    settings = Settings(reference_date=dt.date(2025, 6, 30))
    assert _data_date(SimpleNamespace(data_date=value), settings) == want
