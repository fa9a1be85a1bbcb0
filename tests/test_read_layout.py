"""Layout pieces in isolation: header matching (with its traps), row classification, TTL split,
L/P marks, numeric cell text, jenis from sheet names and titles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck.read.grid import convert_column, number_text
from pmkscheck.read.header import match_header
from pmkscheck.read.layout import merge_sex, split_ttl
from pmkscheck.read.rows import classify_row
from pmkscheck.read.sheetjenis import jenis_in_name, jenis_in_title
from pmkscheck.schema import load_schema

SCHEMA = load_schema("pmks-individu")


@pytest.mark.parametrize(("header", "field"), [
    # exact aliases, any case / spacing / punctuation / line breaks
    ("N I K", "nik"), ("No. KTP", "nik"), ("NIK\n(16 digit)", "nik"),
    ("Nomor Induk Kependudukan", "nik"),          # trap: not no_kk
    ("Nomor Induk Kependudukan (NIK)", "nik"),
    ("No. Induk Kependudukan (NIK) Penerima", "nik"),
    ("No. KK", "no_kk"), ("Nomor Kartu Keluarga", "no_kk"), ("NKK", "no_kk"),
    ("Nama PMKS", "nama"),                        # trap: not jenis_pmks
    ("Nama PPKS", "nama"), ("NAMA LENGKAP SESUAI KTP/KK", "nama"),
    ("Nama Ibu Kandung", "nama_ibu"),             # trap: not nama
    ("Jenis PMKS", "jenis_pmks"), ("JENIS PPKS (26 JENIS)", "jenis_pmks"), ("PPKS", "jenis_pmks"),
    ("Jenis Kelamin (L/P)", "jenis_kelamin"), ("L/P", "jenis_kelamin"),
    ("Tgl. Lahir", "tanggal_lahir"), ("Tanggal Lahir (dd/mm/yyyy)", "tanggal_lahir"),
    ("Tempat/Tgl Lahir", "ttl"), ("TTL", "ttl"), ("Kota Lahir", "tempat_lahir"),
    ("Kel/Desa", "desa"), ("Kec.", "kecamatan"), ("Kab./Kota", "kabupaten"),
    ("Alamat Lengkap Domisili", "alamat"), ("KECAMATAN DOMISILI", "kecamatan"),
    ("No", "no"), ("No.", "no"), ("Ket.", "keterangan"),
    # unknown: generic words never start a prefix match
    ("Tanggal Pendataan", None), ("Nama Kepala Keluarga", None), ("Tempat Tinggal", None),
    ("Jenis Bantuan", None), ("Hobi", None), ("", None), ("   ", None),
])
def test_match_header(header, field):
    assert match_header(header, SCHEMA) == field


CELLS_FIELDS = {0: "no", 1: "nik", 2: "nama", 3: "jenis_kelamin", 10: "keterangan"}


@pytest.mark.parametrize(("cells", "reason"), [
    ([], "blank"),
    ([(0, "17")], "blank"),                        # pre-numbered empty template row
    ([(0, "A. LANJUT USIA TELANTAR")], "section"),
    ([(0, "II. KECAMATAN SANGATTA UTARA")], "section"),
    ([(0, "KECAMATAN BENGALON")], "section"),
    ([(2, "LANJUT USIA TELANTAR")], "section"),    # a jenis name alone in the name column
    ([(0, "JUMLAH"), (3, "12")], "total"),
    ([(0, "Sub Total")], "total"),
    ([(2, "TOTAL KESELURUHAN")], "total"),
    ([(0, "Jumlah :"), (5, "3")], "total"),
    ([(10, "Mengetahui,")], "signature"),
    ([(10, "Kepala Dinas Sosial Kab. Kutai Timur")], "signature"),
    ([(10, "NIP. 19700101 199001 1 001")], "signature"),
    ([(10, "Sangatta, 12 Maret 2025")], "signature"),
    ([(10, "a.n. Kepala Dinas")], "signature"),
    ([(0, "Catatan: data per Desember")], "note"),
    # records, however sparse
    ([(2, "Siti Aminah")], None),
    ([(1, "6472035708750001")], None),
    ([(0, "3"), (2, "Budi")], None),
    ([(1, "6472035708750001"), (2, "Jumlah Sari")], None),
])
def test_classify_row(cells, reason):
    assert classify_row(cells, CELLS_FIELDS, first_col=0) == reason


@pytest.mark.parametrize(("text", "place", "date"), [
    ("Samarinda, 17 Agustus 1975", "Samarinda", "17 Agustus 1975"),
    ("Samarinda,17-08-1975", "Samarinda", "17-08-1975"),
    ("Samarinda 17-08-1975", "Samarinda", "17-08-1975"),
    ("Kutai Kartanegara, Tenggarong, 1-2-1980", "Kutai Kartanegara, Tenggarong", "1-2-1980"),
    ("17/08/1975", None, "17/08/1975"),
    ("Tenggarong", "Tenggarong", None),
    ("Long Ikis, -", "Long Ikis", "-"),
])
def test_split_ttl(text, place, date):
    tempat, tanggal, k1, k2 = split_ttl(np.array([text], dtype=object),
                                        np.array(["s"], dtype=object))
    assert (tempat[0], tanggal[0]) == (place, date)
    assert k1[0] == ("s" if place else "")
    assert k2[0] == ("s" if date else "")


def test_split_ttl_date_and_number_cells_go_to_tanggal():
    tempat, tanggal, _, k2 = split_ttl(np.array(["1975-08-17", "27623", None], dtype=object),
                                       np.array(["d", "n", ""], dtype=object))
    assert tempat.tolist() == [None, None, None]
    assert tanggal.tolist() == ["1975-08-17", "27623", None]
    assert k2.tolist() == ["d", "n", ""]


_place = st.text(alphabet=st.sampled_from(list("abcdefghij KLM'")), min_size=1, max_size=12)
_date = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 1, 1))


@given(_place, _date, st.sampled_from([", ", ",", " "]))
def test_split_ttl_roundtrip(place, date, sep):
    text = f"{place}{sep}{date:%d-%m-%Y}"
    tempat, tanggal, _, _ = split_ttl(np.array([text], dtype=object),
                                      np.array(["s"], dtype=object))
    assert tanggal[0] == f"{date:%d-%m-%Y}"
    assert tempat[0] == (place.strip(" ,/-") or None)


def test_merge_sex_marks():
    lcol = np.array(["1", None, "v", "x", None, "0", "√"], dtype=object)
    pcol = np.array([None, "1", "v", None, None, "x", None], dtype=object)
    values, kinds = merge_sex(lcol, pcol)
    assert values.tolist() == ["L", "P", "L/P", "L", None, "P", "L"]
    assert kinds.tolist() == ["s", "s", "s", "s", "", "s", "s"]


@pytest.mark.parametrize(("value", "text"), [
    (6472030101010000.0, "6472030101010000"), (6.47203e15, "6472030000000000"),
    (12.5, "12.5"), (0.1 + 0.2, "0.3"), (1.0, "1"), (-3.0, "-3"), (0.0, "0"),
    (1e20, "100000000000000000000"),
])
def test_number_text(value, text):
    assert number_text(value) == text
    assert convert_column([value])[0][0] == text


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_integral_floats_never_show_exponent_or_dot(n):
    value = float(n)
    text = convert_column([value, "x"])[0][0]
    assert text == str(int(value))
    assert "e" not in text and "." not in text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_number_text_round_trips_to_15_digits(value):
    text = convert_column([value])[0][0]
    assert float(text) == pytest.approx(value, rel=1e-14, abs=1e-300)


def test_convert_column_kinds():
    texts, kinds = convert_column([dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4), True,
                                   "#N/A", "", "teks", 5])
    assert texts.tolist() == ["2020-01-02", "2020-01-02 03:04:00", "TRUE", "#N/A", None,
                              "teks", "5"]
    assert kinds.tolist() == ["d", "d", "b", "e", "", "s", "n"]


@pytest.mark.parametrize(("name", "official"), [
    ("LANSIA TERLANTAR", "Lanjut Usia Telantar"), ("ODHA", "Orang dengan HIV/AIDS"),
    ("Fakir Miskin", "Fakir Miskin"), ("anjal", "Anak Jalanan"),
    ("Sheet1", None), ("Data 2024", None), ("Rekap", None),
])
def test_jenis_in_name(name, official):
    assert jenis_in_name(name) == official


@pytest.mark.parametrize(("title", "found"), [
    ("DATA LANJUT USIA TELANTAR KAB. KUTAI TIMUR 2024",
     ("Lanjut Usia Telantar", "LANJUT USIA TELANTAR")),
    ("Daftar Penerima - Anak Balita Terlantar (ABT) 2024",
     ("Anak Balita Telantar", "Anak Balita Terlantar")),
    ("DATA PMKS KABUPATEN PASER", None),
])
def test_jenis_in_title(title, found):
    assert jenis_in_title(title) == found
