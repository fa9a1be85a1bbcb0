"""Schema model: a ``Schema`` is a tuple of ``FieldSpec`` read from YAML.

Stage: schema. Pure data; no pandas.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

FIELD_TYPES = (
    "text", "integer", "nik", "no_kk", "name", "sex", "place", "date", "ttl", "rt_rw",
    "desa", "kecamatan", "kabupaten", "jenis_pmks", "count", "wilayah", "member_count",
)

_FOLD_RE = re.compile(r"[^0-9a-z#]+")


def fold_header(text: object) -> str:
    r"""Fold a header for matching: case, accents, spaces, punctuation and line breaks removed.

    >>> fold_header("N I K"), fold_header("No. KTP"), fold_header("Tgl.\\nLahir")
    ('nik', 'noktp', 'tgllahir')
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _FOLD_RE.sub("", s.lower())


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    Attributes:
        name: canonical name (``nik``).
        type: one of ``FIELD_TYPES``; selects the normaliser and the checks.
        required: column must exist and every record must have a value.
        recommended: a missing column is a warning; counted in completeness.
        aliases: header variants, matched after :func:`fold_header`.
        derived: fields this one is split into (``ttl`` -> tempat_lahir, tanggal_lahir).
        sheet_level: the value may be given once for the whole sheet (jenis PMKS).
        description: per language.
    """

    name: str
    type: str = "text"
    required: bool = False
    recommended: bool = False
    aliases: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    sheet_level: bool = False
    description: dict[str, str] = field(default_factory=dict)

    @property
    def folded_aliases(self) -> frozenset[str]:
        """Aliases and the name itself, folded."""
        return frozenset(fold_header(a) for a in (self.name, *self.aliases)) - {""}


@dataclass(frozen=True)
class Schema:
    """A kind of spreadsheet: its fields and how a header row is recognised."""

    name: str
    kind: str  # "individu" | "rekap" | "keluarga"
    fields: tuple[FieldSpec, ...]
    title: dict[str, str] = field(default_factory=dict)
    min_fields: int = 3
    source: str = "<builtin>"
    key_fields: tuple[str, ...] = ()
    """A header row is read with this schema only when it holds one of these fields (any if
    empty): a family list needs No. KK, a NIK or a name, so a recap's "Jumlah Jiwa" column never
    makes a recap a family list."""

    def field(self, name: str) -> FieldSpec | None:
        """The field called ``name``, or ``None``."""
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def alias_index(self) -> dict[str, str]:
        """Folded alias -> field name (first field wins on a clash, as listed in the YAML)."""
        index: dict[str, str] = {}
        for f in self.fields:
            for a in sorted(f.folded_aliases):
                index.setdefault(a, f.name)
        return index

    @property
    def required(self) -> list[str]:
        """Names of required fields."""
        return [f.name for f in self.fields if f.required]
