"""Issue 14: return files (``--split kecamatan|desa``), one annotated workbook per area."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl

from pmkscheck.history.split import safe_name

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "kutim_pmks_2025.xlsx"


def test_safe_name_is_valid_on_windows():
    assert safe_name('Sungai Kunjang / "Lok Bahu"?') == "Sungai Kunjang _ _Lok Bahu__"
    assert safe_name("CON") == "_CON" and safe_name("nul.txt") == "_nul.txt"
    assert safe_name(" ... ") == "area" and safe_name("a" * 100) == "a" * 60
    assert safe_name("Desa X. ") == "Desa X" and safe_name("a\tb\x01c") == "a_b_c"


def test_split_kecamatan_writes_one_workbook_per_area(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(SAMPLE), "-o",
                        str(out), "--split", "kecamatan", "--format", "json", "--fail-on",
                        "never", "--no-history"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)["files"][0]
    folder = Path(doc["outputs"]["split_kecamatan"])
    files = sorted(folder.glob("*.xlsx"))
    # the areas: kecamatan as written in the cleaned file
    clean = openpyxl.load_workbook(out / "kutim_pmks_2025.bersih.xlsx", read_only=True)
    ws = clean.active
    rows = list(ws.iter_rows(values_only=True))
    kec_col = rows[0].index("kecamatan")
    src_col = rows[0].index("source_row")
    per_kec = Counter(r[kec_col] or "(kosong)" for r in rows[1:])
    assert len(files) == len(per_kec) > 5
    findings_by_row = Counter(i["row"] for i in doc["issues"] if i["row"])
    row_kec = {int(r[src_col]): (r[kec_col] or "(kosong)") for r in rows[1:]}
    expected = Counter()
    for row, n in findings_by_row.items():
        expected[row_kec[row]] += n
    for path in files:
        kec = path.stem.split(".", 1)[1]
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[:2] == ["Ringkasan", "Daftar Masalah"]
        data = wb[wb.sheetnames[2]]
        header_row = doc["header_row"]
        data_rows = [r for r in data.iter_rows(min_row=header_row + 1, values_only=True)
                     if any(v is not None for v in r)]
        assert len(data_rows) == per_kec[kec], kec
        problems = wb["Daftar Masalah"].max_row - 1
        assert problems == expected[kec], kec
        # every listed finding points at a row of this file that belongs to the area
        for (row,) in wb["Daftar Masalah"].iter_rows(min_row=2, max_col=1, values_only=True):
            assert header_row < row <= header_row + per_kec[kec]
