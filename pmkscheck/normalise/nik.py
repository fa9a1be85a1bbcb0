"""Stage ② normalise: the nik normalisers (knowledge in :mod:`pmkscheck.domain.nik`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.nik import (
    analyse_nik,
    nik_birth,
)
from pmkscheck.normalise.base import NormContext, NormResult


def normalise_nik(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean NIK (16 digits when certain, else trimmed text) and its derived columns.

    Derived (prefix = field name, ``nik``): ``valid``, ``birth``, ``sex`` (the contract) and,
    for the checks, ``status``, ``cleaned``, ``length``, ``region``, ``date_ok``,
    ``serial_zero``, ``kabkota`` and ``kecamatan`` (prefix codes of 16-digit values), ``day``,
    ``month``, ``yy`` (ints, 0 where not 16 digits).
    """
    name = ctx.field.name
    frame = analyse_nik(raw, kinds)
    idx = raw.index
    derived = {
        f"{name}:valid": frame["valid"].astype(bool),
        # century by the reference date only; refined by person.derive_age (post-normaliser)
        f"{name}:birth": pd.Series(nik_birth(frame, ctx.settings.today), index=idx),
        f"{name}:sex": frame["sex"].astype(object),
        f"{name}:status": frame["status"].astype(object),
        f"{name}:cleaned": frame["cleaned"].astype(bool),
        f"{name}:length": frame["length"],
        f"{name}:region": frame["region"].astype(object),
        f"{name}:date_ok": frame["date_ok"].astype(bool),
        f"{name}:serial_zero": frame["serial_zero"].astype(bool),
        f"{name}:kabkota": frame["p4"].astype(object),
        f"{name}:kecamatan": frame["p6"].astype(object),
        f"{name}:day": frame["day"],
        f"{name}:month": frame["mm"],
        f"{name}:yy": frame["yy"],
    }
    return NormResult(frame["clean"].astype(object), derived=derived)
