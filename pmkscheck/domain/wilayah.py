"""Wilayah: kab/kota, kecamatan and desa/kelurahan of Kalimantan Timur, Kemendagri 2025 codes.

Stage: domain, for the ``kabupaten``, ``kecamatan`` and ``desa`` normalisers
(:mod:`pmkscheck.normalise.wilayah`), stage ③ (checks/wilayah.py) and district inference.

Specification (DOMAIN.md, ``pmkscheck/reference``):

* Codes are matched exactly: kab/kota 4 digits, kecamatan 6, desa 10; dots and spaces are ignored
  (``64.08.01`` = ``640801``). BPS codes (kecamatan: 7 digits; kab/kota: BPS 6402 = Kutai Barat,
  Kemendagri 6402 = Kutai Kartanegara) are recognised and reported, never mapped silently. Old
  village codes (``kaltim_desa_kode_lama.csv``) are mapped to their 2025 code with a warning.
* Names are matched after folding: accents, case, spaces and punctuation dropped, a leading
  "Kec."/"Kecamatan", "Desa"/"Kelurahan"/"Kel."/"Ds." or "Kab."/"Kabupaten"/"Kota" removed,
  "Sei"/"Sg." read as "Sungai", "Tj."/"Tg." as "Tanjung", 1/2/3 as I/II/III. Known name drift
  between decrees ("Pasir Belengkong", "Semboja", "Kongbeng", BPS spellings) maps too.
* Otherwise a value is matched fuzzily (rapidfuzz, only values with no exact match, once per
  unique value): close to exactly one official name -> a suggestion (WILAYAH_FUZZY_MATCH, the
  value is *not* changed); else unknown, with the nearest name as suggestion.
* Desa names repeat across kecamatan, so a desa is looked up in its row's kecamatan first; a name
  found only in another kecamatan gets that desa's code (checks report
  WILAYAH_DESA_NOT_IN_KECAMATAN).
* Berau, Kutai Barat and Mahakam Ulu call their desa "kampung": there "Kampung X" / "Kp. X" is
  desa X, exactly (no finding); elsewhere "Kampung" is part of a name (Kampung Baru). Names of
  :data:`DESA_DISPLAY` are accepted besides the snapshot's (6472051004 Sungai Siring).
* Wilayah named by a sheet name, a title row or a file name (``wilayah_in_sheet``,
  ``find_kabkota``): :mod:`pmkscheck.domain.wilayah_named`.

Derived: the codes of each wilayah column (``str`` or ``None``), ``derived["kecamatan"].code``
(a ``WilayahCodes`` of :mod:`pmkscheck.normalise.records`).

>>> match_kecamatan("KEC. PASIR BELENGKONG")
WilayahMatch(kind='variant', code='640103', official='Paser Belengkong', suggestion=None)
>>> match_kecamatan("6404010").kind, match_kecamatan("64.08.04").official
('bps', 'Sangatta Utara')
>>> match_desa("Desa Kampung Baru", "640212").code
'6402122008'

Why one module of ~530 lines: kab/kota, kecamatan and desa matching share one reference index, one
folding and one fuzzy rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pmkscheck import distinct, reference
from pmkscheck.cleantext import text_clean

FUZZY_THRESHOLD = 85.0
"""rapidfuzz ``ratio`` at or above which a value is "close to" an official name (suggested)."""
SUGGEST_THRESHOLD = 70.0
"""Below this, an unknown value gets no suggestion ("-")."""

FUZZY_MARGIN = 5.0
"""A fuzzy match is "close to exactly one" name only if the runner-up scores this much lower."""

NO_SUGGESTION = "-"

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CODE = re.compile(r"^\s*(\d[\d.\s]*\d)\s*(?:[-\u2013:.)/]\s*)?(\D.*)?$")
_TOKEN_MAP = {"sei": "sungai", "sg": "sungai", "sungei": "sungai", "tj": "tanjung",
              "tg": "tanjung", "tanjong": "tanjung", "1": "i", "2": "ii", "3": "iii", "4": "iv"}
_PREFIX = {
    "kecamatan": ("kecamatan", "kec", "kac"),
    "desa": ("desa", "kelurahan", "kel", "ds", "kelurahan desa", "desa kelurahan", "kel desa",
             "desa kel"),
    "kabupaten": ("kabupaten", "kab", "kota", "kab kota", "kabupaten kota", "pemkab", "pemkot"),
}

_KAMPUNG_KABKOTA = frozenset({"6403", "6407", "6411"})  # Berau, Kutai Barat, Mahakam Ulu
_KAMPUNG = {"kampung", "kp", "kpg", "kamp"}  # "Kampung X", "Kp. X": desa X in those three

DESA_DISPLAY: dict[str, tuple[str, tuple[str, ...]]] = {
    "6472051004": ("Sungai Siring", ("Sungai Siring Pelita",)),
}
"""Desa code -> (name shown, other names accepted as exact). 6472051004 is "Sungai Siring" in
the decree extraction by OCR, in other public code lists and as officers write it, "Sungai Siring
Pelita" in the reference snapshot (reference/SOURCE.md): both are accepted, "Sungai Siring" is
shown."""

_PREFIX_WORDS = {level: sorted((p.split() for p in prefixes), key=lambda w: -len(w))
                 for level, prefixes in _PREFIX.items()}

# Names seen in older decrees, BPS lists and spreadsheets -> Kemendagri 2025 code.
KECAMATAN_DRIFT: dict[str, str] = {
    "Pasir Belengkong": "640103",
    "Semboja": "640213",
    "Semboja Barat": "640220",
    "Kongbeng": "640808",
    "Mook Manor Bulatn": "640718",
    "Sangasanga": "640215",
    "Biduk Biduk": "640308",
}

KABKOTA_ALIASES: dict[str, str] = {
    "paser": "6401", "pasir": "6401",
    "kutai kartanegara": "6402", "kukar": "6402", "kutai kartanegara ing martadipura": "6402",
    "berau": "6403",
    "kutai barat": "6407", "kubar": "6407",
    "kutai timur": "6408", "kutim": "6408",
    "penajam paser utara": "6409", "ppu": "6409", "penajam pasir utara": "6409",
    "mahakam ulu": "6411", "mahulu": "6411", "mahakam hulu": "6411",
    "balikpapan": "6471", "bpn": "6471", "bppn": "6471",
    "samarinda": "6472", "smd": "6472", "smr": "6472",
    "bontang": "6474", "btg": "6474",
}
"""Names and common abbreviations of the 10 kab/kota (file names, titles, kabupaten column)."""


@dataclass(frozen=True, slots=True)
class WilayahMatch:
    """How one wilayah value matched.

    Attributes:
        kind: ``exact`` (the official name as written), ``variant`` (case, spacing, prefix,
            drift or a code -> official name), ``old`` (old desa code, mapped), ``fuzzy``
            (suggestion only), ``bps`` (a BPS code), ``unknown`` or ``empty``.
        code: Kemendagri code (exact/variant/old; ``None`` for a desa name that exists in
            several kecamatan when the row's kecamatan is unknown), else ``None``.
        official: official name for exact/variant/old; for ``bps`` the Kemendagri equivalent.
        suggestion: fuzzy/unknown: the nearest official name (``"-"`` when none); ``bps`` and
            ``old``: the Kemendagri (2025) code of the equivalent.
    """

    kind: str
    code: str | None = None
    official: str | None = None
    suggestion: str | None = None


def fold(text: str, level: str | None = None) -> str:
    """Fold a wilayah name for matching (``level`` selects the prefixes removed).

    >>> fold("Kec. Sanga-Sanga", "kecamatan"), fold("KEL. SEI PINANG DALAM", "desa")
    ('sangasanga', 'sungaipinangdalam')
    >>> fold("Kota Bangun 1", "desa"), fold("Kab. Kutai Timur", "kabupaten")
    ('kotabanguni', 'kutaitimur')
    """
    return "".join(_tokens(text, level))


def _tokens(text: str, level: str | None) -> list[str]:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = s.replace("'", "").replace("\u2019", "")
    tokens = [_TOKEN_MAP.get(t, t) for t in _NON_ALNUM.sub(" ", s).split()]
    if level:
        for words in _PREFIX_WORDS[level]:
            if len(tokens) > len(words) and tokens[: len(words)] == words:
                tokens = tokens[len(words):]
                break
    return tokens


def _digits(text: str) -> str | None:
    """The code of a value written as a code (``"64.08.01"``, ``"640801 Muara Ancalong"``)."""
    m = _CODE.match(text)
    if not m:
        return None
    return re.sub(r"[.\s]", "", m.group(1))


# --- reference lookups (built once) --------------------------------------------------


@dataclass(frozen=True)
class _Level:
    names: dict[str, str]  # code -> official name
    keys: dict[str, str]  # folded key -> code (official names + drift)
    fuzzy_keys: list[str]
    fuzzy_codes: list[str]


@cache
def _kabupaten() -> _Level:
    kab = reference.kabupaten()
    names = dict(zip(kab["kode"], kab["nama"], strict=True))
    keys = {fold(n, "kabupaten"): c for c, n in names.items()}
    keys.update({fold(n): c for c, n in names.items()})
    for alias, code in KABKOTA_ALIASES.items():
        keys.setdefault(fold(alias), code)
    fk = [fold(n, "kabupaten") for n in names.values()]
    return _Level(names, keys, fk, list(names))


@cache
def _kecamatan() -> _Level:
    kec = reference.kecamatan()
    names = dict(zip(kec["kode"], kec["nama"], strict=True))
    keys = {fold(n, "kecamatan"): c for c, n in names.items()}
    for alias, code in KECAMATAN_DRIFT.items():
        keys.setdefault(fold(alias, "kecamatan"), code)
    bps = reference.bps_kecamatan()
    for alias, code in zip(bps["nama_bps"], bps["kode_dagri"], strict=True):
        keys.setdefault(fold(alias, "kecamatan"), code)
    fk = [fold(n, "kecamatan") for n in names.values()]
    return _Level(names, keys, fk, list(names))


@dataclass(frozen=True)
class _Desa:
    names: dict[str, str]  # code -> official name
    kec_of: dict[str, str]  # code -> kecamatan code
    in_kec: dict[tuple[str, str], str]  # (kecamatan code, key) -> code
    anywhere: dict[str, list[str]]  # key -> codes (sorted)
    by_kec_keys: dict[str, tuple[list[str], list[str]]]  # kec -> (keys, codes) for fuzzy
    all_keys: list[str]
    all_codes: list[str]
    old: dict[str, tuple[str, str]]  # old code -> (2025 code, 2025 name)


@cache
def _desa() -> _Desa:
    ds = reference.desa()
    names = dict(zip(ds["kode"], ds["nama"], strict=True))
    kec_of = dict(zip(ds["kode"], ds["kode_kecamatan"], strict=True))
    in_kec: dict[tuple[str, str], str] = {}
    anywhere: dict[str, list[str]] = defaultdict(list)
    by_kec: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    all_keys, all_codes = [], []
    written = {code: [name] for code, name in names.items()}
    for code, (shown, also) in DESA_DISPLAY.items():
        written[code] = [shown, *also]
        names[code] = shown
    for code, spellings in written.items():
        for key in dict.fromkeys(fold(name, "desa") for name in spellings):
            in_kec[(kec_of[code], key)] = code
            anywhere[key].append(code)
            by_kec[kec_of[code]][0].append(key)
            by_kec[kec_of[code]][1].append(code)
            all_keys.append(key)
            all_codes.append(code)
    old = {}
    lama = reference.desa_kode_lama()
    for kode_lama, nama_lama, kode_2025, nama_2025 in zip(
            lama["kode_lama"], lama["nama_lama"], lama["kode_2025"], lama["nama_2025"],
            strict=True):
        old[kode_lama] = (kode_2025, nama_2025)
        key = fold(nama_lama, "desa")
        if key != fold(nama_2025, "desa"):  # renamed: the old name is known drift
            in_kec.setdefault((kec_of[kode_2025], key), kode_2025)
            anywhere[key].append(kode_2025)
    return _Desa(names, kec_of, in_kec, {k: sorted(v) for k, v in anywhere.items()},
                 dict(by_kec), all_keys, all_codes, old)


@cache
def _bps() -> tuple[dict[str, str], dict[str, str]]:
    """BPS kecamatan code -> Kemendagri code; BPS kab/kota code (Kaltim only) -> Kemendagri."""
    kec = reference.bps_kecamatan()
    kab = reference.bps_kabkota()
    kab = kab[kab["kode_dagri"].str.startswith(reference.PROVINCE_CODE)]
    return (dict(zip(kec["kode_bps"], kec["kode_dagri"], strict=True)),
            dict(zip(kab["kode_bps"], kab["kode_dagri"], strict=True)))


def kecamatan_names() -> dict[str, str]:
    """Kemendagri kecamatan code -> official name (105)."""
    return dict(_kecamatan().names)


def desa_names() -> dict[str, str]:
    """Kemendagri desa code -> official name (1,038)."""
    return dict(_desa().names)


# --- matching one value ------------------------------------------------------------


def prepare() -> None:
    """Build the lookup tables now (each once); the pipeline does it while the reader works."""
    _kabupaten()
    _kecamatan()
    _desa()


def _best(key: str, keys: list[str], codes: list[str]) -> tuple[str | None, float, bool]:
    """Nearest code to ``key``, its score, and whether it is the only code that close."""
    if not keys or not key:
        return None, 0.0, False
    found = process.extract(key, keys, scorer=fuzz.ratio, limit=3)
    if not found:
        return None, 0.0, False
    _, score, i = found[0]
    code = codes[i]
    rivals = {codes[j] for _, s, j in found[1:] if s > score - FUZZY_MARGIN and keys[j] != keys[i]}
    return code, float(score), not rivals


def _name_match(text: str, key: str, code: str, names: dict[str, str]) -> WilayahMatch:
    official = names[code]
    also = DESA_DISPLAY.get(code, ("", ()))[1]
    kind = "exact" if text == official or text in also else "variant"
    return WilayahMatch(kind, code, official)


def _fuzzy_or_unknown(key: str, keys: list[str], codes: list[str], names: dict[str, str],
                      wider: tuple[list[str], list[str]] | None = None,
                      label: dict[str, str] | None = None) -> WilayahMatch:
    """Fuzzy search in ``keys`` (the row's kecamatan, say), then in ``wider`` (province).

    A name found in the wider scope is labelled with ``label[code]`` (its kecamatan) and must be
    at least :data:`FUZZY_THRESHOLD` close (far-away guesses from another district would mislead).
    """
    code, score, unique = _best(key, keys, codes)
    if code is not None and score >= FUZZY_THRESHOLD and unique:
        return WilayahMatch("fuzzy", suggestion=names[code])
    if code is not None and score >= SUGGEST_THRESHOLD:
        return WilayahMatch("unknown", suggestion=names[code])
    if wider is not None:
        code, score, unique = _best(key, *wider)
        if code is not None and score >= FUZZY_THRESHOLD and unique:
            return WilayahMatch("fuzzy", suggestion=_label(code, names, label))
        if code is not None and score >= FUZZY_THRESHOLD:  # close, but not to one name only
            return WilayahMatch("unknown", suggestion=_label(code, names, label))
    return WilayahMatch("unknown", suggestion=NO_SUGGESTION)


def _label(code: str, names: dict[str, str], label: dict[str, str] | None) -> str:
    if label is None:
        return names[code]
    return f"{names[code]} ({label[code]})"


@cache
def match_kecamatan(text: str | None) -> WilayahMatch:
    """Match one kecamatan value (name or code) to Kemendagri 2025 (cached per value).

    >>> match_kecamatan("Sangatta Utara").kind, match_kecamatan("sangata utara").suggestion
    ('exact', 'Sangatta Utara')
    """
    if text is None or not str(text).strip():
        return WilayahMatch("empty")
    text = " ".join(str(text).split())
    level = _kecamatan()
    code = _digits(text)
    if code is not None:
        if code in level.names:
            return WilayahMatch("variant", code, level.names[code])
        bps_kec, _ = _bps()
        if code in bps_kec:
            dagri = bps_kec[code]
            return WilayahMatch("bps", None, level.names.get(dagri), dagri)
        return WilayahMatch("unknown", suggestion=NO_SUGGESTION)
    key = fold(text, "kecamatan")
    if key in level.keys:
        return _name_match(text, key, level.keys[key], level.names)
    return _fuzzy_or_unknown(key, level.fuzzy_keys, level.fuzzy_codes, level.names)


@cache
def match_kabupaten(text: str | None, bps_sheet: bool = False) -> WilayahMatch:
    """Match one kab/kota value (name, abbreviation or code) to Kemendagri 2025.

    Args:
        text: the cell text.
        bps_sheet: the sheet uses BPS codes elsewhere (kecamatan/desa columns): a 4-digit code
            that means another kab/kota in BPS numbering (6402, 6403) is then a BPS code too.

    >>> match_kabupaten("KAB. KUTIM").official, match_kabupaten("6404").kind
    ('Kabupaten Kutai Timur', 'bps')
    >>> match_kabupaten("6402").official, match_kabupaten("6402", bps_sheet=True).official
    ('Kabupaten Kutai Kartanegara', 'Kabupaten Kutai Barat')
    """
    if text is None or not str(text).strip():
        return WilayahMatch("empty")
    text = " ".join(str(text).split())
    level = _kabupaten()
    code = _digits(text)
    if code is not None:
        _, bps_kab = _bps()
        if code in level.names and not (bps_sheet and bps_kab.get(code, code) != code):
            return WilayahMatch("variant", code, level.names[code])
        if code in bps_kab:
            dagri = bps_kab[code]
            return WilayahMatch("bps", None, level.names.get(dagri), dagri)
        return WilayahMatch("unknown", suggestion=NO_SUGGESTION)
    key = fold(text, "kabupaten")
    if key in level.keys:
        return _name_match(text, key, level.keys[key], level.names)
    return _fuzzy_or_unknown(key, level.fuzzy_keys, level.fuzzy_codes, level.names)


@cache
def match_desa(text: str | None, kecamatan_code: str | None = None,
               district: str | None = None) -> WilayahMatch:
    """Match one desa/kelurahan value, scoped to its row's kecamatan when known.

    Args:
        text: the cell text (name or 10-digit code).
        kecamatan_code: the row's Kemendagri kecamatan code, if matched.
        district: the file's kab/kota code, if known (narrows the search without a kecamatan).

    >>> match_desa("Singa Geweh", "640812").code, match_desa("6408122002").kind
    ('6408121002', 'old')
    """
    if text is None or not str(text).strip():
        return WilayahMatch("empty")
    text = " ".join(str(text).split())
    ds = _desa()
    code = _digits(text)
    if code is not None:
        if code in ds.names:
            return WilayahMatch("variant", code, ds.names[code])
        if code in ds.old:
            new, name = ds.old[code]
            return WilayahMatch("old", new, name, new)
        bps_kec, _ = _bps()
        if len(code) == 10 and code[:7] in bps_kec:
            dagri = bps_kec[code[:7]]
            return WilayahMatch("bps", None, _kecamatan().names.get(dagri), dagri)
        return WilayahMatch("unknown", suggestion=NO_SUGGESTION)
    tokens = _tokens(text, "desa")
    # (key, kab/kota codes it may match): villages of Berau, Kutai Barat and Mahakam Ulu are
    # called "Kampung X" ("Kp. X"); elsewhere "Kampung" is part of the name (Kampung Baru)
    keys = [("".join(tokens), None)]
    if len(tokens) > 1 and tokens[0] in _KAMPUNG:
        if tokens[0] != "kampung":
            keys.append(("kampung" + "".join(tokens[1:]), None))  # "Kp. Baru" = Kampung Baru
        keys.append(("".join(tokens[1:]), _KAMPUNG_KABKOTA))
    if kecamatan_code:
        for key, only in keys:
            found = ds.in_kec.get((kecamatan_code, key))
            if found and (only is None or found[:4] in only):
                return _kampung(_name_match(text, key, found, ds.names), only)
    scope = district or (kecamatan_code[:4] if kecamatan_code else None)
    for key, only in keys:
        candidates = [c for c in ds.anywhere.get(key, ()) if only is None or c[:4] in only]
        if not candidates:
            continue
        near = [c for c in candidates if scope and c.startswith(scope)] or candidates
        if len(near) == 1 or kecamatan_code:
            return _kampung(_name_match(text, key, near[0], ds.names), only)
        # same name in several kecamatan: the name is fine, the code unknown
        official = next((ds.names[c] for c in near if ds.names[c] == text), ds.names[near[0]])
        return WilayahMatch("exact" if text == official else "variant", None, official)
    label = _desa_labels()
    if kecamatan_code and kecamatan_code in ds.by_kec_keys:
        keys_, codes_ = ds.by_kec_keys[kecamatan_code]
        return _fuzzy_or_unknown(keys[0][0], keys_, codes_, ds.names,
                                 wider=(ds.all_keys, ds.all_codes), label=label)
    if scope:
        sel = [i for i, c in enumerate(ds.all_codes) if c.startswith(scope)]
        return _fuzzy_or_unknown(keys[0][0], [ds.all_keys[i] for i in sel],
                                 [ds.all_codes[i] for i in sel], ds.names,
                                 wider=(ds.all_keys, ds.all_codes), label=label)
    return _fuzzy_or_unknown(keys[0][0], ds.all_keys, ds.all_codes, ds.names, label=label)


def _kampung(match: WilayahMatch, only: frozenset[str] | None) -> WilayahMatch:
    """"Kampung X" in Berau, Kutai Barat or Mahakam Ulu is how desa X is called: not a variant."""
    if only is None or match.kind != "variant":
        return match
    return WilayahMatch("exact", match.code, match.official)


@cache
def _desa_labels() -> dict[str, str]:
    """Desa code -> its kecamatan name (to say where a suggested desa is)."""
    kec_names = _kecamatan().names
    return {c: kec_names[k] for c, k in _desa().kec_of.items()}


# --- wilayah named by a sheet name or a title ---------------------------------------------------


# --- normalisers ----------------------------------------------------------------------


def factorize_text(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize a raw text column by its *cleaned* value, touching each row only once.

    :func:`pmkscheck.normalise.text_clean` runs on the unique raw values, not on the rows.

    Returns:
        ``inverse`` (``int`` per row, ``-1`` for empty cells) and the unique cleaned texts.
    """
    codes, uniq_raw = distinct.factorize(raw)
    cleaned = text_clean(pd.Series(np.asarray(uniq_raw, dtype=object), dtype=object))
    clean_codes, uniques = distinct.factorize(cleaned)
    remap = np.append(clean_codes, -1)  # index -1 (empty raw cell) -> -1
    return remap[codes], np.asarray(uniques, dtype=object)


def spread(per_unique: list | np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Per-unique values -> per-row object array (``None`` where ``inverse`` is -1)."""
    return distinct.take_or_none(per_unique, inverse)


def uses_bps_codes(data: pd.DataFrame) -> bool:
    """True when a kecamatan or desa column holds a BPS code (checked per unique value)."""
    for name, matcher in (("kecamatan", match_kecamatan), ("desa", match_desa)):
        if name in data.columns:
            uniques = distinct.unique(data[name].dropna())
            if any(matcher(u).kind == "bps" for u in uniques if _digits(str(u))):
                return True
    return False


def kecamatan_codes_of(raw: pd.Series) -> pd.Series:
    """Kemendagri kecamatan code per row of a raw kecamatan column (``None`` when unmatched)."""
    inverse, uniques = factorize_text(raw)
    codes = [match_kecamatan(u).code for u in uniques]
    return pd.Series(spread(codes, inverse), index=raw.index, dtype=object)


__all__ = [
    "DESA_DISPLAY",
    "FUZZY_THRESHOLD", "KABKOTA_ALIASES", "KECAMATAN_DRIFT", "WilayahMatch", "desa_names",
    "factorize_text", "fold", "kecamatan_codes_of", "kecamatan_names",
    "match_desa", "match_kabupaten", "match_kecamatan", "prepare", "spread", "uses_bps_codes",
]
