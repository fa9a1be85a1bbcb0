"""Stage ② normalise: the nokk normalisers (knowledge in :mod:`pmkscheck.domain.nokk`)."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd

from pmkscheck.domain.nokk import (
    analyse_kk,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import IdAnalysis


def normalise_no_kk(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Clean No. KK (16 digits when certain, else trimmed text) and its :class:`IdAnalysis`.

    The analysis is derived under the field's name (``derived["no_kk"]``).
    """
    frame = analyse_kk(raw, kinds)
    analysis = IdAnalysis(**{f.name: frame[f.name] for f in fields(IdAnalysis)})
    return NormResult(frame["clean"].astype(object), derived={ctx.field.name: analysis})
