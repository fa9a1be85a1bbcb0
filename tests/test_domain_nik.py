"""NIK and No. KK domain modules: round trips from components, +40 for women, and every class of
corruption detected (element-wise and vectorised agree)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pmkscheck import reference
from pmkscheck.domain import nik, nokk

KECAMATAN = sorted(reference.kecamatan()["kode"])
TODAY = date(2025, 6, 30)

kecamatan_st = st.sampled_from(KECAMATAN)
birth_st = st.dates(min_value=date(1905, 1, 1), max_value=TODAY)
sex_st = st.sampled_from(["L", "P"])
serial_st = st.integers(min_value=1, max_value=9999)


@st.composite
def valid_nik(draw):
    kec, birth, sex, serial = draw(kecamatan_st), draw(birth_st), draw(sex_st), draw(serial_st)
    return nik.build(kec, birth, sex, serial), (kec, birth, sex, serial)


@given(valid_nik())
@example(("6408175708750001", ("640817", date(1975, 8, 17), "P", 1)))
def test_parse_format_round_trip(case):
    number, (kec, birth, sex, serial) = case
    assert len(number) == 16 and number.isdigit()
    parts = nik.parse(nik.format(number))  # format adds dots; parse compacts them away
    assert parts == nik.NikParts(kec[:2], kec[:4], kec, birth.day, birth.month,
                                 birth.year % 100, sex, f"{serial:04d}")
    assert nik.validate(number) == number and nik.is_valid(number)


@given(kecamatan_st, birth_st, serial_st)
def test_women_have_40_added_to_the_day(kec, birth, serial):
    man, woman = nik.build(kec, birth, "L", serial), nik.build(kec, birth, "P", serial)
    assert int(woman[6:8]) == int(man[6:8]) + 40
    assert 41 <= int(woman[6:8]) <= 71 and 1 <= int(man[6:8]) <= 31
    assert nik.parse(woman).sex == "P" and nik.parse(man).sex == "L"
    assert nik.parse(woman).day == nik.parse(man).day == birth.day


@given(valid_nik(), st.sampled_from([" ", ".", "-", "'", "\u00a0", "\u200b"]),
       st.lists(st.integers(0, 15), min_size=1, max_size=4))
def test_separators_are_compacted(case, sep, positions):
    number = case[0]
    chars = list(number)
    for p in sorted(set(positions), reverse=True):
        chars.insert(p, sep)
    assert nik.compact("".join(chars)) == number


@given(valid_nik(), st.data())
def test_corruptions_are_detected(case, data):
    number = case[0]
    kind = data.draw(st.sampled_from(
        ["drop", "add", "letter", "month", "day_zero", "day_gap", "day_high", "serial",
         "scientific"]))
    if kind == "drop":
        i = data.draw(st.integers(0, 15))
        bad, exc = number[:i] + number[i + 1:], nik.InvalidLength
    elif kind == "add":
        bad, exc = number + data.draw(st.sampled_from("0123456789")), nik.InvalidLength
    elif kind == "letter":
        i = data.draw(st.integers(0, 15))
        bad, exc = number[:i] + data.draw(st.sampled_from("ABXZ*/")) + number[i:], \
            nik.InvalidFormat
    elif kind == "month":
        bad = number[:8] + data.draw(st.sampled_from(["00", "13", "19", "99"])) + number[10:]
        exc = nik.InvalidBirthDate
    elif kind == "day_zero":
        bad, exc = number[:6] + "00" + number[8:], nik.InvalidBirthDate
    elif kind == "day_gap":
        bad = number[:6] + str(data.draw(st.integers(32, 40))) + number[8:]
        exc = nik.InvalidBirthDate
    elif kind == "day_high":
        bad = number[:6] + str(data.draw(st.integers(72, 99))) + number[8:]
        exc = nik.InvalidBirthDate
    elif kind == "serial":
        bad, exc = number[:12] + "0000", nik.ZeroSerial
    else:
        bad = f"{int(number) / 1e15:.5f}E+15".replace(".", data.draw(st.sampled_from(".,")))
        exc = nik.ExcelNumber
    with pytest.raises(exc):
        nik.validate(bad)
    assert not nik.is_valid(bad)
    # the vectorised analysis agrees
    frame = nik.analyse_nik(pd.Series([bad, number], dtype=object))
    assert frame["valid"].tolist() == [False, True]


@pytest.mark.parametrize(("day", "month", "yy", "ok"), [
    (31, 1, 75, True), (31, 4, 75, False), (29, 2, 76, True), (29, 2, 75, False),
    (29, 2, 0, True),  # 2000 is a leap year
    (30, 2, 0, False), (0, 5, 80, False), (1, 13, 80, False), (15, 0, 80, False),
])
def test_dates_valid(day, month, yy, ok):
    assert bool(nik.dates_valid(np.array([day]), np.array([month]), np.array([yy]))[0]) is ok


def test_lookalike_letters_only_when_they_make_16_digits():
    assert nik.compact("64O817570875OOO1") == "6408175708750001"
    assert nik.compact("640817570875000l") == "6408175708750001"
    assert nik.compact("64O81757087500") == "64O81757087500"  # 14: no certain fix
    assert nik.compact("NIK6408175708750001") == "NIK6408175708750001"


def test_analyse_statuses_and_kinds():
    raw = pd.Series(["6408175708750001", " 6408175708750001 ", "6408 1757 0875 0001",
                     "6.40817E+15", "6408175708750000", "640817****", "12345", None, "",
                     "64O8175708750OO1"], dtype=object)
    kinds = pd.Series(["s", "s", "s", "s", "n", "s", "s", "", "s", "s"], dtype=object)
    frame = nik.analyse(raw, kinds)
    assert frame["status"].tolist() == [
        nik.DIGITS, nik.DIGITS, nik.DIGITS, nik.EXCEL, nik.EXCEL, nik.INVALID_CHARS,
        nik.LENGTH_BAD, nik.MISSING, nik.MISSING, nik.DIGITS]
    assert frame["cleaned"].tolist() == [False, False, True, False, False, False, False, False,
                                         False, True]
    assert frame["clean"].tolist()[:3] == ["6408175708750001"] * 3
    assert frame["clean"][5] == "640817****" and frame["length"][6] == 5


def test_region_status():
    got = nik.region_status(["64", "64", "31", "99", None], ["6408", "6404", "3173", "9901", None],
                            ["640817", "640401", "317301", "990101", None])
    assert got.tolist() == [None, "unknown", "other_province", "unknown", None]


def test_every_kaltim_kecamatan_is_known():
    numbers = pd.Series([nik.build(k, date(1980, 1, 1), "L", 1) for k in KECAMATAN])
    assert nik.analyse_nik(numbers)["region"].isna().all()


def test_birth_century():
    frame = nik.analyse_nik(pd.Series(["6408171708050001", "6408171708500001",
                                       "6408171708200001", "6408171708200001"]))
    hints = pd.DataFrame({"year": pd.array([None, None, None, 1920], dtype="Int64"),
                          "umur": pd.array([None, None, None, None], dtype="Int64"),
                          "lansia": [False, False, False, False]})
    births = pd.Series(nik.nik_birth(frame, TODAY, hints))
    assert births.dt.year.tolist() == [2005, 1950, 2020, 1920]
    lansia = hints.assign(lansia=[False, False, True, False])
    assert pd.Series(nik.nik_birth(frame, TODAY, lansia)).dt.year.tolist()[2] == 1920
    by_umur = hints.assign(umur=pd.array([None, None, 105, None], dtype="Int64"))
    assert pd.Series(nik.nik_birth(frame, TODAY, by_umur)).dt.year.tolist()[2] == 1920


def test_never_born_in_the_future():
    frame = nik.analyse_nik(pd.Series(["6408171712240001"]))  # 17-12-24 vs today 30-06-2025
    assert pd.Series(nik.nik_birth(frame, TODAY)).dt.year.tolist() == [2024]
    frame = nik.analyse_nik(pd.Series(["6408171707250001"]))  # 17-07-25 is after today
    assert pd.Series(nik.nik_birth(frame, TODAY)).dt.year.tolist() == [1925]


def test_mask_hides_birth_date():
    from pmkscheck.mask import mask_id  # the one masking function (nik.mask was a second one)

    assert mask_id("6408175708750001") == "640817******0001"
    assert "5708" not in mask_id("6408175708750001")


# --- No. KK --------------------------------------------------------------------------------


@settings(max_examples=50)
@given(kecamatan_st, st.dates(min_value=date(1975, 1, 1), max_value=TODAY), serial_st)
def test_kk_round_trip(kec, registered, serial):
    number = nokk.build(kec, registered, serial)
    parts = nokk.parse(number)
    assert (parts.kecamatan, parts.day, parts.month, parts.yy, parts.serial) == (
        kec, registered.day, registered.month, registered.year % 100, f"{serial:04d}")


@given(kecamatan_st, st.dates(min_value=date(1975, 1, 1), max_value=TODAY), serial_st)
def test_kk_has_no_plus_40(kec, registered, serial):
    number = nokk.build(kec, registered, serial)
    shifted = number[:6] + f"{registered.day + 40:02d}" + number[8:]
    with pytest.raises(nik.InvalidBirthDate):
        nokk.validate(shifted)
    assert not nokk.analyse_kk(pd.Series([shifted]))["valid"][0]


def test_kk_corruptions():
    good = nokk.build("647203", date(2012, 8, 15), 3)
    for bad, exc in [(good[:-1], nik.InvalidLength), (good[:12] + "0000", nik.ZeroSerial),
                     ("6.47203E+15", nik.ExcelNumber), (good[:8] + "13" + good[10:],
                                                        nik.InvalidBirthDate),
                     ("647203**08120003", nik.InvalidFormat)]:
        with pytest.raises(exc):
            nokk.validate(bad)


def test_vectorised_matches_elementwise_on_random_strings():
    rng = np.random.default_rng(7)
    samples = ["".join(rng.choice(list("0123456789"), 16)) for _ in range(2000)]
    samples += [nik.build(KECAMATAN[i % len(KECAMATAN)], date(1950, 1, 1) + timedelta(days=i * 7),
                          "LP"[i % 2], 1 + i) for i in range(500)]
    frame = nik.analyse_nik(pd.Series(samples))
    assert frame["valid"].tolist() == [nik.is_valid(s) for s in samples]
