"""Jenis kelamin: every way a sheet writes it -> ``"L"`` (laki-laki) / ``"P"`` (perempuan).

Stage: domain (the ``sex`` normaliser is in :mod:`pmkscheck.normalise.sex`).

Accepted, case-insensitive, spaces and punctuation ignored: ``L``, ``Lk``, ``Laki-laki``,
``Laki Laki``, ``Laki2``, ``Pria``, ``Male``; ``P``, ``Pr``, ``Perempuan``, ``Wanita``, ``W``,
``Female``. The codes ``1`` / ``2`` are mapped 1 = L, 2 = P (the usual Dukcapil/DTKS coding), but a
file's own legend may say otherwise, so that mapping is reported (``SEX_NUMERIC_CODE``) rather
than done silently. Anything else is unknown (clean value ``None``, ``SEX_INVALID``).

>>> [sex_of(v) for v in ("L", "laki - laki", "PEREMPUAN", "Wanita", "lk", "x")]
[('L', 'ok'), ('L', 'ok'), ('P', 'ok'), ('P', 'ok'), ('L', 'ok'), (None, 'invalid')]
>>> sex_of("2"), sex_of("1.0"), sex_of(None)
(('P', 'numeric'), ('L', 'numeric'), (None, 'missing'))
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmkscheck import distinct

OK = "ok"
NUMERIC = "numeric"
INVALID = "invalid"
MISSING = "missing"

_WORDS = {
    "L": ("l", "lk", "lki", "laki", "lakilaki", "laki2", "lakil", "pria", "male", "cowok", "lelaki",
          "m"),
    "P": ("p", "pr", "prp", "pr.", "perempuan", "perempuaan", "wanita", "w", "female", "cewek",
          "wnt", "f"),
}
_LOOKUP = {w: sex for sex, words in _WORDS.items() for w in words}
_NUMERIC = {"1": "L", "2": "P"}
_FOLD_RE = re.compile(r"[^0-9a-z]+")


def sex_of(text: object) -> tuple[str | None, str]:
    """One value -> (``"L"``/``"P"``/``None``, status: ok, numeric, invalid or missing)."""
    if text is None:
        return None, MISSING
    raw = str(text).strip().lower()
    if not raw:
        return None, MISSING
    number = re.fullmatch(r"([12])(?:[.,]0+)?", raw)
    if number:
        return _NUMERIC[number[1]], NUMERIC
    folded = _FOLD_RE.sub("", raw)
    sex = _LOOKUP.get(folded)
    return (sex, OK) if sex else (None, INVALID)


def parse_series(raw: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`sex_of` (once per distinct value): columns ``sex`` and ``status``."""
    codes, uniques = distinct.factorize(raw)
    pairs = [sex_of(u) for u in uniques] + [(None, MISSING)]
    sexes = np.array([p[0] for p in pairs], dtype=object)
    status = np.array([p[1] for p in pairs], dtype=object)
    return pd.DataFrame({"sex": sexes[codes], "status": status[codes]}, index=raw.index)


__all__ = ["INVALID", "MISSING", "NUMERIC", "OK", "parse_series", "sex_of"]
