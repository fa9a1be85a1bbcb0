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
import unicodedata

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
    text_clean,
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


@register_post
def rt_rw_from_alamat(clean: pd.DataFrame, derived: dict[str, pd.Series], table,  # noqa: ANN001
                      settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: ``alamat:rt`` / ``alamat:rw`` when the sheet has no RT / RW column.

    The cleaned file gains ``rt`` and ``rw`` columns after Alamat (``write.CODE_COLUMNS``); one
    file-level ``RT_RW_FROM_ALAMAT`` info says in how many rows a number was taken (one info per
    row would bury the real findings of a list that writes every address this way, and cost
    seconds per million rows).
    """
    if "alamat" not in clean.columns or ("rt" in clean.columns and "rw" in clean.columns):
        return None
    found = rt_rw_in_alamat(clean["alamat"])
    out = {f"alamat:{part}": found[part] for part in ("rt", "rw") if part not in clean.columns}
    rows = int(pd.DataFrame(out).notna().any(axis=1).sum())
    if not rows:
        return None
    frame = pd.DataFrame({"code": ["RT_RW_FROM_ALAMAT"], "field": ["alamat"], "rows": [rows],
                          "value": [None]}, index=pd.Index([None], dtype=object))
    return NormResult(pd.Series(dtype=object), derived=out, findings=frame)


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


def age_band(table, clean: pd.DataFrame, derived: dict[str, pd.Series],  # noqa: ANN001
             preset: str) -> np.ndarray:
    """Per row the age band of its jenis PMKS, ``(n, 2)`` floats (NaN: open end or no band).

    From the derived jenis number (``jenis_pmks:no``), else the sheet's jenis; Lanjut Usia
    written in a form the jenis normaliser did not map still gets 60+.
    """
    from pmkscheck.domain.jenis import PRESETS, age_bands, match_jenis, official_names

    n = len(table.data)
    out = np.full((n, 2), np.nan)
    bands = age_bands(preset if preset in PRESETS else "permensos-2012")
    no = derived.get("jenis_pmks:no")
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


def _settle_centuries(clean: pd.DataFrame, derived: dict[str, pd.Series], table,  # noqa: ANN001
                      today, band: np.ndarray  # noqa: ANN001
                      ) -> tuple[dict[str, pd.Series], pd.DataFrame | None]:
    """Two-digit years of ``tanggal_lahir``: the century of :func:`dates.resolve_century`.

    Updates the clean ISO text in place (an undecided date keeps its text as written) and
    returns the updated derived columns and the ``DATE_CENTURY_AMBIGUOUS`` findings.
    """
    two = derived.get("tanggal_lahir:two_digit")
    if two is None or not two.any():
        return {}, None
    index = table.data.index
    umur = derived.get("umur:value")
    umur_f = None if umur is None else umur.to_numpy(dtype="float64", na_value=np.nan)
    birth, undecided = dates.resolve_century(
        derived["tanggal_lahir:date"].to_numpy(), two.to_numpy(dtype=bool), today, umur_f,
        band)
    birth_s = pd.Series(birth, index=index)
    year = derived["tanggal_lahir:year"].copy()
    changed = two.to_numpy(dtype=bool) & ~np.isnat(birth)
    y, _, _ = dates.datetime_to_ymd(birth)
    year[changed] = y[changed]
    year[undecided] = pd.NA
    iso = clean["tanggal_lahir"].copy()
    iso[changed] = np.datetime_as_string(birth[changed], unit="D").astype(object)
    raw = table.data["tanggal_lahir"]
    iso[undecided] = text_clean(raw[undecided]).to_numpy(dtype=object)  # kept as written
    clean["tanggal_lahir"] = iso
    out = {"tanggal_lahir:date": birth_s, "tanggal_lahir:year": year,
           # day, month and two-digit year as written, whatever the century (NIK comparison)
           "tanggal_lahir:written": derived["tanggal_lahir:date"]}
    found = None
    if undecided.any():
        idx = index[undecided]
        old_year, _, _ = dates.datetime_to_ymd(derived["tanggal_lahir:date"][idx].to_numpy())
        yy = old_year % 100
        found = pd.DataFrame({"code": "DATE_CENTURY_AMBIGUOUS", "field": "tanggal_lahir",
                              "old": 1900 + yy, "new": 2000 + yy}, index=idx)
    return out, found


@register_post
def derive_age(clean: pd.DataFrame, derived: dict[str, pd.Series], table,  # noqa: ANN001
               settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: centuries of two-digit years, ``nik:birth``, ``umur:years``, sex.

    * ``tanggal_lahir`` dates written with a two-digit year get their century settled
      (:func:`_settle_centuries`; undecided ones become ``DATE_CENTURY_AMBIGUOUS``).
    * ``nik:birth``: the NIK birth date with the best century (:func:`birth_hints`).
    * ``umur:years`` (Int64, whole years at ``settings.today``, the data date): from
      ``tanggal_lahir``; for a year alone ``today.year - year``, or the NIK's full date when its
      year agrees; else from the NIK birth date; else from ``umur``. ``umur:source`` says which
      (``Tanggal Lahir``, ``NIK`` or ``Umur``: the jenis checks name it in their message).
    * ``jenis_kelamin:effective`` (``L``/``P``) and ``jenis_kelamin:source``: the written
      Jenis Kelamin, else the sex encoded in a valid NIK.
    """
    from pmkscheck.domain import nik as nik_mod

    today = settings.today
    index = table.data.index
    band = age_band(table, clean, derived, settings.age_preset)
    out, found = _settle_centuries(clean, derived, table, today, band)
    derived = {**derived, **out}
    hints = birth_hints(clean, derived, table)
    age = pd.Series(pd.NA, index=index, dtype="Int64")
    source = np.full(len(index), None, dtype=object)
    year_only = np.zeros(len(index), dtype=bool)
    if "tanggal_lahir:date" in derived:
        age = dates.age_years(derived["tanggal_lahir:date"], today)
        year = derived["tanggal_lahir:year"]
        year_only = (age.isna() & year.notna()).to_numpy()
        age[year_only] = today.year - year[year_only]
        age[(age < 0).fillna(False).to_numpy(dtype=bool)] = pd.NA  # future: not an age
        source[age.notna().to_numpy()] = SOURCE_TL
    if "nik:yy" in derived:
        frame = pd.DataFrame({"date_ok": derived["nik:date_ok"], "day": derived["nik:day"],
                              "mm": derived["nik:month"], "yy": derived["nik:yy"]}, index=index)
        birth = pd.Series(nik_mod.nik_birth(frame, today, hints), index=index)
        out["nik:birth"] = birth
        nik_age = dates.age_years(birth, today)
        todo = age.isna().to_numpy() & nik_age.notna().to_numpy()
        if todo.any():  # the NIK's century, as for a two-digit year: never a guess
            umur = derived.get("umur:value")
            settled, undecided = dates.resolve_century(
                birth.to_numpy(), todo, today,
                None if umur is None else umur.to_numpy(dtype="float64", na_value=np.nan), band)
            todo &= ~undecided
            nik_age = dates.age_years(pd.Series(settled, index=index), today)
        if "tanggal_lahir:year" in derived:  # a year alone that the NIK's date agrees with
            nik_year, _, _ = dates.datetime_to_ymd(birth.to_numpy())
            same = year_only & (nik_year == derived["tanggal_lahir:year"].to_numpy(
                dtype="float64", na_value=np.nan)) & nik_age.notna().to_numpy()
            todo |= same
        if todo.any():
            age[todo] = nik_age[todo]
            source[todo] = SOURCE_NIK
    if "umur:value" in derived and age.isna().any():
        umur = derived["umur:value"]
        fill = (age.isna() & umur.notna()).to_numpy()
        age[fill] = umur[fill]
        source[fill] = SOURCE_UMUR
    out["umur:years"] = age
    out["umur:source"] = pd.Series(source, index=index, dtype=object)
    sex = np.full(len(index), None, dtype=object)
    sex_source = np.full(len(index), None, dtype=object)
    if "jenis_kelamin" in clean.columns:
        written = clean["jenis_kelamin"].isin(["L", "P"]).to_numpy()
        sex[written] = clean["jenis_kelamin"].to_numpy(dtype=object)[written]
        sex_source[written] = SOURCE_JK
    if "nik:sex" in derived:
        from_nik = (pd.isna(sex) & derived["nik:sex"].notna().to_numpy()
                    & derived["nik:valid"].to_numpy(dtype=bool))
        sex[from_nik] = derived["nik:sex"].to_numpy(dtype=object)[from_nik]
        sex_source[from_nik] = SOURCE_NIK
    out["jenis_kelamin:effective"] = pd.Series(sex, index=index, dtype=object)
    out["jenis_kelamin:source"] = pd.Series(sex_source, index=index, dtype=object)
    return NormResult(pd.Series(dtype=object), derived=out, findings=found)


__all__ = [
    "age_band", "birth_hints", "derive_age", "name_clusters", "name_key", "name_keys",
    "same_name", "integer_text", "integer_text_many", "lansia_rows", "name_status",
    "name_status_many",
    "normalise_integer", "normalise_name", "normalise_rt_rw", "rt_rw_from_alamat",
    "rt_rw_in_alamat", "rt_rw_value",
]
