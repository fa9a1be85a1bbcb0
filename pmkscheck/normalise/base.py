"""The shape of a normaliser: raw column in, clean column + typed derived values + findings out.

Each normaliser takes the raw column (``str``/``None``), its cell kinds and a ``NormContext`` and
returns a :class:`NormResult`: the clean column, optional derived columns (parsed dates, wilayah
codes, ...) and optional findings (auto-corrections are ``info`` findings, so the cleaned file and
the report's "auto-fixed" list come from the same record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from pmkscheck.cleantext import text_clean
from pmkscheck.findings import Findings
from pmkscheck.normalise.records import Derived

if TYPE_CHECKING:
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
    derived: Derived = field(default_factory=dict)
    findings: Findings = None


Normaliser = Callable[[pd.Series, "pd.Series | None", NormContext], NormResult]

# Post-normalisers see the whole clean frame (e.g. age from tanggal_lahir, else from the NIK).
PostNormaliser = Callable[
    [pd.DataFrame, dict, "SourceTable", "Settings"], "NormResult | None"]


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


__all__ = ["CASE_ONLY_SILENT", "NormContext", "NormResult", "Normaliser", "PostNormaliser",
           "drop_case_only", "normalise_text"]
