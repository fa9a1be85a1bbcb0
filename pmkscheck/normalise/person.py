"""Stage ② normalise: the person normalisers (knowledge in :mod:`pmkscheck.domain.person`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.cleantext import text_clean, text_clean_codes
from pmkscheck.distinct import take_or_none
from pmkscheck.domain import dates
from pmkscheck.domain import nik as nik_mod
from pmkscheck.domain.person import (
    SOURCE_JK,
    SOURCE_NIK,
    SOURCE_TL,
    SOURCE_UMUR,
    age_band,
    birth_hints,
    integer_text_many,
    name_status_many,
    rt_rw_in_alamat,
    rt_rw_value,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import (
    PERSON,
    AlamatParts,
    DateAnalysis,
    Derived,
    NikAnalysis,
    PersonFacts,
    ValueAnalysis,
    field_value,
)


def normalise_name(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Spaces trimmed (silently); derived status from :func:`name_status`."""
    codes, cleaned = text_clean_codes(raw)
    present = pd.notna(cleaned)
    statuses = np.full(len(cleaned), None, dtype=object)
    statuses[present] = name_status_many(cleaned[present])
    clean = pd.Series(take_or_none(cleaned, codes), index=raw.index, dtype=object, name=raw.name)
    status = pd.Series(take_or_none(statuses, codes), index=raw.index, dtype=object)
    return NormResult(clean, derived={ctx.field.name: ValueAnalysis(status=status)})


def normalise_rt_rw(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """``005``/``RT. 05`` -> ``5`` (silent); ``5/3`` -> its RT (or RW) part; derived status."""
    part = 1 if ctx.field.name == "rw" else 0
    codes, uniques = distinct.factorize(raw)
    pairs = [rt_rw_value(v, part) for v in uniques]
    values = np.array([p[0] for p in pairs], dtype=object)
    statuses = np.array([p[1] for p in pairs], dtype=object)
    clean = pd.Series(take_or_none(values, codes), index=raw.index, dtype=object)
    status = pd.Series(take_or_none(statuses, codes), index=raw.index, dtype=object)
    return NormResult(clean, derived={ctx.field.name: ValueAnalysis(status=status)})


def rt_rw_from_alamat(clean: pd.DataFrame, derived: Derived, table,  # noqa: ANN001
                      settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: :class:`AlamatParts` (RT / RW) when the sheet has no RT / RW column.

    The cleaned file gains ``rt`` and ``rw`` columns after Alamat (``write.CODE_COLUMNS``); one
    file-level ``RT_RW_FROM_ALAMAT`` info says in how many rows a number was taken (one info per
    row would bury the real findings of a list that writes every address this way, and cost
    seconds per million rows).
    """
    if "alamat" not in clean.columns or ("rt" in clean.columns and "rw" in clean.columns):
        return None
    found = rt_rw_in_alamat(clean["alamat"])
    out = {part: found[part] for part in ("rt", "rw") if part not in clean.columns}
    rows = int(pd.DataFrame(out).notna().any(axis=1).sum())
    if not rows:
        return None
    frame = pd.DataFrame({"code": ["RT_RW_FROM_ALAMAT"], "field": ["alamat"], "rows": [rows],
                          "value": [None]}, index=pd.Index([None], dtype=object))
    return NormResult(pd.Series(dtype=object), derived={"alamat": AlamatParts(**out)},
                      findings=frame)


def normalise_integer(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Whole numbers (``no``, ``umur``); other text is kept for ``VALUE_NOT_INTEGER``.

    For ``umur`` also derives its :class:`ValueAnalysis` ``value`` (Int64; the age used by the
    checks comes from :func:`derive_age`).
    """
    is_age = ctx.field.name == "umur"
    codes, uniques = distinct.factorize(raw)
    texts = integer_text_many(np.asarray(uniques, dtype=object), age=is_age)
    clean = pd.Series(take_or_none(texts, codes), index=raw.index, dtype=object)
    derived: dict[str, ValueAnalysis] = {}
    if is_age:  # the last number (code -1, missing) is NA
        numbers = pd.array([int(t) if t is not None and t.isdigit() and len(t) <= 3 else None
                            for t in [*texts, None]], dtype="Int64")
        derived["umur"] = ValueAnalysis(value=pd.Series(numbers.take(codes), index=raw.index))
    return NormResult(clean, derived=derived)


def _settle_centuries(clean: pd.DataFrame, derived: Derived, table,  # noqa: ANN001
                      today, band: np.ndarray  # noqa: ANN001
                      ) -> tuple[dict[str, DateAnalysis], pd.DataFrame | None]:
    """Two-digit years of ``tanggal_lahir``: the century of :func:`dates.resolve_century`.

    Updates the clean ISO text in place (an undecided date keeps its text as written) and
    returns the updated derived columns and the ``DATE_CENTURY_AMBIGUOUS`` findings.
    """
    tl: DateAnalysis | None = derived.get("tanggal_lahir")  # type: ignore[assignment]
    if tl is None or not tl.two_digit.any():
        return {}, None
    two = tl.two_digit
    index = table.data.index
    umur = field_value(derived, "umur")
    umur_f = None if umur is None else umur.to_numpy(dtype="float64", na_value=np.nan)
    birth, undecided = dates.resolve_century(
        tl.date.to_numpy(), two.to_numpy(dtype=bool), today, umur_f,
        band)
    birth_s = pd.Series(birth, index=index)
    year = tl.year.copy()
    changed = two.to_numpy(dtype=bool) & ~np.isnat(birth)
    y, _, _ = dates.datetime_to_ymd(birth)
    year[changed] = y[changed]
    year[undecided] = pd.NA
    iso = clean["tanggal_lahir"].copy()
    iso[changed] = np.datetime_as_string(birth[changed], unit="D").astype(object)
    raw = table.data["tanggal_lahir"]
    iso[undecided] = text_clean(raw[undecided]).to_numpy(dtype=object)  # kept as written
    clean["tanggal_lahir"] = iso
    # written: day, month and two-digit year as written, whatever the century (NIK comparison)
    out = {"tanggal_lahir": replace(tl, date=birth_s, year=year, written=tl.date)}
    found = None
    if undecided.any():
        idx = index[undecided]
        old_year, _, _ = dates.datetime_to_ymd(tl.date[idx].to_numpy())
        yy = old_year % 100
        found = pd.DataFrame({"code": "DATE_CENTURY_AMBIGUOUS", "field": "tanggal_lahir",
                              "old": 1900 + yy, "new": 2000 + yy}, index=idx)
    return out, found


def derive_age(clean: pd.DataFrame, derived: Derived, table,  # noqa: ANN001
               settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: centuries of two-digit years, the NIK birth date, age and sex per row.

    * ``tanggal_lahir`` dates written with a two-digit year get their century settled
      (:func:`_settle_centuries`; undecided ones become ``DATE_CENTURY_AMBIGUOUS``).
    * ``derived["nik"].birth``: the NIK birth date with the best century (:func:`birth_hints`);
      a new :class:`NikAnalysis` replaces the normaliser's.
    * ``derived["person"]``, a :class:`PersonFacts`: ``age`` (Int64, whole years at
      ``settings.today``, the data date) from
      ``tanggal_lahir``; for a year alone ``today.year - year``, or the NIK's full date when its
      year agrees; else from the NIK birth date; else from ``umur``. ``age_source`` says which
      (``Tanggal Lahir``, ``NIK`` or ``Umur``: the jenis checks name it in their message).
    * ``sex`` (``L``/``P``) and ``sex_source``: the written
      Jenis Kelamin, else the sex encoded in a valid NIK.
    """
    today = settings.today
    index = table.data.index
    band = age_band(table, clean, derived, settings.age_preset)
    out, found = _settle_centuries(clean, derived, table, today, band)
    derived = {**derived, **out}
    hints = birth_hints(clean, derived, table)
    age = pd.Series(pd.NA, index=index, dtype="Int64")
    source = np.full(len(index), None, dtype=object)
    year_only = np.zeros(len(index), dtype=bool)
    tl: DateAnalysis | None = derived.get("tanggal_lahir")  # type: ignore[assignment]
    if tl is not None:
        age = dates.age_years(tl.date, today)
        year = tl.year
        year_only = (age.isna() & year.notna()).to_numpy()
        age[year_only] = today.year - year[year_only]
        age[(age < 0).fillna(False).to_numpy(dtype=bool)] = pd.NA  # future: not an age
        source[age.notna().to_numpy()] = SOURCE_TL
    nik: NikAnalysis | None = derived.get("nik")  # type: ignore[assignment]
    if nik is not None:
        frame = pd.DataFrame({"date_ok": nik.date_ok, "day": nik.day, "mm": nik.month,
                              "yy": nik.yy}, index=index)
        birth = pd.Series(nik_mod.nik_birth(frame, today, hints), index=index)
        out["nik"] = nik = replace(nik, birth=birth)
        nik_age = dates.age_years(birth, today)
        todo = age.isna().to_numpy() & nik_age.notna().to_numpy()
        if todo.any():  # the NIK's century, as for a two-digit year: never a guess
            umur = field_value(derived, "umur")
            settled, undecided = dates.resolve_century(
                birth.to_numpy(), todo, today,
                None if umur is None else umur.to_numpy(dtype="float64", na_value=np.nan), band)
            todo &= ~undecided
            nik_age = dates.age_years(pd.Series(settled, index=index), today)
        if tl is not None:  # a year alone that the NIK's date agrees with
            nik_year, _, _ = dates.datetime_to_ymd(birth.to_numpy())
            same = year_only & (nik_year == tl.year.to_numpy(
                dtype="float64", na_value=np.nan)) & nik_age.notna().to_numpy()
            todo |= same
        if todo.any():
            age[todo] = nik_age[todo]
            source[todo] = SOURCE_NIK
    umur = field_value(derived, "umur")
    if umur is not None and age.isna().any():
        fill = (age.isna() & umur.notna()).to_numpy()
        age[fill] = umur[fill]
        source[fill] = SOURCE_UMUR
    age_source = pd.Series(source, index=index, dtype=object)
    sex = np.full(len(index), None, dtype=object)
    sex_source = np.full(len(index), None, dtype=object)
    if "jenis_kelamin" in clean.columns:
        written = clean["jenis_kelamin"].isin(["L", "P"]).to_numpy()
        sex[written] = clean["jenis_kelamin"].to_numpy(dtype=object)[written]
        sex_source[written] = SOURCE_JK
    if nik is not None:
        from_nik = (pd.isna(sex) & nik.sex.notna().to_numpy()
                    & nik.valid.to_numpy(dtype=bool))
        sex[from_nik] = nik.sex.to_numpy(dtype=object)[from_nik]
        sex_source[from_nik] = SOURCE_NIK
    out[PERSON] = PersonFacts(
        age=age, age_source=age_source, sex=pd.Series(sex, index=index, dtype=object),
        sex_source=pd.Series(sex_source, index=index, dtype=object))
    return NormResult(pd.Series(dtype=object), derived=out, findings=found)
