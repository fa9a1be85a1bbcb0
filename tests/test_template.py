"""Submission templates (issue 7): structure, and round trips through ``validate``.

A template filled with valid rows by openpyxl (which saves formulas without values, as any
non-Excel program does) must pass ``validate`` with zero warnings and zero errors.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pmkscheck import reference
from pmkscheck.errors import UsageError
from pmkscheck.pipeline import check_paths
from pmkscheck.settings import Settings
from pmkscheck.write.template import PERSON_COLUMNS, write_template


def _validate(path: Path):
    report = check_paths([str(path)], Settings(write=False, reference_date=dt.date(2025, 7, 1)))
    assert len(report.files) == 1 and not report.files[0].error
    return report.files[0]


def _bad(f) -> list:
    return [(i.code, i.row, i.cell) for i in f.issues if i.severity.label in ("error", "warning")]


def test_person_template_structure(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "6408", "individu")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Data PMKS", "Petunjuk", "Daftar"]
    ws = wb["Data PMKS"]
    assert [c.value for c in ws[1]] == [h for h, _, _ in PERSON_COLUMNS]
    assert ws.freeze_panes == "A2"
    assert wb["Daftar"].sheet_state == "hidden"
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["B2:B5001"].type == "textLength" and rules["B2:B5001"].formula1 == "16"
    assert rules["C2:C5001"].type == "textLength"
    assert rules["E2:E5001"].type == "list"
    assert rules["N2:N5001"].formula1.startswith("Daftar!")
    assert ws.column_dimensions["B"].width > 15
    daftar = wb["Daftar"]
    kec = [daftar.cell(r, 3).value for r in range(2, daftar.max_row + 1)]
    kec = [k for k in kec if k]
    expected = reference.kecamatan()
    assert kec == expected[expected["kode_kabupaten"] == "6408"].sort_values("kode")[
        "nama"].tolist()
    jenis = [daftar.cell(r, 2).value for r in range(2, 28)]
    assert len(jenis) == 26 and jenis[7] == "Lanjut Usia Telantar"
    assert "Petunjuk" in wb.sheetnames and "NIK" in " ".join(
        str(c.value) for c in wb["Petunjuk"]["A"])


def test_person_template_round_trip(tmp_path):
    from sample_data.synth import people

    path = write_template(tmp_path / "kutim_template.xlsx", "6408", "individu")
    recs, _ = people(60, district="6408", seed=11, defects=0)
    wb = openpyxl.load_workbook(path)
    ws = wb["Data PMKS"]
    for r, rec in enumerate(recs, start=2):
        for c, (_, fld, _) in enumerate(PERSON_COLUMNS, start=1):
            ws.cell(r, c, r - 1 if fld == "no" else rec.get(fld))
    filled = tmp_path / "kutim_filled.xlsx"
    wb.save(filled)
    f = _validate(filled)
    assert f.schema == "pmks-individu" and f.data_rows == 60
    assert f.district is not None and f.district.code == "6408"
    assert _bad(f) == []


@pytest.mark.parametrize("district", ["6408", "6474"])
def test_rekap_template_round_trip(tmp_path, district):
    path = write_template(tmp_path / "rekap_template.xlsx", district, "rekap")
    blank = _validate(path)  # as written: formulas with saved zero values
    assert blank.schema == "pmks-rekap" and _bad(blank) == []
    wb = openpyxl.load_workbook(path)
    ws = wb["Rekap PMKS"]
    n_kec = int((reference.kecamatan()["kode_kabupaten"] == district).sum())
    assert ws.cell(3 + n_kec, 2).value == "Jumlah"
    assert ws.cell(3, 3 + 52).value.startswith("=")  # Jumlah L of the first kecamatan
    for r in range(3, 3 + n_kec):
        for c in range(3, 3 + 52):
            ws.cell(r, c, (r * 5 + c) % 11)
    filled = tmp_path / "rekap_filled.xlsx"
    wb.save(filled)  # openpyxl keeps the Jumlah formulas without values
    f = _validate(filled)
    assert f.district is not None and f.district.code == district
    assert f.data_rows == n_kec
    assert _bad(f) == []
    assert {i.code for i in f.issues if i.severity.label == "info"} <= {
        "REKAP_TOTAL_NO_VALUE", "SHEET_NO_TABLE", "SHEET_HIDDEN"}


def test_template_rejects_unknown_district_and_kind(tmp_path):
    with pytest.raises(UsageError):
        write_template(tmp_path / "x.xlsx", "9999")
    with pytest.raises(UsageError):
        write_template(tmp_path / "x.xlsx", "6408", "lainnya")


def test_template_command(tmp_path):
    out = tmp_path / "t.xlsx"
    proc = subprocess.run([sys.executable, "-m", "pmkscheck", "template", "--district", "6472",
                           "-o", str(out), "--kind", "rekap"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()
    bad = subprocess.run([sys.executable, "-m", "pmkscheck", "template", "--district", "12",
                          "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
