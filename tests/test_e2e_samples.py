"""End to end on the shipped samples: every planted defect found at its row and field, no error or
warning anywhere else, the same answer from the CLI's JSON as from the Python API.

The samples and their ``expected/*.json`` come from ``sample_data/make_samples.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sample_data

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["kutim_pmks_2025.xlsx", "samarinda_lansia_dtks.xlsx", "balikpapan_pmks.csv",
           "bontang_pmks_bersih.xlsx", "paser_pmks.ods", "samarinda_rekap_portal_2023.csv",
           "ppu_pmks_keadaan_2018.xlsx"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def json_reports() -> dict[str, dict]:
    out = {}
    for name in SAMPLES:
        r = run("validate", f"sample_data/{name}", "--no-write", "--format", "json")
        assert r.returncode in (0, 1), r.stderr
        out[name] = json.loads(r.stdout)  # stdout holds exactly one JSON document
    return out


@pytest.mark.parametrize("name", SAMPLES)
def test_every_planted_defect_found_and_nothing_else(json_reports, name):
    result = sample_data.compare(json_reports[name], name)
    assert not result["missing"], f"planted but not reported: {sorted(result['missing'])}"
    assert not result["extra"], f"reported on clean rows: {sorted(result['extra'])}"


@pytest.mark.parametrize("name", SAMPLES)
def test_layout_matches_expected(json_reports, name):
    expected = json.loads((ROOT / "sample_data" / "expected" / f"{name}.json").read_text())
    visible = [s for s in expected["sheets"] if not s["hidden"]]
    files = json_reports[name]["files"]
    assert [f["sheet"] for f in files] == [s["sheet"] for s in visible]
    for f, s in zip(files, visible, strict=True):
        assert f["header_row"] == s["header_row"]
        assert f["data_rows"] == s["data_rows"]
        assert f["district"]["code"] == expected["district"]


def test_clean_file_has_no_error_or_warning_and_exits_zero():
    r = run("validate", "sample_data/bontang_pmks_bersih.xlsx", "--no-write", "--format", "json",
            "--fail-on", "warning")
    assert r.returncode == 0, r.stdout[-2000:]
    summary = json.loads(r.stdout)["files"][0]["summary"]
    assert summary["errors"] == 0 and summary["warnings"] == 0


def test_exit_status_follows_fail_on():
    path = "sample_data/kutim_pmks_2025.xlsx"
    assert run("validate", path, "--no-write", "-q").returncode == 1
    assert run("validate", path, "--no-write", "-q", "--fail-on", "never").returncode == 0


def test_json_stdout_is_one_document_and_masked(json_reports):
    for name, doc in json_reports.items():
        text = json.dumps(doc)
        assert not re.search(r"(?<!\d)\d{16}(?!\d)", text), f"full NIK leaked in {name}"
        for f in doc["files"]:
            for issue in f["issues"]:
                assert set(issue) >= {"code", "severity", "row", "field", "column", "cell",
                                      "value", "message", "fix"}
                if f["format"] == "csv":
                    assert issue["cell"] is None
                elif issue["row"] and issue["field"] and issue["cell"]:
                    assert issue["cell"].endswith(str(issue["row"]))


def test_outputs_written_beside_input_and_input_untouched(tmp_path):
    src = ROOT / "sample_data" / "kutim_pmks_2025.xlsx"
    copy = tmp_path / "kutim 2025 (final).xlsx"
    copy.write_bytes(src.read_bytes())
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    r = run("validate", str(copy), "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    outputs = json.loads(r.stdout)["files"][0]["outputs"]
    folder = tmp_path / "kutim 2025 (final)_pmkscheck"
    assert {"clean", "clean_csv", "report"} <= set(outputs)
    for path in outputs.values():
        assert Path(path).parent == folder and Path(path).stat().st_size > 0
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


def test_cleaned_files_keep_every_row_in_order(tmp_path):
    import csv

    import openpyxl

    r = run("validate", "sample_data/kutim_pmks_2025.xlsx", "-o", str(tmp_path), "-q")
    assert r.returncode == 1, r.stderr
    report = json.loads((tmp_path / "kutim_pmks_2025.laporan.json").read_text())
    data_rows = report["files"][0]["data_rows"]
    with open(tmp_path / "kutim_pmks_2025.bersih.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == data_rows
    src_rows = [int(r["source_row"]) for r in rows]
    assert src_rows == sorted(src_rows)
    assert raw_bytes_start(tmp_path / "kutim_pmks_2025.bersih.csv") == b"\xef\xbb\xbf"
    flagged = {i["row"] for i in report["files"][0]["issues"] if i["severity"] == "error"}
    for row in rows:
        if int(row["source_row"]) in flagged:
            assert row["severity"] == "error" and row["issue_codes"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}|", row["tanggal_lahir"])
        assert row["jenis_kelamin"] in ("L", "P", "")
    wb = openpyxl.load_workbook(tmp_path / "kutim_pmks_2025.bersih.xlsx", read_only=True)
    ws = wb.active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    nik_col = header.index("nik")
    values = [row[nik_col] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(values) == data_rows
    assert all(v is None or isinstance(v, str) for v in values)  # IDs stored as text


def raw_bytes_start(path: Path) -> bytes:
    return path.read_bytes()[:3]


def test_unrecognised_columns_are_kept_in_the_cleaned_file(tmp_path):
    import csv

    src = tmp_path / "kutim.csv"
    src.write_text(
        "No;NIK;Nama;L/P;Tgl Lahir;Desa;Kecamatan;Jenis PMKS;Hobi;;Hobi\n"
        "1;6408014101600001;SITI;P;01-01-1960;Sangatta Utara;Sangatta Utara;"
        "Lanjut Usia Telantar;memancing;x;=1+1\n", encoding="utf-8")
    r = run("validate", str(src), "-o", str(tmp_path / "out"), "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    with open(tmp_path / "out" / "kutim.bersih.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["Hobi"] == "memancing"
    assert rows[0]["(J)"] == "x"
    assert rows[0]["Hobi (2)"] == "'=1+1"  # formula neutralised
