"""Person-level checks end to end (normalisers + checks): the derived-column contract, duplicate
semantics, one finding per destroyed NIK, row numbers, message parameters and masking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import check_issues, make_context, make_table, test_settings, triples
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.rules import format_text, rule

NIK_A = "6408175708750001"  # woman, 17-08-75, Kutai Timur
NIK_B = "6472031708500002"  # man, 17-08-50, Samarinda
DUP_CODES = {"NIK_DUPLICATE", "NIK_DUPLICATE_OTHER_JENIS"}


def _dups(rows):
    issues = check_issues(make_table(rows))
    return sorted((i.code, i.row, i.params.get("other_row")) for i in issues if i.code in DUP_CODES)


def test_duplicate_same_jenis_flags_every_row_and_names_another():
    rows = [{"nik": NIK_A, "jenis_pmks": "Fakir Miskin"}] * 3
    assert _dups(rows) == [("NIK_DUPLICATE", 5, 6), ("NIK_DUPLICATE", 6, 5),
                           ("NIK_DUPLICATE", 7, 5)]


def test_duplicate_across_jenis_is_a_warning_for_rows_not_already_duplicates():
    rows = [{"nik": NIK_A, "jenis_pmks": "Fakir Miskin"},
            {"nik": NIK_A, "jenis_pmks": "Fakir Miskin"},
            {"nik": NIK_A, "jenis_pmks": "Penyandang Disabilitas"},
            {"nik": NIK_B, "jenis_pmks": "Fakir Miskin"}]
    assert _dups(rows) == [("NIK_DUPLICATE", 5, 6), ("NIK_DUPLICATE", 6, 5),
                           ("NIK_DUPLICATE_OTHER_JENIS", 7, 5)]
    rows = [{"nik": NIK_A, "jenis_pmks": j} for j in
            ("Fakir Miskin", "Penyandang Disabilitas", "Lanjut Usia Telantar")]
    assert _dups(rows) == [("NIK_DUPLICATE_OTHER_JENIS", 5, 6),
                           ("NIK_DUPLICATE_OTHER_JENIS", 6, 5),
                           ("NIK_DUPLICATE_OTHER_JENIS", 7, 5)]


def test_duplicates_compare_clean_values():
    rows = [{"nik": NIK_A, "jenis_pmks": "Fakir Miskin"},
            {"nik": "6408 1757 0875 0001", "jenis_pmks": "keluarga fakir miskin"}]
    assert _dups(rows) == [("NIK_DUPLICATE", 5, 6), ("NIK_DUPLICATE", 6, 5)]


def _reference_duplicates(rows):
    """Quadratic reference implementation of the documented duplicate semantics."""
    out = []
    niks = [r["nik"] for r in rows]
    jenis = [r["jenis_pmks"] for r in rows]
    for i, (n, j) in enumerate(zip(niks, jenis, strict=True)):
        same = [k for k in range(len(rows)) if k != i and niks[k] == n and jenis[k] == j]
        other = [k for k in range(len(rows)) if niks[k] == n and jenis[k] != j]
        if same:
            out.append(("NIK_DUPLICATE", i + 5, same[0] + 5))
        elif other:
            out.append(("NIK_DUPLICATE_OTHER_JENIS", i + 5, other[0] + 5))
    return sorted(out)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([NIK_A, NIK_B, "6472035708500003"]),
                          st.sampled_from(["Fakir Miskin", "Penyandang Disabilitas",
                                           "Lanjut Usia Telantar"])),
                min_size=1, max_size=12))
def test_duplicates_match_quadratic_reference(pairs):
    rows = [{"nik": n, "jenis_pmks": j} for n, j in pairs]
    assert _dups(rows) == _reference_duplicates(rows)


def test_excel_destroyed_nik_gets_exactly_one_finding():
    rows = [{"nik": "6408175708750000"}, {"nik": "6408175708750000"}, {"nik": "6.40817E+15"},
            {"nik": "640817570875"}]
    issues = check_issues(make_table(rows, kinds={"nik": ["n", "n", "s", "n"]}))
    nik_issues = sorted((i.code, i.row) for i in issues if i.field == "nik")
    assert nik_issues == [("NIK_EXCEL_NUMBER", 5), ("NIK_EXCEL_NUMBER", 6),
                          ("NIK_EXCEL_NUMBER", 7), ("NIK_EXCEL_NUMBER", 8)]


def test_derived_contract_columns():
    rows = [
        {"nik": NIK_A, "tanggal_lahir": "17 Agustus 1975", "jenis_kelamin": "Perempuan",
         "umur": "40"},
        {"nik": NIK_B, "tanggal_lahir": None, "jenis_kelamin": "lk", "umur": None,
         "jenis_pmks": "Lanjut Usia Telantar"},
        {"nik": "6408 1717 1375 0001", "tanggal_lahir": "1950", "jenis_kelamin": "x",
         "umur": "70"},
        {"nik": None, "tanggal_lahir": "zz", "jenis_kelamin": None, "umur": "33 th"},
    ]
    ctx = make_context(make_table(rows))
    d, c = ctx.derived, ctx.clean
    assert c["nik"].tolist() == [NIK_A, NIK_B, "6408171713750001", None]
    assert d["nik"].valid.tolist() == [True, True, False, False]
    assert d["nik"].sex.tolist() == ["P", "L", None, None]
    assert [None if pd.isna(x) else x.date().isoformat() for x in d["nik"].birth] == [
        "1975-08-17", "1950-08-17", None, None]
    assert str(d["nik"].birth.dtype) == "datetime64[ns]"
    assert c["tanggal_lahir"].tolist() == ["1975-08-17", None, "1950", None]
    assert str(d["tanggal_lahir"].date.dtype) == "datetime64[ns]"
    assert d["tanggal_lahir"].date.isna().tolist() == [False, True, True, True]
    assert c["jenis_kelamin"].tolist() == ["P", "L", None, None]
    # age at 2025-06-30: from tanggal_lahir, else from the NIK, else the umur column
    assert str(d["person"].age.dtype) == "Int64"
    assert d["person"].age.tolist() == [49, 74, 75, 33]


def test_nik_century_follows_tanggal_lahir_then_umur():
    rows = [{"nik": "6408171708200001", "tanggal_lahir": "17-08-1920"},
            {"nik": "6408171708200002", "tanggal_lahir": None, "umur": "104"},
            {"nik": "6408171708200003", "tanggal_lahir": None, "umur": None}]
    birth = make_context(make_table(rows)).derived["nik"].birth
    assert birth.dt.year.tolist() == [1920, 1920, 2020]


def test_rows_come_from_the_row_column_not_the_index():
    table = make_table([{"nik": "123", "nama": "-"}, {"nik": NIK_A, "nama": "Budi 2"}])
    table.data.index = pd.Index([100, 7])
    table.kinds = {k: v.set_axis(table.data.index) for k, v in table.kinds.items()}
    got = triples(check_issues(table), {"NIK_LENGTH", "NAME_PLACEHOLDER", "NAME_HAS_DIGITS"})
    assert got == {("NIK_LENGTH", 5, "nik"), ("NAME_PLACEHOLDER", 5, "nama"),
                   ("NAME_HAS_DIGITS", 6, "nama")}


def test_cells_and_csv():
    rows = [{"nama": "Siti", "nik": "123"}]
    issue = next(i for i in check_issues(make_table(rows)) if i.code == "NIK_LENGTH")
    assert (issue.letter, issue.cell, issue.value, issue.params["length"]) == ("B", "B5", "123", 3)
    issue = next(i for i in check_issues(make_table(rows, fmt="csv")) if i.code == "NIK_LENGTH")
    assert issue.cell is None and issue.row == 5


def test_missing_nik_uses_the_sheet_jenis_when_there_is_no_column():
    table = make_table([{"nik": None, "nama": "Siti"}], sheet_jenis="Gelandangan")
    codes = {i.code for i in check_issues(table) if i.field == "nik"}
    assert codes == {"NIK_MISSING_UNDOCUMENTED"}


def test_missing_no_kk_is_not_a_finding():
    issues = check_issues(make_table([{"nik": NIK_A, "no_kk": None}]))
    assert not [i for i in issues if i.code.startswith("KK_")]


def test_rt_rw_pair_is_split_by_column():
    rows = [{"rt": "005/003", "rw": "005/003"}, {"rt": "RT. 07", "rw": "002"}]
    ctx = make_context(make_table(rows))
    assert ctx.clean["rt"].tolist() == ["5", "7"] and ctx.clean["rw"].tolist() == ["3", "2"]
    got = triples(check_issues(make_table(rows)), {"RT_RW_COMBINED", "RT_RW_INVALID"})
    assert got == {("RT_RW_COMBINED", 5, "rt"), ("RT_RW_COMBINED", 5, "rw")}


RICH = [
    {"nik": NIK_A, "no_kk": "6472031508120003", "nama": "Siti", "jenis_kelamin": "L",
     "tanggal_lahir": "18-08-1975", "umur": "30", "rt": "5/3", "jenis_pmks": "Fakir Miskin"},
    {"nik": NIK_A, "no_kk": "6499034508120000", "nama": "x", "jenis_kelamin": "2",
     "tanggal_lahir": "27000", "rt": "A", "jenis_pmks": "Penyandang Disabilitas"},
    {"nik": "3173011713750000", "no_kk": "6.47203E+15", "nama": "Budi 2", "jenis_kelamin": "?!",
     "tanggal_lahir": "1950", "jenis_pmks": "Fakir Miskin"},
    {"nik": "6499015708750001", "no_kk": "3173-0115-0812-0003", "tanggal_lahir": "17-08-2075",
     "jenis_pmks": "Gelandangan"},
    {"nik": None, "no_kk": "12", "tanggal_lahir": "17-08-1875", "jenis_pmks": "Gelandangan"},
    {"nik": "6408 1757 0875 0009", "no_kk": "64720315081200O3", "tanggal_lahir": "31/02/1990"},
    {"nik": "640817******0001", "no_kk": "647203**08120003"},
]
OWN_GROUPS = ("NIK", "KK", "DATE", "SEX", "NAME", "RT", "UMUR")


def test_rich_table_codes():
    got = triples(check_issues(make_table(RICH, kinds=None)))
    own = {t for t in got if t[0].startswith(OWN_GROUPS)}
    assert own == {
        # same NIK, but sex (L / 2 = P) and birth date differ: two persons (issue 17)
        ("NIK_SHARED_BY_DIFFERENT_PERSONS", 5, "nik"),
        ("NIK_SHARED_BY_DIFFERENT_PERSONS", 6, "nik"),
        ("NIK_BIRTHDATE_MISMATCH", 5, "nik"), ("NIK_SEX_MISMATCH", 5, "nik"),
        ("UMUR_MISMATCH", 5, "umur"), ("RT_RW_COMBINED", 5, "rt"),
        ("NIK_BIRTHDATE_MISMATCH", 6, "nik"), ("KK_REGION_UNKNOWN", 6, "no_kk"),
        ("KK_DATE_INVALID", 6, "no_kk"), ("KK_SERIAL_ZERO", 6, "no_kk"),
        ("NAME_PLACEHOLDER", 6, "nama"), ("SEX_NUMERIC_CODE", 6, "jenis_kelamin"),
        ("DATE_FROM_SERIAL", 6, "tanggal_lahir"), ("RT_RW_INVALID", 6, "rt"),
        ("NIK_OTHER_PROVINCE", 7, "nik"), ("NIK_BIRTHDATE_INVALID", 7, "nik"),
        ("NIK_SERIAL_ZERO", 7, "nik"), ("KK_EXCEL_NUMBER", 7, "no_kk"),
        ("NAME_HAS_DIGITS", 7, "nama"), ("SEX_INVALID", 7, "jenis_kelamin"),
        ("DATE_YEAR_ONLY", 7, "tanggal_lahir"),
        ("NIK_REGION_UNKNOWN", 8, "nik"), ("KK_CHARS_CLEANED", 8, "no_kk"),
        ("KK_OTHER_PROVINCE", 8, "no_kk"), ("DATE_FUTURE", 8, "tanggal_lahir"),
        ("NIK_MISSING_UNDOCUMENTED", 9, "nik"), ("KK_LENGTH", 9, "no_kk"),
        ("DATE_AGE_IMPLAUSIBLE", 9, "tanggal_lahir"),
        ("NIK_CHARS_CLEANED", 10, "nik"), ("KK_CHARS_CLEANED", 10, "no_kk"),
        ("DATE_INVALID", 10, "tanggal_lahir"),
        ("NIK_INVALID_CHARS", 11, "nik"), ("KK_INVALID_CHARS", 11, "no_kk"),
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_messages_have_their_params_and_never_show_an_identifier(lang):
    issues = [i for i in check_issues(make_table(RICH)) if i.code.startswith(OWN_GROUPS)]
    identifiers = {r.get("nik") for r in RICH} | {r.get("no_kk") for r in RICH}
    identifiers = {x.replace(" ", "").replace("-", "") for x in identifiers if x}
    for issue in issues:
        r = rule(issue.code)
        assert r.placeholders <= set(issue.params), (issue.code, dict(issue.params))
        text = format_text(r.t("message", lang), issue.params) + format_text(
            r.t("fix", lang), issue.params)
        assert "{" not in text
        digits = "".join(ch for ch in text if ch.isdigit())
        for ident in identifiers:
            if len(ident) >= 12 and ident.isdigit():
                assert ident[6:12] not in digits or ident[6:12] in ("000000",), issue.code


def test_no_row_loops_scale_linearly():
    """A 50k-row table runs in a bounded time (vectorised; guards against quadratic code)."""
    import time

    n = 50_000
    rng = np.random.default_rng(3)
    serial = rng.integers(1, 9999, n)
    niks = [f"640817{1 + i % 28:02d}{1 + i % 12:02d}{i % 100:02d}{s:04d}"
            for i, s in enumerate(serial)]
    rows = [{"nik": x, "jenis_pmks": "Fakir Miskin", "tanggal_lahir": "17-08-1975",
             "jenis_kelamin": "L", "nama": "Siti"} for x in niks]
    table = make_table(rows)
    start = time.process_time()
    check_issues(table, test_settings())
    assert time.process_time() - start < 10


@pytest.mark.parametrize("type_name", ["nik", "no_kk", "date", "sex", "name", "rt_rw", "integer"])
def test_person_normalisers_are_registered(type_name):
    from pmkscheck.normalise import normalise_text, normaliser_for, post_normalisers

    assert normaliser_for(type_name) is not normalise_text
    assert any(p.__name__ == "derive_age" for p in post_normalisers())
