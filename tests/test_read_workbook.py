"""Reading messy workbooks (xlsx, xls, ods): header row, field letters, row numbers, skipped rows,
cell kinds and reader notices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from builders import (
    Error,
    Formula,
    Sheet,
    fake_nik,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.errors import InputError
from pmkscheck.read import read_file
from pmkscheck.settings import Settings
from pmkscheck.table import ROW

NIK1, NIK2, NIK3 = fake_nik(serial=1), fake_nik(serial=2, female=True), fake_nik(serial=3)

# A realistic messy sheet: two title rows, a blank row, a two-row merged header with TTL parts,
# L | P sub-columns and Alamat parts, a column-number row, a section row, records with a blank
# row between them, a total row and a signature block.
HEADER_TOP = ["No", "N I K", "Nomor KK", "Nama PMKS", "Tempat/Tgl Lahir", None, "Jenis Kelamin",
              None, "Alamat", None, None, "Desa/Kel", "Kec.", "Jenis PPKS", "Hobi"]
HEADER_SUB = [None, None, None, None, "Tempat", "Tanggal", "L", "P", "Jalan", "RT", "RW"]
MESSY_ROWS = [
    ["DATA PENYANDANG MASALAH KESEJAHTERAAN SOSIAL (PMKS)"],            # 1
    ["KABUPATEN KUTAI TIMUR TAHUN 2024"],                                 # 2
    [],                                                                   # 3
    HEADER_TOP,                                                           # 4
    HEADER_SUB,                                                           # 5
    list(range(1, 16)),                                                   # 6 column numbers
    ["A. LANJUT USIA TELANTAR"],                                          # 7 section
    [1, NIK1, 6472031708750001, "Siti", "Samarinda", dt.date(1975, 8, 17), None, "v", "Jl. A",
     "01", "02", "Swarga Bara", "Sangatta Utara", "Lansia", "x"],          # 8
    [2, NIK2, Error("#REF!"), "Budi", "Sangatta", "17-08-1975", "1", None, "Jl. B", 1, 2,
     "Singa Gembara", "Sangatta Utara", "LUT", None],                      # 9 (hidden)
    [],                                                                   # 10 blank inside
    [3, None, None, "Ani", None, Formula("=DATE(1970,1,1)"), None, "x", None, None, None,
     "Teluk Lingga", "Sangatta Utara", "Lansia", None],                    # 11 sparse record
    ["JUMLAH", None, None, None, None, None, 1, 2],                         # 12 total
    [],                                                                   # 13
    [None] * 10 + ["Sangatta, 12 Maret 2025"],                            # 14 signature
    [None] * 10 + ["Kepala Dinas Sosial"],                                # 15
    [],                                                                   # 16
    [None] * 10 + ["Drs. AHMAD"],                                         # 17 lone name
    [None] * 10 + ["NIP. 19700101 199001 1 001"],                         # 18
]
MERGES = ["A1:O1", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:H4", "I4:K4", "L4:L5",
          "M4:M5", "N4:N5", "O4:O5"]
EXPECTED_LETTERS = {
    "no": "A", "nik": "B", "no_kk": "C", "nama": "D", "tempat_lahir": "E", "tanggal_lahir": "F",
    "jenis_kelamin": "G", "alamat": "I", "rt": "J", "rw": "K", "desa": "L", "kecamatan": "M",
    "jenis_pmks": "N",
}
EXPECTED_SKIPPED = [(6, "column_numbers"), (7, "section"), (10, "blank"), (12, "total"),
                    (14, "signature"), (15, "signature"), (17, "signature"), (18, "signature")]

WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}


def _messy_book() -> dict:
    return {
        "PMKS 2024": Sheet(rows=MESSY_ROWS, merges=MERGES, hidden_rows=[9]),
        "Data Lama": Sheet(rows=[["No", "NIK", "Nama", "Jenis PMKS"], [1, NIK3, "X", "ODHA"]],
                           hidden=True),
    }


def _read(path: Path, **settings) -> object:
    return read_file(path, Settings(**settings))


def _codes(issues) -> list[tuple]:
    return sorted((i.code, i.row, i.letter) for i in issues)


@pytest.fixture(params=sorted(WRITERS))
def messy(request, tmp_path):
    fmt = request.param
    path = WRITERS[fmt](tmp_path / f"kutim.{fmt}", _messy_book())
    return fmt, read_file(path, Settings())


def test_messy_header_mapping_rows_and_skips(messy):
    fmt, result = messy
    assert result.format == fmt
    assert result.sheets == ["PMKS 2024", "Data Lama"]
    assert [t.sheet for t in result.tables] == ["PMKS 2024"]
    table = result.tables[0]
    assert table.header_row == 5
    assert table.letters == EXPECTED_LETTERS
    assert table.headers["tempat_lahir"] == "Tempat/Tgl Lahir / Tempat"
    assert table.headers["rt"] == "Alamat / RT"
    assert list(table.data[ROW]) == [8, 9, 11]
    assert [(s.row, s.reason) for s in table.skipped_rows] == EXPECTED_SKIPPED
    assert table.title_lines == ["DATA PENYANDANG MASALAH KESEJAHTERAAN SOSIAL (PMKS)",
                                 "KABUPATEN KUTAI TIMUR TAHUN 2024"]
    assert table.schema == "pmks-individu"
    data = table.data
    assert list(data["nik"]) == [NIK1, NIK2, None]
    assert list(data["jenis_kelamin"]) == ["P", "L", "P"]  # from the L | P marks
    assert list(data["nama"]) == ["Siti", "Budi", "Ani"]
    assert data["no_kk"].iloc[0] == "6472031708750001"  # numeric cell, never 6.47e+15
    assert data["tanggal_lahir"].iloc[0] == "1975-08-17"
    assert data["tanggal_lahir"].iloc[1] == "17-08-1975"
    assert data["rt"].tolist() == ["01", "1", None]
    assert data.dtypes["nik"] == np.dtype(object)
    # unknown and P columns are kept in `columns`
    by_letter = {c.letter: c for c in table.columns}
    assert by_letter["O"].field is None and by_letter["O"].header == "Hobi"
    assert by_letter["H"].header == "Jenis Kelamin / P"
    assert ("SHEET_HIDDEN", None, None) in _codes(result.notices)
    assert result.notices[0].params["sheet"] == "Data Lama"


def test_messy_kinds(messy):
    fmt, result = messy
    kinds = result.tables[0].kinds
    assert list(kinds["no_kk"][:2]) == ["n", "e"]
    assert kinds["tanggal_lahir"].iloc[0] == "d"
    assert kinds["tanggal_lahir"].iloc[1] == "s"
    assert kinds["nik"].iloc[0] == "s"
    assert kinds["no"].iloc[0] == "n"
    assert list(kinds["nik"].index) == list(result.tables[0].data.index)
    if fmt == "xlsx":  # formula scan is xlsx-only
        assert kinds["tanggal_lahir"].iloc[2] == "f"
        assert result.tables[0].data["tanggal_lahir"].iloc[2] is None


def test_messy_notices_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "kutim.xlsx", _messy_book())
    table = read_file(path, Settings()).tables[0]
    assert _codes(table.notices) == sorted([
        ("CELL_ERROR", 9, "C"),
        ("CELL_FORMULA_NO_VALUE", 11, "F"),
        ("COLUMN_UNKNOWN", None, "O"),
        ("ROW_HIDDEN", 9, None),
    ])
    unknown = next(n for n in table.notices if n.code == "COLUMN_UNKNOWN")
    assert unknown.params == {"header": "Hobi"}
    error = next(n for n in table.notices if n.code == "CELL_ERROR")
    assert (error.field, error.value) == ("no_kk", "#REF!")


def test_hidden_sheet_is_read_when_named(tmp_path):
    path = write_xlsx(tmp_path / "kutim.xlsx", _messy_book())
    result = read_file(path, Settings(sheet="Data Lama"))
    assert [t.sheet for t in result.tables] == ["Data Lama"]
    assert result.notices == []
    assert list(result.tables[0].data[ROW]) == [2]
    assert result.tables[0].header_row == 1


def test_sheet_not_found(tmp_path):
    path = write_xlsx(tmp_path / "kutim.xlsx", _messy_book())
    with pytest.raises(InputError) as err:
        read_file(path, Settings(sheet="Tidak Ada"))
    assert err.value.code == "INPUT_SHEET_NOT_FOUND"
    assert err.value.params["sheet"] == "Tidak Ada"
    assert '"PMKS 2024"' in str(err.value.params["sheets"])


def test_sheet_per_jenis_workbook(tmp_path):
    header = ["No", "NIK", "Nama", "L/P", "Tgl Lahir", "Desa", "Kecamatan"]
    book = {
        "LANSIA TERLANTAR": [header, [1, NIK1, "A", "L", "01-01-1950", "Swarga Bara", "Sangatta"]],
        "ODHA": [["Data ODHA Kutim"], header,
                 [1, NIK2, "B", "P", "01-01-1990", "Swarga Bara", "Sangatta"],
                 [2, NIK3, "C", "L", "01-01-1991", "Swarga Bara", "Sangatta"]],
        "Sheet3": [["DATA LANJUT USIA TELANTAR KAB. KUTAI TIMUR 2024"], [], header,
                   [1, NIK3, "D", "L", "01-01-1940", "Swarga Bara", "Sangatta"]],
        "Rekap": [["Catatan: lihat lembar lain"]],
        "Kosong": [],
    }
    result = read_file(write_xlsx(tmp_path / "dtks.xlsx", book), Settings())
    tables = {t.sheet: t for t in result.tables}
    assert list(tables) == ["LANSIA TERLANTAR", "ODHA", "Sheet3"]
    assert tables["LANSIA TERLANTAR"].sheet_jenis == "LANSIA TERLANTAR"
    assert list(tables["ODHA"].data["jenis_pmks"]) == ["ODHA", "ODHA"]
    assert list(tables["ODHA"].data[ROW]) == [3, 4]
    assert tables["ODHA"].headers["jenis_pmks"] == "(lembar: ODHA)"
    assert "jenis_pmks" not in tables["ODHA"].letters
    assert tables["Sheet3"].sheet_jenis == "LANJUT USIA TELANTAR"
    assert tables["Sheet3"].headers["jenis_pmks"].startswith("(judul: ")
    for table in tables.values():
        jenis = [n for n in table.notices if n.code == "JENIS_FROM_SHEET"]
        assert len(jenis) == 1 and jenis[0].params["jenis"] == table.sheet_jenis
    assert ("SHEET_NO_TABLE", None, None) in _codes(result.notices)
    assert [n.params["sheet"] for n in result.notices] == ["Rekap"]  # empty sheet not reported


def test_no_table_error_names_expected_and_found(tmp_path):
    book = {"Surat": [["Kepada Yth."], ["Kepala Dinas Sosial Provinsi"], ["Hal", "Data"]]}
    with pytest.raises(InputError) as err:
        read_file(write_xlsx(tmp_path / "surat.xlsx", book), Settings())
    assert err.value.code == "INPUT_NO_TABLE"
    assert "NIK" in err.value.params["expected"]
    assert err.value.params["schema"] == "pmks-individu" or "pmks-individu" in str(
        err.value.params["schema"])


def test_no_table_error_hides_ids(tmp_path):
    book = {"S": [["x", NIK1, "Siti"]]}
    with pytest.raises(InputError) as err:
        read_file(write_xlsx(tmp_path / "s.xlsx", book), Settings())
    assert NIK1 not in str(err.value.params) and NIK1 not in str(err.value)


def test_trap_headers_and_duplicate(tmp_path):
    header = ["Nomor Induk Kependudukan", "Nama PMKS", "No. KK", "Jenis Kelamin (L/P)",
              "Tanggal Lahir (dd/mm/yyyy)", "Desa", "Kecamatan", "Jenis PMKS", "NIK",
              "Nama Lengkap Sesuai KTP", "Tanggal Pendataan", None]
    row = [NIK1, "Siti", "6472031708750001", "P", "17/08/1975", "A", "B", "Fakir Miskin",
           NIK2, "Siti A", "01/01/2024", "data tanpa judul"]
    table = read_file(write_xlsx(tmp_path / "t.xlsx", {"S": [header, row]}), Settings()).tables[0]
    assert table.letters == {"nik": "A", "nama": "B", "no_kk": "C", "jenis_kelamin": "D",
                             "tanggal_lahir": "E", "desa": "F", "kecamatan": "G",
                             "jenis_pmks": "H"}
    assert _codes(table.notices) == sorted([
        ("COLUMN_DUPLICATE", None, "I"), ("COLUMN_DUPLICATE", None, "J"),
        ("COLUMN_UNKNOWN", None, "K"), ("COLUMN_BLANK_HEADER", None, "L"),
    ])
    dup = next(n for n in table.notices if n.letter == "I")
    assert dup.params == {"header": "NIK", "letter": "I", "first_letter": "A"}
    assert table.data["nik"].tolist() == [NIK1]


def test_ttl_column_is_split(tmp_path):
    header = ["No", "NIK", "Nama", "TTL", "JK", "Kelurahan", "Kecamatan", "Jenis PMKS"]
    rows = [header,
            [1, NIK1, "A", "Samarinda, 17 Agustus 1975", "L", "X", "Y", "Fakir Miskin"],
            [2, NIK2, "B", "Bontang 01-02-1980", "P", "X", "Y", "Fakir Miskin"],
            [3, NIK3, "C", dt.date(1990, 5, 6), "L", "X", "Y", "Fakir Miskin"],
            [4, NIK3, "D", "Tenggarong", "L", "X", "Y", "Fakir Miskin"]]
    table = read_file(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), Settings()).tables[0]
    assert table.data["tempat_lahir"].tolist() == ["Samarinda", "Bontang", None, "Tenggarong"]
    assert table.data["tanggal_lahir"].tolist() == ["17 Agustus 1975", "01-02-1980",
                                                    "1990-05-06", None]
    assert table.kinds["tanggal_lahir"].tolist() == ["s", "s", "d", ""]
    assert table.letters["tempat_lahir"] == table.letters["tanggal_lahir"] == "D"
    assert "ttl" not in table.data.columns
    assert any(c.field == "ttl" and c.letter == "D" for c in table.columns)


def test_repeated_header_and_parent_row(tmp_path):
    top = ["No", "Identitas", None, None, "Alamat", None, "Jenis PMKS"]
    sub = [None, "NIK", "Nama", "JK", "Desa", "Kecamatan", None]
    rec = [1, NIK1, "A", "L", "X", "Y", "Fakir Miskin"]
    rows = [["JUDUL"], top, sub, rec, top, sub, [2, NIK2, "B", "P", "X", "Y", "Pemulung"],
            ["Sub Total", None, None, None, None, None, "2"]]
    book = {"S": Sheet(rows=rows, merges=["A2:A3", "B2:D2", "E2:F2", "G2:G3"])}
    table = read_file(write_xlsx(tmp_path / "t.xlsx", book), Settings()).tables[0]
    assert table.header_row == 3
    assert table.letters == {"no": "A", "nik": "B", "nama": "C", "jenis_kelamin": "D",
                             "desa": "E", "kecamatan": "F", "jenis_pmks": "G"}
    assert table.headers["nik"] == "Identitas / NIK"
    assert list(table.data[ROW]) == [4, 7]
    assert [(s.row, s.reason) for s in table.skipped_rows] == [
        (5, "repeated_header"), (6, "repeated_header"), (8, "total")]
    assert table.title_lines == ["JUDUL"]


def test_sparse_row_is_still_a_record(tmp_path):
    header = ["No", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Desa", "Kecamatan",
              "Jenis PMKS"]
    rows = [header, [1, None, "Tanpa NIK", None, None, None, None, None],
            [None, NIK1, None, None, None, None, None, None],
            [3, None, None, None, None, None, None, None]]
    table = read_file(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), Settings()).tables[0]
    assert list(table.data[ROW]) == [2, 3]


def test_formula_with_cached_value_and_hidden_column(tmp_path):
    header = ["No", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Desa", "Kecamatan",
              "Jenis PMKS"]
    rows = [header, [Formula("=1", value=1), NIK1, "A", "L", "x", "D", "K", "Fakir Miskin"],
            [Formula("=A2+1", value=2), NIK2, "B", "P", "x", "D", "K", "Fakir Miskin"]]
    book = {"S": Sheet(rows=rows, hidden_cols=["C"])}
    table = read_file(write_xlsx(tmp_path / "t.xlsx", book), Settings()).tables[0]
    assert table.data["no"].tolist() == ["1", "2"]
    assert table.kinds["no"].tolist() == ["F", "F"]
    assert ("COLUMN_HIDDEN", None, "C") in _codes(table.notices)
    assert next(c for c in table.columns if c.letter == "C").hidden


def test_xlsm_macros_notice(tmp_path):
    import zipfile

    src = write_xlsx(tmp_path / "a.xlsx", {"S": [["NIK", "Nama", "Desa", "Kecamatan"],
                                                 [NIK1, "A", "B", "C"]]})
    dst = tmp_path / "a.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"\x00" * 16)
    result = read_file(dst, Settings())
    assert result.format == "xlsm"
    assert [n.code for n in result.notices] == ["WORKBOOK_MACROS"]


def test_sheet_starting_away_from_a1_keeps_excel_rows_and_letters(tmp_path):
    rows = [[], [], [], [], [None, None, "NIK", "Nama", "Desa", "Kecamatan"],
            [None, None, NIK1, "A", "X", "Y"], [], [None, None, NIK2, "B", "X", "Y"]]
    table = read_file(write_xlsx(tmp_path / "c5.xlsx", {"S": rows}), Settings()).tables[0]
    assert table.header_row == 5
    assert table.letters == {"nik": "C", "nama": "D", "desa": "E", "kecamatan": "F"}
    assert list(table.data[ROW]) == [6, 8]
    assert [(s.row, s.reason) for s in table.skipped_rows] == [(7, "blank")]


@settings(max_examples=12, deadline=None)
@given(titles=st.integers(min_value=0, max_value=4), gap=st.booleans(),
       records=st.lists(st.booleans(), min_size=1, max_size=6),
       fmt=st.sampled_from(["xlsx", "csv"]))
def test_row_numbers_are_spreadsheet_rows(tmp_path_factory, titles, gap, records, fmt):
    """Whatever sits above the header, a record's row number is the row Excel shows."""
    header = ["No", "NIK", "Nama", "Desa", "Kecamatan", "Jenis PMKS"]
    rows: list[list] = [[f"JUDUL {i}"] for i in range(titles)] + ([[]] if gap else [])
    rows.append(header)
    expected = []
    for i, blank_before in enumerate(records):
        if blank_before:
            rows.append([])
        rows.append([i + 1, fake_nik(serial=i + 1), f"Nama {i}", "X", "Y", "Pemulung"])
        expected.append(len(rows))
    folder = tmp_path_factory.mktemp("rows")
    if fmt == "xlsx":
        path = write_xlsx(folder / "a.xlsx", {"S": rows})
    else:
        path = write_csv(folder / "a.csv", [[("" if v is None else v) for v in r] for r in rows],
                         delimiter=";")
    table = read_file(path, Settings()).tables[0]
    assert table.header_row == titles + int(gap) + 1
    assert list(table.data[ROW]) == expected
    # blank rows between the header and the first record, or between records, are listed
    assert [(s.row, s.reason) for s in table.skipped_rows] == [
        (r - 1, "blank") for r, blank in zip(expected, records, strict=True) if blank]
    assert len(table.title_lines) == titles
