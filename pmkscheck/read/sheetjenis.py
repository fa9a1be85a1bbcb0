"""The jenis PMKS a sheet is about, from its name or a title row (stage ① read).

A sheet without a jenis column may still be about one jenis: "LANSIA TERLANTAR" as the sheet
name, "DATA PENYANDANG DISABILITAS 2025" as a title. Used by the header finder (a recap one
field short) and by the table builder.
"""

from __future__ import annotations

import re
from functools import cache

from pmkscheck.domain.jenis import jenis_by_meaning, match_jenis
from pmkscheck.reference import jenis_pmks

_HEAD_RE = re.compile(r"kepala\s*(?:keluarga|rumah\s*tangga)|\bkrt\b|\bkk\b", re.IGNORECASE)


def _jenis_norm(text: str) -> str:
    s = re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()
    s = re.sub(r"\bterlantar\b", "telantar", s)
    return re.sub(r"\bpenyalagunaan\b", "penyalahgunaan", s)


@cache
def _jenis_variants() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(whole-text map incl. abbreviations, multi-word variants longest first) -> official."""
    whole: dict[str, str] = {}
    phrases: list[tuple[str, str]] = []
    for row in jenis_pmks().itertuples():
        names = [row.nama, *[v for v in str(row.varian or "").split("|") if v]]
        for name in names:
            key = _jenis_norm(name)
            whole.setdefault(key, row.nama)
            if len(key) >= 6:
                phrases.append((key, row.nama))
        if row.singkatan:
            whole.setdefault(_jenis_norm(row.singkatan), row.nama)
    phrases.sort(key=lambda p: -len(p[0]))
    return whole, tuple(phrases)


def jenis_in_name(text: str) -> str | None:
    """Official jenis named by a whole sheet name ("LANSIA TERLANTAR", "ODHA"), else ``None``."""
    key = _jenis_norm(text)
    if not key:
        return None
    whole, _ = _jenis_variants()
    if key in whole:
        return whole[key]
    try:
        by_meaning = jenis_by_meaning(text)  # synonyms: "TUNA NETRA", "KORBAN BANJIR"
        if by_meaning:
            return by_meaning
        found = match_jenis(text)
    except Exception:  # noqa: BLE001 - a helper's failure must not stop reading
        return None
    if found and set(key.split()) & {w for w in _jenis_norm(found).split() if len(w) >= 4}:
        return found
    return None


def jenis_in_title(text: str) -> tuple[str, str] | None:
    """(official name, raw words) of a jenis named inside a title line, else ``None``.

    >>> jenis_in_title("DATA LANJUT USIA TERLANTAR KAB. KUTAI TIMUR 2024")
    ('Lanjut Usia Telantar', 'LANJUT USIA TERLANTAR')
    """
    key = f" {_jenis_norm(text)} "
    _, phrases = _jenis_variants()
    for phrase, official in phrases:
        if f" {phrase} " in key:
            words = [re.escape(w) if w != "telantar" else "te(?:r)?lantar"
                     for w in phrase.split()]
            m = re.search(r"(?<![0-9A-Za-z])" + r"[^0-9A-Za-z]+".join(words) + r"(?![0-9A-Za-z])",
                          text, re.IGNORECASE)
            return official, (m.group(0) if m else official)
    return None
