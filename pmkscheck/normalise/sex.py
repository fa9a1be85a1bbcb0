"""Stage ② normalise: the sex normalisers (knowledge in :mod:`pmkscheck.domain.sex`)."""

from __future__ import annotations

import pandas as pd

from pmkscheck.domain.sex import (
    parse_series,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import ValueAnalysis


def normalise_sex(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean ``L``/``P``/``None``; derived status (ok, numeric, invalid, missing)."""
    parsed = parse_series(raw)
    return NormResult(parsed["sex"].astype(object),
                      derived={ctx.field.name: ValueAnalysis(status=parsed["status"])})
