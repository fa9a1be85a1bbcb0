"""Stage ② normalise: the nokk normalisers (knowledge in :mod:`pmkscheck.domain.nokk`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.nokk import (
    analyse_kk,
)
from pmkscheck.normalise.base import NormContext, NormResult


def normalise_no_kk(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean No. KK (16 digits when certain, else trimmed text) and derived columns.

    Derived (prefix = field name, ``no_kk``): ``valid``, ``status``, ``cleaned``, ``length``,
    ``region``, ``date_ok``, ``serial_zero``.
    """
    name = ctx.field.name
    frame = analyse_kk(raw, kinds)
    derived = {f"{name}:{col}": frame[col] for col in
               ("valid", "status", "cleaned", "length", "region", "date_ok", "serial_zero")}
    return NormResult(frame["clean"].astype(object), derived=derived)
