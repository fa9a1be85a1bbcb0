"""The data date of a table: the day its ages, DATE_FUTURE and the 120-year limit are measured at.

Stage: domain (used by the pipeline before normalising a table). A list is "keadaan per 31
Desember 2024" or "posisi Juni 2025" and is checked months later: a person aged 59 on the data date
is 60 on the day of the check. The data date is, in order (issue 17):

1. ``--as-of YYYY-MM-DD`` (source ``option``) or the config key ``as-of`` (``config``);
2. the title rows above the header (``title``): a date, a month and year, a semester, a triwulan
   or a year, after a word such as *keadaan, per, posisi, kondisi, periode, tahun, bulan, s.d.,
   sampai*, or in a plain title such as "DATA PMKS 2024"; a period gives its **last** day and a
   range ("Januari s.d. Juni 2025") its end;
3. a portal recap's ``tahun`` column (``table.period_hint``, set by the recap reader; ``table``);
4. the sheet name (``sheet``): a workbook with one sheet per month ("Jan 2025", "Des 2024");
5. the file name (``file_name``): ``kutim_pmks_2024.xlsx``, ``PMKS Des 2024.xlsx``,
   ``pmks_2025-06.csv``;
6. the day of the check (``today``).

A date from the title, the table, the sheet or the file name is never later than the day of the
check (a list "tahun 2025" checked in July 2025 is measured in July). Regulation references
("Permensos Nomor 8 Tahun 2012", "Perda 2/2024") are never read as a data date.

>>> from_text("KEADAAN PER 31 DESEMBER 2024")
datetime.date(2024, 12, 31)
>>> from_text("Periode Januari s.d. Juni 2025"), from_text("Semester II 2024")
(datetime.date(2025, 6, 30), datetime.date(2024, 12, 31))
>>> from_text("Triwulan I 2025"), from_text("Posisi Juni-2025"), from_text("DATA PMKS 2024")
(datetime.date(2025, 3, 31), datetime.date(2025, 6, 30), datetime.date(2024, 12, 31))
>>> from_text("Sesuai Perda Nomor 2 Tahun 2024") is None, from_text("DINAS SOSIAL") is None
(True, True)
>>> from_file_name("pmks_2025-06.csv"), from_file_name("PMKS Des 2024.xlsx")
(datetime.date(2025, 6, 30), datetime.date(2024, 12, 31))
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pmkscheck.domain.dates import MONTHS
from pmkscheck.settings import DataDate

MIN_YEAR = 1990  # older "data years" are regulation years or birth years, not list dates
SOURCES = ("option", "config", "title", "table", "sheet", "file_name", "today")

# Words that introduce the data date of a list (whole words, lower case).
KEYWORDS = (r"keadaan|kondisi|posisi|per|periode|tahun|thn|th|bulan|bln|s\.?\s?d\.?|s/d|sd"
            r"|sampai|hingga|update|updated|pemutakhiran|as\s+of"
            r"|semester|smt|triwulan|tw|trw|kuartal|caturwulan|cawu")
# Words of a plain title whose bare year is the data year ("DATA PMKS 2024").
TITLE_WORDS = (r"data|pmks|ppks|psks|dtks|rekap|rekapitulasi|daftar|jumlah|lansia|lanjut"
               r"|disabilitas|fakir|miskin|telantar|terlantar|penyandang|anak")
# Regulation references: "Permensos Nomor 8 Tahun 2012", "Perda 2/2024", "UU No. 11 Th 2009".
_REGULATION = re.compile(
    r"\b(?:uu|undang[\s-]*undang|perda|pergub|perbup|perwali|permensos|permendagri|pp|perpres"
    r"|inpres|keputusan|kepmensos|kepmen|sk|peraturan|perpu|perppu)\b[^,;()]*?\d{4}"
    r"|\b(?:nomor|nomer|no)\b\.?\s*:?\s*[\w./-]*\d[\w./-]*\s*(?:tahun|thn|th)\.?\s*\d{4}")
_CONNECTOR = re.compile(r"^\s*(?:-|–|—|s\.?\s?d\.?|s/d|sd|sampai(?:\s+dengan)?|hingga|to|until"
                        r"|dan|&)\s*$")
_KEYWORD_RE = re.compile(rf"(?<![\w/])(?:{KEYWORDS})(?![\w/])")
_TITLE_RE = re.compile(rf"\b(?:{TITLE_WORDS})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4, "satu": 1,
          "dua": 2, "tiga": 3, "empat": 4, "ganjil": 1, "genap": 2, "pertama": 1, "kedua": 2,
          "ketiga": 3, "keempat": 4}
_ORDINAL = (r"(?:ke\s*-?\s*)?"
            r"(iv|iii|ii|i|[1-4]|satu|dua|tiga|empat|ganjil|genap|pertama|kedua|ketiga|keempat)")
_TAHUN = r"(?:\s*(?:tahun|thn|th)\.?)?"

# Specificity of a match: a day beats a month (or quarter, semester) beats a year.
DAY, MONTH, YEAR = 3, 2, 1


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    value: date
    rank: int


def _month_table() -> dict[str, int]:
    """Month names and abbreviations of :mod:`pmkscheck.domain.dates` (one shared table)."""
    return MONTHS


def _month_alternation() -> str:
    names = sorted(_month_table(), key=len, reverse=True)
    return "|".join(re.escape(n) for n in names)


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@cache
def _patterns(file_name: bool) -> list[tuple[re.Pattern[str], int, str]]:
    months = _month_alternation()
    y = r"((?:19|20)\d{2})"
    out = [
        (re.compile(rf"(?<!\d)(\d{{1,2}})\s*[-/.\s]?\s*({months})\.?\s*[-/.,\s]?\s*{y}(?!\d)"),
         DAY, "dmy_named"),
        (re.compile(rf"(?<![\d/.-])(\d{{1,2}})\s*([-/.])\s*(\d{{1,2}})\s*\2\s*{y}(?!\d)"),
         DAY, "dmy"),
        (re.compile(rf"(?<!\d){y}-(\d{{2}})-(\d{{2}})(?!\d)"), DAY, "iso"),
        (re.compile(r"(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{2})(?![\d/.-])"), DAY, "dmy2"),
        (re.compile(rf"\b(?:semester|smt|sem)\.?\s*-?\s*{_ORDINAL}\b{_TAHUN}\s*[-/,]?\s*{y}"
                    r"(?!\d)"), MONTH, "semester"),
        (re.compile(rf"\b(?:triwulan|tw|trw|kuartal|quarter|q)\.?\s*-?\s*{_ORDINAL}\b{_TAHUN}"
                    rf"\s*[-/,]?\s*{y}(?!\d)"), MONTH, "quarter"),
        (re.compile(rf"\b(?:caturwulan|cawu)\.?\s*-?\s*{_ORDINAL}\b{_TAHUN}\s*[-/,]?\s*{y}"
                    r"(?!\d)"), MONTH, "cawu"),
        (re.compile(rf"\b({months})\.?{_TAHUN}\s*[-/.,\s]?\s*{y}(?!\d)"), MONTH, "month"),
        (re.compile(rf"(?<!\d){y}(?:\s*[-–/]\s*{y})?(?!\d)"), YEAR, "year"),
    ]
    if file_name:  # numeric month and year only in file names: "2025-06", "06-2025", "20241231"
        out += [
            (re.compile(rf"(?<!\d){y}[-_.]?(0[1-9]|1[0-2])(?![\d])"), MONTH, "ym"),
            (re.compile(rf"(?<!\d)(0[1-9]|1[0-2])[-_.]{y}(?!\d)"), MONTH, "my"),
            (re.compile(rf"(?<!\d){y}(0[1-9]|1[0-2])([0-3]\d)(?!\d)"), DAY, "ymd"),
        ]
    return out


def _value(kind: str, g: tuple[str, ...]) -> tuple[date | None, int]:
    """The end of the period a match names, and its specificity."""
    months = _month_table()
    try:
        if kind == "dmy_named":
            return date(int(g[2]), months[g[1]], int(g[0])), DAY
        if kind == "dmy":
            return date(int(g[3]), int(g[2]), int(g[0])), DAY
        if kind == "dmy2":  # "per 31/12/24": a data date is of this century
            return date(2000 + int(g[3]), int(g[2]), int(g[0])), DAY
        if kind in ("iso", "ymd"):
            return date(int(g[0]), int(g[1]), int(g[2])), DAY
        if kind == "semester":
            n = _ROMAN[g[0]]
            return (_end_of_month(int(g[1]), 6 * n), MONTH) if n <= 2 else (None, 0)
        if kind == "quarter":
            return _end_of_month(int(g[1]), 3 * _ROMAN[g[0]]), MONTH
        if kind == "cawu":
            n = _ROMAN[g[0]]
            return (_end_of_month(int(g[1]), 4 * n), MONTH) if n <= 3 else (None, 0)
        if kind == "month":
            return _end_of_month(int(g[1]), months[g[0]]), MONTH
        if kind == "ym":
            return _end_of_month(int(g[0]), int(g[1])), MONTH
        if kind == "my":
            return _end_of_month(int(g[1]), int(g[0])), MONTH
        if kind == "year":
            last = int(g[1] or g[0])
            return (date(last, 12, 31), YEAR) if last >= int(g[0]) else (None, 0)
    except (ValueError, KeyError):
        return None, 0
    return None, 0


def _matches(text: str, file_name: bool = False) -> list[_Match]:
    """Every date expression of ``text`` (lower case), longest first where they overlap."""
    found: list[_Match] = []
    for pattern, _, kind in _patterns(file_name):
        for m in pattern.finditer(text):
            value, rank = _value(kind, m.groups())
            if value is not None and value.year >= MIN_YEAR:
                found.append(_Match(m.start(), m.end(), value, rank))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[_Match] = []
    for cand in found:
        if any(k.start <= cand.start and cand.end <= k.end for k in kept):
            continue  # "2024" inside "31 Desember 2024"
        kept = [k for k in kept if not (cand.start <= k.start and k.end <= cand.end)]
        kept.append(cand)
    kept.sort(key=lambda x: x.start)
    return kept


def _end_of_range(text: str, matches: list[_Match]) -> _Match:
    """The first match, or the last one of a range ("Januari 2025 s.d. Juni 2025")."""
    current = matches[0]
    for nxt in matches[1:]:
        if not _CONNECTOR.match(text[current.end:nxt.start]):
            break
        current = nxt
    return current


def _clean(text: str) -> str:
    s = " ".join(str(text).replace("_", " ").split()).lower()
    return _REGULATION.sub(" ", s)


_FILLER = re.compile(r"[\s,.:;()/&-]+|\b(?:s\.?\s?d|s/d|sd|sampai|dengan|hingga|dan|akhir|awal)\b")


def _only_dates(s: str, found: list[_Match]) -> bool:
    """The line is nothing but date expressions ("JANUARI - DESEMBER 2024", "31 Desember 2024")."""
    rest = s
    for m in reversed(found):
        rest = rest[:m.start] + " " + rest[m.end:]
    months = _month_table()
    words = [w for w in _FILLER.sub(" ", rest).split() if w not in months]
    return not words


def _line_candidate(line: str) -> tuple[int, _Match] | None:
    """``(priority, match)`` for one title line: 2 after a keyword, 1 in a plain title.

    After a keyword the first date expression counts (the end of a range); with several
    keywords ("TAHUN 2024 KEADAAN PER 30 JUNI 2024") the most specific one.
    """
    s = _clean(line)
    if not s:
        return None
    found = _matches(s)
    if not found:
        return None
    best: _Match | None = None
    for kw in _KEYWORD_RE.finditer(s):
        after = [m for m in found if m.start >= kw.start()]
        if after:
            got = _end_of_range(s, after)
            if best is None or got.rank > best.rank:
                best = got
    if best is not None:
        return 2, best
    if _TITLE_RE.search(s) or _only_dates(s, found):
        return 1, _end_of_range(s, found)
    return None


def from_title(lines: Iterable[str]) -> date | None:
    """The data date named in the title rows, or ``None``.

    Lines with a keyword beat plain titles; then a day beats a month beats a year; then the first
    line wins.
    """
    best: tuple[int, int] | None = None
    value: date | None = None
    for line in lines:
        if not line:
            continue
        got = _line_candidate(line)
        if got is None:
            continue
        key = (got[0], got[1].rank)
        if best is None or key > best:
            best, value = key, got[1].value
    return value


def from_text(text: str) -> date | None:
    """The data date named in one title line (see :func:`from_title`)."""
    return from_title([text])


def from_file_name(name: str | Path, *, stem: bool = True) -> date | None:
    """The data date named in a file name (its stem; numeric ``2025-06`` forms allowed).

    ``stem=False`` reads the whole text (a sheet name: "Des 2024", "2025-06").
    """
    s = _clean(Path(str(name)).stem if stem else str(name))
    found = _matches(s, file_name=True)
    if not found:
        return None
    best = max(found, key=lambda m: (m.rank, -m.start))
    return best.value


def resolve(table: object, settings: object) -> DataDate:
    """The data date of ``table``: option/config, title rows, sheet name, file name, else today.

    A date read from the title or the file name is capped at the day of the check.
    ``table.period_hint`` (a portal recap's ``tahun`` column, when the reader sets one) comes
    right after the title rows, with source ``table``.
    """
    as_of = getattr(settings, "as_of", None)
    if as_of is not None:
        return DataDate(as_of, getattr(settings, "as_of_source", "option") or "option")
    check_day: date = settings.check_date  # type: ignore[attr-defined]
    found = from_title(getattr(table, "title_lines", None) or [])
    source = "title"
    hint = getattr(table, "period_hint", None)  # a portal recap's "tahun" column (rekap)
    if found is None and hint:
        found, source = from_file_name(str(hint), stem=False), "table"
    sheet = getattr(table, "sheet", None)
    if found is None and sheet:
        found, source = from_file_name(sheet, stem=False), "sheet"
    if found is None:
        path = getattr(table, "path", None)
        found = from_file_name(path) if path is not None else None
        source = "file_name"
    if found is None:
        return DataDate(check_day, "today")
    return DataDate(min(found, check_day), source)


__all__ = ["SOURCES", "from_file_name", "from_text", "from_title", "resolve"]
