"""Jenis PMKS: the 26 official types of Permensos 8/2012, their variants, and age/sex criteria.

Stage ② normalise (the ``jenis_pmks`` normaliser) and shared data for stage ③ (checks/jenis.py).

Specification (DOMAIN.md): the 26 types and their official names, abbreviations and older names
are in ``pmkscheck/reference/jenis_pmks.csv``. A value is matched after *folding*: accents and
case dropped, "Terlantar" read as "Telantar", punctuation and runs of spaces collapsed, a leading
list number ("8. ") and a "PMKS"/"PPKS"/"Jenis" prefix removed, filler words (yang, dan, atau,
dengan) ignored. A value may carry the abbreviation in brackets or after a dash; each part is
matched on its own and the parts must agree. Typos are matched with rapidfuzz: a high threshold
(:data:`MAP_THRESHOLD`) maps the value, anything below only yields suggestions.

* "Gepeng" (Gelandangan + Pengemis) is never mapped: it is two types, the officer must split it.
* PSKS (TKSK, Karang Taruna, TAGANA, LKS, PSM, pekerja sosial, ...) are helpers, not PMKS.

>>> match_jenis("Lansia Terlantar (LUT)")
'Lanjut Usia Telantar'
>>> match_jenis("8. Lanjut Usia Telantar"), match_jenis("PMKS Lanjut Usia Telantar")
('Lanjut Usia Telantar', 'Lanjut Usia Telantar')
>>> match_jenis("PRSE (Perempuan Rawan Sosial Ekonomi)"), match_jenis("WTS")
('Perempuan Rawan Sosial Ekonomi', 'Tuna Susila')
>>> classify_jenis("Gepeng").kind, classify_jenis("TKSK").kind, match_jenis("Gepeng")
('ambiguous', 'psks', None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pmkscheck import reference
from pmkscheck.normalise import NormContext, NormResult, register

FIELD = "jenis_pmks"
DERIVED_NO = "jenis_pmks:no"

MAP_THRESHOLD = 90.0
"""rapidfuzz ``ratio`` (0-100) at or above which a typo is mapped to the official name."""
SUGGEST_LIMIT = 3
"""How many closest official names an unknown value gets as suggestions."""
SUGGEST_THRESHOLD = 60.0
"""rapidfuzz score (0-100) below which an official name is not suggested at all."""

PRESETS: dict[str, tuple[str, str]] = {
    "permensos-2012": ("usia_min", "usia_max"),
    "dinsos-kaltim-legacy": ("usia_min_legacy", "usia_max_legacy"),
}
"""Age presets (``settings.age_preset``) -> the columns of jenis_pmks.csv holding their bands."""

EDGE_YEARS = 1
"""An age at most this many whole years outside a band is a warning (JENIS_AGE_EDGE)."""

PRSE_NO = 23

# Gelandangan + Pengemis written as one type: never mapped silently.
_GEPENG = {"gepeng", "gelandangan pengemis", "gelandangan dan pengemis", "pengemis gelandangan",
           "pengemis dan gelandangan", "gelandangan atau pengemis", "gelandangan pengemis gepeng"}
_GEPENG_OPTIONS = (11, 12)

# PSKS: Potensi dan Sumber Kesejahteraan Sosial (the helpers), folded.
_PSKS = (
    "psks", "tksk", "tenaga kesejahteraan sosial kecamatan", "tenaga kesejahteraan sosial",
    "tks", "karang taruna", "kt", "tagana", "taruna siaga bencana", "lks",
    "lembaga kesejahteraan sosial", "psm", "pekerja sosial masyarakat", "pekerja sosial",
    "pekerja sosial profesional", "peksos", "sakti peksos", "penyuluh sosial", "wkss",
    "wahana kesejahteraan sosial berbasis masyarakat", "lk3",
    "lembaga konsultasi kesejahteraan keluarga", "keluarga pioner", "wpks",
    "wanita pemimpin kesejahteraan sosial", "relawan sosial", "orsos", "organisasi sosial",
    "dunia usaha", "pendamping pkh", "pendamping sosial", "tenaga pelopor perdamaian",
)
_PSKS_SET = frozenset(_PSKS)
_PSKS_PREFIX = tuple(p + " " for p in _PSKS if len(p) > 3)

_FILLER = {"yang", "yg", "dan", "atau", "dengan", "dgn", "dg", "serta"}
_PREFIX_TOKENS = {"pmks", "ppks", "jenis", "kategori"}
_LEADING_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.):\-]?\s+(?=\D)")
_BRACKETS = re.compile(r"^(.*?)\s*[(\[]\s*(.*?)\s*[)\]]\s*(.*)$")
_DASH = re.compile(r"\s+[-\u2013\u2014:]\s+|\s*:\s*")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class JenisMatch:
    """What a jenis PMKS value is.

    Attributes:
        kind: ``exact`` (already the official name), ``variant`` (mapped: case, spacing,
            abbreviation, old name, typo), ``ambiguous`` (several types, e.g. Gepeng),
            ``psks`` (a PSKS, not a PMKS), ``unknown``, or ``empty``.
        no: number 1..26 of the official type (exact/variant), else ``None``.
        official: official name (exact/variant), else ``None``.
        options: ``ambiguous``: the official names it could be; ``unknown``: suggestions.
    """

    kind: str
    no: int | None = None
    official: str | None = None
    options: tuple[str, ...] = ()


def fold(text: str) -> str:
    """Fold a jenis value for matching.

    >>> fold("  LANSIA   TERLANTAR ")
    'lansia telantar'
    >>> fold("Orang dengan HIV/AIDS")
    'orang dengan hiv aids'
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = s.replace("&", " dan ").replace("terlantar", "telantar")
    return " ".join(_NON_ALNUM.sub(" ", s).split())


def _strip_filler(key: str) -> str:
    return " ".join(t for t in key.split() if t not in _FILLER)


def _strip_prefix(key: str) -> str:
    tokens = key.split()
    while len(tokens) > 1 and tokens[0] in _PREFIX_TOKENS:
        tokens = tokens[1:]
    return " ".join(tokens)


@cache
def _table() -> pd.DataFrame:
    return reference.jenis_pmks().set_index("no")


@cache
def official_names() -> dict[int, str]:
    """Number (1..26) -> official name."""
    return dict(_table()["nama"].items())


@cache
def _index() -> tuple[dict[str, int], list[str], list[int]]:
    """Folded key -> jenis number; plus the long keys usable for fuzzy matching."""
    index: dict[str, int] = {}
    for no, row in _table().iterrows():  # 26 reference rows, built once
        names = [row["nama"], row["singkatan"], *row["varian"].split("|")]
        for name in names:
            if not name:
                continue
            key = fold(name)
            for k in (key, _strip_filler(key)):
                if index.setdefault(k, no) != no:
                    raise ValueError(f"jenis_pmks.csv: {k!r} maps to two jenis")
    long_keys = [k for k in index if len(k) >= 6]
    return index, long_keys, [index[k] for k in long_keys]


def _lookup(key: str) -> int | str | None:
    """Exact lookup of one folded part: jenis number, ``"gepeng"``, ``"psks"`` or ``None``."""
    if not key:
        return None
    index = _index()[0]
    key = _strip_prefix(key)
    for k in (key, _strip_filler(key)):
        if k in index:
            return index[k]
        if k in _GEPENG:
            return "gepeng"
        if k in _PSKS_SET:
            return "psks"
    return None


def _fuzzy(key: str) -> int | None:
    """Map a typo to a jenis number when one long key is at least :data:`MAP_THRESHOLD` close."""
    if len(key) < 6:
        return None
    _, long_keys, nos = _index()
    best = process.extract(_strip_prefix(key), long_keys, scorer=fuzz.ratio, limit=3,
                           score_cutoff=MAP_THRESHOLD)
    found = {nos[i] for _, _, i in best}
    return found.pop() if len(found) == 1 else None


def suggestions(text: str, limit: int = SUGGEST_LIMIT) -> tuple[str, ...]:
    """Up to ``limit`` official names close to ``text`` (for an unknown value), closest first.

    Names, variants and old names are compared word by word (rapidfuzz ``token_set_ratio``,
    at least :data:`SUGGEST_THRESHOLD`); abbreviations only when the value is itself short.

    >>> suggestions("Penyalagunaan Napza")[0], suggestions("Lansia Miskin")
    ('Korban Penyalahgunaan NAPZA', ('Lanjut Usia Telantar', 'Fakir Miskin'))
    >>> suggestions("xyz")
    ()
    """
    key = _strip_prefix(fold(text))
    index, long_keys, long_nos = _index()
    if len(key) < 6:
        short = [k for k in index if len(k) < 6]
        scored = [(s, index[k]) for k, s, _ in process.extract(
            key, short, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST_THRESHOLD)]
    else:
        scored = []
    scored += [(s, long_nos[i]) for _, s, i in process.extract(
        key, long_keys, scorer=fuzz.token_set_ratio, limit=len(long_keys),
        score_cutoff=SUGGEST_THRESHOLD)]
    scored.sort(key=lambda pair: -pair[0])  # stable: ties keep the data file's order
    names = official_names()
    out: list[str] = []
    for _, no in scored:
        if names[no] not in out:
            out.append(names[no])
        if len(out) == limit:
            break
    return tuple(out)


def _parts(text: str) -> list[str]:
    """Folded parts of a value: the bracketed / dash-separated pieces, each on its own."""
    s = _LEADING_NUMBER.sub("", text)
    parts: list[str] = []
    m = _BRACKETS.match(s)
    if m:
        parts.extend(p for p in (m.group(1), m.group(2), m.group(3)) if p.strip())
    else:
        pieces = [p for p in _DASH.split(s) if p.strip()]
        if len(pieces) > 1:
            parts.extend(pieces)
    return [k for k in (fold(p) for p in parts) if k]


@cache
def classify_jenis(text: str | None) -> JenisMatch:
    """Classify one value (cached: call it once per unique value).

    >>> classify_jenis("Lanjut Usia Telantar")
    JenisMatch(kind='exact', no=8, official='Lanjut Usia Telantar', options=())
    >>> classify_jenis("Anak Nakal").official
    'Anak yang Berhadapan dengan Hukum'
    >>> classify_jenis("Korban Penyalagunaan Napza").kind
    'variant'
    """
    if text is None or not str(text).strip():
        return JenisMatch("empty")
    text = " ".join(str(text).split())
    names = official_names()
    for no, name in names.items():
        if text == name:
            return JenisMatch("exact", no, name)
    whole = fold(_LEADING_NUMBER.sub("", text))
    found = _lookup(whole)
    if found is None:
        parts = _parts(text)
        hits = {h for h in (_lookup(p) for p in parts) if h is not None}
        jenis = {h for h in hits if isinstance(h, int)}
        if len(jenis) > 1:
            return JenisMatch("ambiguous", options=tuple(names[n] for n in sorted(jenis)))
        if jenis:
            found = jenis.pop()
        elif "gepeng" in hits:
            found = "gepeng"
        elif "psks" in hits:
            found = "psks"
    if found is None and whole.startswith(_PSKS_PREFIX):
        found = "psks"
    if found is None:
        found = _fuzzy(whole)
        if found is None:
            fuzzy = {f for f in (_fuzzy(p) for p in _parts(text)) if f is not None}
            found = fuzzy.pop() if len(fuzzy) == 1 else None
    if found == "gepeng":
        return JenisMatch("ambiguous", options=tuple(names[n] for n in _GEPENG_OPTIONS))
    if found == "psks":
        return JenisMatch("psks")
    if isinstance(found, int):
        return JenisMatch("variant", found, names[found])
    return JenisMatch("unknown", options=suggestions(text))


def match_jenis(text: str | None) -> str | None:
    """Official name of a jenis PMKS value, or ``None`` (unknown, ambiguous, PSKS, empty)."""
    m = classify_jenis(text)
    return m.official if m.kind in ("exact", "variant") else None


# --- age and sex criteria ----------------------------------------------------------------------


def age_bands(preset: str) -> pd.DataFrame:
    """Per jenis number: ``min`` and ``max`` age (``Int64``, NA = no bound) of a preset."""
    lo, hi = PRESETS[preset]
    table = _table()
    return pd.DataFrame({"min": table[lo], "max": table[hi]})


def band_label(lo: object, hi: object) -> str:
    """A language-neutral band: ``"6-18"``, ``"≥ 60"``, ``"≤ 5"``, ``"< 18"``.

    >>> band_label(6, 18), band_label(60, None), band_label(0, 5), band_label(0, 17)
    ('6-18', '≥ 60', '≤ 5', '< 18')
    """
    lo = None if lo is None or pd.isna(lo) else int(lo)
    hi = None if hi is None or pd.isna(hi) else int(hi)
    if lo in (None, 0) and hi is not None:
        return f"< {hi + 1}" if hi == 17 else f"≤ {hi}"
    if hi is None and lo is not None:
        return f"≥ {lo}"
    if lo is None and hi is None:
        return "-"
    return f"{lo}-{hi}"


def classify_ages(no: pd.Series, age: pd.Series, preset: str) -> pd.DataFrame:
    """Vectorised age-vs-jenis verdicts.

    Args:
        no: jenis number per row (``Int64``; NA = unknown jenis).
        age: age in whole years per row (``Int64``; NA = unknown).
        preset: a key of :data:`PRESETS`.

    Returns:
        A frame indexed like ``no`` with ``code`` (``JENIS_AGE_MISMATCH``, ``JENIS_AGE_EDGE`` or
        ``None``) and ``band`` (the preset's band label). An age outside the band by at most
        :data:`EDGE_YEARS`, or inside the other preset's band, is an edge case (warning).
    """
    no = no.astype("Int64")
    age = pd.to_numeric(age, errors="coerce").astype("Float64")
    other = next(p for p in PRESETS if p != preset)

    def outside(p: str, slack: int) -> np.ndarray:
        bands = age_bands(p)
        lo = no.map(bands["min"]).astype("Float64")
        hi = no.map(bands["max"]).astype("Float64")
        below = (age < lo - slack).fillna(False)
        above = (age > hi + slack).fillna(False)
        return (below | above).to_numpy(dtype=bool)

    out_strict = outside(preset, 0)
    out_slack = outside(preset, EDGE_YEARS)
    out_other = outside(other, 0)
    mismatch = out_slack & out_other
    edge = out_strict & ~mismatch
    code = np.full(len(no), None, dtype=object)
    code[edge] = "JENIS_AGE_EDGE"
    code[mismatch] = "JENIS_AGE_MISMATCH"
    labels = {n: band_label(r["min"], r["max"]) for n, r in age_bands(preset).iterrows()}
    band = no.map(labels).astype(object)
    return pd.DataFrame({"code": code, "band": band.to_numpy()}, index=no.index)


# --- normaliser --------------------------------------------------------------------------------


@register("jenis_pmks")
def normalise_jenis(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Map every value to its official name; derived ``jenis_pmks:no`` (``Int64`` 1..26).

    Classification runs once per unique value. Findings: JENIS_VARIANT (info: the auto-fix),
    JENIS_UNKNOWN (error, with suggestions), JENIS_AMBIGUOUS (Gepeng and other values naming
    two types), JENIS_IS_PSKS.
    """
    from pmkscheck.domain.wilayah import factorize_text, spread

    inverse, uniques = factorize_text(raw)
    matches = [classify_jenis(u) for u in uniques]
    clean = pd.Series(spread([m.official or u for m, u in zip(matches, uniques, strict=True)],
                             inverse), index=raw.index, dtype=object)
    no_u = np.array([m.no or 0 for m in matches] + [0], dtype=np.int64)[inverse]
    no = pd.Series(pd.arrays.IntegerArray(no_u, no_u == 0), index=raw.index)
    code_u = [_FINDINGS.get(m.kind) for m in matches]
    if ctx.table.sheet_jenis is not None:
        # the reader filled the column from the sheet name / title (JENIS_FROM_SHEET, reported
        # once): mapping that text to the official name is not a per-row auto-fix
        code_u = [None if c == "JENIS_VARIANT" else c for c in code_u]
    hit_u = np.array([c is not None for c in code_u] + [False], dtype=bool)
    rows = np.flatnonzero(hit_u[inverse])
    found = None
    if len(rows):
        sub = inverse[rows]
        found = pd.DataFrame({"code": spread(code_u, sub), "field": ctx.field.name},
                             index=raw.index[rows])
        params = {
            "official": [m.official if m.kind == "variant" else None for m in matches],
            "suggestions": [("; ".join(m.options) or "-") if m.kind == "unknown" else None
                            for m in matches],
            "options": ["; ".join(m.options) if m.kind == "ambiguous" else None
                        for m in matches],
        }
        for name, values in params.items():
            if any(v is not None for v in values):
                found[name] = spread(values, sub)
    return NormResult(values=clean, derived={DERIVED_NO: no}, findings=found)


_FINDINGS = {"variant": "JENIS_VARIANT", "unknown": "JENIS_UNKNOWN",
             "ambiguous": "JENIS_AMBIGUOUS", "psks": "JENIS_IS_PSKS"}


__all__ = [
    "DERIVED_NO", "JenisMatch", "MAP_THRESHOLD", "PRESETS", "age_bands", "band_label",
    "classify_ages", "classify_jenis", "fold", "match_jenis", "normalise_jenis",
    "official_names", "suggestions",
]
