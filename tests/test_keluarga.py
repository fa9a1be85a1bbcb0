"""Family lists (issue 17): one row per KK, read with the built-in schema ``pmks-keluarga``.

End to end through the CLI on a workbook and a CSV built here: the family schema is detected
from the headers, the head's NIK and name are checked like a person's, No. KK is required, the
member count is a whole number >= 1, and the province view counts families and persons apart.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import Sheet, fake_nik, write_csv, write_xlsx
from conftest import check_issues, make_table, triples

from pmkscheck.pipeline import check_paths
from pmkscheck.read import read_file
from pmkscheck.schema import builtin_schemas, load_schema
from pmkscheck.settings import Settings

HEADER = ["No", "No. KK", "NIK Kepala Keluarga", "Nama Kepala Keluarga",
          "Jumlah Anggota Keluarga", "Alamat", "RT", "RW", "Desa/Kelurahan", "Kecamatan"]
BAD_NIK = "647203170875000"  # 15 digits


def _family_rows() -> list[list[object]]:
    return [
        [1, "6472031508120003", fake_nik(serial=1), "Budi Santoso", "4", "Jl. Pramuka",
         "05", "02", "Sungai Pinang Dalam", "Sungai Pinang"],
        [2, "6472031508120004", BAD_NIK, "Siti Aminah", "0", "Jl. Pramuka", "05", "02",
         "Sungai Pinang Dalam", "Sungai Pinang"],
        [3, "6472031508120005", fake_nik(serial=3), "Ahmad Yani", "3 jiwa", "Jl. Pramuka",
         "05", "02", "Sungai Pinang Dalam", "Sungai Pinang"],
        [4, "6472031508120006", fake_nik(serial=4, female=True), "Rahmawati", "2",
         "Jl. Pramuka", "06", "02", "Sungai Pinang Dalam", "Sungai Pinang"],
    ]


def _run(*args: str) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", *args, "--no-write",
                           "--format", "json"], capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout)


def _codes(file: dict) -> set[tuple[str, int | None, str | None]]:
    return {(i["code"], i["row"], i["field"]) for i in file["issues"]}


@pytest.fixture(scope="module")
def family_xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keluarga") / "fakir_miskin_samarinda.xlsx"
    rows = [["DATA KELUARGA FAKIR MISKIN KECAMATAN SUNGAI PINANG"], [], HEADER,
            *_family_rows()]
    write_xlsx(path, {"Fakir Miskin": rows})
    return path


def test_builtin_and_selectable():
    assert "pmks-keluarga" in builtin_schemas()
    schema = load_schema("pmks-keluarga")
    assert schema.kind == "keluarga"
    assert {"no_kk", "nik", "nama", "desa", "kecamatan"} <= set(schema.required)


def test_family_workbook_end_to_end(family_xlsx):
    rc, doc = _run(str(family_xlsx))
    (f,) = doc["files"]
    assert f["schema"] == "pmks-keluarga"
    assert f["header_row"] == 3 and f["data_rows"] == 4
    codes = _codes(f)
    assert not {c for c in codes if c[0] in ("COLUMN_MISSING", "COLUMN_RECOMMENDED_MISSING")}
    assert ("NIK_LENGTH", 5, "nik") in codes  # the head's NIK is checked like a person's
    assert ("KELUARGA_ANGGOTA_INVALID", 5, "jumlah_anggota") in codes
    assert not [c for c in codes if c[0] == "KELUARGA_ANGGOTA_INVALID" and c[1] != 5]
    assert not [c for c in codes if c[0].startswith("NIK_") and c[1] != 5]
    fields = {c["field"] for c in f["columns"]}
    assert {"no_kk", "nik", "nama", "jumlah_anggota"} <= fields
    assert rc == 1


def test_family_csv_end_to_end(tmp_path):
    header = ["No", "NO KK", "NIK KRT", "Nama KRT", "Jml ART", "Alamat", "Kelurahan",
              "Kecamatan", "Jenis PMKS"]
    rows = [[r[0], r[1], r[2], r[3], r[4], r[5], r[8], r[9], "Fakir Miskin"]
            for r in _family_rows()]
    rows[2][8] = "Lanjut Usia Terlantar"  # line 4: not a family jenis
    rows[3][1] = rows[0][1]  # line 5: the same KK as line 2
    path = write_csv(tmp_path / "keluarga.csv", [header, *rows], delimiter=";")
    rc, doc = _run(str(path))
    (f,) = doc["files"]
    assert f["schema"] == "pmks-keluarga" and f["data_rows"] == 4
    codes = _codes(f)
    assert ("NIK_LENGTH", 3, "nik") in codes and ("KELUARGA_ANGGOTA_INVALID", 3,
                                                  "jumlah_anggota") in codes
    assert ("KELUARGA_JENIS_NOT_FAMILY", 4, "jenis_pmks") in codes
    assert {("KELUARGA_KK_DUPLICATE", 2, "no_kk"), ("KELUARGA_KK_DUPLICATE", 5, "no_kk")} <= codes
    assert not {c for c in codes if c[0] == "COLUMN_MISSING"}
    assert rc == 1


def test_missing_no_kk_is_required(tmp_path):
    rows = _family_rows()
    rows[0][1] = None
    path = write_xlsx(tmp_path / "kk.xlsx", {"Data": [HEADER, *rows]})
    _, doc = _run(str(path))
    assert ("VALUE_MISSING", 2, "no_kk") in _codes(doc["files"][0])


def test_schema_option_selects_it(family_xlsx):
    _, doc = _run(str(family_xlsx), "--schema", "pmks-keluarga")
    assert doc["files"][0]["schema"] == "pmks-keluarga"


def test_person_list_stays_a_person_list(tmp_path):
    header = ["No", "NIK", "No. KK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Alamat",
              "Desa", "Kecamatan", "Jenis PMKS"]
    rows = [[1, fake_nik(), "6472031508120003", "Budi", "L", "17-08-1975", "Jl. A",
             "Sungai Pinang Dalam", "Sungai Pinang", "Fakir Miskin"]]
    result = read_file(write_xlsx(tmp_path / "p.xlsx", {"S": [header, *rows]}), Settings())
    assert result.tables[0].schema == "pmks-individu"


def test_recap_with_jiwa_column_is_not_a_family_list(tmp_path):
    rows = [["No", "Kecamatan", "Jumlah KK", "Jumlah Jiwa"], [1, "Sungai Pinang", "10", "35"],
            [2, "Samarinda Ulu", "4", "12"]]
    result = read_file(write_xlsx(tmp_path / "r.xlsx", {"S": rows}), Settings())
    assert all(t.schema != "pmks-keluarga" for t in result.tables)


def test_person_checks_reuse_the_canonical_fields():
    row = {"no_kk": "6472031508120003", "nik": "6472031708750001", "nama": "-",
           "jumlah_anggota": "4", "desa": "Sungai Pinang Dalam", "kecamatan": "Sungai Pinang"}
    table = make_table([row, {**row, "no_kk": "6472031508120009"}], schema="pmks-keluarga")
    found = triples(check_issues(table))
    assert ("NAME_PLACEHOLDER", 5, "nama") in found
    assert ("NIK_DUPLICATE", 6, "nik") in found  # one head, two families


def test_province_counts_families_and_persons_apart(tmp_path, family_xlsx):
    import shutil

    from sample_data.synth import people
    from sample_data.synth import write_xlsx as write_people

    folder = tmp_path / "kiriman"
    folder.mkdir()
    shutil.copy(family_xlsx, folder / "samarinda_keluarga.xlsx")
    persons, _ = people(12, district="6472", seed=4, defects=0)
    write_people(folder / "samarinda_pmks.xlsx", persons, layout="plain")
    report = check_paths([str(folder)], Settings(write=False, reference_date=dt.date(2025, 7, 1)))
    smd = next(d for d in report.province.districts if d.code == "6472")
    # 4 families of 4, (0 -> 1), 3 and 2 members; 12 persons listed one per row
    assert (smd.families, smd.members, smd.rows) == (4, 10, 12)
    listing = {Path(x["path"]).name: x for x in report.province.files}
    assert listing["samarinda_keluarga.xlsx"]["families"] == 4


def test_jenis_from_the_sheet_not_a_family_jenis_is_one_finding(tmp_path):
    path = write_xlsx(tmp_path / "lansia.xlsx", {"Lansia Terlantar": [HEADER, *_family_rows()]})
    _, doc = _run(str(path))
    found = [i for i in doc["files"][0]["issues"] if i["code"] == "KELUARGA_JENIS_NOT_FAMILY"]
    assert [(i["row"], i["severity"]) for i in found] == [(None, "warning")]


def test_two_row_header_kepala_keluarga_over_nik_and_nama(tmp_path):
    rows = [["DATA KELUARGA MISKIN"],
            ["No", "No. KK", "Kepala Keluarga", None, "Alamat", "Desa", "Kecamatan"],
            [None, None, "NIK", "Nama", None, None, None],
            [1, "6472031508120003", fake_nik(), "Budi", "Jl. A", "Sungai Pinang Dalam",
             "Sungai Pinang"]]
    path = write_xlsx(tmp_path / "kk2.xlsx",
                      {"Data": Sheet(rows=rows, merges=[
                          "C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3", "G2:G3"])})
    (table,) = read_file(path, Settings()).tables
    assert table.schema == "pmks-keluarga"
    assert {"nik", "nama", "no_kk"} <= set(table.data.columns)


def test_family_template_round_trip(tmp_path):
    import openpyxl

    from pmkscheck.write.template import FAMILY_COLUMNS, write_template

    path = write_template(tmp_path / "keluarga.xlsx", "6472", "keluarga")
    wb = openpyxl.load_workbook(path)
    ws = wb["Data PMKS"]
    assert [c.value for c in ws[1]][:5] == ["No", "No. KK", "NIK Kepala Keluarga",
                                             "Nama Kepala Keluarga", "Jumlah Anggota Keluarga"]
    values = {"no_kk": "6472031508120003", "nik": fake_nik(), "nama": "Budi Santoso",
              "jumlah_anggota": 4, "alamat": "Jl. Pramuka", "rt": "005", "rw": "002",
              "desa": "Sungai Pinang Dalam", "kecamatan": "Sungai Pinang",
              "kabupaten": "Kota Samarinda", "jenis_pmks": "Fakir Miskin"}
    for c, (_, fld, _) in enumerate(FAMILY_COLUMNS, start=1):
        ws.cell(2, c, 1 if fld == "no" else values.get(fld))
    wb.save(tmp_path / "filled.xlsx")
    rc, doc = _run(str(tmp_path / "filled.xlsx"))
    f = doc["files"][0]
    assert f["schema"] == "pmks-keluarga" and f["data_rows"] == 1
    assert [i["code"] for i in f["issues"] if i["severity"] != "info"] == []
    assert rc == 0


def test_person_list_with_the_heads_nik_stays_a_person_list(tmp_path):
    header = ["No", "NIK", "Nama", "NIK Kepala Keluarga", "Nama Kepala Keluarga", "Alamat",
              "Desa", "Kecamatan", "Jenis PMKS"]
    rows = [[1, fake_nik(serial=2), "Rina", fake_nik(), "Budi", "Jl. A", "Sungai Pinang Dalam",
             "Sungai Pinang", "Anak Telantar"]]
    result = read_file(write_xlsx(tmp_path / "p2.xlsx", {"S": [header, *rows]}), Settings())
    assert result.tables[0].schema == "pmks-individu"
