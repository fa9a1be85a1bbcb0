"""JENIS_ checks across fields: age vs jenis PMKS and sex vs jenis PMKS.

Stage ③ validate. Value-level findings of the jenis column itself (variant, unknown, Gepeng,
PSKS) come from the normaliser in :mod:`pmkscheck.domain.jenis`.

Age is ``ctx.person.age`` (``Int64``, whole years at the data date, computed by the age
post-normaliser from Tanggal Lahir, the NIK or Umur); when it is absent, a numeric ``umur`` column
is used. Bands come from ``settings.age_preset`` (``permensos-2012`` or ``dinsos-kaltim-legacy``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.checks.base import CheckContext, check
from pmkscheck.domain.jenis import PRESETS, PRSE_NO, classify_ages, official_names
from pmkscheck.domain.wilayah import spread


def _age(ctx: CheckContext) -> pd.Series | None:
    if ctx.person is not None:
        return ctx.person.age
    if "umur" in ctx.clean.columns:
        return pd.to_numeric(ctx.clean["umur"], errors="coerce").round().astype("Int64")
    return None


@check("JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE", fields=("jenis_pmks",), needs=("jenis_pmks",))
def age_vs_jenis(ctx: CheckContext) -> pd.DataFrame | None:
    """Age outside the jenis's band (error), or at its edge / only in the other preset (warning)."""
    no = None if ctx.jenis is None else ctx.jenis.no
    age = _age(ctx)
    if no is None or age is None:
        return None
    preset = ctx.settings.age_preset if ctx.settings.age_preset in PRESETS else "permensos-2012"
    no_arr = no.to_numpy(dtype="float64", na_value=np.nan)
    age_arr = pd.to_numeric(age.reindex(no.index), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    known = ~np.isnan(no_arr) & ~np.isnan(age_arr) & (age_arr >= 0) & (age_arr < 1000)
    rows = np.flatnonzero(known)
    if not len(rows):
        return None
    # once per unique (jenis, age) pair: at most 26 x ~120 pairs, whatever the row count
    pair = no_arr[rows].astype(np.int64) * 1000 + age_arr[rows].astype(np.int64)
    inverse, pairs = pd.factorize(pair)
    verdict = classify_ages(pd.Series(pairs // 1000, dtype="Int64"),
                            pd.Series(pairs % 1000, dtype="Int64"), preset)
    code_u = verdict["code"].to_numpy(dtype=object)
    hit_u = np.not_equal(code_u, None)
    if not hit_u.any():
        return None
    hit = hit_u[inverse]
    sub, bad_rows = inverse[hit], rows[hit]
    names = official_names()
    out = pd.DataFrame({"code": code_u[sub], "field": "jenis_pmks"}, index=no.index[bad_rows])
    out["age"] = (pairs % 1000)[sub]
    out["band"] = verdict["band"].to_numpy(dtype=object)[sub]
    out["jenis"] = spread([names[n] for n in pairs // 1000], sub)
    out["preset"] = preset
    source = None if ctx.person is None else ctx.person.age_source  # Tanggal Lahir, NIK, Umur
    out["source"] = ("Umur" if source is None
                     else source.reindex(out.index).fillna("Umur").to_numpy(dtype=object))
    return out


@check("JENIS_SEX_MISMATCH", fields=("jenis_pmks",), needs=("jenis_pmks",))
def sex_vs_jenis(ctx: CheckContext) -> pd.DataFrame | None:
    """Perempuan Rawan Sosial Ekonomi recorded as male (Jenis Kelamin ``L``, else the NIK's)."""
    no = None if ctx.jenis is None else ctx.jenis.no
    sex = None if ctx.person is None else ctx.person.sex  # written sex, else the NIK's
    if sex is None and "jenis_kelamin" in ctx.clean.columns:
        sex = ctx.clean["jenis_kelamin"]
    if no is None or sex is None:
        return None
    bad = (no == PRSE_NO).fillna(False) & (sex == "L").fillna(False)
    if not bad.any():
        return None
    idx = bad.index[bad.to_numpy(dtype=bool)]
    out = pd.DataFrame({"field": "jenis_pmks"}, index=idx)
    out["jenis"] = official_names()[PRSE_NO]
    source = None if ctx.person is None else ctx.person.sex_source
    out["source"] = ("Jenis Kelamin" if source is None
                     else source.reindex(idx).fillna("Jenis Kelamin").to_numpy(dtype=object))
    return out


CHECKS = [age_vs_jenis, sex_vs_jenis]

__all__ = ["CHECKS", "age_vs_jenis", "sex_vs_jenis"]
