"""Issue 6: the vectorised fast paths of normalise and check give the per-value answers.

Each fast path (pyarrow kernels on the distinct values, a bytes pass over a column, pandera on
distinct values) is compared with the plain per-value function it replaces, on generated text
that mixes the common case (plain ASCII) with everything that must take the slow path.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import check_issues, make_context, make_table, triples
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.checks import cells, schema_checks
from pmkscheck.checks.summary import completeness, filled_cells
from pmkscheck.cleantext import CONTROL_CHARS, clean_text, clean_uniques, text_clean
from pmkscheck.domain import dates
from pmkscheck.domain.person import integer_text, integer_text_many, name_status, name_status_many

NIK = "6408175708750001"

# Characters that matter to the fast paths: ASCII letters, digits, spaces, punctuation, controls
# (tab, newline, NUL, \x1c..\x1f which str.split treats as spaces), Unicode spaces, zero-width
# characters, accents (composed and combining), non-ASCII digits and letters.
_ALPHABET = st.sampled_from(
    list("aAxXbz09 5.,'-/") + ["  ", "\t", "\n", "\r", "\x00", "\x07", "\x1c", "\x1f", "\x7f",
                               "\u00a0", "\u3000", "\u200b", "\ufeff", "\u0301", "é", "İ",
                               "\u0663", "²", "ß"])
_TEXT = st.lists(_ALPHABET, max_size=8).map("".join)
_VALUES = st.lists(st.one_of(_TEXT, st.sampled_from(["Budi", "0042", "nama", "xxx", "25 th"])),
                   max_size=30)


def _objects(values: list[object]) -> np.ndarray:
    return np.array(values + ["sentinel"], dtype=object)[:-1]  # 1-d object array, even of ""


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_clean_uniques_is_clean_text_of_each_value(values):
    uniques = _objects(list(dict.fromkeys(values)))
    assert list(clean_uniques(uniques)) == [clean_text(v) for v in uniques]


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_name_status_many_is_name_status_of_each_value(values):
    uniques = _objects(values)
    assert list(name_status_many(uniques)) == [name_status(v) for v in uniques]


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.booleans())
def test_integer_text_many_is_integer_text_of_each_value(values, age):
    uniques = _objects(values)
    assert list(integer_text_many(uniques, age=age)) == [integer_text(v, age=age)
                                                         for v in uniques]


def test_fast_paths_take_values_that_are_not_text():
    uniques = np.array([7, "0042", b"12", 2.5], dtype=object)
    assert list(clean_uniques(uniques)) == ["7", "0042", "b'12'", "2.5"]
    assert list(integer_text_many(uniques)) == ["7", "42", "b'12'", "2.5"]
    assert list(name_status_many(uniques)) == [name_status(v) for v in uniques]


def test_text_clean_maps_distinct_values_back_to_rows():
    raw = pd.Series(["  Siti  ", None, "Siti", "  Siti  ", "", "\u200b"], index=[5, 6, 7, 8, 9, 10],
                    name="nama")
    out = text_clean(raw)
    assert out.tolist() == ["Siti", None, "Siti", "Siti", None, None]
    assert out.index.tolist() == [5, 6, 7, 8, 9, 10] and out.name == "nama"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _TEXT), max_size=40))
def test_blank_is_strip_test_of_each_value(values):
    uniques = _objects([v for v in values if v is not None])
    assert list(schema_checks._blank(uniques)) == [not v.strip() for v in uniques]


@pytest.mark.parametrize("bad", ["SI\0TI", "BUDI\x07", "\x1bAMIR", "A\x7f", "\x1c"])
def test_control_character_found_in_any_block(monkeypatch, bad):
    monkeypatch.setattr(cells, "_BLOCK", 3)  # several blocks; the bad cell is in the last one
    rows = [{"nik": NIK, "nama": name} for name in ["Siti", None, "", "Budi", "Ani", "Ina", bad]]
    issues = check_issues(make_table(rows))
    assert triples(issues, {"CELL_CONTROL_CHARACTERS"}) == {("CELL_CONTROL_CHARACTERS", 11,
                                                             "nama")}


def test_no_control_character_in_tabs_newlines_or_unicode():
    values = np.array(["a\tb", "c\nd", "\u200b", "é", "\r", None, ""], dtype=object)
    assert not cells._may_hold_control(values)
    assert all(cells._may_hold_control(np.array(["ok", c], dtype=object))
               for c in CONTROL_CHARS)
    assert cells._may_hold_control(np.array(["ok", 5], dtype=object))  # not text: look closer


def test_pandera_failures_of_a_distinct_value_reach_every_row():
    rows = [{"no": "1", "nik": NIK, "nama": "Siti"}, {"no": "x", "nik": NIK, "nama": "  "},
            {"no": "x", "nik": NIK, "nama": None}, {"no": "007", "nik": NIK, "nama": "Siti"},
            {"no": "x", "nik": NIK, "nama": "\u00a0"}]
    issues = check_issues(make_table(rows))
    got = triples(issues, {"VALUE_NOT_INTEGER", "VALUE_MISSING"})
    assert {t for t in got if t[2] in ("no", "nama")} == {
        ("VALUE_NOT_INTEGER", 6, "no"), ("VALUE_NOT_INTEGER", 7, "no"),
        ("VALUE_NOT_INTEGER", 9, "no"), ("VALUE_MISSING", 6, "nama"),
        ("VALUE_MISSING", 7, "nama"), ("VALUE_MISSING", 9, "nama")}


def test_pandera_findings_come_column_by_column_in_table_order():
    rows = [{"nik": NIK, "nama": None, "jenis_kelamin": None},
            {"nik": NIK, "nama": "Siti", "jenis_kelamin": " "}]
    ctx = make_context(make_table(rows))
    found = schema_checks.pandera_values.run(ctx)
    order = [c for c in ctx.clean.columns if c in set(found["field"])]
    assert found["field"].tolist() == sorted(found["field"], key=order.index)
    per_field = found.groupby("field", sort=False)
    assert all(g.index.is_monotonic_increasing for _, g in per_field)


def test_filled_cells_is_notna_and_feeds_completeness():
    clean = pd.DataFrame({"a": ["x", None, np.nan], "b": [pd.NA, "y", "z"]}, index=[3, 4, 5])
    assert filled_cells(clean).equals(clean.notna())
    ctx = make_context(make_table([{"nik": NIK, "nama": "Siti"}, {"nik": NIK, "nama": None}]))
    assert completeness(ctx.clean, ctx.schema)["nama"] == 0.5


def test_name_status_per_distinct_raw_value():
    rows = [{"nik": NIK, "nama": n} for n in ["Siti", " Siti ", "  ", None, "Budi 2", "xxx", "É"]]
    ctx = make_context(make_table(rows))
    assert ctx.clean["nama"].tolist() == ["Siti", "Siti", None, None, "Budi 2", "xxx", "É"]
    assert ctx.status("nama").tolist() == [
        "ok", "ok", None, None, "has_digits", "placeholder", "placeholder"]


_WORDS = st.sampled_from(["Agustus", "AGT", "des", "Mei", "May", "Pebruari", "Sept", "Xyz", "x",
                          "Juli"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), _WORDS, st.integers(1700, 2300),
                          st.sampled_from([" ", "  ", "-", ""])), max_size=20))
def test_named_month_dates_parse_as_parse_one(parts):
    texts = [f"{d}{sep}{word}{sep}{y}" for d, word, y, sep in parts] + ["17 Agustus 1975"]
    today = date(2025, 6, 30)
    got = dates.parse_series(pd.Series(texts, dtype=object), None, today)
    want = [dates.parse_one(t, today) for t in texts]
    assert got["iso"].tolist() == [w.iso for w in want]
    assert got["status"].tolist() == [w.status for w in want]
    assert got["year"].tolist() == [pd.NA if w.year is None else w.year for w in want]
    assert got["date"].tolist() == [pd.NaT if w.value is None else pd.Timestamp(w.value)
                                    for w in want]


def _age_by_pandas_fields(birth: pd.Series, today: date) -> pd.Series:
    """Reference: whole years from pandas' calendar fields."""
    b = pd.DatetimeIndex(birth)
    before = (b.month > today.month) | ((b.month == today.month) & (b.day > today.day))
    age = pd.array(np.where(b.isna(), 0, today.year - b.year - before.astype(int)), dtype="Int64")
    age[np.asarray(b.isna())] = pd.NA
    return pd.Series(age, index=birth.index)


@pytest.mark.parametrize("today", [date(2025, 6, 30), date(2024, 2, 29), date(2025, 1, 1)])
def test_age_years_matches_calendar_fields(today):
    rng = np.random.default_rng(6)
    ns = rng.integers(-9_000_000_000_000_000_000, 9_000_000_000_000_000_000, 20_000,
                      dtype=np.int64)  # any time of day, 1677..2262
    edges = pd.to_datetime(["1900-02-28", "1900-03-01", "2000-02-29", "2024-02-29",
                            "1969-12-31 23:59", "1970-01-01", "2261-12-31"], format="ISO8601").asi8
    birth = pd.Series(np.concatenate([ns, edges]).view("datetime64[ns]"))
    birth[::7] = pd.NaT
    got = dates.age_years(birth, today)
    assert got.dtype == "Int64" and got.equals(_age_by_pandas_fields(birth, today))
    year, month, day = dates.datetime_to_ymd(birth.to_numpy())
    ok = birth.notna().to_numpy()
    index = pd.DatetimeIndex(birth[ok])
    assert (year[ok] == index.year).all() and (month[ok] == index.month).all()
    assert (day[ok] == index.day).all()


def test_values_that_differ_after_a_nul_stay_distinct():
    # pandas' factorize compares all-str values as C strings: "SI\0TI" == "SI\0XX" == "SI"
    rows = [{"nik": NIK, "nama": n, "rt": r}
            for n, r in [("SI\0TI", "1\0"), ("SI\0XX", "1\0x"), ("SI", "1")]]
    table = make_table(rows)
    ctx = make_context(table)
    assert ctx.clean["nama"].tolist() == ["SITI", "SIXX", "SI"]
    assert ctx.status("nama").tolist() == ["ok", "ok", "ok"]
    got = triples(check_issues(table), {"CELL_CONTROL_CHARACTERS"})
    assert got == {("CELL_CONTROL_CHARACTERS", row, field)
                   for row in (5, 6) for field in ("nama", "rt")}
