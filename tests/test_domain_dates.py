"""Indonesian date parsing: every accepted form, never month-first, serials, years alone."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck.domain import dates

TODAY = date(2025, 6, 30)

CASES = [
    # text, kind, iso, status
    ("17/08/1975", None, "1975-08-17", dates.OK),
    ("17-08-1975", None, "1975-08-17", dates.OK),
    ("17.08.1975", None, "1975-08-17", dates.OK),
    ("7/8/1975", None, "1975-08-07", dates.OK),
    ("17 / 08 / 1975", None, "1975-08-17", dates.OK),
    ("17-08/1975", None, "1975-08-17", dates.OK),
    ("17/8/75", None, "1975-08-17", dates.OK),
    ("5/3/30", None, "1930-03-05", dates.OK),  # 2030 would be after the reference date
    ("5/3/24", None, "2024-03-05", dates.OK),
    ("1/7/25", None, "1925-07-01", dates.OK),  # 1 July 2025 is after 30 June 2025
    ("1975-08-17", None, "1975-08-17", dates.OK),
    ("1975-08-17 00:00:00", None, "1975-08-17", dates.OK),
    ("1975-08-17T00:00:00", None, "1975-08-17", dates.OK),
    ("1975/8/17", None, "1975-08-17", dates.OK),
    ("1975-08-17", "d", "1975-08-17", dates.OK),
    ("17 Agustus 1975", None, "1975-08-17", dates.OK),
    ("17-Agustus-1975", None, "1975-08-17", dates.OK),
    ("17 AGUSTUS 1975", None, "1975-08-17", dates.OK),
    ("17Agustus1975", None, "1975-08-17", dates.OK),
    ("17 Agt 1975", None, "1975-08-17", dates.OK),
    ("17 Agt. 1975", None, "1975-08-17", dates.OK),
    ("17 Ags 1975", None, "1975-08-17", dates.OK),
    ("17 Agu 1975", None, "1975-08-17", dates.OK),
    ("17 Aug 1975", None, "1975-08-17", dates.OK),
    ("3 Pebruari 1960", None, "1960-02-03", dates.OK),
    ("3 Februari 1960", None, "1960-02-03", dates.OK),
    ("3 Peb 1960", None, "1960-02-03", dates.OK),
    ("9 Nopember 1960", None, "1960-11-09", dates.OK),
    ("9 Nop 1960", None, "1960-11-09", dates.OK),
    ("1 Januari 1950", None, "1950-01-01", dates.OK),
    ("2 Maret 1950", None, "1950-03-02", dates.OK),
    ("2 Mar 1950", None, "1950-03-02", dates.OK),
    ("4 Apr 1950", None, "1950-04-04", dates.OK),
    ("5 Mei 1950", None, "1950-05-05", dates.OK),
    ("5 May 1950", None, "1950-05-05", dates.OK),
    ("6 Juni 1950", None, "1950-06-06", dates.OK),
    ("6 Jun 1950", None, "1950-06-06", dates.OK),
    ("7 Juli 1950", None, "1950-07-07", dates.OK),
    ("8 Sep 1950", None, "1950-09-08", dates.OK),
    ("8 Sept 1950", None, "1950-09-08", dates.OK),
    ("10 Okt 1950", None, "1950-10-10", dates.OK),
    ("10 Oktober 1950", None, "1950-10-10", dates.OK),
    ("31-Oct-16", None, "2016-10-31", dates.OK),
    ("31-Dec-99", None, "1999-12-31", dates.OK),
    ("12 Des 1950", None, "1950-12-12", dates.OK),
    ("12 December 1950", None, "1950-12-12", dates.OK),
    ("August 17, 1975", None, "1975-08-17", dates.OK),
    ("Samarinda, 17 Agustus 1975", None, "1975-08-17", dates.OK),
    ("Long Bagun, 17-08-1975", None, "1975-08-17", dates.OK),
    ("17081975", None, "1975-08-17", dates.OK),
    ("19750817", None, "1975-08-17", dates.OK),
    # Excel serial numbers
    ("27000", None, "1973-12-02", dates.SERIAL),
    ("9800", None, "1926-10-30", dates.SERIAL),
    ("27000", "n", "1973-12-02", dates.NUMBER),
    ("27000.0", "n", "1973-12-02", dates.NUMBER),
    ("27000.75", "n", "1973-12-02", dates.NUMBER),
    ("99999", None, None, dates.INVALID),  # a text serial after the reference date
    # a year alone
    ("1975", None, "1975", dates.YEAR_ONLY),
    ("1975", "n", "1975", dates.YEAR_ONLY),
    ("Agustus 1975", None, "1975", dates.YEAR_ONLY),
    # invalid: impossible or not day-first
    ("31/02/1990", None, None, dates.INVALID),
    ("12/31/1990", None, None, dates.INVALID),  # never month-first
    ("29/02/1975", None, None, dates.INVALID),
    ("32 Januari 1975", None, None, dates.INVALID),
    ("17 Agustos 1975", None, None, dates.INVALID),
    ("00-00-0000", None, None, dates.INVALID),
    ("abc", None, None, dates.INVALID),
    ("17-08-0975", None, None, dates.INVALID),
    ("60", "n", None, dates.INVALID),  # Excel's fake 29 February 1900
    # missing
    (None, None, None, dates.MISSING),
    ("", None, None, dates.MISSING),
    ("-", None, None, dates.INVALID),  # written but not a date (the cell is not blank)
    ("  ?  ", None, None, dates.INVALID),
    ("tidak tahu", None, None, dates.INVALID),
    ("   ", None, None, dates.MISSING),
]


@pytest.mark.parametrize(("text", "kind", "iso", "status"), CASES, ids=[repr(c[0]) for c in CASES])
def test_parse_one(text, kind, iso, status):
    got = dates.parse_one(text, TODAY, kind)
    assert (got.iso, got.status) == (iso, status)


def test_parse_series_matches_parse_one_and_keeps_kinds_apart():
    texts = [c[0] for c in CASES]
    kinds = pd.Series([c[1] or ("" if c[0] is None else "s") for c in CASES], dtype=object)
    frame = dates.parse_series(pd.Series(texts, dtype=object), kinds, TODAY)
    assert frame["iso"].tolist() == [c[2] for c in CASES]
    assert frame["status"].tolist() == [c[3] for c in CASES]
    full = frame["status"].isin([dates.OK, dates.SERIAL, dates.NUMBER])
    assert frame["date"][full].notna().all() and frame["date"][~full].isna().all()
    assert frame["year"][frame["status"] == dates.YEAR_ONLY].tolist() == [1975, 1975, 1975]
    assert str(frame["date"].dtype) == "datetime64[ns]" and str(frame["year"].dtype) == "Int64"


@given(st.dates(min_value=date(1900, 3, 1), max_value=TODAY))
def test_every_day_first_form_round_trips(d):
    month_names = {1: "Januari", 2: "Pebruari", 3: "Maret", 4: "April", 5: "Mei", 6: "Juni",
                   7: "Juli", 8: "Agt", 9: "Sept", 10: "Okt", 11: "Nopember", 12: "Des"}
    forms = [f"{d:%d/%m/%Y}", f"{d.day}-{d.month}-{d.year}", f"{d:%d.%m.%Y}", d.isoformat(),
             f"{d.day} {month_names[d.month]} {d.year}", f"{d:%d-%b-%Y}", f"{d:%d%m%Y}"]
    if dates.to_serial(d) > dates.MAX_YEAR:  # 4-digit numbers up to 2200 are years, not serials
        forms.append(str(dates.to_serial(d)))
    for text in forms:
        assert dates.parse_one(text, TODAY).value == d, text


@given(st.dates(min_value=date(1926, 1, 1), max_value=TODAY))
def test_two_digit_years_are_never_in_the_future(d):
    got = dates.parse_one(f"{d.day}/{d.month}/{d:%y}", TODAY)
    assert got.value is not None and got.value <= TODAY
    assert got.value.year % 100 == d.year % 100 and got.value.year > TODAY.year - 100


def test_serial_1900_leap_bug():
    assert dates.from_serial(59) == date(1900, 2, 28)
    assert dates.from_serial(60) is None
    assert dates.from_serial(61) == date(1900, 3, 1)
    assert dates.to_serial(date(1973, 12, 2)) == 27000


def test_age_years():
    birth = pd.Series(pd.to_datetime(["1975-06-30", "1975-07-01", None, "2025-06-30"]))
    assert dates.age_years(birth, TODAY).tolist() == [50, 49, pd.NA, 0]


def test_ymd_to_datetime_rejects_impossible_dates():
    got = dates.ymd_to_datetime(np.array([2000, 1900, 1975, 1975]), np.array([2, 2, 13, 4]),
                                np.array([29, 29, 1, 31]))
    assert pd.Series(got).isna().tolist() == [False, True, True, True]
    assert pd.Timestamp(got[0]) == pd.Timestamp("2000-02-29")
