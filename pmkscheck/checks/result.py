"""What checking one table hands to the report builder, for person lists and recaps alike.

Stage ③ validate ends here: :func:`pmkscheck.pipeline.check_table` turns a :class:`CheckedTable`
into the one :class:`~pmkscheck.report.FileReport` of the table (select/ignore, order, data date),
so both table kinds share one report builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pmkscheck.issues import District, Issue
from pmkscheck.issuetable import IssueTable
from pmkscheck.normalise.records import Derived
from pmkscheck.table import SkippedRow, SourceTable


@dataclass(frozen=True)
class CheckedTable:
    """Findings and figures of one checked table (issues unsorted; select/ignore not applied).

    Attributes:
        issues: reader notices, district findings, normaliser auto-fixes and check findings.
        table: the table writers work from (a recap: its wilayah rows); ``None`` for a recap
            without counts.
        clean: normalised values (a recap: the parsed counts).
        derived: derived columns of the normalisers (person lists only).
    """

    issues: IssueTable | list[Issue]
    header_row: int | None = None
    data_rows: int = 0
    district: District | None = None
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    completeness: dict[str, float] = field(default_factory=dict)
    kecamatan: list[dict[str, object]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    table: SourceTable | None = None
    clean: pd.DataFrame | None = None
    derived: Derived = field(default_factory=dict)


__all__ = ["CheckedTable"]
