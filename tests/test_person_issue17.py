"""Issue 17, "one NIK, one person" and "dates and codes as written": properties and an end-to-end
CLI run on a workbook built here.

The case tables (tests/cases/*.yaml) hold the value-level examples; this file holds what needs
structure: NIK decoding and century properties (Hypothesis), the two-person rule on a whole
group, the message sources, the cleaned file's rt/rw columns and the CLI's answer.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import Sheet, write_xlsx
from conftest import REFERENCE_DATE, check_issues, make_context, make_table
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.domain import dates
from pmkscheck.domain.nik import analyse_nik, build, nik_birth
from pmkscheck.domain.person import name_key, same_name
from pmkscheck.rules import message, rule

ROOT = Path(__file__).resolve().parents[1]
births = st.dates(min_value=REFERENCE_DATE - timedelta(days=365 * 119),
                  max_value=REFERENCE_DATE)


# --- NIK decoding: sex and birth date, whatever the century ------------------------------------

@settings(max_examples=150, deadline=None)
@given(births, st.sampled_from(["L", "P"]), st.integers(1, 9999),
       st.sampled_from(["640817", "647203", "317301", "960101"]))
def test_nik_encodes_sex_and_birth_date(birth, sex, serial, kecamatan):
    nik = build(kecamatan, birth, sex, serial)
    frame = analyse_nik(pd.Series([nik]))
    assert frame["sex"].iloc[0] == sex
    assert (frame["day"].iloc[0], frame["mm"].iloc[0], frame["yy"].iloc[0]) == (
        birth.day, birth.month, birth.year % 100)
    # the century comes from the row: the year of Tanggal Lahir decides it exactly
    hints = pd.DataFrame({"year": pd.array([birth.year], dtype="Int64"),
                          "umur": pd.array([None], dtype="Int64"), "lansia": [False]})
    got = nik_birth(frame, REFERENCE_DATE, hints)[0]
    assert pd.Timestamp(got).date() == birth


@settings(max_examples=150, deadline=None)
@given(births)
def test_nik_age_and_sex_feed_the_jenis_criteria_when_the_row_has_none(birth):
    nik = build("640817", birth, "P", 1)
    umur = dates.age_years(pd.Series([pd.Timestamp(birth)]), REFERENCE_DATE).iloc[0]
    ctx = make_context(make_table([{"nik": nik, "jenis_kelamin": None, "tanggal_lahir": None,
                                    "umur": str(umur)}]))
    assert ctx.person.age.iloc[0] == umur
    assert ctx.person.age_source.iloc[0] == "NIK"
    assert ctx.person.sex.iloc[0] == "P"
    assert ctx.person.sex_source.iloc[0] == "NIK"


# --- two-digit years ---------------------------------------------------------------------------

BANDS = [(np.nan, np.nan), (60, np.nan), (0, 5), (6, 18), (0, 17), (18, 59), (18, np.nan)]


@settings(max_examples=300, deadline=None)
@given(births, st.sampled_from(BANDS), st.booleans())
def test_century_is_never_a_silent_wrong_guess(birth, band, with_umur):
    """Whatever the hints, the century taken is the true one or the date stays undecided,
    provided the truth fits the jenis' band (the band only ever picks a reading that fits)."""
    day = 28 if birth.month == 2 else birth.day
    truth = date(birth.year, birth.month, day)
    written = truth.replace(year=2000 + truth.year % 100)
    age = dates.age_years(pd.Series([pd.Timestamp(truth)]), REFERENCE_DATE).iloc[0]
    lo, hi = band
    fits_band = (np.isnan(lo) or age >= lo) and (np.isnan(hi) or age <= hi)
    out, undecided = dates.resolve_century(
        np.array([written], dtype="datetime64[ns]"), np.array([True]), REFERENCE_DATE,
        np.array([float(age) if with_umur else np.nan]), np.array([band], dtype=float))
    if undecided[0]:
        assert np.isnat(out[0]) and not with_umur
        return
    got = pd.Timestamp(out[0]).date()
    assert got <= REFERENCE_DATE and (got.month, got.day, got.year % 100) == (
        truth.month, truth.day, truth.year % 100)
    if with_umur or fits_band:  # right whenever the evidence is true
        assert got == truth


def test_ambiguous_date_stays_as_written_and_gives_no_age_finding():
    rows = [{"nik": "6408171708150001", "tanggal_lahir": "17-08-15", "jenis_pmks": "Fakir Miskin"},
            {"nik": "6408171708150002", "tanggal_lahir": "17-08-15",
             "jenis_pmks": "Lanjut Usia Telantar"}]
    table = make_table(rows)
    ctx = make_context(table)
    assert ctx.clean["tanggal_lahir"].tolist() == ["17-08-15", "1915-08-17"]
    codes = {(i.code, i.row) for i in check_issues(table)}
    assert ("DATE_CENTURY_AMBIGUOUS", 5) in codes
    assert not {c for c, r in codes if c.startswith(("JENIS_AGE", "DATE_AGE", "DATE_FUTURE"))}


# --- names -------------------------------------------------------------------------------------

names = st.lists(st.sampled_from(["siti", "aminah", "budi", "santoso", "nur", "hayati", "yusuf",
                                  "rahmawati", "long", "la'ai"]), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(names, st.sampled_from(["", "H. ", "Hj. ", "Bpk. ", "Ibu "]),
       st.sampled_from(["", ", S.Pd", ", S.Sos."]), st.booleans())
def test_a_name_as_written_otherwise_is_the_same_person(words, title, degree, upper):
    plain = " ".join(words)
    written = f"{title}{plain.upper() if upper else plain.title()}{degree}"
    written = written.replace(" ", "  ")
    assert same_name(name_key(plain), name_key(written))


def test_different_names_are_different_persons():
    for a, b in [("Siti Aminah", "Budi Santoso"), ("Siti Aminah", "Siti Rahmawati"),
                 ("Nurhayati", "Rahmawati")]:
        assert not same_name(name_key(a), name_key(b)), (a, b)


def test_shared_nik_flags_every_row_and_names_what_differs():
    nik = "6408175708750001"
    rows = [{"nik": nik, "nama": "Siti Aminah", "jenis_kelamin": "P", "jenis_pmks": "Fakir Miskin"},
            {"nik": nik, "nama": "SITI AMINNAH", "jenis_kelamin": "P",
             "jenis_pmks": "Penyandang Disabilitas"},
            {"nik": nik, "nama": "Budi Santoso", "jenis_kelamin": "L",
             "jenis_pmks": "Fakir Miskin"}]
    got = sorted((i.code, i.row, i.params.get("other_row"), i.params.get("differs"))
                 for i in check_issues(make_table(rows)) if i.code.startswith("NIK_DUP")
                 or i.code == "NIK_SHARED_BY_DIFFERENT_PERSONS")
    assert got == [("NIK_SHARED_BY_DIFFERENT_PERSONS", 5, 7, "Nama, Jenis Kelamin"),
                   ("NIK_SHARED_BY_DIFFERENT_PERSONS", 6, 7, "Nama, Jenis Kelamin"),
                   ("NIK_SHARED_BY_DIFFERENT_PERSONS", 7, 5, "Nama, Jenis Kelamin")]
    assert rule("NIK_SHARED_BY_DIFFERENT_PERSONS").severity.name == "ERROR"


@pytest.mark.parametrize("nik, kk", [
    ("", "6408171708700001"),           # No. KK but no NIK column content
    ("6408171708700001", ""),           # NIK but no No. KK
    ("64081717", "6408171708700001"),   # every NIK malformed
    ("6408171708700001", "abc"),        # every No. KK malformed
])
def test_kk_against_nik_when_one_side_has_no_usable_value(nik, kk):
    """A bit-flip found this: no usable NIK at all must not crash the No. KK lookup."""
    rows = [{"nik": nik, "no_kk": kk, "nama": "Siti", "jenis_pmks": "Fakir Miskin"}] * 3
    codes = {i.code for i in check_issues(make_table(rows))}
    assert not {"KK_IS_OWN_NIK", "KK_IS_OTHER_NIK"} & codes


def test_messages_say_where_age_and_sex_came_from():
    rows = [{"nik": "6408171708500001", "jenis_kelamin": None, "tanggal_lahir": None,
             "jenis_pmks": "Anak Telantar"},
            {"nik": "6408171708750001", "jenis_kelamin": None, "tanggal_lahir": None,
             "jenis_pmks": "Perempuan Rawan Sosial Ekonomi"}]
    issues = {i.code: i for i in check_issues(make_table(rows))}
    age, sex = issues["JENIS_AGE_MISMATCH"], issues["JENIS_SEX_MISMATCH"]
    assert age.params["source"] == "NIK" and sex.params["source"] == "NIK"
    assert "menurut NIK" in message(age, "id") and "source: NIK" in message(sex, "en")


# --- RT and RW inside Alamat (table-driven; the finding is file-level, so not in tests/cases) ----

ALAMAT_RT_RW = [  # Alamat as written -> (RT, RW) taken into the cleaned file
    ("Jl. Mawar No. 5 RT 01/RW 02", ("1", "2")),
    ("Gg. Melati Rt.3 Rw.1", ("3", "1")),
    ("Dusun II RT. 004 RW. 002", ("4", "2")),
    ("rt 5 rw 3 Desa Sangatta", ("5", "3")),
    ("Jl. Kenanga RT/RW 001/002", ("1", "2")),
    ("Jl. Anggrek RT 004/002", ("4", "2")),
    ("RT001/RW002 Kel. Sempaja", ("1", "2")),
    ("KM 5 RT.03 / RW.01", ("3", "1")),
    ("Jl. Anggrek RT 07", ("7", None)),
    ("Jl. Kartini No. 3", (None, None)),
    ("Perumahan Pertamina Blok C 3", (None, None)),
    ("Jl. Kartini RT", (None, None)),
    (None, (None, None)),
]


def test_rt_rw_taken_from_alamat_when_the_sheet_has_no_such_columns():
    rows = [{"nik": "6408171708500001", "alamat": a} for a, _ in ALAMAT_RT_RW]
    table = make_table(rows)
    ctx = make_context(table)
    got = list(zip(ctx.derived["alamat"].rt, ctx.derived["alamat"].rw, strict=True))
    assert got == [want for _, want in ALAMAT_RT_RW]
    info = [i for i in check_issues(table) if i.code == "RT_RW_FROM_ALAMAT"]
    taken = sum(1 for _, want in ALAMAT_RT_RW if want != (None, None))
    assert [(i.row, i.field, i.params) for i in info] == [(None, "alamat", {"rows": taken})]


def test_rt_rw_columns_of_the_sheet_win_over_alamat():
    rows = [{"alamat": "Jl. Mawar RT 01/RW 02", "rt": "7", "rw": "8"}]
    ctx = make_context(make_table(rows))
    assert "alamat" not in ctx.derived
    assert not [i for i in check_issues(make_table(rows)) if i.code == "RT_RW_FROM_ALAMAT"]
    only_rt = make_context(make_table([{"alamat": "RT 01/RW 02", "rt": "1"}]))
    assert only_rt.derived["alamat"].rt is None
    assert only_rt.derived["alamat"].rw.tolist() == ["2"]


# --- end to end: the CLI on a workbook ---------------------------------------------------------

HEADER = ["No", "NIK", "No. KK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Alamat", "Desa",
          "Kecamatan", "Jenis PMKS"]
A, B = "6408171708500001", "6408175708750002"  # a man born 17-08-1950, a woman born 17-08-1975
KK = "6408171508120003"


def _book(path: Path) -> Path:
    rows = [["DATA PMKS KABUPATEN KUTAI TIMUR"], [], HEADER,
            [1, A, KK, "Ahmad Yani", "L", "17-08-1950", "Jl. Mawar RT 01/RW 02", "Sangatta Utara",
             "Sangatta Utara", "Lanjut Usia Telantar"],
            # same NIK, another person (name, sex, date): error on both rows
            [2, A, KK, "Siti Rahmawati", "P", "02-01-1980", "Rt.3 Rw.1 Gg. Melati",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"],
            # same person as row 7 (typo, title) under another jenis: a warning only
            [3, B, KK, "Hj. Siti Aminah", "P", "17 Agt. 1975", "RT. 004 RW. 002",
             "Sangatta Utara", "Sangatta Utara", "Penyandang Disabilitas"],
            [4, B, KK, "SITI AMINNAH", "P", "17 Agustus 1975.", "rt 5 rw 3",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"],
            # No. KK typed with the own NIK (error) / another row's NIK (warning)
            [5, "6408171708600003", "6408171708600003", "Budi", "L", "17-08-1960", "Jl. Kenanga",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"],
            [6, "6408171708620004", B, "Joko", "L", "17-08-1962", "Jl. Kenanga",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"],
            # PRSE, sex empty: the NIK says male; a two-digit year nothing decides
            [7, "6408171708800005", KK, "Rudi", None, "17-08-80", "Jl. Anggrek",
             "Sangatta Utara", "Sangatta Utara", "Perempuan Rawan Sosial Ekonomi"],
            [8, "6408171708150006", KK, "Dodi", "L", "17-08-15", "Jl. Anggrek",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"],
            # a NIK whose province is none of the 38
            [9, "9701011708700007", KK, "Andi", "L", "17-08-1970", "Jl. Anggrek",
             "Sangatta Utara", "Sangatta Utara", "Fakir Miskin"]]
    umur_only = [["No", "NIK", "Nama", "Umur", "Alamat", "Desa", "Kecamatan", "Jenis PMKS"],
                 [1, None, "Nenek Ijah", "8", "RT 02 RW 01", "Sangatta Utara", "Sangatta Utara",
                  "Lanjut Usia Telantar"],
                 [2, None, "Kakek Udin", "71", "RT 03 RW 01", "Sangatta Utara", "Sangatta Utara",
                  "Lanjut Usia Telantar"],
                 [3, "6408171708500008", "Pak Tua", "20", "RT 03 RW 01", "Sangatta Utara",
                  "Sangatta Utara", "Fakir Miskin"]]
    return write_xlsx(path, {"PMKS": Sheet(rows=rows), "Umur": Sheet(rows=umur_only)})


def test_cli_end_to_end(tmp_path):
    src = _book(tmp_path / "kutim_pmks_issue17.xlsx")
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(src), "--format",
                        "json", "-o", str(tmp_path / "out")], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    pmks, umur = doc["files"]
    found = {(i["code"], i["row"], i["field"]) for i in pmks["issues"]}
    expected = {
        ("NIK_SHARED_BY_DIFFERENT_PERSONS", 4, "nik"),
        ("NIK_SHARED_BY_DIFFERENT_PERSONS", 5, "nik"),
        ("NIK_DUPLICATE_OTHER_JENIS", 6, "nik"), ("NIK_DUPLICATE_OTHER_JENIS", 7, "nik"),
        ("KK_IS_OWN_NIK", 8, "no_kk"), ("KK_IS_OTHER_NIK", 9, "no_kk"),
        ("JENIS_SEX_MISMATCH", 10, "jenis_pmks"), ("DATE_CENTURY_AMBIGUOUS", 11, "tanggal_lahir"),
        ("NIK_REGION_UNKNOWN", 12, "nik"),
    }
    assert expected <= found, expected - found
    assert not {("NIK_DUPLICATE", r, "nik") for r in range(4, 13)} & found
    assert not {t for t in found if t[0] in ("DATE_INVALID", "NIK_OTHER_PROVINCE",
                                              "JENIS_AGE_MISMATCH", "NIK_BIRTHDATE_MISMATCH")
                and t[1] != 5}  # row 5: the other person's birth date is not the NIK's
    sex = next(i for i in pmks["issues"] if i["code"] == "JENIS_SEX_MISMATCH")
    assert "NIK" in sex["message"]
    # RT/RW from Alamat: info per row, and rt/rw columns in the cleaned file
    info = [i for i in pmks["issues"] if i["code"] == "RT_RW_FROM_ALAMAT"]
    assert len(info) == 1 and info[0]["row"] is None and info[0]["severity"] == "info"
    assert "4 " in info[0]["message"]  # rows 4-7 of the sheet
    with open(pmks["outputs"]["clean_csv"], encoding="utf-8-sig", newline="") as fh:
        cleaned = list(csv.DictReader(fh))
    assert [(c["rt"], c["rw"]) for c in cleaned[:4]] == [("1", "2"), ("3", "1"), ("4", "2"),
                                                         ("5", "3")]
    assert cleaned[3]["tanggal_lahir"] == "1975-08-17" and cleaned[7]["tanggal_lahir"] == "17-08-15"
    # only Umur: a Lanjut Usia aged 8 is flagged, an Umur against the NIK too
    found = {(i["code"], i["row"], i["field"]) for i in umur["issues"]}
    assert ("JENIS_AGE_MISMATCH", 2, "jenis_pmks") in found
    assert ("JENIS_AGE_MISMATCH", 3, "jenis_pmks") not in found
    assert ("UMUR_MISMATCH", 4, "umur") in found
    assert "NIK" in next(i["message"] for i in umur["issues"] if i["code"] == "UMUR_MISMATCH")
    assert json.dumps(doc).count(A) == 0  # masked
