"""Wilayah named outside the data: in a sheet name, a title row or a file name.

``find_kabkota`` finds the kab/kota a text names (district inference, province view);
``wilayah_in_sheet`` the kecamatan / desa a sheet is about ("Kec. Sangatta Utara"), for a
person list without its own kecamatan column. Matching itself is :mod:`pmkscheck.domain.wilayah`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pmkscheck.domain import jenis
from pmkscheck.domain.wilayah import (
    _KAMPUNG_KABKOTA,
    KABKOTA_ALIASES,
    _desa,
    _kabupaten,
    _kecamatan,
    _tokens,
)


def find_kabkota(text: str) -> set[str]:
    """Kab/kota codes named in a free text (a file name, a title row).

    Looks for the names and abbreviations of :data:`KABKOTA_ALIASES` as whole words, and for
    4-digit Kemendagri codes.

    >>> find_kabkota("PMKS_Kutim_2024 (final).xlsx"), find_kabkota("DATA PMKS KOTA SAMARINDA")
    ({'6408'}, {'6472'})
    >>> find_kabkota("PROVINSI KALIMANTAN TIMUR"), find_kabkota("KAB. PENAJAM PASER UTARA")
    (set(), {'6409'})
    """
    tokens = _tokens(text, None)
    found: set[str] = set()
    aliases = _alias_tokens()
    i = 0
    while i < len(tokens):  # longest name first: "Penajam Paser Utara" is not "Paser"
        for n in (4, 3, 2, 1):
            code = aliases.get(tuple(tokens[i: i + n]))
            if code:
                found.add(code)
                i += n
                break
        else:
            i += 1
    names = _kabupaten().names
    found.update(t for t in tokens if t in names)
    return found


@cache
def _alias_tokens() -> dict[tuple[str, ...], str]:
    return {tuple(_tokens(a, None)): c for a, c in KABKOTA_ALIASES.items()}


@dataclass(frozen=True, slots=True)
class SheetWilayah:
    """The kecamatan (and maybe desa) a whole sheet is about, and where that was read.

    Attributes:
        kecamatan: official kecamatan name; ``kecamatan_code`` its Kemendagri code.
        desa: official desa name when the sheet is about one desa, else ``None``.
        source: ``"sheet"`` (the sheet name) or ``"title"`` (a title row above the table).
        text: the sheet name or title line it was read from.
    """

    kecamatan: str
    kecamatan_code: str
    desa: str | None
    desa_code: str | None
    source: str
    text: str


_KEC_WORDS = {"kecamatan", "kec", "kac"}


_DESA_WORDS = {"desa", "kelurahan", "kel", "ds", "kampung", "kp", "kpg"}


_LEADING_NO = re.compile(r"^\s*\d{1,3}\s*[.)\-:]?\s+(?=\D)")


_SHEET_PARTS = re.compile(r"\s+-\s+|[_()\[\]/,;]")


MAX_NAME_WORDS = 5


"""Longest kecamatan or desa name, in words, looked for after "Kecamatan" / "Desa" in a title."""


def _named_after(tokens: list[str], words: set[str], lookup) -> set[str]:  # noqa: ANN001
    """Codes named right after one of ``words`` ("kecamatan", "desa" ...): longest name first."""
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if token not in words:
            continue
        starts = [i + 1]
        if i + 1 < len(tokens) and tokens[i + 1] in words:  # "Desa/Kelurahan X", "Kampung Baru"
            starts.append(i + 2)
        for start in starts:
            rest = tokens[start: start + MAX_NAME_WORDS]
            code = next((c for n in range(len(rest), 0, -1)
                         if (c := lookup("".join(rest[:n])))), None)
            if code:
                found.add(code)
                break
    return found


def _kec_lookup(key: str) -> str | None:
    return _kecamatan().keys.get(key)


def _desa_lookup(scope: str | None, kec: str | None):  # noqa: ANN202
    ds = _desa()

    def lookup(key: str) -> str | None:
        if kec:
            code = ds.in_kec.get((kec, key))
            if code:
                return code
        codes = [c for c in ds.anywhere.get(key, ()) if not scope or c.startswith(scope)]
        if len(codes) == 1:
            return codes[0]
        kampung = [c for c in ds.anywhere.get(key, ()) if c[:4] in _KAMPUNG_KABKOTA]
        return None if codes else (kampung[0] if len(kampung) == 1 else None)

    return lookup


def _bare_sheet(sheet: str) -> list[str]:
    """Tokens of a sheet name without a leading number and trailing years ("01. X 2024")."""
    tokens = _tokens(_LEADING_NO.sub("", sheet), None)
    while tokens and tokens[-1].isdigit():
        tokens.pop()
    return tokens


def wilayah_in_sheet(sheet: str | None, titles: list[str], file_name: str = "",
                     bare_desa: bool = True) -> SheetWilayah | None:
    """The kecamatan or desa a sheet is about, named by its sheet name or a title line.

    District compilations hold one sheet per kecamatan (or desa) without a kecamatan column:
    sheet "Sangatta Utara" or "Kec. Bengalon", title "DATA PMKS KECAMATAN SANGATTA UTARA". A
    sheet name must be a kecamatan name as a whole (a "Kec." prefix, a leading number and a
    trailing year allowed), or a desa name with "Desa"/"Kelurahan"/"Kampung" before it (or, six
    letters or more, unique in the district). A title must say "Kecamatan X" or "Desa X": the
    name of the kab/kota alone is never a kecamatan ("KABUPATEN PASER" is not Paser Belengkong).
    The district named by the titles or the file name narrows desa names. Names that disagree
    (two kecamatan) give nothing. ``bare_desa=False`` (the sheet has its own desa column): a sheet
    name that is only a desa name, without "Desa"/"Kelurahan"/"Kampung", is not used.

    >>> w = wilayah_in_sheet("Kec. Bengalon", []); (w.kecamatan, w.source)
    ('Bengalon', 'sheet')
    >>> wilayah_in_sheet("Data", ["DATA PMKS KECAMATAN SANGATTA UTARA KAB. KUTAI TIMUR"]).kecamatan
    'Sangatta Utara'
    >>> wilayah_in_sheet("Paser", ["DATA PMKS KABUPATEN PASER"]) is None
    True
    """
    kab = set()
    for text in [*titles, file_name]:
        kab |= find_kabkota(text)
    scope = next(iter(kab)) if len(kab) == 1 else None
    level = _kecamatan()
    candidates: list[tuple[str, str, set[str], set[str]]] = []  # source, text, kec, desa
    if sheet and sheet.strip():
        tokens = _bare_sheet(sheet)
        kec: set[str] = set()
        desa: set[str] = set()
        if tokens and tokens[0] in _KEC_WORDS:
            code = _kec_lookup("".join(tokens[1:]))
            kec = {code} if code else set()
        elif tokens and tokens[0] in _DESA_WORDS:
            lookup = _desa_lookup(scope, None)
            code = lookup("".join(tokens[1:])) or lookup("".join(tokens))  # or "Kampung Baru"
            desa = {code} if code else set()
        elif tokens:
            key = "".join(tokens)
            code = _kec_lookup(key)
            if code is None:  # "Lansia - Sangatta Utara", "Sangatta Utara (Kutim)"
                parts = {_kec_lookup("".join(_bare_sheet(p))) for p in _SHEET_PARTS.split(sheet)}
                parts.discard(None)
                code = parts.pop() if len(parts) == 1 else None
            if code and (scope is None or code.startswith(scope)):
                kec = {code}
            elif bare_desa and len(key) >= 6 and not _names_a_jenis(sheet):
                code = _desa_lookup(scope, None)(key)
                desa = {code} if code else set()
        candidates.append(("sheet", sheet.strip(), kec, desa))
    for line in titles:
        tokens = _tokens(line, None)
        kec = _named_after(tokens, _KEC_WORDS, _kec_lookup)
        k = next(iter(kec)) if len(kec) == 1 else None
        desa = _named_after(tokens, _DESA_WORDS, _desa_lookup(scope, k))
        candidates.append(("title", line.strip(), kec, desa))
    for source, text, kec, desa in candidates:
        if not kec and not desa:
            continue
        if len(kec) > 1 or len(desa) > 1:
            return None
        desa_code = next(iter(desa)) if desa else None
        kec_code = next(iter(kec)) if kec else desa_code[:6]  # type: ignore[index]
        if desa_code and desa_code[:6] != kec_code:
            desa_code = None  # "Kecamatan A, Desa B" of another kecamatan: keep the kecamatan
        if desa_code is None:  # a desa in another title line of the same kecamatan?
            for _, _, _, other in candidates:
                if len(other) == 1 and next(iter(other))[:6] == kec_code:
                    desa_code = next(iter(other))
        others = {c for _, _, kk, _ in candidates for c in kk} | {
            d[:6] for _, _, _, dd in candidates for d in dd}
        if others - {kec_code}:
            return None  # sheet and title name different kecamatan: no guess
        return SheetWilayah(level.names[kec_code], kec_code,
                            _desa().names[desa_code] if desa_code else None, desa_code,
                            source, text[:80])
    return None


def _names_a_jenis(text: str) -> bool:
    return jenis.classify_jenis(text).kind not in ("unknown", "empty")


__all__ = ["MAX_NAME_WORDS", "SheetWilayah", "find_kabkota", "wilayah_in_sheet"]
