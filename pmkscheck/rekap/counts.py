"""Count cells of a recap table: text as read -> whole number or a reason it is not one.

Stage ② normalise (for ``pmks-rekap`` tables). Each distinct (text, cell kind) pair is parsed
once; the result is spread back over the cells with numpy.

Rules (docs/province.md):

* a numeric cell must hold a whole number >= 0 (``12`` yes, ``12.5`` no);
* a text cell may use Indonesian thousands separators: ``"1.234"`` and ``"1.234.567"`` are
  1234 and 1234567; ``"1 234"`` (spaces) likewise; ``"12.0"`` / ``"12,00"`` (a data export's
  whole number: one or two zeros are never a thousands group) is 12; ``"dua"``, ``"-"``,
  ``"12,5"``, ``"12.5"`` are not whole numbers;
* an **empty cell counts as 0** (offices leave zero cells blank; not a finding);
* a formula without a saved value cannot be read (``formula``); an error cell (``#REF!``) is
  ``invalid``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.table import KIND_EMPTY, KIND_ERROR, KIND_FORMULA_NO_VALUE, KIND_TEXT

OK = "ok"
EMPTY = "empty"
INVALID = "invalid"
NEGATIVE = "negative"
FORMULA = "formula"

_INT = re.compile(r"^\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[. ]\d{3})+$")
_WHOLE_DECIMAL = re.compile(r"^\d+[.,]0{1,2}$")
_NEG = re.compile(r"^-\s*\d[\d. ]*$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def parse_count(text: str | None, kind: str | None) -> tuple[float, str]:
    """One count cell -> (value, status); value is NaN unless status is ``ok`` or ``empty``.

    >>> parse_count("1.234", "s"), parse_count("12", "n"), parse_count(None, "")
    ((1234.0, 'ok'), (12.0, 'ok'), (0.0, 'empty'))
    >>> parse_count("dua", "s")[1], parse_count("-", "s")[1], parse_count("12,5", "s")[1]
    ('invalid', 'invalid', 'invalid')
    >>> parse_count("12.5", "n")[1], parse_count("-3", "n")[1], parse_count("1.234", "n")[1]
    ('invalid', 'negative', 'invalid')
    """
    if kind == KIND_FORMULA_NO_VALUE:
        return float("nan"), FORMULA
    if kind == KIND_ERROR:
        return float("nan"), INVALID
    if text is None or kind == KIND_EMPTY or not str(text).strip():
        return 0.0, EMPTY
    s = str(text).strip()
    if kind in (KIND_TEXT, None) or not _NUMBER.match(s):
        s = s.replace("\u00a0", " ")
        if _INT.match(s):
            return float(int(s)), OK
        if _THOUSANDS.match(s):
            return float(int(s.replace(".", "").replace(" ", ""))), OK
        if _WHOLE_DECIMAL.match(s):  # "12.0" from a data export: not a thousands grouping
            return float(int(s.split(".")[0].split(",")[0])), OK
        if _NEG.match(s):
            return float("nan"), NEGATIVE
        return float("nan"), INVALID
    value = float(s)  # a numeric cell (or a formula's saved number)
    if value < 0:
        return float("nan"), NEGATIVE
    if not value.is_integer():
        return float("nan"), INVALID
    return value, OK


def parse_counts(texts: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`parse_count` over arrays of cell texts and kinds (any shape).

    Returns:
        (values: float64 array, NaN where not a count; status: object array of ``OK`` ...).
    """
    shape = texts.shape
    flat_t = pd.Series(texts.reshape(-1), dtype=object)
    flat_k = pd.Series(kinds.reshape(-1), dtype=object).fillna(KIND_EMPTY)
    keys = pd.MultiIndex.from_arrays([flat_t.fillna("\x00"), flat_k])
    codes, uniques = distinct.factorize(keys)
    parsed = [parse_count(None if t == "\x00" else t, k) for t, k in uniques]
    values = np.array([p[0] for p in parsed] + [0.0], dtype=np.float64)[codes]
    status = np.array([p[1] for p in parsed] + [EMPTY], dtype=object)[codes]
    return values.reshape(shape), status.reshape(shape)
