"""Reading CSV/TSV: encodings, delimiters, quoted newlines, line numbers, ragged rows."""

from __future__ import annotations

import pytest
from builders import csv_text, fake_nik, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.read import read_file
from pmkscheck.read.csvread import decode, sniff_delimiter
from pmkscheck.settings import Settings
from pmkscheck.table import ROW

HEADER = ["No", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Alamat", "Desa", "Kecamatan",
          "Jenis PMKS"]
NIK1, NIK2, NIK3 = fake_nik(serial=1), fake_nik(serial=2), fake_nik(serial=3)


def test_semicolon_cp1252_with_quoted_newline(tmp_path):
    rows = [
        ["DATA PMKS KECAMATAN SANGATTA UTARA", "", "", "", "", "", "", "", ""],   # line 1
        [""] * 9,                                                               # line 2
        HEADER,                                                                 # line 3
        ["1", NIK1, "Mu'ut Désirée", "P", "17/08/1975", "Jl. A;\nRT 2", "Swarga Bara",
         "Sangatta Utara", "Lansia"],                                           # lines 4-5
        ["2", NIK2, "Long La'ai", "L", "01/01/1950", "Jl. B", "Singa Gembara",
         "Sangatta Utara", "Fakir Miskin"],                                     # line 6
        ["Jumlah", "", "", "", "", "", "", "", "2"],                            # line 7
    ]
    path = write_csv(tmp_path / "kutim.csv", rows, delimiter=";", encoding="cp1252")
    result = read_file(path, Settings())
    assert result.format == "csv"
    table = result.tables[0]
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.header_row == 3
    assert list(table.data[ROW]) == [4, 6]
    assert table.data["nama"].tolist() == ["Mu'ut Désirée", "Long La'ai"]
    assert table.data["alamat"].iloc[0] == "Jl. A;\nRT 2"
    assert [(s.row, s.reason) for s in table.skipped_rows] == [(7, "total")]
    assert table.letters["nik"] == "B"
    assert set(table.kinds["nik"]) == {"s"}
    assert table.title_lines == ["DATA PMKS KECAMATAN SANGATTA UTARA"]
    assert table.sheet is None and table.is_csv


def test_utf16_tsv(tmp_path):
    rows = [HEADER, ["1", NIK1, "Siti", "P", "17-08-1975", "Jl. A", "X", "Y", "ODHA"],
            ["2", NIK2, "Ani", "P", "17-08-1976", "Jl. B", "X", "Y", "ODHA"]]
    path = write_csv(tmp_path / "dtks.txt", rows, delimiter="\t", encoding="utf-16-le", bom=True)
    result = read_file(path, Settings())
    assert result.format == "tsv"
    table = result.tables[0]
    assert table.encoding == "utf-16-le" and table.delimiter == "\t"
    assert list(table.data[ROW]) == [2, 3]
    assert table.data["nik"].tolist() == [NIK1, NIK2]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False)])
def test_utf8_with_and_without_bom(tmp_path, encoding, bom):
    rows = [HEADER, ["1", NIK1, "Ñoño", "L", "x", "y", "z", "w", "v"]]
    path = write_csv(tmp_path / "a.csv", rows, encoding=encoding, bom=bom)
    table = read_file(path, Settings()).tables[0]
    assert table.data["nama"].tolist() == ["Ñoño"]
    assert table.headers["no"] == "No"  # BOM not glued to the first header


def test_ragged_rows_are_reported_with_their_line(tmp_path):
    text = ("No,NIK,Nama,Desa,Kecamatan\r\n"
            f"1,{NIK1},A,X,Y\r\n"
            f"2,{NIK2},B,X\r\n"                   # short
            f"3,{NIK3},C,X,Y,extra\r\n"           # long, with data
            f"4,{NIK3},D,X,Y,\r\n")               # trailing empty field: Excel-style, fine
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    table = read_file(path, Settings()).tables[0]
    ragged = sorted((n.row, n.params["expected"], n.params["found"]) for n in table.notices
                    if n.code == "ROW_RAGGED")
    assert ragged == [(3, 5, 4), (4, 5, 6)]
    assert ("COLUMN_BLANK_HEADER", "F") in {(n.code, n.letter) for n in table.notices}


def test_blank_lines_inside_table_and_trailing(tmp_path):
    text = f"NIK,Nama,Desa,Kecamatan\n{NIK1},A,X,Y\n\n{NIK2},B,X,Y\n\n\n"
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    table = read_file(path, Settings()).tables[0]
    assert list(table.data[ROW]) == [2, 4]
    assert [(s.row, s.reason) for s in table.skipped_rows] == [(3, "blank")]


@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2,5;3\n", ";"),
    ("a,b,c\n1,\"x;y\",3\n", ","),
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("a|b|c\n1|2|3\n", "|"),
    ("JUDUL, 2024\na;b;c;d\n1;2;3;4\n5;6;7;8\n", ";"),
    ('a;b\n"multi\nline, with commas, many";2\n3;4\n', ";"),
])
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


@pytest.mark.parametrize(("raw", "encoding"), [
    (b"\xef\xbb\xbfNama\n", "utf-8-sig"),
    ("Nama\n".encode("utf-16-le"), "utf-16-le"),
    ("Nama\n".encode("utf-16-be"), "utf-16-be"),
    (b"\xff\xfe" + "Nama\n".encode("utf-16-le"), "utf-16-le"),
    ("Désirée\n".encode(), "utf-8"),
    ("Désirée\n".encode("cp1252"), "cp1252"),
])
def test_decode(raw, encoding):
    text, enc = decode(raw)
    assert enc == encoding
    assert text.lstrip("\ufeff").startswith(("Nama", "Désirée"))


_cell = st.text(alphabet=st.sampled_from(list("ab ,;\"\n'é")), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=6),
       st.sampled_from([",", ";", "\t"]))
def test_line_numbers_follow_quoted_newlines(tmp_path_factory, records, delimiter):
    """Each record's row number is the line where it starts, whatever its quoted newlines."""
    header = ["NIK", "Nama", "Desa"]
    records = [[NIK1, *r[1:]] for r in records]  # a NIK keeps every record a record
    text = csv_text([header, *records], delimiter)
    path = tmp_path_factory.mktemp("csv") / "h.csv"
    path.write_text(text, encoding="utf-8", newline="")
    table = read_file(path, Settings()).tables[0]
    expected, line = [], 2
    for rec in records:
        expected.append(line)
        line += sum(v.count("\n") for v in rec) + 1
    assert list(table.data[ROW]) == expected
    assert table.data["nama"].tolist() == [r[1] or None for r in records]
