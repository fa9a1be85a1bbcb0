"""Stage ② normalise: the dates normalisers (knowledge in :mod:`pmkscheck.domain.dates`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.dates import (
    parse_series,
)
from pmkscheck.normalise.base import NormContext, NormResult


def normalise_date(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean ISO ``yyyy-mm-dd`` (``yyyy`` for a year alone, ``None`` when not a date).

    Derived (prefix = field name, ``tanggal_lahir``): ``date`` (datetime64[ns], NaT unless a full
    date), ``year`` (Int64, also for a year alone) and ``status`` (``ok``/``serial``/``number``/
    ``year_only``/``invalid``/``missing``) and ``two_digit`` (bool; the century is settled by
    :func:`resolve_century`). ``umur:years`` comes from the post-normaliser
    :func:`pmkscheck.domain.person.derive_age`.
    """
    name = ctx.field.name
    parsed = parse_series(raw, kinds, ctx.settings.today)
    derived = {f"{name}:date": parsed["date"], f"{name}:year": parsed["year"],
               f"{name}:status": parsed["status"], f"{name}:two_digit": parsed["two_digit"]}
    return NormResult(parsed["iso"].astype(object), derived=derived)
