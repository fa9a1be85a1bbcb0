"""Stage ② normalise: the nik normalisers (knowledge in :mod:`pmkscheck.domain.nik`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.nik import (
    analyse_nik,
    nik_birth,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import NikAnalysis


def normalise_nik(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean NIK (16 digits when certain, else trimmed text) and its :class:`NikAnalysis`.

    The analysis is derived under the field's name (``derived["nik"]``).
    """
    frame = analyse_nik(raw, kinds)
    analysis = NikAnalysis(
        valid=frame["valid"].astype(bool),
        status=frame["status"].astype(object),
        cleaned=frame["cleaned"].astype(bool),
        length=frame["length"],
        region=frame["region"].astype(object),
        date_ok=frame["date_ok"].astype(bool),
        serial_zero=frame["serial_zero"].astype(bool),
        # century by the reference date only; refined by person.derive_age (post-normaliser)
        birth=pd.Series(nik_birth(frame, ctx.settings.today), index=raw.index),
        sex=frame["sex"].astype(object),
        kabkota=frame["p4"].astype(object),
        kecamatan=frame["p6"].astype(object),
        day=frame["day"],
        month=frame["mm"],
        yy=frame["yy"],
    )
    return NormResult(frame["clean"].astype(object), derived={ctx.field.name: analysis})
