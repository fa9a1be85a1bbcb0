"""Stage ② normalise: the dates normalisers (knowledge in :mod:`pmkscheck.domain.dates`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.dates import (
    parse_series,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import DateAnalysis


def normalise_date(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean ISO ``yyyy-mm-dd`` (``yyyy`` for a year alone, ``None`` when not a date).

    Derived under the field's name: a :class:`DateAnalysis` (``date``, ``year``, ``status``,
    ``two_digit``; the century of a two-digit year is settled by the post-normaliser
    :func:`pmkscheck.normalise.person.derive_age`, which also derives the age).
    """
    name = ctx.field.name
    parsed = parse_series(raw, kinds, ctx.settings.today)
    analysis = DateAnalysis(date=parsed["date"], year=parsed["year"], status=parsed["status"],
                            two_digit=parsed["two_digit"])
    return NormResult(parsed["iso"].astype(object), derived={name: analysis})
