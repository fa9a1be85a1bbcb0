"""Jenis PMKS: the 26 official types of Permensos 8/2012, their variants, and age/sex criteria.

Stage: domain, for the ``jenis_pmks`` normaliser (:mod:`pmkscheck.normalise.jenis`) and stage ③
(checks/jenis.py).

Specification (DOMAIN.md): the 26 types and their official names, abbreviations and older names
are in ``pmkscheck/reference/jenis_pmks.csv``. A value is matched after *folding*: accents and
case dropped, "Terlantar" read as "Telantar", punctuation and runs of spaces collapsed, a leading
list number ("8. ") and a "PMKS"/"PPKS"/"Jenis" prefix removed, filler words (yang, dan, atau,
dengan) ignored. A value may carry the abbreviation in brackets or after a dash; each part is
matched on its own and the parts must agree ("Name / ABBR", "Name, ABBR", "ABBR - Name",
"Name (ABBR)"). Typos are matched with rapidfuzz: a high threshold (:data:`MAP_THRESHOLD`) maps
the value, anything below only yields suggestions.

* Words by meaning: ``pmkscheck/reference/jenis_sinonim.csv`` (the synonym table, each row with
  its source) maps the words officers use to a jenis: the kinds of disability of UU 8/2016 and
  their common names (tuna netra, ODGJ, cacat ...) to Penyandang Disabilitas, disasters of
  UU 24/2007 (banjir, gempa, longsor ...) to Korban Bencana Alam, KDRT and violence words to Korban
  Tindak Kekerasan, "tuna wisma" to Gelandangan, "Lanjut Usia" to Lanjut Usia Telantar. A value
  is such a word when its words are all synonyms (of one jenis) or context words ("korban",
  "penyandang", "orang", a year). With the word "anak", a disability or violence word is the
  child jenis (ADK, AKTK); without it, the child jenis applies to a person under 18, which is
  decided at check time, once the age is known (:func:`map_by_age`).
* Suggestions for an unknown value are ranked by meaning: jenis whose synonym appears in the
  value first, then official names that share a *meaningful* word with it (a name that shares
  only "tuna", "korban", "anak" or "sosial" is never suggested).

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
>>> match_jenis("Tuna Netra"), match_jenis("Anak Tuna Rungu"), match_jenis("Korban Banjir")
('Penyandang Disabilitas', 'Anak dengan Kedisabilitasan', 'Korban Bencana Alam')
>>> classify_jenis("Korban KDRT").child_no, match_jenis("Lanjut Usia")
(6, 'Lanjut Usia Telantar')

Why one module of ~610 lines: one classifier: the names, synonyms, concepts, fuzzy matching and age
bands of the 26 jenis PMKS are one index; splitting it would split its caches.
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

FIELD = "jenis_pmks"

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

CHILD_AGE = 18
"""Under this age (whole years) a disability or violence word means the child jenis."""

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
# Words around a synonym that do not change its meaning ("Korban Banjir", "Penyandang Tuna
# Netra", "Orang dengan Gangguan Jiwa"); "anak" makes it the child jenis.
_CONTEXT = _FILLER | {"korban", "penyandang", "penderita", "orang", "warga", "kaum", "para",
                      "bagi", "akibat", "terkena", "terdampak", "jenis", "pmks", "ppks",
                      "kategori", "mengalami", "penyintas", "bencana", "ringan", "sedang",
                      "berat", "total", "permanen"}
_CHILD_WORD = "anak"
# Words too general to make two values alike: a suggestion must share a word that is not one of
# these (and not a context word) with the value.
_GENERIC = (_CONTEXT - {"bencana"}) | {
    "anak", "tuna", "sosial", "masalah", "bermasalah", "kesejahteraan", "keluarga", "usia",
    "kelompok", "komunitas", "bekas", "eks", "mantan", "rawan"}
SHARE_THRESHOLD = 80.0
"""rapidfuzz ``ratio`` at or above which two meaningful words count as the same (typos)."""
_TUNA = re.compile(r"\btuna (?=[a-z])")
_TUNA_SPLIT = re.compile(r"\btuna(?=[a-z]{3})")
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
        child_no: the jenis the value means for a person under 18 (a disability word is
            Anak dengan Kedisabilitasan for a child), when that differs from ``no``.
    """

    kind: str
    no: int | None = None
    official: str | None = None
    options: tuple[str, ...] = ()
    child_no: int | None = None


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


def _join_tuna(key: str) -> str:
    """"tuna netra" and "tunanetra" alike (folded keys)."""
    return _TUNA.sub("tuna", key)


@cache
def _synonyms() -> tuple[dict[str, int], dict[int, int]]:
    """Folded synonym -> jenis number; jenis -> its child jenis (PD -> ADK, KTK -> AKTK)."""
    table = reference.jenis_sinonim()
    words: dict[str, int] = {}
    child: dict[int, int] = {}
    for word, no, no_anak in zip(table["kata"], table["no"], table["no_anak"], strict=True):
        words[fold(word)] = int(no)
        if not pd.isna(no_anak):
            child[int(no)] = int(no_anak)
    return words, child


@cache
def _index() -> tuple[dict[str, int], list[str], list[int]]:
    """Folded key -> jenis number; plus the long keys usable for fuzzy matching.

    Keys are the official names, abbreviations and variants of jenis_pmks.csv and the synonyms
    of jenis_sinonim.csv, each also with "tuna X" written "tunaX".
    """
    index: dict[str, int] = {}

    def add(name: str, no: int) -> None:
        key = fold(name)
        for k in (key, _strip_filler(key), _join_tuna(key), _join_tuna(_strip_filler(key))):
            if index.setdefault(k, no) != no:
                raise ValueError(f"jenis_pmks.csv / jenis_sinonim.csv: {k!r} maps to two jenis")

    for no, row in _table().iterrows():  # 26 reference rows, built once
        for name in [row["nama"], row["singkatan"], *row["varian"].split("|")]:
            if name:
                add(name, int(no))
    for word, no in _synonyms()[0].items():
        add(word, no)
    long_keys = [k for k in index if len(k) >= 6]
    return index, long_keys, [index[k] for k in long_keys]


@cache
def _explicit() -> frozenset[str]:
    """Folded official names and abbreviations: written so, a jenis never depends on age."""
    keys = set()
    for name, abbr in zip(_table()["nama"], _table()["singkatan"], strict=True):
        for text in (name, abbr):
            if text:
                key = fold(text)
                keys |= {key, _strip_filler(key), _join_tuna(key)}
    return frozenset(keys)


@cache
def _phrases() -> tuple[dict[tuple[str, ...], int], int]:
    """Token tuple of every key (tuna joined) -> jenis number; longest phrase length."""
    phrases = {tuple(_join_tuna(k).split()): no for k, no in _index()[0].items()}
    return phrases, max(len(p) for p in phrases)


def _concept(key: str) -> int | tuple[int, ...] | None:
    """The jenis a value means when it is made of synonyms and context words only.

    Returns the jenis number, a tuple of several (the value names several jenis: ambiguous), or
    ``None`` when some word is neither a synonym nor a context word. "anak" turns a jenis that
    has a child jenis (Penyandang Disabilitas, Korban Tindak Kekerasan) into it.
    """
    tokens = _join_tuna(key).split()
    phrases, longest = _phrases()
    child_of = _synonyms()[1]
    child = _CHILD_WORD in tokens
    # cover[i]: the fewest phrases covering tokens[i:] (context words skipped), or None
    n_tok = len(tokens)
    cover: list[list[int] | None] = [None] * n_tok + [[]]
    for i in range(n_tok - 1, -1, -1):
        best: list[int] | None = None
        token = tokens[i]
        if (token in _CONTEXT or token == _CHILD_WORD or token.isdigit()) and \
                cover[i + 1] is not None:
            best = cover[i + 1]
        for n in range(1, min(longest, n_tok - i) + 1):
            no = phrases.get(tuple(tokens[i: i + n]))
            rest = cover[i + n]
            if no is not None and rest is not None and (best is None or len(rest) + 1 <= len(best)):
                best = [no, *rest]
        cover[i] = best
    hits = cover[0]
    if not hits:
        return None
    found = set(hits)
    if child:
        found = {child_of.get(no, no) for no in found}
    found -= {no for no in found if child_of.get(no) in found}  # "Anak Disabilitas Netra"
    return found.pop() if len(found) == 1 else tuple(sorted(found))


def _lookup(key: str) -> int | str | None:
    """Exact lookup of one folded part: jenis number, ``"gepeng"``, ``"psks"`` or ``None``."""
    if not key:
        return None
    index = _index()[0]
    key = _strip_prefix(key)
    for k in (key, _strip_filler(key), _join_tuna(key)):
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


def _meaningful(key: str) -> list[str]:
    """The words of a folded key that can make two values alike ("tunanetra" -> "netra")."""
    return [t for t in _TUNA_SPLIT.sub("tuna ", key).split()
            if t not in _GENERIC and not t.isdigit() and len(t) > 1]


@cache
def _meaningful_keys() -> list[list[str]]:
    return [_meaningful(k) for k in _index()[1]]


def _shares_meaning(words: list[str], other: list[str]) -> bool:
    """Some word of each is the same word or a typo of it.

    A typo is close and of a similar length: "pengangguran" is not "gangguan".
    """
    return any(fuzz.ratio(a, b) >= SHARE_THRESHOLD
               and min(len(a), len(b)) >= 0.75 * max(len(a), len(b))
               for a in words for b in other)


def _concepts_inside(key: str) -> list[int]:
    """Jenis whose synonym or name appears (as whole words) inside a value, in reading order."""
    tokens = _join_tuna(key).split()
    phrases, longest = _phrases()
    child_of = _synonyms()[1]
    child = _CHILD_WORD in tokens
    out: list[int] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            phrase = tuple(tokens[i: i + n])
            no = phrases.get(phrase)
            if no is not None and len(" ".join(phrase)) >= 4 and phrase != (_CHILD_WORD,):
                out.append(child_of.get(no, no) if child else no)
                i += n
                break
        else:
            i += 1
    return list(dict.fromkeys(out))


def suggestions(text: str, limit: int = SUGGEST_LIMIT) -> tuple[str, ...]:
    """Up to ``limit`` official names for an unknown ``text``, ranked by meaning.

    First the jenis whose synonym (or name) appears in the value ("Lansia Miskin" -> Lanjut Usia
    Telantar); then names, variants and old names compared word by word (rapidfuzz
    ``token_set_ratio``, at least :data:`SUGGEST_THRESHOLD`), but only those that share a
    meaningful word with the value: sharing "tuna", "korban", "anak" or "sosial" is not enough.
    Abbreviations are compared only when the value is itself short.

    >>> suggestions("Penyalagunaan Napza")[0], suggestions("Lansia Miskin")
    ('Korban Penyalahgunaan NAPZA', ('Lanjut Usia Telantar', 'Fakir Miskin'))
    >>> suggestions("xyz"), suggestions("Tuna Aksara"), suggestions("Korban Pinjol")
    ((), (), ())
    """
    key = _strip_prefix(fold(_LEADING_NUMBER.sub("", text)))
    index, long_keys, long_nos = _index()
    names = official_names()
    out: list[str] = [names[no] for no in _concepts_inside(key)][:limit]
    if len(key) < 6:
        short = [k for k in index if len(k) < 6]
        scored = [(s, index[k]) for k, s, _ in process.extract(
            key, short, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST_THRESHOLD)]
    else:
        scored = []
    words = _meaningful(key)
    if words:
        meaningful = _meaningful_keys()
        scored += [(s, long_nos[i]) for _, s, i in process.extract(
            key, long_keys, scorer=fuzz.token_set_ratio, limit=len(long_keys),
            score_cutoff=SUGGEST_THRESHOLD) if _shares_meaning(words, meaningful[i])]
    scored.sort(key=lambda pair: -pair[0])  # stable: ties keep the data file's order
    for _, no in scored:
        if len(out) == limit:
            break
        if names[no] not in out:
            out.append(names[no])
    return tuple(out)


_SPLIT = re.compile(r"\s*[/,;|]\s*")


def _parts(text: str) -> list[str]:
    """Folded parts of a value: the bracketed, dash-, slash- or comma-separated pieces."""
    return _split_parts(text)[0]


def _split_parts(text: str) -> tuple[list[str], bool]:
    """:func:`_parts`, and whether they come from a slash or a comma.

    Then every part must be known: "Korban Bencana Alam/Sosial" is not Korban Bencana Alam.
    """
    s = _LEADING_NUMBER.sub("", text)
    parts: list[str] = []
    strict = False
    m = _BRACKETS.match(s)
    if m:
        parts.extend(p for p in (m.group(1), m.group(2), m.group(3)) if p.strip())
    else:
        pieces = [p for p in _DASH.split(s) if p.strip()]
        if len(pieces) > 1:
            parts.extend(pieces)
        else:
            pieces = [p for p in _SPLIT.split(s) if p.strip()]
            if len(pieces) > 1:
                parts.extend(pieces)
                strict = True
    return [k for k in (fold(p) for p in parts) if k], strict


def _part_hits(text: str) -> set[int | str]:
    """What the parts of a value name: jenis numbers, ``"gepeng"``, ``"psks"``."""
    parts, strict = _split_parts(text)
    hits: set[int | str] = set()
    for part in parts:
        found = _lookup(part)
        if found is None:
            found = _concept(_strip_prefix(part))
        if found is None:
            if strict:
                return set()
            continue
        hits |= set(found) if isinstance(found, tuple) else {found}
    return hits


def prepare() -> None:
    """Build the lookup tables now (each once); the pipeline does it while the reader works."""
    official_names()
    _index()
    _explicit()
    _phrases()
    _meaningful_keys()


@cache
def classify_jenis(text: str | None) -> JenisMatch:
    """Classify one value (cached: call it once per unique value).

    >>> classify_jenis("Lanjut Usia Telantar")
    JenisMatch(kind='exact', no=8, official='Lanjut Usia Telantar', options=(), child_no=None)
    >>> classify_jenis("Anak Nakal").official
    'Anak yang Berhadapan dengan Hukum'
    >>> classify_jenis("Korban Penyalagunaan Napza").kind
    'variant'
    >>> m = classify_jenis("Disabilitas Netra / PD"); (m.official, m.child_no)
    ('Penyandang Disabilitas', 5)
    """
    if text is None or not str(text).strip():
        return JenisMatch("empty")
    text = " ".join(str(text).split())
    names = official_names()
    for no, name in names.items():
        if text == name:
            return JenisMatch("exact", no, name)
    whole = fold(_LEADING_NUMBER.sub("", text))
    found: int | str | tuple[int, ...] | None = _lookup(whole)
    if found is None:
        hits = _part_hits(text)
        jenis = {h for h in hits if isinstance(h, int)}
        jenis -= {no for no in jenis if _synonyms()[1].get(no) in jenis}
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
        found = _concept(_strip_prefix(whole))
    if found is None:
        found = _fuzzy(whole)
        if found is None:
            parts, strict = _split_parts(text)
            each = [k if isinstance(k := _lookup(p), int) else _fuzzy(p) for p in parts]
            fuzzy = set() if strict and None in each else {f for f in each if f is not None}
            found = fuzzy.pop() if len(fuzzy) == 1 else None
    if isinstance(found, tuple):
        return JenisMatch("ambiguous", options=tuple(names[n] for n in found))
    if found == "gepeng":
        return JenisMatch("ambiguous", options=tuple(names[n] for n in _GEPENG_OPTIONS))
    if found == "psks":
        return JenisMatch("psks")
    if isinstance(found, int):
        child = _synonyms()[1].get(found)
        written = [_strip_prefix(whole)] if _strip_prefix(whole) in _explicit() else _parts(text)
        if child is not None and written and all(_strip_prefix(p) in _explicit() for p in written):
            child = None  # "Penyandang Disabilitas" / "PD" as written: the officer's choice
        return JenisMatch("variant", found, names[found], child_no=child)
    return JenisMatch("unknown", options=suggestions(text))


def match_jenis(text: str | None) -> str | None:
    """Official name of a jenis PMKS value, or ``None`` (unknown, ambiguous, PSKS, empty).

    The public matcher for any text naming a jenis (cells, recap headers, sheet names). Without
    an age, a disability or violence word gives the adult jenis (Penyandang Disabilitas, Korban
    Tindak Kekerasan); :func:`match_jenis_for_age` gives the child jenis under 18.
    """
    m = classify_jenis(text)
    return m.official if m.kind in ("exact", "variant") else None


def jenis_by_meaning(text: str | None) -> str | None:
    """Official name when ``text`` is a jenis name, abbreviation, variant or synonym (no typos).

    For texts that are not cells (sheet names, headers): nothing is guessed from similarity.

    >>> jenis_by_meaning("TUNA NETRA"), jenis_by_meaning("Korban Banjir"), jenis_by_meaning("Data")
    ('Penyandang Disabilitas', 'Korban Bencana Alam', None)
    """
    if text is None or not str(text).strip():
        return None
    whole = fold(_LEADING_NUMBER.sub("", " ".join(str(text).split())))
    found = _lookup(whole)
    if not isinstance(found, int):
        found = _concept(_strip_prefix(whole))
    return official_names()[found] if isinstance(found, int) else None


def match_jenis_for_age(text: str | None, age: int | None) -> str | None:
    """:func:`match_jenis` for a person of ``age`` whole years (``None``: unknown age).

    >>> match_jenis_for_age("Tuna Netra", 9), match_jenis_for_age("Tuna Netra", 40)
    ('Anak dengan Kedisabilitasan', 'Penyandang Disabilitas')
    """
    m = classify_jenis(text)
    if m.kind not in ("exact", "variant"):
        return None
    if m.child_no is not None and age is not None and 0 <= age < CHILD_AGE:
        return official_names()[m.child_no]
    return m.official


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


__all__ = [
    "CHILD_AGE", "JenisMatch", "MAP_THRESHOLD", "PRESETS",
    "age_bands", "band_label", "classify_ages", "classify_jenis", "fold", "jenis_by_meaning",
    "match_jenis", "match_jenis_for_age", "official_names", "prepare", "suggestions",
]
