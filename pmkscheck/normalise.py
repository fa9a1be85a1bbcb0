"""Stage ② normalise: pure, vectorised steps from raw text to clean values, per field type.

Each normaliser takes the raw column (``str``/``None``), its cell kinds and a ``NormContext`` and
returns a :class:`NormResult`: the clean column, optional derived columns (parsed dates, wilayah
codes, ...) and optional findings (auto-corrections are ``info`` findings, so the cleaned file and
the report's "auto-fixed" list come from the same record). Field types map to normalisers in
``NORMALISERS``; a type without its own normaliser gets :func:`normalise_text`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.distinct import take_or_none

if TYPE_CHECKING:
    from pmkscheck.checks.base import Findings
    from pmkscheck.schema.model import FieldSpec
    from pmkscheck.settings import Settings
    from pmkscheck.table import SourceTable


@dataclass
class NormContext:
    """What a normaliser may look at besides its own column."""

    table: SourceTable
    settings: Settings
    field: FieldSpec
    district_hint: str | None = None  # --district, if given


@dataclass
class NormResult:
    """Clean column + derived columns + findings (usually ``info`` auto-corrections)."""

    values: pd.Series
    derived: dict[str, pd.Series] = field(default_factory=dict)
    findings: Findings = None


Normaliser = Callable[[pd.Series, "pd.Series | None", NormContext], NormResult]

# Invisible or odd characters typed or pasted into cells.
_INVISIBLE = {"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2060": "",
              "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\r": " ", "\n": " "}
# Other control characters (NUL, BEL, ...) never belong in a cell: removed, and reported by
# CELL_CONTROL_CHARACTERS (pmkscheck/checks/cells.py).
CONTROL_CHARS = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))
_INVISIBLE.update(dict.fromkeys(CONTROL_CHARS, ""))
_INVISIBLE_TABLE = str.maketrans(_INVISIBLE)


def text_clean(raw: pd.Series) -> pd.Series:
    """Trim, NFC-normalise, drop zero-width characters and collapse runs of spaces.

    Empty strings become ``None``. Works per unique value (values repeat in real files), and
    only the unique values that need it go through Python: see :func:`clean_uniques`.
    """
    if raw.empty:
        return raw.astype(object)
    codes, cleaned = text_clean_codes(raw)
    return pd.Series(take_or_none(cleaned, codes), index=raw.index, dtype=object, name=raw.name)


def text_clean_codes(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`text_clean` before it is spread over the rows: ``(codes, cleaned)``.

    ``cleaned[codes]`` is the clean column (code -1: missing), ``cleaned`` holds the clean
    value of each distinct raw value (so a clean value may appear more than once), for
    normalisers that go on working per distinct value.
    """
    codes, uniques = distinct.factorize(raw)
    return codes, clean_uniques(np.asarray(uniques, dtype=object))


def clean_text(value: object) -> str | None:
    r"""One value as :func:`text_clean` cleans it (``None`` when nothing is left).

    >>> clean_text("  Sangatta\u200b  Utara\t"), clean_text("\u00a0"), clean_text("e\u0301")
    ('Sangatta Utara', None, 'é')
    """
    s = " ".join(str(value).translate(_INVISIBLE_TABLE).split())
    return unicodedata.normalize("NFC", s) if s else None


# A value needs cleaning if it is empty, has a control character (tabs and newlines included),
# a leading, trailing or double space. Plain ASCII without any of these is already clean.
_NEEDS_CLEANING = r"^$|^ | $|  |[\x00-\x1f\x7f]"


def clean_uniques(uniques: np.ndarray) -> np.ndarray:
    """:func:`clean_text` of each unique value (object array in, object array out).

    One pyarrow pass picks the values that are plain, already clean ASCII (nearly all of them in
    real files); they are kept as they are, and only the others go through :func:`clean_text`.
    """
    out = uniques.copy()
    text = arrow_text(uniques)
    if text is None:
        todo = np.arange(len(uniques))
    else:
        plain = pc.and_(pc.string_is_ascii(text),
                        pc.invert(pc.match_substring_regex(text, _NEEDS_CLEANING)))
        todo = np.flatnonzero(~plain.to_numpy(zero_copy_only=False))
    out[todo] = [clean_text(uniques[i]) for i in todo]
    return out


def arrow_text(values: np.ndarray) -> pa.Array | None:
    """Object array of ``str`` -> pyarrow string array; ``None`` if any value is not a ``str``.

    Lets per-unique logic run in pyarrow's compute kernels instead of a Python loop.
    """
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    return pa.array(values, type=pa.string())




def normalise_text(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Default normaliser: :func:`text_clean`; no findings (spacing fixes are silent)."""
    return NormResult(text_clean(raw))


# Letter case alone is not a finding: "SANGATTA UTARA" becomes "Sangatta Utara" silently, as
# "17/08/1975" becomes "1975-08-17" (offices often type in capitals; one info per cell would bury
# the real findings). Spacing, spelling, prefixes and abbreviations are still reported.
CASE_ONLY_SILENT = ("WILAYAH_NAME_VARIANT", "JENIS_VARIANT")


def drop_case_only(found: Findings, raw: pd.Series, clean: pd.Series) -> Findings:
    """Drop auto-fix findings whose cell differs from its clean value only in letter case."""
    if not isinstance(found, pd.DataFrame) or found.empty or "code" not in found:
        return found
    sel = found["code"].isin(CASE_ONLY_SILENT).to_numpy()
    if not sel.any():
        return found
    idx = found.index[sel]
    before = raw.reindex(idx).astype(str).str.casefold().to_numpy()
    after = clean.reindex(idx).astype(str).str.casefold().to_numpy()
    keep = ~sel
    keep[sel] = before != after
    return found[keep]


NORMALISERS: dict[str, Normaliser] = {}


def register(type_name: str) -> Callable[[Normaliser], Normaliser]:
    """Decorator used by domain modules: ``@register("nik")``."""

    def wrap(fn: Normaliser) -> Normaliser:
        NORMALISERS[type_name] = fn
        return fn

    return wrap


def normaliser_for(type_name: str) -> Normaliser:
    """The normaliser of a field type (``normalise_text`` when it has none)."""
    _load_domain()
    return NORMALISERS.get(type_name, normalise_text)


_LOADED = False


def _load_domain() -> None:
    """Import the domain modules once so that their ``@register`` calls run."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import importlib

    for module in DOMAIN_MODULES:
        importlib.import_module(module)


# Domain modules that register normalisers (explicit list, like checks.REGISTRY).
DOMAIN_MODULES: list[str] = [
    "pmkscheck.domain.nik",
    "pmkscheck.domain.nokk",
    "pmkscheck.domain.dates",
    "pmkscheck.domain.sex",
    "pmkscheck.domain.person",
    "pmkscheck.domain.jenis", "pmkscheck.domain.wilayah",
    "pmkscheck.domain.keluarga",
]


# Post-normalisers see the whole clean frame (e.g. age from tanggal_lahir, else from the NIK).
PostNormaliser = Callable[
    [pd.DataFrame, dict, "SourceTable", "Settings"], "NormResult | None"]
POST: list[PostNormaliser] = []


def register_post(fn: PostNormaliser) -> PostNormaliser:
    """Decorator: register a post-normaliser (runs after every field's normaliser)."""
    POST.append(fn)
    return fn


def post_normalisers() -> list[PostNormaliser]:
    """Registered post-normalisers, in registration order."""
    _load_domain()
    return POST
