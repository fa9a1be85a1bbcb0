"""Indonesian dates as typed in PMKS spreadsheets -> ``datetime64``; ages in whole years.

Stage: domain (used by stage ② normalise and stage ③ validate). Element-wise parsing runs once per
distinct (value, cell kind); results are spread back over the rows with integer indexing.

Accepted forms (day before month, **never month-first**)::

    17/08/1975  17-08-1975  17.08.1975  17/8/75       dd mm yyyy or yy (yy: never in the future)
    1975-08-17  1975-08-17 00:00:00                    ISO (also what a real date cell reads as)
    17 Agustus 1975  17-Agt-1975  31-Oct-16  17Agustus1975   month names, Indonesian or English
    Agustus 17, 1975                                   month name first is unambiguous
    Samarinda, 17 Agustus 1975                         the date part of a TTL cell
    27000  (numeric cell, or 4-5 digit text)           Excel serial number, 1900 leap bug aware
    1975                                               a year alone: kept as the year (warning)
    17081975 / 19750817                                8 digits: day first unless a year leads

Month names: Januari Februari/Pebruari Maret April Mei Juni Juli Agustus September Oktober
November/Nopember Desember, abbreviations Jan Feb Peb Mar Mrt Apr Mei Jun Jul Agu Agt Agst Ags Sep
Sept Okt Nov Nop Des (with or without a full stop), and English names and abbreviations (May, Aug,
Oct, Dec, ...). Trailing punctuation ("17 Agustus 1975.") and quotes are ignored.

Two-digit years (``17-08-75``, ``17 Agt 75``) are read as the latest century not after ``today``
and flagged ``two_digit``: the post-normaliser :func:`resolve_century` then keeps that century
only when it is the one plausible reading, or when the Umur column or the jenis' age band agrees;
otherwise the date is left undecided (``DATE_CENTURY_AMBIGUOUS``), never guessed.

>>> today = date(2025, 1, 1)
>>> [parse_one(t, today).iso for t in ("17/08/1975", "17 Agustus 1975", "31-Oct-16", "1975-08-17")]
['1975-08-17', '1975-08-17', '2016-10-31', '1975-08-17']
>>> parse_one("12/31/1990", today).status      # month 31: not read month-first
'invalid'
>>> r = parse_one("27000", today); (r.iso, r.status)
('1973-12-02', 'serial')
>>> r = parse_one("1950", today); (r.iso, r.year, r.status)
('1950', 1950, 'year_only')
>>> parse_one("5/3/30", today).iso              # 2030 would be in the future
'1930-03-05'

Why one module of ~470 lines: the element-wise parser, its vectorised fast forms and century
resolution share one vocabulary (statuses, month names) and must agree value for value (tests
compare them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pmkscheck import distinct

# Status of a parsed date cell.
OK = "ok"
SERIAL = "serial"  # an Excel serial number written as text, converted (info)
NUMBER = "number"  # a numeric cell holding a serial: a date that lost its format (silent)
YEAR_ONLY = "year_only"
INVALID = "invalid"
MISSING = "missing"

MIN_YEAR = 1800
MAX_YEAR = 2200

MONTHS: dict[str, int] = {}
for _num, _names in enumerate((
    "januari jan janu january",
    "februari pebruari feb febr peb pebr february",
    "maret mar mrt march",
    "april apr",
    "mei may",
    "juni jun june",
    "juli jul july",
    "agustus ag agu agt ags agst agts agus agust aug august",
    "september sep sept spt",
    "oktober okt oct october",
    "november nopember nov nop nopb",
    "desember des dec december",
), start=1):
    for _n in _names.split():
        MONTHS[_n] = _num

_EXCEL_EPOCH = date(1899, 12, 30)
_PLACEHOLDER_RE = re.compile(r"^[\s\-\u2013\u2014?./_x]*$"
                             r"|^(tidak|tdk|tak)\s*(tahu|tau|ada|diketahui)$"
                             r"|^(n/?a|null|none)$")
_TIME_RE = re.compile(r"(?:[ t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)$")
_ISO_RE = re.compile(r"^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_DMY_RE = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_DMY_MIXED_RE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$")
_NAMED_RE = re.compile(r"^(\d{1,2})\s*[-/.,]?\s*([a-z]+)\.?\s*[-/.,]?\s*(\d{4}|\d{2})$")
_NAMED_FIRST_RE = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})\s*,?\s*(\d{4})$")
_MONTH_YEAR_RE = re.compile(r"^([a-z]+)\.?\s*[-/.,]?\s*(\d{4})$")
_NUMBER_RE = re.compile(r"^\d{1,6}(?:[.,]\d+)?$")
_QUOTES = "'\"\u2018\u2019\u201c\u201d"
_APOSTROPHE_YEAR_RE = re.compile(r"\s*['\u2019](\d{2})$")
_LABEL_RE = re.compile(r"^(?:tgl|tanggal)\.?\s*(?:lahir\s*)?[:.]?\s*(?=\d)")
_TRAILING_RE = re.compile(rf"^[\s{_QUOTES}]+|[\s.,;:!{_QUOTES}]+$")  # "17 Agustus 1975."


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """Result of parsing one cell.

    Attributes:
        iso: ``yyyy-mm-dd`` (``yyyy`` for a year alone), or ``None``.
        value: the date, or ``None`` (also ``None`` for a year alone).
        year: the year when known (also for a year alone).
        status: ``ok``, ``serial``, ``number``, ``year_only``, ``invalid`` or ``missing``.
        two_digit: the year was written with two digits (its century is a guess).
    """

    iso: str | None
    value: date | None
    year: int | None
    status: str
    two_digit: bool = False


_MISSING = ParsedDate(None, None, None, MISSING)
_INVALID = ParsedDate(None, None, None, INVALID)


def _make(y: int, m: int, d: int, status: str = OK) -> ParsedDate:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return _INVALID
    try:
        value = date(y, m, d)
    except ValueError:
        return _INVALID
    return ParsedDate(value.isoformat(), value, y, status)


def _two_digit(yy: int, m: int, d: int, today: date) -> ParsedDate:
    """Pivot a 2-digit year: 20yy unless that is after ``today``, then 19yy."""
    modern = _make(2000 + yy, m, d)
    got = modern if modern.value is not None and modern.value <= today else _make(1900 + yy, m, d)
    return replace(got, two_digit=True) if got.value is not None else got


def from_serial(serial: float) -> date | None:
    """Excel serial number (1900 date system) -> date; ``None`` for 60 (the fake 29 Feb 1900).

    >>> from_serial(1), from_serial(59), from_serial(61), from_serial(27000)
    (datetime.date(1900, 1, 1), datetime.date(1900, 2, 28), datetime.date(1900, 3, 1), \
datetime.date(1973, 12, 2))
    """
    whole = int(serial)
    if whole < 1 or whole == 60 or whole > 2_958_465:
        return None
    if whole < 60:
        return date(1899, 12, 31) + timedelta(days=whole)
    return _EXCEL_EPOCH + timedelta(days=whole)


def to_serial(value: date) -> int:
    """Date -> Excel serial number (inverse of :func:`from_serial` from 1 March 1900)."""
    return (value - _EXCEL_EPOCH).days


def _number(text: str, today: date, status: str) -> ParsedDate | None:
    """A bare number: a year alone (4 digits, 1800-2200), or an Excel serial number.

    A text serial (``status == SERIAL``) must have 4-5 digits and lie between 1900 and ``today``;
    a numeric cell may hold any serial (a future date is reported by the checks).
    """
    whole_part = re.split(r"[.,]", text)[0]
    num = float(text.replace(",", "."))
    whole = int(num)
    if len(whole_part) == 4 and num == whole and MIN_YEAR <= whole <= MAX_YEAR:
        return ParsedDate(str(whole), None, whole, YEAR_ONLY)
    if status == SERIAL and (not 4 <= len(whole_part) <= 5 or whole > to_serial(today)):
        return None
    value = from_serial(whole)
    if value is None:
        return None
    return ParsedDate(value.isoformat(), value, value.year, status)


def parse_one(text: object, today: date, kind: str | None = None) -> ParsedDate:
    """Parse one cell (see the module docstring for the accepted forms).

    Args:
        text: the cell text as read.
        today: the reference date (a 2-digit year is never after it; serials up to it).
        kind: the cell kind (``"n"`` numeric cell, ``"d"`` date cell, ...), if known.
    """
    if text is None:
        return _MISSING
    s = " ".join(str(text).split()).strip().lower()
    if not s:
        return _MISSING
    s = _TRAILING_RE.sub("", s) or s  # "17 Agustus 1975." / "'17-08-1975"
    s = _LABEL_RE.sub("", _APOSTROPHE_YEAR_RE.sub(r" \1", s)) or s  # "tgl. 17 Agt '75"
    if _PLACEHOLDER_RE.match(s):  # "-", "?", "tidak tahu": written, but not a date
        return _INVALID
    if kind == "n" and _NUMBER_RE.match(s):
        got = _number(s, today, NUMBER)
        return got if got is not None else _INVALID
    got = _parse_text(s, today)
    if got is None and "," in s:  # "Samarinda, 17 Agustus 1975"
        got = _parse_text(s.rsplit(",", 1)[1].strip(), today)
    return got if got is not None else _INVALID


def _parse_text(s: str, today: date) -> ParsedDate | None:
    s = _TIME_RE.sub("", s).strip()
    if m := _ISO_RE.match(s):
        return _make(int(m[1]), int(m[3]), int(m[4]))
    if m := (_DMY_RE.match(s) or _DMY_MIXED_RE.match(s)):
        groups = [g for g in m.groups() if g not in ("-", "/", ".")]
        d, mo, y = int(groups[0]), int(groups[1]), groups[2]
        return _make(int(y), mo, d) if len(y) == 4 else _two_digit(int(y), mo, d, today)
    if m := _NAMED_RE.match(s):
        month = MONTHS.get(m[2])
        if month is None:
            return _INVALID
        y = m[3]
        d = int(m[1])
        return _make(int(y), month, d) if len(y) == 4 else _two_digit(int(y), month, d, today)
    if m := _NAMED_FIRST_RE.match(s):
        month = MONTHS.get(m[1])
        return _INVALID if month is None else _make(int(m[3]), month, int(m[2]))
    if m := _MONTH_YEAR_RE.match(s):
        month = MONTHS.get(m[1])
        y = int(m[2])
        if month is None or not MIN_YEAR <= y <= MAX_YEAR:
            return _INVALID
        return ParsedDate(str(y), None, y, YEAR_ONLY)
    if s.isdigit() and len(s) == 8:
        if MIN_YEAR <= int(s[:4]) <= MAX_YEAR:
            got = _make(int(s[:4]), int(s[4:6]), int(s[6:]))
            if got.value is not None:
                return got
        return _make(int(s[4:]), int(s[2:4]), int(s[:2]))
    if _NUMBER_RE.match(s):
        return _number(s, today, SERIAL)
    return None


def parse_series(raw: pd.Series, kinds: pd.Series | None, today: date) -> pd.DataFrame:
    """Parse a column of dates, once per distinct (value, numeric-cell?) pair.

    Returns:
        A frame aligned with ``raw``: ``iso`` (object), ``date`` (datetime64[ns], NaT when not a
        full date), ``year`` (Int64), ``status`` (object) and ``two_digit`` (bool: the year
        was written with two digits).
    """
    codes, uniques = distinct.factorize(raw)
    if kinds is not None:
        numeric = kinds.reindex(raw.index).to_numpy(dtype=object) == "n"
    else:
        numeric = np.zeros(len(raw), dtype=bool)
    key = (codes.astype(np.int64) + 1) * 2 + numeric
    ukeys, inverse = np.unique(key, return_inverse=True)
    n = len(ukeys)
    iso = np.empty(n, dtype=object)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    years = np.zeros(n, dtype=np.int64)
    has_year = np.zeros(n, dtype=bool)
    status = np.empty(n, dtype=object)
    two_digit = np.zeros(n, dtype=bool)
    uniq = np.asarray(uniques, dtype=object)
    texts = np.append(uniq, None)[ukeys // 2 - 1]
    done = _fast_forms(texts, ukeys % 2 == 1, iso, dates, years, has_year, status)
    for i in np.flatnonzero(~done):
        k = ukeys[i]
        got = parse_one(texts[i], today, "n" if k % 2 else None)
        iso[i], status[i], two_digit[i] = got.iso, got.status, got.two_digit
        if got.value is not None:
            dates[i] = np.datetime64(got.value, "ns")
        if got.year is not None:
            years[i], has_year[i] = got.year, True
    inverse = inverse.reshape(-1)
    year_col = pd.array(years[inverse], dtype="Int64")
    year_col[~has_year[inverse]] = pd.NA
    return pd.DataFrame({"iso": iso[inverse], "date": dates[inverse], "year": year_col,
                         "status": status[inverse], "two_digit": two_digit[inverse]},
                        index=raw.index)


_FAST_FORMS = (
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?: 00:00:00)?$",
    r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$",
    r"^(?P<d>\d{1,2}) (?P<name>[A-Za-z]+) (?P<y>\d{4})$",  # 17 Agustus 1975
)
_MONTH_NUMBERS = np.array([0, *MONTHS.values()], dtype=np.int64)  # 0: not a month name


def _fast_forms(texts: np.ndarray, numeric: np.ndarray, iso: np.ndarray, out_dates: np.ndarray,
                years: np.ndarray, has_year: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Parse the common forms (ISO, ``dd/mm/yyyy``, ``dd Month yyyy``) of text cells with Arrow.

    Fills the output arrays in place for the values it handles and returns that mask; anything
    unusual (impossible dates, odd years, other forms) is left to :func:`parse_one`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    done = np.zeros(len(texts), dtype=bool)
    if not len(texts):
        return done
    arr = pa.array(texts, type=pa.string(), from_pandas=True)
    for pattern in _FAST_FORMS:
        parts = pc.extract_regex(arr, pattern)
        matched = parts.is_valid().to_numpy(zero_copy_only=False) & ~numeric & ~done
        if not matched.any():
            continue
        idx = np.flatnonzero(matched)
        sub = parts.filter(pa.array(matched))
        y, d = (pc.cast(sub.field(k), pa.int64()).to_numpy() for k in ("y", "d"))
        if "(?P<name>" in pattern:  # month 0 (unknown name) is no date: left to parse_one
            at = pc.index_in(pc.ascii_lower(sub.field("name")), value_set=pa.array(list(MONTHS)))
            m = _MONTH_NUMBERS[pc.add(at, 1).fill_null(0).to_numpy()]
        else:
            m = pc.cast(sub.field("m"), pa.int64()).to_numpy()
        dt = ymd_to_datetime(y, m, d)
        good = ~np.isnat(dt) & (y >= MIN_YEAR) & (y <= MAX_YEAR)
        idx, dt, y = idx[good], dt[good], y[good]
        iso[idx] = np.datetime_as_string(dt, unit="D").astype(object)
        out_dates[idx] = dt
        years[idx], has_year[idx] = y, True
        status[idx] = OK
        done[idx] = True
    return done


def age_years(birth: pd.Series | np.ndarray, today: date) -> pd.Series:
    """Whole years between each birth date and ``today`` (``Int64``, NA for NaT).

    >>> age_years(pd.Series(pd.to_datetime(["2000-01-02", "2000-01-01", None])), date(2025, 1, 1))
    0      24
    1      25
    2    <NA>
    dtype: Int64
    """
    idx = birth.index if isinstance(birth, pd.Series) else None
    b = np.asarray(birth, dtype="datetime64[ns]")
    nat = np.isnat(b)
    year, month, day = datetime_to_ymd(b)
    before = (month > today.month) | ((month == today.month) & (day > today.day))
    age = np.where(nat, 0, today.year - year - before)
    return pd.Series(pd.arrays.IntegerArray(age, nat), index=idx)


def datetime_to_ymd(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised (year, month, day) of ``datetime64[ns]`` values (garbage where NaT).

    Integer arithmetic (H. Hinnant's civil_from_days, the inverse of :func:`ymd_to_datetime`),
    much cheaper than pandas' calendar fields on a million values.
    """
    days = np.asarray(values, dtype="datetime64[ns]").view(np.int64) // 86_400_000_000_000
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def ymd_to_datetime(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Vectorised ``datetime64[ns]`` from integer parts; NaT where the parts are not a date."""
    year = np.asarray(year, dtype=np.int64)
    month = np.asarray(month, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    mdays = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 1, 12) - 1]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    mdays = mdays + ((month == 2) & leap)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= mdays) & (year >= 1678) & (
        year <= 2261)
    y = np.where(ok, year, 1970) - (month <= 2)
    m = np.where(ok, month, 1)
    d = np.where(ok, day, 1)
    # days since 1970-01-01 by H. Hinnant's days_from_civil, in integer arithmetic
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    out = (days * 86_400_000_000_000).view("datetime64[ns]")
    out[~ok] = np.datetime64("NaT")
    return out


MAX_AGE = 120  # years; an older reading of a two-digit year is not plausible


def resolve_century(birth: np.ndarray, two_digit: np.ndarray, today: date,
                    umur: np.ndarray | None = None, band: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Settle the century of dates whose year was written with two digits (vectorised).

    The two readings, 19yy and 20yy, are *plausible* when they are real dates not after
    ``today`` and give an age of at most :data:`MAX_AGE`. One plausible reading is taken as it
    is. With two, the Umur column decides (the reading whose age is closest), else the jenis: the
    one reading whose age lies in the jenis' age band (Lanjut Usia, 60+: 19yy; a child jenis:
    20yy), or, when neither does, the nearer one (an age finding then holds for both).
    Otherwise (no band, or both readings in it) the date stays undecided: never a guess.

    Args:
        birth: ``datetime64[ns]`` dates as parsed (any century).
        two_digit: which of them were written with a two-digit year.
        today: the reference date (the data date).
        umur: ages in years from the Umur column (float, NaN where unknown).
        band: ``(n, 2)`` floats, the jenis' lowest and highest age (NaN: open or no band).

    Returns:
        ``(dates, undecided)``: the dates with their century settled (NaT where undecided) and
        the undecided mask.

    >>> d = np.array(["2015-08-17", "1975-08-17", "2015-08-17"], dtype="datetime64[ns]")
    >>> band = np.array([[60, np.nan], [np.nan, np.nan], [np.nan, np.nan]])
    >>> out, undecided = resolve_century(d, np.array([True, True, True]), date(2025, 6, 30),
    ...                                  band=band)
    >>> np.datetime_as_string(out, unit="D").tolist(), undecided.tolist()
    (['1915-08-17', '1975-08-17', 'NaT'], [False, False, True])
    """
    birth = np.asarray(birth, dtype="datetime64[ns]").copy()
    n = len(birth)
    todo = np.asarray(two_digit, dtype=bool) & ~np.isnat(birth)
    undecided = np.zeros(n, dtype=bool)
    if not todo.any():
        return birth, undecided
    year, month, day = datetime_to_ymd(birth)
    yy = year % 100
    old = ymd_to_datetime(1900 + yy, month, day)
    new = ymd_to_datetime(2000 + yy, month, day)
    age_old = age_years(old, today).to_numpy(dtype="float64", na_value=np.nan)
    age_new = age_years(new, today).to_numpy(dtype="float64", na_value=np.nan)
    ok_old = ~np.isnat(old) & (age_old >= 0) & (age_old <= MAX_AGE)
    ok_new = ~np.isnat(new) & (age_new >= 0) & (age_new <= MAX_AGE)
    both = todo & ok_old & ok_new
    pick_old = todo & ok_old & ~ok_new
    pick_new = todo & ok_new & ~ok_old
    if both.any():
        u = np.full(n, np.nan) if umur is None else np.asarray(umur, dtype="float64")
        has_umur = both & ~np.isnan(u)
        closer_old = np.abs(age_old - u) < np.abs(age_new - u)
        pick_old |= has_umur & closer_old
        pick_new |= has_umur & ~closer_old
        rest = both & ~has_umur
        b = np.full((n, 2), np.nan) if band is None else np.asarray(band, dtype="float64")
        lo, hi = b[:, 0], b[:, 1]
        banded = ~np.isnan(lo) | ~np.isnan(hi)

        def fits(age: np.ndarray) -> np.ndarray:
            return banded & (np.isnan(lo) | (age >= lo)) & (np.isnan(hi) | (age <= hi))

        def distance(age: np.ndarray) -> np.ndarray:  # years outside the band (0 inside)
            below = np.where(np.isnan(lo), 0, np.clip(lo - age, 0, None))
            above = np.where(np.isnan(hi), 0, np.clip(age - hi, 0, None))
            return np.where(banded, below + above, np.nan)

        d_old, d_new = distance(age_old), distance(age_new)
        # the reading inside the band; if neither is, the nearer one (the age finding then
        # holds whatever the century); both inside, or no band: undecided
        pick_old |= rest & (d_old < d_new)
        pick_new |= rest & (d_new < d_old)
        undecided = rest & ~(d_old < d_new) & ~(d_new < d_old)
    birth[pick_old] = old[pick_old]
    birth[pick_new] = new[pick_new]
    birth[undecided] = np.datetime64("NaT")
    return birth, undecided


__all__ = [
    "INVALID", "MAX_AGE", "MISSING", "MONTHS", "NUMBER", "OK", "SERIAL", "YEAR_ONLY",
    "ParsedDate", "age_years", "datetime_to_ymd", "from_serial",
    "parse_one", "parse_series", "resolve_century", "to_serial", "ymd_to_datetime",
]
