"""Person-level checks other than the identifiers: DATE_, SEX_, NAME_, RT_ and UMUR_.

Stage ③ validate. Each check reads the derived status columns written by the normalisers in
:mod:`pmkscheck.domain.dates`, :mod:`pmkscheck.domain.sex` and :mod:`pmkscheck.domain.person`;
a date format is never a problem in itself (any unambiguous day-month-year form is cleaned to ISO
silently), only what cannot be read or cannot be true.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.checks.base import Check, CheckContext, check, findings
from pmkscheck.domain import dates

MAX_AGE = 120
UMUR_TOLERANCE = 1  # years; an Umur typed at survey time may lag the reference date by one


def _tl_age(ctx: CheckContext) -> tuple[pd.Series, pd.Series]:
    """Age from Tanggal Lahir (full date), and the same including a year alone."""
    today = ctx.settings.today
    exact = dates.age_years(ctx.tanggal_lahir.date, today)
    year = ctx.tanggal_lahir.year
    approx = exact.fillna(today.year - year)
    return exact, approx


@check("DATE_INVALID", "DATE_YEAR_ONLY", "DATE_FROM_SERIAL", fields="tanggal_lahir")
def date_status(ctx: CheckContext) -> pd.DataFrame | None:
    """Unreadable or impossible dates; a year alone (warning); a text serial converted (info)."""
    if ctx.tanggal_lahir is None:
        return None
    status = ctx.tanggal_lahir.status
    code = status.map({dates.INVALID: "DATE_INVALID", dates.YEAR_ONLY: "DATE_YEAR_ONLY",
                       dates.SERIAL: "DATE_FROM_SERIAL"})
    bad = code.notna()
    if not bad.any():
        return None
    code = code[bad]
    year = ctx.tanggal_lahir.year[bad].astype(object)
    iso = ctx.clean["tanggal_lahir"][bad]
    raw = ctx.data["tanggal_lahir"][bad]
    return findings(code.index, code=code.to_numpy(),
                    year=np.where(code == "DATE_YEAR_ONLY", year, None),
                    date=np.where(code == "DATE_FROM_SERIAL", iso, None),
                    serial=np.where(code == "DATE_FROM_SERIAL", raw.str.strip(), None))


@check("DATE_FUTURE", "DATE_AFTER_DATA_DATE", "DATE_AGE_IMPLAUSIBLE", fields="tanggal_lahir")
def date_range(ctx: CheckContext) -> pd.DataFrame | None:
    """Born after the check day (error) or only after the data date (warning); age > 120.

    Ages are at the data date (``settings.today``); "future" is after the day of the check.
    """
    if ctx.tanggal_lahir is None:
        return None
    today = ctx.settings.today  # the data date
    check_day = max(ctx.settings.check_date, today)
    tl = ctx.tanggal_lahir.date
    year = ctx.tanggal_lahir.year
    future = ((tl > pd.Timestamp(check_day)) | (tl.isna() & (year > check_day.year))
              ).fillna(False)
    after = ((tl > pd.Timestamp(today)) | (tl.isna() & (year > today.year))).fillna(False)
    after = after & ~future
    _, age = _tl_age(ctx)
    old = (age > MAX_AGE).fillna(False) & ~future & ~after
    parts = []
    if future.any():
        idx = future.index[future.to_numpy(dtype=bool)]
        parts.append(findings(idx, "DATE_FUTURE", date=ctx.clean["tanggal_lahir"][idx],
                              today=check_day.isoformat()))
    if after.any():
        idx = after.index[after.to_numpy(dtype=bool)]
        parts.append(findings(idx, "DATE_AFTER_DATA_DATE", date=ctx.clean["tanggal_lahir"][idx],
                              data_date=today.isoformat()))
    if old.any():
        idx = old.index[old.to_numpy(dtype=bool)]
        parts.append(findings(idx, "DATE_AGE_IMPLAUSIBLE", age=age[idx].astype(object)))
    return pd.concat(parts) if parts else None


@check("SEX_INVALID", "SEX_NUMERIC_CODE", fields="jenis_kelamin")
def sex_status(ctx: CheckContext) -> pd.DataFrame | None:
    """Unknown jenis kelamin (error); the codes 1/2 mapped to L/P (warning)."""
    status = ctx.status("jenis_kelamin")
    if status is None:
        return None
    code = status.map({"invalid": "SEX_INVALID", "numeric": "SEX_NUMERIC_CODE"})
    bad = code.notna()
    if not bad.any():
        return None
    return _sex_findings(ctx, code, bad)


def _sex_findings(ctx: CheckContext, code: pd.Series, bad: pd.Series) -> pd.DataFrame:
    numeric = (code[bad] == "SEX_NUMERIC_CODE").to_numpy()
    frame = findings(code.index[bad], code=code[bad].to_numpy())
    # params: "typed" (the value as written, 1 or 2) and "sex" (L or P) for SEX_NUMERIC_CODE
    frame["sex"] = np.where(numeric, ctx.clean["jenis_kelamin"][bad], None)
    frame["typed"] = np.where(numeric, ctx.data["jenis_kelamin"][bad].str.strip(), None)
    return frame


@check("NAME_PLACEHOLDER", "NAME_HAS_DIGITS", fields="nama")
def name_status(ctx: CheckContext) -> pd.DataFrame | None:
    """Nama that is a filler ("-", "xxx", "nama", one letter, digits only), or has digits."""
    status = ctx.status("nama")
    if status is None:
        return None
    code = status.map({"placeholder": "NAME_PLACEHOLDER", "has_digits": "NAME_HAS_DIGITS"})
    bad = code.notna()
    if not bad.any():
        return None
    return findings(code.index[bad], code=code[bad].to_numpy())


def _rt_rw_check(field: str) -> Check:
    @check("RT_RW_INVALID", "RT_RW_COMBINED", fields=field)
    def rt_rw_status(ctx: CheckContext) -> pd.DataFrame | None:
        status = ctx.status(field)
        if status is None:
            return None
        code = status.map({"invalid": "RT_RW_INVALID", "combined": "RT_RW_COMBINED"})
        bad = code.notna()
        if not bad.any():
            return None
        combined = (code[bad] == "RT_RW_COMBINED").to_numpy()
        return findings(code.index[bad], code=code[bad].to_numpy(), field=field,
                        value=ctx.data[field][bad].to_numpy(dtype=object),
                        part=np.where(combined, ctx.clean[field][bad], None))

    return rt_rw_status


rt_status = _rt_rw_check("rt")
rw_status = _rt_rw_check("rw")


@check("UMUR_MISMATCH", fields="umur", needs=("umur",))
def umur_vs_birthdate(ctx: CheckContext) -> pd.DataFrame | None:
    """Umur differs by more than one year from the age by Tanggal Lahir, else by the NIK.

    Ages are measured at ``settings.today`` (the data date). The NIK's birth date is used only
    where Tanggal Lahir holds no full date; its century is the one closest to the Umur, so only
    an Umur that fits neither century is reported. A year alone (no valid NIK) gives
    ``today.year - year``, which may be one more than the age; one year either side of both.
    """
    umur = ctx.number("umur")
    if umur is None:
        return None
    na = pd.Series(pd.NA, index=umur.index, dtype="Int64")
    exact = _tl_age(ctx)[0] if ctx.tanggal_lahir is not None else na
    source = pd.Series(np.where(exact.notna().to_numpy(), "Tanggal Lahir", None),
                       index=umur.index, dtype=object)
    if ctx.nik is not None:
        nik_age = dates.age_years(ctx.nik.birth, ctx.settings.today)
        use = (exact.isna() & nik_age.notna()).to_numpy() & ctx.nik.valid.to_numpy(dtype=bool)
        exact = exact.copy()
        exact[use] = nik_age[use]
        source[use] = "NIK"
    centre = exact.astype("Float64")
    tolerance = pd.Series(float(UMUR_TOLERANCE), index=umur.index)
    if ctx.tanggal_lahir is not None:  # a year alone: the age is Y or Y - 1
        year = ctx.tanggal_lahir.year
        alone = (exact.isna() & year.notna()).to_numpy()
        exact = exact.copy()
        exact[alone] = ctx.settings.today.year - year[alone]
        source[alone] = "Tanggal Lahir"
        centre[alone] = exact[alone] - 0.5
        tolerance[alone] = UMUR_TOLERANCE + 0.5
    bad = ((umur - centre).abs() > tolerance).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return None
    idx = umur.index[bad]
    return findings(idx, umur=umur[idx].astype(object), age=exact[idx].astype(object),
                    source=source[idx].to_numpy(dtype=object))


CHECKS = [date_status, date_range, sex_status, name_status, rt_status, rw_status,
          umur_vs_birthdate]
