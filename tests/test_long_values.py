"""Overlong values are findings, and reports show them shortened (issue 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from builders import fake_nik
from conftest import check_issues, make_table

from pmkscheck.checks.cells import DEFAULT_MAX_CHARS, MAX_CHARS
from pmkscheck.mask import mask_value, shorten

ROOT = Path(__file__).resolve().parents[1]


def test_limits_per_field():
    rows = [{"nama": "A" * 101, "alamat": "Jl. " + "x" * 247, "keterangan": "k" * 1000,
             "desa": "Swarga Bara"},
            {"nama": "B" * 100, "alamat": "Jl. " + "x" * 246, "keterangan": "k" * 1001,
             "desa": "D" * 101}]
    issues = [i for i in check_issues(make_table(rows)) if i.code == "CELL_TOO_LONG"]
    found = {(i.row, i.field, i.params["length"], i.params["limit"]) for i in issues}
    first, second = (int(r) for r in make_table(rows).data["_row"])
    assert found == {(first, "nama", 101, 100), (first, "alamat", 251, 250),
                     (second, "keterangan", 1001, 1000), (second, "desa", 101, 100)}
    assert MAX_CHARS["nama"] == 100 and DEFAULT_MAX_CHARS == 500


def test_shortened_in_every_language_and_masked_before_cut():
    nik = fake_nik(serial=7)
    long = "x" * 52 + nik + "y" * 300  # cut after 8 digits: too few for scrub() alone
    shown = mask_value("keterangan", long, "partial", "en")
    assert shown == "x" * 52 + nik[:6] + "**… (368 characters)"  # masked, then cut
    assert mask_value("nama", "z" * 500, "none", "id") == "z" * 60 + "… (500 karakter)"
    assert shorten("SITI AMINAH") == "SITI AMINAH"


def long_name_csv(folder: Path) -> Path:
    """Ten records, the third with a 2,000,000-character Nama (also timed by benchmarks/micro)."""
    lines = ["No,NIK,Nama,Jenis Kelamin,Desa,Kecamatan"]
    for i in range(1, 11):
        name = "A" * 2_000_000 if i == 3 else f"Siti {chr(64 + i)}mina"
        lines.append(f"{i},{fake_nik(serial=i)},{name},P,Swarga Bara,Sangatta Utara")
    src = folder / "panjang.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def test_two_million_character_name_end_to_end(tmp_path):
    src = long_name_csv(tmp_path)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(src), "-o", str(out),
                        "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 1, r.stderr
    assert len(r.stdout) < 200_000  # the 2 MB value is not in the report
    report = json.loads(r.stdout)["files"][0]
    assert report["data_rows"] == 10
    long = [i for i in report["issues"] if i["code"] == "CELL_TOO_LONG"]
    assert [(i["row"], i["field"]) for i in long] == [(4, "nama")]
    assert long[0]["value"] == "A" * 60 + "… (2.000.000 karakter)"
    html = (out / "panjang.laporan.html").read_text(encoding="utf-8")
    assert "A" * 60 + "… (2.000.000 karakter)" in html and "A" * 1000 not in html
    saved = json.loads((out / "panjang.laporan.json").read_text(encoding="utf-8"))
    assert any(i["value"] == long[0]["value"] for i in saved["files"][0]["issues"])
