"""Person-level normalisers that are not identifiers: nama, RT/RW, whole numbers, and the age.

Stage: domain + stage ② normalise. Registers the ``name``, ``rt_rw`` and ``integer`` normalisers
and computes the derived ``umur:years`` that several checks (jenis PMKS age bands) rely on:

* from ``tanggal_lahir`` (a year alone counts as ``today.year - year``);
* else from the birth date encoded in the NIK (century chosen as in :func:`birth_hints`);
* else from an ``umur`` column.

Every normaliser reads its own column plus, where needed, the *raw* text of the others, so the
order in which fields are normalised does not matter.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.domain import dates
from pmkscheck.normalise import (
    NormContext,
    NormResult,
    arrow_text,
    register,
    register_post,
    take_or_none,
    text_clean_codes,
)

# --- nama --------------------------------------------------------------------------------------

NAME_OK = "ok"
NAME_PLACEHOLDER = "placeholder"
NAME_HAS_DIGITS = "has_digits"

_NAME_PLACEHOLDERS = frozenset(
    "nama tidakada tdkada takada kosong tanpanama noname null none nan na nn tidaktahu tdktahu "
    "tidakdiketahui belumada test tes testing contoh sample anonim anonymous".split()
)
_PLACEHOLDER_VALUES = pa.array(sorted(_NAME_PLACEHOLDERS), type=pa.string())


def name_status(name: object) -> str | None:
    """``None`` (missing), ``ok``, ``placeholder`` or ``has_digits`` for one cleaned name.

    >>> [name_status(v) for v in ("Long La'ai", "-", "xxx", "Nama", "12345", "A", "Budi 2")]
    ['ok', 'placeholder', 'placeholder', 'placeholder', 'placeholder', 'placeholder', 'has_digits']
    """
    if name is None:
        return None
    s = str(name).strip().lower()
    if not s:
        return None
    letters = "".join(ch for ch in s if ch.isalpha())
    if len(letters) <= 1 or letters in _NAME_PLACEHOLDERS or re.fullmatch(r"x+", letters):
        return NAME_PLACEHOLDER
    if any(ch.isdigit() for ch in s):
        return NAME_HAS_DIGITS
    return NAME_OK


def _per_unique(values: pd.Series, fn) -> np.ndarray:  # noqa: ANN001
    codes, uniques = distinct.factorize(values)
    mapped = np.array([fn(u) for u in uniques] + [fn(None)], dtype=object)
    return mapped[codes]


# Plain ASCII without leading or trailing whitespace: name_status_many's fast path.
_PLAIN_NAME = r"^[!-~](?:[\x00-\x7f]*[!-~])?$"


def name_status_many(uniques: np.ndarray) -> np.ndarray:
    """:func:`name_status` of each value of an object array, without a Python loop for ASCII.

    For plain ASCII the letters are ``[a-z]`` after lowering and the digits ``[0-9]``, so
    pyarrow's kernels give the same answer as :func:`name_status`; any other value (accents,
    non-string) goes through :func:`name_status` itself.
    """
    out = np.full(len(uniques), NAME_OK, dtype=object)
    text = arrow_text(uniques)
    if text is None:
        todo = np.arange(len(uniques))
    else:
        fast = pc.and_(pc.string_is_ascii(text), pc.match_substring_regex(text, _PLAIN_NAME))
        letters = pc.replace_substring_regex(pc.ascii_lower(text), "[^a-z]+", "")
        placeholder = pc.or_(
            pc.or_(pc.less_equal(pc.binary_length(letters), 1),
                   pc.is_in(letters, value_set=_PLACEHOLDER_VALUES)),
            pc.match_substring_regex(letters, "^x+$"))
        digits = pc.match_substring_regex(text, "[0-9]")
        out[digits.to_numpy(zero_copy_only=False)] = NAME_HAS_DIGITS
        out[placeholder.to_numpy(zero_copy_only=False)] = NAME_PLACEHOLDER
        todo = np.flatnonzero(~fast.to_numpy(zero_copy_only=False))
    out[todo] = [name_status(uniques[i]) for i in todo]
    return out


@register("name")
def normalise_name(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Spaces trimmed (silently); derived ``<field>:status`` from :func:`name_status`."""
    codes, cleaned = text_clean_codes(raw)
    present = pd.notna(cleaned)
    statuses = np.full(len(cleaned), None, dtype=object)
    statuses[present] = name_status_many(cleaned[present])
    clean = pd.Series(take_or_none(cleaned, codes), index=raw.index, dtype=object, name=raw.name)
    status = pd.Series(take_or_none(statuses, codes), index=raw.index, dtype=object)
    return NormResult(clean, derived={f"{ctx.field.name}:status": status})


# --- RT / RW -----------------------------------------------------------------------------------

RT_OK = "ok"
RT_COMBINED = "combined"
RT_INVALID = "invalid"

_RT_PREFIX = r"(?:r\.?\s*[tw]\.?\s*[:.]?\s*)?"
_RT_SINGLE = re.compile(rf"^{_RT_PREFIX}(\d{{1,3}})(?:[.,]0+)?$")
_RT_PAIR = re.compile(rf"^{_RT_PREFIX}(\d{{1,3}})\s*(?:[/\\\-]|,?\s+)\s*{_RT_PREFIX}(\d{{1,3}})$")
_RT_MISSING = re.compile(r"^(?:[-\u2013?./\s]*|0+|tidak ada|tdk ada|n/?a)$")


def rt_rw_value(text: object, part: int = 0) -> tuple[str | None, str | None]:
    """One RT/RW cell -> (clean value, status).

    ``part`` says which number of an ``RT/RW`` pair this column holds (0 = RT, 1 = RW).

    >>> [rt_rw_value(v) for v in ("005", "RT. 05", "5/3", "-", "A")]
    [('5', 'ok'), ('5', 'ok'), ('5', 'combined'), (None, None), ('A', 'invalid')]
    >>> rt_rw_value("005/003", part=1), rt_rw_value("RT 05 RW 03", part=1)
    (('3', 'combined'), ('3', 'combined'))
    """
    if text is None:
        return None, None
    s = " ".join(str(text).split())
    low = s.lower()
    if _RT_MISSING.match(low):
        return None, None
    if m := _RT_SINGLE.match(low):
        return str(int(m[1])) if int(m[1]) else None, RT_OK if int(m[1]) else None
    if m := _RT_PAIR.match(low):
        return str(int(m[1 + part])), RT_COMBINED
    return s, RT_INVALID


@register("rt_rw")
def normalise_rt_rw(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """``005``/``RT. 05`` -> ``5`` (silent); ``5/3`` -> its RT (or RW) part; derived status."""
    part = 1 if ctx.field.name == "rw" else 0
    codes, uniques = distinct.factorize(raw)
    pairs = [rt_rw_value(v, part) for v in uniques]
    values = np.array([p[0] for p in pairs], dtype=object)
    statuses = np.array([p[1] for p in pairs], dtype=object)
    clean = pd.Series(take_or_none(values, codes), index=raw.index, dtype=object)
    status = pd.Series(take_or_none(statuses, codes), index=raw.index, dtype=object)
    return NormResult(clean, derived={f"{ctx.field.name}:status": status})


# --- whole numbers (no, umur) ------------------------------------------------------------------

_YEARS_SUFFIX = re.compile(r"\s*(?:th|thn|tahun|thun|tahunan|yrs?|years?)\.?$")


def integer_text(text: object, *, age: bool = False) -> str | None:
    """A whole number as typed -> its digits (``"25 th"`` -> ``"25"``); other text unchanged.

    >>> [integer_text(v, age=True) for v in ("25", "025", "25 th", "25,0", "25.0", "dua")]
    ['25', '25', '25', '25', '25', 'dua']
    >>> integer_text("1.234"), integer_text("1.234", age=True)
    ('1234', '1.234')
    """
    if text is None:
        return None
    s = " ".join(str(text).split())
    if not s:
        return None
    t = _YEARS_SUFFIX.sub("", s.lower()) if age else s
    if not age and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        return str(int(t.replace(".", "")))
    if m := re.fullmatch(r"(\d+)(?:[.,]0+)?", t):
        return str(int(m[1]))
    return s


def integer_text_many(uniques: np.ndarray, *, age: bool = False) -> np.ndarray:
    """:func:`integer_text` of each value of an object array.

    Plain ASCII digits (``"0042"``), nearly every cell of a ``no`` column, only lose their
    leading zeros: done by pyarrow for all of them at once. Other values go through
    :func:`integer_text`.
    """
    out = np.empty(len(uniques), dtype=object)
    text = arrow_text(uniques)
    if text is None:
        todo = np.arange(len(uniques))
    else:
        digits = pc.and_(pc.string_is_ascii(text), pc.match_substring_regex(text, "^[0-9]+$"))
        fast = digits.to_numpy(zero_copy_only=False)
        trimmed = pc.utf8_ltrim(text.filter(digits), characters="0")
        trimmed = pc.if_else(pc.equal(trimmed, ""), "0", trimmed)
        out[fast] = trimmed.to_numpy(zero_copy_only=False)
        todo = np.flatnonzero(~fast)
    out[todo] = [integer_text(uniques[i], age=age) for i in todo]
    return out


@register("integer")
def normalise_integer(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Whole numbers (``no``, ``umur``); other text is kept for ``VALUE_NOT_INTEGER``.

    For ``umur`` also derives ``umur:value`` (Int64; ``umur:years`` comes from
    :func:`derive_age`).
    """
    is_age = ctx.field.name == "umur"
    codes, uniques = distinct.factorize(raw)
    texts = integer_text_many(np.asarray(uniques, dtype=object), age=is_age)
    clean = pd.Series(take_or_none(texts, codes), index=raw.index, dtype=object)
    derived: dict[str, pd.Series] = {}
    if is_age:  # the last number (code -1, missing) is NA
        numbers = pd.array([int(t) if t is not None and t.isdigit() and len(t) <= 3 else None
                            for t in [*texts, None]], dtype="Int64")
        derived["umur:value"] = pd.Series(numbers.take(codes), index=raw.index)
    return NormResult(clean, derived=derived)


# --- age and NIK century (post-normaliser: needs several fields) ------------------------------

_LANSIA_RE = re.compile(r"lansia|lanjut\s*usia|^\s*lut\s*$", re.IGNORECASE)
LANSIA = "Lanjut Usia Telantar"


def lansia_rows(table, clean: pd.DataFrame | None = None) -> np.ndarray:  # noqa: ANN001
    """Rows whose jenis PMKS is Lanjut Usia Telantar (clean official name, raw text or sheet)."""
    n = len(table.data)
    flags = np.zeros(n, dtype=bool)
    if "jenis_pmks" in table.data.columns:
        raw = table.data["jenis_pmks"]
        flags |= _per_unique(raw, lambda v: bool(v is not None and _LANSIA_RE.search(str(v)))
                             ).astype(bool)
        if clean is not None and "jenis_pmks" in clean.columns:
            flags |= (clean["jenis_pmks"] == LANSIA).to_numpy(dtype=bool)
    elif table.sheet_jenis and _LANSIA_RE.search(table.sheet_jenis):
        flags[:] = True
    return flags


def birth_hints(clean: pd.DataFrame, derived: dict[str, pd.Series], table  # noqa: ANN001
                ) -> pd.DataFrame:
    """What decides the century of a NIK birth date, per row.

    Columns: ``year`` (Int64: the year of ``tanggal_lahir``, also a year alone), ``umur``
    (Int64: the ``umur`` column), ``lansia`` (bool: jenis is Lanjut Usia -> 19YY).
    """
    index = table.data.index
    na = pd.Series(pd.NA, index=index, dtype="Int64")
    return pd.DataFrame({
        "year": derived.get("tanggal_lahir:year", na),
        "umur": derived.get("umur:value", na),
        "lansia": lansia_rows(table, clean),
    }, index=index)


@register_post
def derive_age(clean: pd.DataFrame, derived: dict[str, pd.Series], table,  # noqa: ANN001
               settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: ``nik:birth`` with the best century, and ``umur:years``.

    ``umur:years`` (Int64, whole years at ``settings.today``): from ``tanggal_lahir`` (a year
    alone counts as ``today.year - year``), else from the NIK birth date, else from ``umur``.
    """
    from pmkscheck.domain import nik as nik_mod

    today = settings.today
    index = table.data.index
    out: dict[str, pd.Series] = {}
    hints = birth_hints(clean, derived, table)
    age = pd.Series(pd.NA, index=index, dtype="Int64")
    if "tanggal_lahir:date" in derived:
        age = dates.age_years(derived["tanggal_lahir:date"], today)
        year = derived["tanggal_lahir:year"]
        year_only = (age.isna() & year.notna()).to_numpy()
        age[year_only] = today.year - year[year_only]
        age[(age < 0).fillna(False).to_numpy(dtype=bool)] = pd.NA  # future: not an age
    if "nik:yy" in derived:
        frame = pd.DataFrame({"date_ok": derived["nik:date_ok"], "day": derived["nik:day"],
                              "mm": derived["nik:month"], "yy": derived["nik:yy"]}, index=index)
        birth = pd.Series(nik_mod.nik_birth(frame, today, hints), index=index)
        out["nik:birth"] = birth
        todo = age.isna().to_numpy()
        if todo.any():
            age[todo] = dates.age_years(birth[todo], today)
    if "umur:value" in derived and age.isna().any():
        age = age.fillna(derived["umur:value"])
    out["umur:years"] = age
    return NormResult(pd.Series(dtype=object), derived=out)


__all__ = [
    "birth_hints", "derive_age", "integer_text", "integer_text_many", "lansia_rows", "name_status",
    "name_status_many",
    "normalise_integer", "normalise_name", "normalise_rt_rw", "rt_rw_value",
]
