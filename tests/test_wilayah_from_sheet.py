"""Issue 17: wilayah as districts write them.

* One sheet per kecamatan (or desa) without a kecamatan column: the sheet name or a title row
  gives the kecamatan to every row (WILAYAH_FROM_SHEET), and desa are checked against it.
* Berau, Kutai Barat and Mahakam Ulu call their desa "kampung".
* 6472051004: "Sungai Siring" and "Sungai Siring Pelita" are both right.

Domain tables, the reader on built workbooks, and end-to-end CLI runs (JSON and cleaned file).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import Sheet, fake_nik, write_xlsx
from conftest import test_settings

from pmkscheck.domain.wilayah_named import wilayah_in_sheet
from pmkscheck.read import read_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("sheet", "titles", "kecamatan", "desa", "source"), [
    ("Sangatta Utara", [], "Sangatta Utara", None, "sheet"),
    ("Kec. Bengalon", [], "Bengalon", None, "sheet"),
    ("KEC SANGATTA UTARA", [], "Sangatta Utara", None, "sheet"),
    ("01. Muara Ancalong 2024", [], "Muara Ancalong", None, "sheet"),
    ("Lansia - Sangatta Utara", [], "Sangatta Utara", None, "sheet"),
    ("KEC_SANGATTA_UTARA", [], "Sangatta Utara", None, "sheet"),
    ("Sei Kunjang", [], "Sungai Kunjang", None, "sheet"),
    ("Data", ["DATA PMKS KECAMATAN SANGATTA UTARA"], "Sangatta Utara", None, "title"),
    ("Sheet1", ["PEMERINTAH KABUPATEN KUTAI TIMUR", "Kecamatan : Muara Wahau"], "Muara Wahau",
     None, "title"),
    ("Lansia", ["DATA LANSIA KEC. TENGGARONG KAB. KUTAI KARTANEGARA TAHUN 2024"], "Tenggarong",
     None, "title"),
    ("Sheet1", ["KECAMATAN KOTA BANGUN DARAT"], "Kota Bangun Darat", None, "title"),
    ("Samarinda Kota", ["DATA PMKS KOTA SAMARINDA"], "Samarinda Kota", None, "sheet"),
    # a kecamatan named like its kab/kota
    ("Paser Belengkong", ["DATA PMKS KABUPATEN PASER"], "Paser Belengkong", None, "sheet"),
    ("Sheet1", ["DATA PMKS KABUPATEN PASER", "KECAMATAN PASER BELENGKONG"], "Paser Belengkong",
     None, "title"),
    ("Penajam", [], "Penajam", None, "sheet"),
    # one sheet per desa
    ("Desa Swarga Bara", [], "Sangatta Utara", "Swarga Bara", "sheet"),
    ("Sheet1", ["DATA PMKS DESA SWARGA BARA KECAMATAN SANGATTA UTARA"], "Sangatta Utara",
     "Swarga Bara", "title"),
    ("Kampung Merabu", [], "Kelay", "Merabu", "sheet"),
    ("Sungai Pinang Dalam", [], "Sungai Pinang", "Sungai Pinang Dalam", "sheet"),
    ("Sheet1", ["DATA PMKS DESA/KELURAHAN : TELUK LINGGA"], "Sangatta Utara", "Teluk Lingga",
     "title"),
    ("Sheet1", ["KAMPUNG LONG BAGUN ILIR"], "Long Bagun", "Long Bagun Ilir", "title"),
])
def test_a_sheet_name_or_title_names_its_kecamatan(sheet, titles, kecamatan, desa, source):
    found = wilayah_in_sheet(sheet, titles)
    assert found is not None
    assert (found.kecamatan, found.desa, found.source) == (kecamatan, desa, source)


@pytest.mark.parametrize(("sheet", "titles"), [
    ("Kampung Baru", []), ("Sheet1", ["DATA PMKS KELURAHAN KAMPUNG BARU"])])
def test_a_desa_name_found_in_several_kecamatan_needs_the_district(sheet, titles):
    assert wilayah_in_sheet(sheet, titles) is None  # Tabang, Tenggarong, Penajam
    found = wilayah_in_sheet(sheet, titles, "pmks_ppu_2024")
    assert (found.kecamatan, found.desa) == ("Penajam", "Kampung Baru")


@pytest.mark.parametrize(("sheet", "titles", "file_name"), [
    ("Paser", ["DATA PMKS KABUPATEN PASER"], ""),  # the kab/kota, not Paser Belengkong
    ("Penajam Paser Utara", [], ""),                # the kab, not kecamatan Penajam
    ("Samarinda", ["DATA PMKS KOTA SAMARINDA"], ""),
    ("Kutai Timur", [], ""),
    ("Sheet1", ["DATA PMKS PER KECAMATAN SE-KABUPATEN KUTAI TIMUR"], ""),
    ("Sheet1", ["DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2024"], ""),
    ("Rekap", [], ""), ("PMKS 2024", [], ""), ("Lansia", [], ""), ("Jawa", [], ""),
    ("Bengalon", ["KECAMATAN SANGATTA UTARA"], ""),  # sheet and title disagree: no guess
    ("Sangatta Utara - Bengalon", [], ""),             # two kecamatan
    ("Tabang", [], "pmks_kutim_2024"),                 # a Kukar kecamatan in a Kutim file
])
def test_no_kecamatan_is_guessed(sheet, titles, file_name):
    assert wilayah_in_sheet(sheet, titles, file_name) is None


def test_a_bare_desa_sheet_name_is_not_used_when_the_sheet_has_its_desa_column():
    assert wilayah_in_sheet("Swarga Bara", []).kecamatan == "Sangatta Utara"
    assert wilayah_in_sheet("Swarga Bara", [], bare_desa=False) is None
    assert wilayah_in_sheet("Desa Swarga Bara", [], bare_desa=False).desa == "Swarga Bara"
    assert wilayah_in_sheet("Sangatta Utara", [], bare_desa=False).kecamatan == "Sangatta Utara"


HEADER = ["No", "NIK", "Nama", "L/P", "Tanggal Lahir", "Alamat", "Desa/Kelurahan", "Jenis PMKS"]


def _per_kecamatan_book(path: Path) -> Path:
    return write_xlsx(path, {
        "Sangatta Utara": Sheet(rows=[
            ["DATA PMKS KECAMATAN SANGATTA UTARA"], ["KABUPATEN KUTAI TIMUR TAHUN 2024"], [],
            HEADER,
            [1, fake_nik("640804", 17, 8, 75, 1, female=True), "Siti Aminah", "P", "17-08-1975",
             "Jl. Yos Sudarso", "Swarga Bara", "Fakir Miskin"],
            [2, fake_nik("640804", 1, 1, 50, 2), "Budi Santoso", "L", "01-01-1950", "Jl. Sekolah",
             "Singa Gembara", "Lansia"],
            [3, fake_nik("640804", 12, 5, 16, 3), "Andi Saputra", "L", "12-05-2016", "Jl. Masjid",
             "Swarga Bara", "Tuna Netra"],
            [4, fake_nik("640804", 3, 3, 80, 4), "Rudi Hartono", "L", "03-03-1980", "Jl. Masjid",
             "Teluk Lingga", "Tuna Netra"],
        ]),
        "Kec. Bengalon": Sheet(rows=[
            ["DATA PMKS"], ["KECAMATAN BENGALON"], [],
            HEADER,
            [1, fake_nik("640809", 1, 1, 80, 1, female=True), "Rina Wati", "P", "01-01-1980",
             "Jl. Poros", "Sepaso", "Fakir Miskin"],
            [2, fake_nik("640809", 2, 2, 81, 2, female=True), "Sri Rahayu", "P", "02-02-1981",
             "Jl. Poros", "Swarga Bara", "Fakir Miskin"],  # a desa of Sangatta Utara
        ]),
    })


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_reader_fills_the_kecamatan_of_each_sheet(tmp_path):
    result = read_file(_per_kecamatan_book(tmp_path / "kutim.xlsx"), test_settings())
    by_sheet = {t.sheet: t for t in result.tables}
    assert by_sheet["Sangatta Utara"].data["kecamatan"].tolist() == ["Sangatta Utara"] * 4
    assert by_sheet["Kec. Bengalon"].data["kecamatan"].tolist() == ["Bengalon"] * 2
    notes = [i for i in by_sheet["Kec. Bengalon"].notices if i.code == "WILAYAH_FROM_SHEET"]
    assert [(n.field, n.params["kecamatan"], n.params["source"]) for n in notes] == [
        ("kecamatan", "Bengalon", "sheet")]


def test_an_empty_kecamatan_column_is_filled_too(tmp_path):
    path = write_xlsx(tmp_path / "kutim.xlsx", {"Bengalon": Sheet(rows=[
        [*HEADER, "Kecamatan"],
        [1, fake_nik("640809", 1, 1, 80, 1), "Rudi", "L", "01-01-1980", "Jl. Poros", "Sepaso",
         "Fakir Miskin", None],
    ])})
    table = read_file(path, test_settings()).tables[0]
    assert table.data["kecamatan"].tolist() == ["Bengalon"]
    assert [i.code for i in table.notices if i.code == "WILAYAH_FROM_SHEET"] == [
        "WILAYAH_FROM_SHEET"]


def test_a_kecamatan_column_with_values_is_never_overwritten(tmp_path):
    path = write_xlsx(tmp_path / "kutim.xlsx", {"Bengalon": Sheet(rows=[
        [*HEADER, "Kecamatan"],
        [1, fake_nik("640809", 1, 1, 80, 1), "Rudi", "L", "01-01-1980", "Jl. Poros", "Sepaso",
         "Fakir Miskin", "Sangatta Utara"],
    ])})
    table = read_file(path, test_settings()).tables[0]
    assert table.data["kecamatan"].tolist() == ["Sangatta Utara"]
    assert not [i for i in table.notices if i.code == "WILAYAH_FROM_SHEET"]


def test_cli_one_sheet_per_kecamatan_end_to_end(tmp_path):
    path = _per_kecamatan_book(tmp_path / "kutim_per_kecamatan.xlsx")
    r = run("validate", str(path), "--format", "json", "-o", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr  # one real error: a desa of another kecamatan
    files = {f["sheet"]: f for f in json.loads(r.stdout)["files"]}
    found = {s: {(i["code"], i["row"], i["field"]) for i in f["issues"]}
             for s, f in files.items()}
    for sheet, f in files.items():
        assert f["district"]["code"] == "6408"
        assert not any(c == "COLUMN_MISSING" for c, _, _ in found[sheet])
        assert ("WILAYAH_FROM_SHEET", None, "kecamatan") in found[sheet]
    # the wilayah checks run on the kecamatan from the sheet name / title
    assert ("WILAYAH_DESA_NOT_IN_KECAMATAN", 6, "desa") in found["Kec. Bengalon"]
    assert not {c for c, _, _ in found["Sangatta Utara"]} & {
        "WILAYAH_DESA_NOT_IN_KECAMATAN", "WILAYAH_DESA_UNKNOWN"}
    # a child written "Tuna Netra" is ADK (info), the adult stays Penyandang Disabilitas
    assert ("JENIS_CHILD_BY_AGE", 7, "jenis_pmks") in found["Sangatta Utara"]
    assert ("JENIS_VARIANT", 8, "jenis_pmks") in found["Sangatta Utara"]
    errors = {(s, i["code"], i["row"]) for s, f in files.items() for i in f["issues"]
              if i["severity"] in ("error", "warning")
              and i["code"] != "COLUMN_RECOMMENDED_MISSING"}  # no No. KK / Tempat Lahir / RT
    assert errors == {("Kec. Bengalon", "WILAYAH_DESA_NOT_IN_KECAMATAN", 6)}
    # the cleaned file has the kecamatan column filled and the child jenis
    clean = next((tmp_path / "out").glob("*Sangatta-Utara*.csv"))
    with clean.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["kecamatan"] for r in rows] == ["Sangatta Utara"] * 4
    assert [r["jenis_pmks"] for r in rows] == [
        "Fakir Miskin", "Lanjut Usia Telantar", "Anak dengan Kedisabilitasan",
        "Penyandang Disabilitas"]


def test_cli_berau_kampung_list_and_sungai_siring_have_no_false_alarm(tmp_path):
    header = ["No", "NIK", "Nama", "L/P", "Tanggal Lahir", "Alamat", "Kampung", "Kecamatan",
              "Jenis PMKS"]
    berau = write_xlsx(tmp_path / "berau_pmks_2024.xlsx", {"PMKS": Sheet(rows=[
        ["DATA PMKS KABUPATEN BERAU TAHUN 2024"], [], header,
        [1, fake_nik("640306", 5, 6, 70, 1), "Yohanes Lerang", "L", "05-06-1970", "RT 03",
         "Kampung Gunung Tabur", "Gunung Tabur", "Fakir Miskin"],
        [2, fake_nik("640301", 7, 7, 75, 2, female=True), "Maria Ping", "P", "07-07-1975", "RT 01",
         "Kp. Merabu", "Kelay", "Fakir Miskin"],
        [3, fake_nik("640301", 8, 8, 60, 3), "Petrus Lawing", "L", "08-08-1960", "RT 02",
         "KAMPUNG MERAPUN", "Kelay", "Lanjut Usia Telantar"],
    ])})
    header[6] = "Kelurahan"
    samarinda = write_xlsx(tmp_path / "samarinda_pmks_2024.xlsx", {"PMKS": Sheet(rows=[
        ["DATA PMKS KOTA SAMARINDA"], [], header,
        [1, fake_nik("647205", 5, 6, 70, 1), "Ahmad Fauzi", "L", "05-06-1970", "Jl. Siring",
         "Sungai Siring", "Samarinda Utara", "Fakir Miskin"],
        [2, fake_nik("647205", 6, 6, 71, 2), "Abdul Rahman", "L", "06-06-1971", "Jl. Siring",
         "Sungai Siring Pelita", "Samarinda Utara", "Fakir Miskin"],
    ])})
    r = run("validate", str(berau), str(samarinda), "--format", "json", "--no-write")
    files = json.loads(r.stdout)["files"]
    bad = [(f["sheet"], i["code"], i["row"]) for f in files for i in f["issues"]
           if i["severity"] == "error" or i["code"].startswith("WILAYAH_")]
    assert bad == []
    assert r.returncode == 0, r.stderr
    for f in files:
        wilayah = [i for i in f["issues"] if i["code"].startswith("WILAYAH_")]
        assert wilayah == [], wilayah
    assert [f["district"]["code"] for f in files] == ["6403", "6472"]
