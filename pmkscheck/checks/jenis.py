"""JENIS_ checks across fields: age vs jenis PMKS and sex vs jenis PMKS.

Stage ③ validate. Value-level findings of the jenis column itself (variant, unknown, Gepeng,
PSKS) come from the normaliser in :mod:`pmkscheck.domain.jenis`.

Age is the derived ``umur:years`` (``Int64``, whole years at the reference date, computed by the
date normaliser from Tanggal Lahir or the NIK); when it is absent, a numeric ``umur`` column is
used. Bands come from ``settings.age_preset`` (``permensos-2012`` or ``dinsos-kaltim-legacy``).
"""

from __future__ import annotations

import pandas as pd

from pmkscheck.checks.base import CheckContext, check
from pmkscheck.domain.jenis import DERIVED_NO, PRSE_NO, PRESETS, classify_ages, official_names

AGE = "umur:years"


def _age(ctx: CheckContext) -> pd.Series | None:
    if AGE in ctx.derived:
        return ctx.derived[AGE]
    if "umur" in ctx.clean.columns:
        return pd.to_numeric(ctx.clean["umur"], errors="coerce").round().astype("Int64")
    return None


@check("JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE", fields=("jenis_pmks",), needs=("jenis_pmks",))
def age_vs_jenis(ctx: CheckContext) -> pd.DataFrame | None:
    """Age outside the jenis's band (error), or at its edge / only in the other preset (warning)."""
    no = ctx.derived.get(DERIVED_NO)
    age = _age(ctx)
    if no is None or age is None:
        return None
    preset = ctx.settings.age_preset if ctx.settings.age_preset in PRESETS else "permensos-2012"
    age = age.reindex(no.index)
    known = no.notna() & age.notna() & (pd.to_numeric(age, errors="coerce") >= 0)
    if not known.any():
        return None
    verdict = classify_ages(no[known], age[known], preset)
    bad = verdict[verdict["code"].notna()]
    if bad.empty:
        return None
    out = pd.DataFrame({"code": bad["code"], "field": "jenis_pmks"}, index=bad.index)
    out["age"] = age.reindex(bad.index).astype(object)
    out["band"] = bad["band"]
    out["jenis"] = no.reindex(bad.index).map(official_names()).astype(object)
    out["preset"] = preset
    return out


@check("JENIS_SEX_MISMATCH", fields=("jenis_pmks",), needs=("jenis_pmks", "jenis_kelamin"))
def sex_vs_jenis(ctx: CheckContext) -> pd.DataFrame | None:
    """Perempuan Rawan Sosial Ekonomi recorded as male (clean jenis_kelamin ``L``)."""
    no = ctx.derived.get(DERIVED_NO)
    if no is None:
        return None
    bad = (no == PRSE_NO).fillna(False) & (ctx.clean["jenis_kelamin"] == "L").fillna(False)
    if not bad.any():
        return None
    idx = bad.index[bad.to_numpy(dtype=bool)]
    out = pd.DataFrame({"field": "jenis_pmks"}, index=idx)
    out["jenis"] = official_names()[PRSE_NO]
    return out


CHECKS = [age_vs_jenis, sex_vs_jenis]

__all__ = ["CHECKS", "age_vs_jenis", "sex_vs_jenis"]
