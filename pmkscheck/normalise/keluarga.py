"""Stage ② normalise: the keluarga normalisers (knowledge in :mod:`pmkscheck.domain.keluarga`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.distinct import take_or_none
from pmkscheck.domain.keluarga import (
    member_count,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import ValueAnalysis


def normalise_member_count(raw: pd.Series, kinds: pd.Series | None,
                           ctx: NormContext) -> NormResult:
    """Member counts cleaned to digits, once per distinct value (see the module docstring)."""
    name = ctx.field.name
    codes, uniques = distinct.factorize(raw)
    parsed = [member_count(u) for u in uniques]
    texts = np.array([p[0] for p in parsed], dtype=object)
    statuses = np.array([p[2] for p in parsed], dtype=object)
    numbers = pd.array([p[1] for p in parsed] + [None], dtype="Int64")
    codes_na = np.where(codes < 0, len(parsed), codes)
    clean = pd.Series(take_or_none(texts, codes), index=raw.index, dtype=object)
    return NormResult(clean, derived={name: ValueAnalysis(
        value=pd.Series(numbers.take(codes_na), index=raw.index),
        status=pd.Series(take_or_none(statuses, codes), index=raw.index, dtype=object),
    )})
