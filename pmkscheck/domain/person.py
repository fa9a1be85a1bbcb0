"""Person-level knowledge that is not an identifier: nama, RT/RW, whole numbers, and the age.

Stage: domain (pure knowledge). The ``name``, ``rt_rw`` and ``integer`` normalisers and the age
post-normaliser that use it are in :mod:`pmkscheck.normalise.person`; the age several checks
(jenis PMKS age bands) rely on comes

* from ``tanggal_lahir`` (a year alone counts as ``today.year - year``);
* else from the birth date encoded in the NIK (century chosen as in :func:`birth_hints`);
* else from an ``umur`` column.

Every normaliser reads its own column plus, where needed, the *raw* text of the others, so the
order in which fields are normalised does not matter.

Why one module of ~400 lines: the person-row values (names, RT/RW, whole numbers, age bands) share
the per-unique helpers and the Lanjut Usia rules; each part is small.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.cleantext import arrow_text
from pmkscheck.distinct import take_or_none
from pmkscheck.domain.jenis import PRESETS, age_bands, match_jenis, official_names

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


# --- one person: names compared for "same NIK, same person" ---------------------------------

NAME_SAME_RATIO = 90.0
"""rapidfuzz ratio (0-100) at or above which two name keys are the same person (a typo)."""

# Titles and forms of address written before a name; dropped only where they lead the name.
_TITLES = frozenset(
    "h hj haji hajah hajjah kh dr drs dra ir prof ust ustad ustadz ustazah bpk bapak pak ibu ibuk "
    "bu sdr sdri saudara saudari tn ny nn nona alm almh almarhum almarhumah".split())
# Spellings and abbreviations of Muhammad, the most common first name with many forms.
_MUHAMMAD = frozenset(
    "m md mhd muh moh moch mochamad mochammad mohamad mohammad mohammed muhamad muhammad "
    "muhammed mukhammad".split())
_NAME_PUNCT = re.compile(r"[^\w\s]|_|\d")


def name_key(name: object) -> str | None:
    """A name reduced for comparison: lower case, no punctuation, no leading titles.

    Everything after a comma (degrees: ", S.Pd") is dropped and the forms of Muhammad become
    one. ``None`` when nothing is left.

    >>> [name_key(v) for v in ("Hj. Siti  Aminah", "SITI AMINAH, S.Pd", "M. Yusuf", "-")]
    ['siti aminah', 'siti aminah', 'muhammad yusuf', None]
    """
    if name is None or name != name:  # None or NaN
        return None
    s = unicodedata.normalize("NFKD", str(name).split(",")[0].casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    tokens = _NAME_PUNCT.sub(" ", s).split()
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens = tokens[1:]
    tokens = ["muhammad" if t in _MUHAMMAD else t for t in tokens]
    return " ".join(tokens) or None


def _tokens_within(short: list[str], long: list[str]) -> bool:
    """Every token of ``short`` is a token of ``long`` (or the initial of one), in order."""
    at = 0
    for t in short:
        while at < len(long) and not (long[at] == t or (len(t) == 1 and long[at][0] == t)):
            at += 1
        if at == len(long):
            return False
        at += 1
    return True


def same_name(a: str, b: str) -> bool:
    """Two :func:`name_key` values name the same person: equal, a typo apart, or one shortened.

    Conservative (a false "two persons" error is worse than a missed one): ratio or
    token-sorted ratio at least :data:`NAME_SAME_RATIO`, or every word of one name found in
    the other in order (``Siti`` / ``Siti Aminah``, ``Ahmad S`` / ``Ahmad Sulaiman``).

    >>> same_name("siti aminah", "siti aminnah"), same_name("siti", "siti aminah")
    (True, True)
    >>> same_name("aminah siti", "siti aminah"), same_name("siti aminah", "budi santoso")
    (True, False)
    """
    from rapidfuzz import fuzz

    if a == b:
        return True
    if fuzz.ratio(a, b) >= NAME_SAME_RATIO or fuzz.token_sort_ratio(a, b) >= NAME_SAME_RATIO:
        return True
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return _tokens_within(short, long)


def name_clusters(group: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Per row, a person number within its group: rows whose names are :func:`same_name`.

    Args:
        group: group codes (e.g. factorised NIKs), one per row.
        keys: :func:`name_key` per row (``None`` = no name: cluster -1, it never disagrees).

    Runs once per distinct (group, name) pair; rows of a group are clustered greedily, each
    name joining the first earlier person it matches.
    """
    out = np.full(len(keys), -1, dtype=np.int64)
    present = pd.notna(keys)
    if not present.any():
        return out
    pairs = pd.DataFrame({"g": group[present], "k": keys[present]})
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(pairs))
    cluster = np.zeros(len(uniq), dtype=np.int64)
    per_group: dict[object, list[tuple[str, int]]] = {}
    for i, (g, k) in enumerate(uniq):  # one step per distinct (group, name)
        people = per_group.setdefault(g, [])
        for rep, number in people:
            if same_name(rep, k):
                cluster[i] = number
                break
        else:
            cluster[i] = len(people)
            people.append((k, len(people)))
    out[present] = cluster[codes]
    return out


def name_keys(values: pd.Series) -> np.ndarray:
    """:func:`name_key` of each value, computed once per distinct value."""
    return _per_unique(values, name_key)


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


# RT and RW written inside Alamat: "RT 01/RW 02", "Rt.3 Rw.1", "RT. 004 RW. 002", "rt 5 rw 3",
# "RT/RW 001/002". Not preceded by a letter (so "Kartini 3" is no RT), not followed by a digit.
_NUM = r"[\s.:]*(?:no\.?\s*)?0*(\d{1,3})(?!\d)"
_ALAMAT_RT = r"(?<![a-z])rt" + _NUM
_ALAMAT_RW = r"(?<![a-z])rw" + _NUM
_ALAMAT_PAIR = r"(?<![a-z])rt\s*[./]?\s*rw[\s.:]*0*(\d{1,3})\s*[/\\-]\s*0*(\d{1,3})(?!\d)"
# "RT 004/002": an RT followed by a pair, no RW written
_ALAMAT_RT_PAIR = r"(?<![a-z])rt[\s.:]*0*(\d{1,3})\s*/\s*0*(\d{1,3})(?!\d)(?![\s.:]*rw)"


def _first_found(*cols: pd.Series) -> pd.Series:
    """Per row, the first column's match that is not missing (object dtype kept, no downcast)."""
    out = cols[0].to_numpy(dtype=object)
    for col in cols[1:]:
        out = np.where(pd.isna(out), col.to_numpy(dtype=object), out)
    return pd.Series(out, index=cols[0].index, dtype=object)


def rt_rw_in_alamat(alamat: pd.Series) -> pd.DataFrame:
    """RT and RW numbers written inside Alamat (``str.extract`` once per distinct value).

    >>> rt_rw_in_alamat(pd.Series(["Jl. Mawar RT 01/RW 02", "Rt.3 Rw.1", "RT. 004 RW. 002",
    ...                            "RT 5/3", "Jl. Kartini 3", None])
    ...                 ).fillna("-").to_numpy().tolist()
    [['1', '2'], ['3', '1'], ['4', '2'], ['5', '3'], ['-', '-'], ['-', '-']]
    """
    codes, uniques = distinct.factorize(alamat)
    low = pd.Series(np.asarray(uniques, dtype=object), dtype=object).str.lower()
    pair = low.str.extract(_ALAMAT_PAIR)
    rt_pair = low.str.extract(_ALAMAT_RT_PAIR)
    rt = _first_found(pair[0], low.str.extract(_ALAMAT_RT)[0])
    rw = _first_found(pair[1], low.str.extract(_ALAMAT_RW)[0], rt_pair[1])

    def number(col: pd.Series) -> np.ndarray:
        n = pd.to_numeric(col, errors="coerce")
        return np.where(n > 0, n.astype("Int64").astype(str), None).astype(object)

    return pd.DataFrame({"rt": take_or_none(number(rt), codes),
                         "rw": take_or_none(number(rw), codes)}, index=alamat.index)


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


def _number(derived: dict, name: str, default: pd.Series) -> pd.Series:
    """The number column of a field (a ValueAnalysis of pmkscheck.normalise.records)."""
    value = getattr(derived.get(name), "value", None)
    return default if value is None else value


def birth_hints(clean: pd.DataFrame, derived: dict[str, Any], table  # noqa: ANN001
                ) -> pd.DataFrame:
    """What decides the century of a NIK birth date, per row.

    Columns: ``year`` (Int64: the year of ``tanggal_lahir``, also a year alone), ``umur``
    (Int64: the ``umur`` column), ``lansia`` (bool: jenis is Lanjut Usia -> 19YY).
    """
    index = table.data.index
    na = pd.Series(pd.NA, index=index, dtype="Int64")
    return pd.DataFrame({
        "year": na if derived.get("tanggal_lahir") is None else derived["tanggal_lahir"].year,
        "umur": _number(derived, "umur", na),
        "lansia": lansia_rows(table, clean),
    }, index=index)


def age_band(table, clean: pd.DataFrame, derived: dict[str, Any],  # noqa: ANN001
             preset: str) -> np.ndarray:
    """Per row the age band of its jenis PMKS, ``(n, 2)`` floats (NaN: open end or no band).

    From the derived jenis number (``derived["jenis_pmks"].no``, a JenisAnalysis), else the
    sheet's jenis; Lanjut Usia written in a form the jenis normaliser did not map still gets 60+.
    """
    n = len(table.data)
    out = np.full((n, 2), np.nan)
    bands = age_bands(preset if preset in PRESETS else "permensos-2012")
    no = getattr(derived.get("jenis_pmks"), "no", None)
    if no is None and table.sheet_jenis:
        name = match_jenis(table.sheet_jenis)
        number = {v: k for k, v in official_names().items()}.get(name)
        no = pd.Series(number, index=table.data.index, dtype="Int64")
    if no is not None:
        nums = pd.array(no, dtype="Int64")
        known = ~pd.isna(nums)
        if known.any():
            rows = bands.reindex(np.asarray(nums[known], dtype=np.int64))
            out[known, 0] = rows["min"].to_numpy(dtype="float64", na_value=np.nan)
            out[known, 1] = rows["max"].to_numpy(dtype="float64", na_value=np.nan)
    lansia = lansia_rows(table, clean) & np.isnan(out).all(axis=1)
    out[lansia, 0] = 60
    return out


SOURCE_TL = "Tanggal Lahir"
SOURCE_NIK = "NIK"
SOURCE_UMUR = "Umur"
SOURCE_JK = "Jenis Kelamin"


__all__ = [
    "age_band", "birth_hints", "name_clusters", "name_key", "name_keys",
    "same_name", "integer_text", "integer_text_many", "lansia_rows", "name_status",
    "name_status_many",
    "rt_rw_in_alamat", "rt_rw_value",
]
