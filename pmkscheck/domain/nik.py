r"""NIK (Nomor Induk Kependudukan): the 16-digit Indonesian personal identity number.

Stage: domain (used by stage ② normalise and stage ③ validate). Shaped like python-stdnum's
``stdnum/id/nik.py``: ``compact`` / ``validate`` / ``is_valid`` / ``parse`` / ``format``, one
exception class per kind of failure, and vectorised helpers over a ``pd.Series``.

Specification (UU Adminduk; DOMAIN.md)::

    P P K K C C D D M M Y Y S S S S
    \_/ \_/ \_/ \_/ \_/ \_/ \_____/
     |   |   |   |   |   |     serial, 0001 upwards (0000 is invalid)
     |   |   |   |   |   year of birth, two digits (no century)
     |   |   |   |   month of birth, 01-12
     |   |   |   day of birth, 01-31 for men, 41-71 (day + 40) for women
     |   |   kecamatan of first registration
     |   kabupaten (01-69) / kota (71-99)
     province (Kalimantan Timur = 64)

The region prefix is where the person was *first* registered: it does not follow a move and may
carry codes that no longer exist (splits), so an unknown prefix is a warning and is never
"corrected". A NIK typed into a numeric Excel cell has lost its 16th digit (Excel keeps 15
significant digits) and may show as ``6.40817E+15``: that cannot be repaired, only retyped.

>>> compact(" 6408 1717.0875-0001 ")
'6408171708750001'
>>> compact("64O817170875OOO1")   # letter O typed for zero: fixed because it gives 16 digits
'6408171708750001'
>>> validate("6408175708750001")
'6408175708750001'
>>> parse("6408175708750001")  # doctest: +NORMALIZE_WHITESPACE
NikParts(province='64', kabkota='6408', kecamatan='640817', day=17, month=8, yy=75,
         sex='P', serial='0001')
>>> validate("640817170875")
Traceback (most recent call last):
    ...
pmkscheck.domain.nik.InvalidLength: NIK has 12 digits, not 16
>>> validate("6408171713750001")   # month 13
Traceback (most recent call last):
    ...
pmkscheck.domain.nik.InvalidBirthDate: the birth date encoded in the NIK is not a date
>>> validate("6408171708750000")
Traceback (most recent call last):
    ...
pmkscheck.domain.nik.ZeroSerial: the serial number is 0000
>>> validate("6.40817E+15")
Traceback (most recent call last):
    ...
pmkscheck.domain.nik.ExcelNumber: the NIK was stored as a number by Excel; digits are lost
>>> format("6408171708750001")
'64.08.17.170875.0001'
>>> build("640817", date(1975, 8, 17), "P", 1)
'6408175708750001'

Why one module of ~510 lines: the python-stdnum-shaped API (validate, parse, format) and the
vectorised analyser must give the same answers; kept side by side so they change together.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmkscheck import distinct, reference
from pmkscheck.domain.dates import ymd_to_datetime

LENGTH = 16
KALTIM = "64"

# The 38 province codes in use (Kepmendagri 2025). A prefix outside this list is not a region.
PROVINCES = frozenset(
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 71 72 73 74 75 76 "
    "81 82 91 92 93 94 95 96".split()
)

# Separators and invisible characters people type or paste inside identifiers.
_REMOVE = str.maketrans({c: "" for c in " .-'\u2019\u2018`\u00a0\u2007\u202f\u200b\u200c"
                         "\u200d\u2060\ufeff\t\r\n"})
# Letters that look like digits; replaced only when that yields exactly the wanted digit count.
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
# Excel scientific notation, as shown in English (6.40817E+15) or Indonesian (6,40817E+15) locale.
SCIENTIFIC_RE = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")

# --- exceptions (python-stdnum style: one class per kind of failure) -------------------------


class ValidationError(ValueError):
    """Base class: the value is not a valid identifier."""

    message = "invalid identifier"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class InvalidFormat(ValidationError):
    """Characters other than digits and separators."""

    message = "the value contains characters that are not digits"


class ExcelNumber(InvalidFormat):
    """Stored as a number by Excel (numeric cell or scientific notation): digits are lost."""

    message = "the NIK was stored as a number by Excel; digits are lost"


class InvalidLength(ValidationError):
    """Not 16 digits."""

    message = "the value does not have 16 digits"


class InvalidComponent(ValidationError):
    """A part of the number (birth date, serial) is impossible."""

    message = "a component of the number is invalid"


class InvalidBirthDate(InvalidComponent):
    """The encoded date (DDMMYY, day + 40 for women) is not a calendar date."""

    message = "the birth date encoded in the NIK is not a date"


class ZeroSerial(InvalidComponent):
    """The serial (last four digits) is 0000."""

    message = "the serial number is 0000"


# --- element-wise API --------------------------------------------------------------------------


class NikParts(NamedTuple):
    """Components of a NIK (codes as strings, dates as numbers)."""

    province: str
    kabkota: str
    kecamatan: str
    day: int  # real day of month (40 already subtracted for women)
    month: int
    yy: int
    sex: str  # "L" | "P"
    serial: str


def compact(number: str, length: int = LENGTH) -> str:
    """Remove separators and invisible characters; O->0, l/I->1 only if that gives 16 digits.

    Args:
        number: the text as typed.
        length: wanted digit count (16 for NIK and No. KK).

    Returns:
        The compacted text (it may still contain non-digits when no certain fix exists).
    """
    s = str(number).translate(_REMOVE)
    if s.isdigit() or not s:
        return s
    fixed = s.translate(_LOOKALIKE)
    if fixed.isdigit() and fixed.isascii() and len(fixed) == length:
        return fixed
    return s


def is_excel_number(number: str) -> bool:
    """Text in Excel scientific notation (``6.40817E+15`` or ``6,40817E+15``)."""
    return bool(SCIENTIFIC_RE.match(str(number)))


def _date_ok(day: int, month: int, yy: int) -> bool:
    """DD-MM-YY is a real date in 19YY or 20YY."""
    for century in (1900, 2000):
        try:
            date(century + yy, month, day)
            return True
        except ValueError:
            continue
    return False


def validate(number: str) -> str:
    """Check the structure of a NIK and return it compacted.

    Raises:
        ExcelNumber: scientific notation.
        InvalidFormat: characters that are not digits.
        InvalidLength: not 16 digits.
        InvalidBirthDate: month not 01-12, day not 01-31 / 41-71, or no such date.
        ZeroSerial: serial 0000.
    """
    if is_excel_number(number):
        raise ExcelNumber()
    s = compact(number)
    if not (s.isdigit() and s.isascii()):
        raise InvalidFormat()
    if len(s) != LENGTH:
        raise InvalidLength(f"NIK has {len(s)} digits, not {LENGTH}")
    day, month, yy = int(s[6:8]), int(s[8:10]), int(s[10:12])
    if day > 40:
        day -= 40
    if not _date_ok(day, month, yy):
        raise InvalidBirthDate()
    if s[12:] == "0000":
        raise ZeroSerial()
    return s


def is_valid(number: str) -> bool:
    """``True`` when :func:`validate` raises nothing."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def parse(number: str) -> NikParts:
    """Split a valid NIK into its components (raises like :func:`validate`)."""
    s = validate(number)
    day = int(s[6:8])
    sex = "P" if day > 40 else "L"
    return NikParts(s[:2], s[:4], s[:6], day - 40 if day > 40 else day, int(s[8:10]),
                    int(s[10:12]), sex, s[12:])


def build(kecamatan: str, birth: date, sex: str, serial: int) -> str:
    """Assemble a NIK from its components (the inverse of :func:`parse`)."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{kecamatan}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def format(number: str) -> str:  # noqa: A001 - python-stdnum name
    """Display form with dots between the parts: ``64.08.17.170875.0001``."""
    s = compact(number)
    return ".".join((s[:2], s[2:4], s[4:6], s[6:12], s[12:]))


# --- reference data ----------------------------------------------------------------------------


@cache
def kecamatan_codes() -> frozenset[str]:
    """The 6-digit Kemendagri 2025 kecamatan codes of Kalimantan Timur."""
    return frozenset(reference.kecamatan()["kode"])


@cache
def kabupaten_codes() -> frozenset[str]:
    """The 4-digit Kemendagri 2025 kab/kota codes of Kalimantan Timur."""
    return frozenset(reference.kabupaten()["kode"])


# --- vectorised helpers ------------------------------------------------------------------------

# Status of an identifier cell, in the order they are decided (first one wins).
MISSING = "missing"
EXCEL = "excel"  # numeric cell or scientific notation: digits lost
INVALID_CHARS = "invalid_chars"  # characters that are not digits and have no certain fix
LENGTH_BAD = "length"  # digits only, but not 16 of them
DIGITS = "digits"  # 16 digits (structure judged separately)

_DAYS = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _analyse_slow(values: np.ndarray, length: int) -> tuple[np.ndarray, ...]:
    """Element-wise analysis of distinct texts that are not already exactly ``length`` digits."""
    n = len(values)
    clean = np.empty(n, dtype=object)
    status = np.empty(n, dtype=object)
    cleaned = np.zeros(n, dtype=bool)
    lengths = np.full(n, -1, dtype=np.int64)
    for i, raw in enumerate(values):
        trimmed = None if raw is None else " ".join(str(raw).split())
        if not trimmed:
            status[i], clean[i] = MISSING, None
            continue
        clean[i] = trimmed
        if is_excel_number(trimmed):
            status[i] = EXCEL
            continue
        s = compact(trimmed, length)
        if not s:
            status[i], clean[i] = MISSING, None
        elif not (s.isdigit() and s.isascii()):
            status[i] = INVALID_CHARS
        elif len(s) != length:
            status[i] = LENGTH_BAD
            lengths[i] = len(s)
        else:  # surrounding spaces alone are trimmed silently
            status[i], clean[i], lengths[i] = DIGITS, s, length
            cleaned[i] = s != trimmed
    return clean, status, cleaned, lengths


def analyse(raw: pd.Series, kinds: pd.Series | None = None, length: int = LENGTH) -> pd.DataFrame:
    """Classify every cell of an identifier column.

    Values that are already exactly ``length`` ASCII digits (nearly all of a real column) are
    handled by Arrow kernels and a digit matrix, without Python per value; the rest run the
    element-wise :func:`compact` once per *distinct* value.

    Args:
        raw: the column as read (``str``/``None``).
        kinds: the cells' kinds (``"n"`` = numeric cell: an Excel number, digits lost).
        length: wanted digit count.

    Returns:
        A frame aligned with ``raw``: ``clean`` (16-digit string when certain, else the trimmed
        text, ``None`` if empty), ``status`` (``missing``/``excel``/``invalid_chars``/``length``/
        ``digits``), ``cleaned`` (bool), ``length`` (digit count, -1 if not all digits) and, for
        ``digits`` values, ``p2``/``p4``/``p6`` (prefix codes, else ``None``), ``dd``, ``mm``,
        ``yy`` (ints, 0 elsewhere) and ``serial_zero`` (bool).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = raw.to_numpy(dtype=object)
    n = len(values)
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    fast = pc.match_substring_regex(arr, f"^[0-9]{{{length}}}$").fill_null(False)
    fast_np = fast.to_numpy(zero_copy_only=False)
    clean = values.copy()
    status = np.full(n, DIGITS, dtype=object)
    cleaned = np.zeros(n, dtype=bool)
    lengths = np.full(n, length, dtype=np.int64)
    slow = np.flatnonzero(~fast_np)
    if len(slow):
        codes, uniques = distinct.factorize(values[slow])
        u_clean, u_status, u_cleaned, u_len = _analyse_slow(
            np.append(np.asarray(uniques, dtype=object), None), length)
        clean[slow] = u_clean[codes]
        status[slow] = u_status[codes]
        cleaned[slow] = u_cleaned[codes]
        lengths[slow] = u_len[codes]
    if kinds is not None:
        numeric = (kinds.reindex(raw.index).to_numpy(dtype=object) == "n") & (status != MISSING)
        if numeric.any():
            status[numeric] = EXCEL
            cleaned &= ~numeric
    ok = status == DIGITS
    if fast_np.all():
        mat = _digits_of(arr, length)
    else:
        mat = np.zeros((n, length), dtype=np.uint8)
        if fast_np.any():
            mat[fast_np] = _digits_of(pc.filter(arr, fast), length)
        redo = ok & ~fast_np  # cleaned in Python: few
        if redo.any():
            mat[redo] = _digits_of(pa.array(clean[redo].tolist(), type=pa.string()), length)
    if not ok.all():
        mat[~ok] = 0
    out = pd.DataFrame({"clean": clean, "status": status, "cleaned": cleaned,
                        "length": np.where(status == MISSING, -1, lengths)}, index=raw.index)
    out["p2"], out["p4"], out["p6"] = _code_strings(mat[:, :6], ok)
    out["dd"] = _number(mat, 6, 8)
    out["mm"] = _number(mat, 8, 10)
    out["yy"] = _number(mat, 10, 12)
    out["serial_zero"] = ok & ~mat[:, 12:16].any(axis=1)
    return out


def _number(mat: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The digits ``mat[:, start:stop]`` of each row as one int64 (column by column, no copy)."""
    out = np.zeros(len(mat), dtype=np.int64)
    for k in range(start, stop):
        out = out * 10 + mat[:, k]
    return out


def _digits_of(arr: object, length: int) -> np.ndarray:
    """``(n, length)`` digits of an Arrow string array whose values are ``length`` ASCII digits."""
    import pyarrow as pa

    arr = pa.concat_arrays([arr]) if isinstance(arr, pa.ChunkedArray) else arr
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    return data.reshape(-1, length) - np.uint8(48)


def _code_strings(digits: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, ...]:
    """Prefix codes of width 2, 4, 6 as strings (``"64"``, ``"6408"``, ``"640817"``).

    ``None`` where not ``ok``. Hash-factorised on the 6-digit integer, so each distinct
    kecamatan code is formatted once.
    """
    codes, uniq = pd.factorize(np.where(ok, _number(digits, 0, 6), -1))
    names6 = [None if u < 0 else f"{u:06d}" for u in uniq]
    out = []
    for width in (2, 4, 6):
        names = np.array([None if x is None else x[:width] for x in names6], dtype=object)
        out.append(names[codes])
    return tuple(out)


def dates_valid(day: np.ndarray, month: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Vectorised: DD-MM-YY is a calendar date in 19YY or 20YY (29 Feb: a leap year in either)."""
    day, month, yy = (np.asarray(a, dtype=np.int64) for a in (day, month, yy))
    month_ok = (month >= 1) & (month <= 12)
    mdays = _DAYS[np.clip(month, 1, 12) - 1]
    feb29 = (month == 2) & (day == 29)
    leap_any = (yy % 4 == 0)  # 2000 is a leap year, so 00 is leap in one of the centuries
    ok = month_ok & (day >= 1) & (day <= mdays)
    return ok & (~feb29 | leap_any)


def region_status(p2: pd.Series | np.ndarray, p4: pd.Series | np.ndarray,
                  p6: pd.Series | np.ndarray) -> np.ndarray:
    """Per value: ``None`` (known Kaltim kecamatan), ``"other_province"`` or ``"unknown"``.

    ``"unknown"``: province code not in use, or a Kaltim prefix whose kab/kota or kecamatan is
    not in the Kemendagri 2025 list. Missing prefixes give ``None``.
    """
    p2 = pd.Series(np.asarray(p2, dtype=object))
    p4 = pd.Series(np.asarray(p4, dtype=object))
    p6 = pd.Series(np.asarray(p6, dtype=object))
    present = p2.notna().to_numpy()
    kaltim = (p2 == KALTIM).to_numpy()
    known_prov = p2.isin(PROVINCES).to_numpy()
    known_kec = p6.isin(kecamatan_codes()).to_numpy() & p4.isin(kabupaten_codes()).to_numpy()
    out = np.full(len(p2), None, dtype=object)
    out[present & ~known_prov] = "unknown"
    out[present & known_prov & ~kaltim] = "other_province"
    out[present & kaltim & ~known_kec] = "unknown"
    return out


def analyse_nik(raw: pd.Series, kinds: pd.Series | None = None) -> pd.DataFrame:
    """:func:`analyse` plus the NIK-specific parts.

    Added columns: ``day`` (real day, 40 subtracted for women), ``sex`` (``L``/``P``/``None``),
    ``date_ok`` (the encoded DDMMYY is a date), ``region`` (see :func:`region_status`) and
    ``valid`` (16 digits, not an Excel number, date ok, serial not 0000).
    """
    out = analyse(raw, kinds)
    digits = (out["status"] == DIGITS).to_numpy()
    dd = out["dd"].to_numpy()
    female = dd > 40
    day = np.where(female, dd - 40, dd)
    out["day"] = day
    out["date_ok"] = digits & dates_valid(day, out["mm"].to_numpy(), out["yy"].to_numpy())
    out["sex"] = np.where(digits & out["date_ok"].to_numpy(), np.where(female, "P", "L"), None)
    out["region"] = region_status(out["p2"], out["p4"], out["p6"])
    out["valid"] = out["date_ok"].to_numpy() & ~out["serial_zero"].to_numpy()
    return out


def nik_birth(frame: pd.DataFrame, today: date, hints: pd.DataFrame | None = None) -> np.ndarray:
    """Birth dates (``datetime64[ns]``, NaT where unknown) from :func:`analyse_nik` output.

    The NIK has no century. In order of preference: the year of the row's ``tanggal_lahir``
    (the century closest to it), the ``umur`` column (closest age), ``19YY`` for Lanjut Usia rows,
    else ``20YY``; never ``20YY`` when that is after ``today``.

    Args:
        frame: output of :func:`analyse_nik`.
        today: the reference date.
        hints: optional frame (same index) with ``year`` (Int64), ``umur`` (Int64), ``lansia``.
    """
    ok = frame["date_ok"].to_numpy()
    day, month, yy = frame["day"].to_numpy(), frame["mm"].to_numpy(), frame["yy"].to_numpy()
    d19 = ymd_to_datetime(1900 + yy, month, day)
    d20 = ymd_to_datetime(2000 + yy, month, day)
    now = np.datetime64(today, "ns")
    use20 = ~np.isnat(d20) & (d20 <= now)
    if hints is not None:
        umur = hints["umur"].to_numpy(dtype="float64", na_value=np.nan)
        has_umur = ~np.isnan(umur)
        age19 = today.year - 1900 - yy
        age20 = today.year - 2000 - yy
        by_umur = np.abs(age20 - umur) < np.abs(age19 - umur)
        lansia = hints["lansia"].to_numpy(dtype=bool)
        use20 = np.where(lansia, False, use20)
        use20 = np.where(has_umur, by_umur & ~np.isnat(d20), use20)
        year = hints["year"].to_numpy(dtype="float64", na_value=np.nan)
        has_year = ~np.isnan(year)
        by_year = np.abs(2000 + yy - year) < np.abs(1900 + yy - year)
        use20 = np.where(has_year, by_year & ~np.isnat(d20), use20)
    use20 = use20 & ~np.isnat(d20) & (d20 <= now)  # a NIK birth date is never in the future
    birth = np.where(use20, d20, d19)
    birth[~ok] = np.datetime64("NaT")
    return birth.astype("datetime64[ns]")


__all__ = [
    "ExcelNumber", "InvalidBirthDate", "InvalidComponent", "InvalidFormat", "InvalidLength",
    "NikParts", "ValidationError", "ZeroSerial", "analyse", "analyse_nik", "build", "compact",
    "dates_valid", "format", "is_excel_number", "is_valid", "kabupaten_codes", "kecamatan_codes",
    "nik_birth",
    "parse", "region_status", "validate",
]
