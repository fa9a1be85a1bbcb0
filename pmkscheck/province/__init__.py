"""Province view of a batch: per-district summary, missing districts, NIKs in two districts.

Stage ④ report (runs after every file was checked; issue 7). ``pmkscheck validate FOLDER`` (or
several files) builds a :class:`ProvinceSummary` from the run's file reports:

* per kab/kota: files, rows, completeness, errors, warnings, a quality score and the top
  problems; kab/kota without any file are listed as missing;
* persons and families apart (issue 17): ``rows`` counts the persons of person lists (one row per
  person); family lists (``pmks-keluarga``, one row per KK) add their rows to ``families`` and
  their members (the sum of Jumlah Anggota Keluarga; a family whose count is missing or invalid
  counts as one person, its head) to ``members``; a recap's rows are areas and count in neither;
* the same NIK in the person lists of two districts (the batch check of
  :mod:`pmkscheck.checks.batch`, run by the pipeline before this view): listed with both files;
* output: the terminal table and the ``provinsi.html`` dashboard
  (:mod:`pmkscheck.report.dashboard`), ``provinsi.xlsx`` (:mod:`pmkscheck.write.province`).

**Quality score** (0-100, per file; a district's score is the row-weighted mean of its files;
documented in docs/province.md)::

    score = 100 * (0.5 * (1 - rows_with_errors / rows)
                 + 0.2 * (1 - rows_with_warnings / rows)
                 + 0.3 * mean completeness)  -  5 per file-level error,   clipped to 0..100

An unreadable file scores 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmkscheck import reference
from pmkscheck.domain.district import UNKNOWN, file_district
from pmkscheck.issues import Severity
from pmkscheck.normalise.records import field_value
from pmkscheck.schema import builtin_schemas, load_schema

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pmkscheck.report import FileReport

TOP = 3


@dataclass
class DistrictSummary:
    """One kab/kota of the province (or the unknown bucket)."""

    code: str
    name: str
    files: int = 0
    unreadable: int = 0
    rows: int = 0
    families: int = 0
    members: int = 0
    completeness: float | None = None
    errors: int = 0
    warnings: int = 0
    score: float | None = None
    top: list[tuple[str, int]] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        """No file of this district was given."""
        return self.files == 0


@dataclass
class ProvinceSummary:
    """What the province view shows."""

    districts: list[DistrictSummary]
    duplicates: pd.DataFrame  # file, district, row, other_file, other_district, other_row
    files: list[dict[str, Any]]
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[DistrictSummary]:
        """Kab/kota with no file."""
        return [d for d in self.districts if d.missing and d.code != UNKNOWN]


def family_counts(f: FileReport) -> tuple[int, int]:
    """(families, persons in them) of a family list; ``(0, 0)`` for any other table."""
    if f.error or f.schema is None or not _is_family(f.schema):
        return 0, 0
    families = int(f.data_rows)
    value = field_value(f.derived or {}, "jumlah_anggota")
    if value is None:
        return families, families
    return families, int(pd.to_numeric(value, errors="coerce").fillna(1).clip(lower=1).sum())


def _is_family(schema: str) -> bool:

    if schema == "pmks-keluarga":
        return True
    try:
        return schema in builtin_schemas() and load_schema(schema).kind == "keluarga"
    except Exception:  # noqa: BLE001 - an unloadable schema is not a family list
        return False


def file_score(f: FileReport) -> float:
    """Quality score of one table (see the module docstring)."""
    if f.error:
        return 0.0
    n = max(f.data_rows, 1)
    err_rows = len(f.issues.rows_with(Severity.ERROR))
    warn_rows = len(f.issues.rows_with(Severity.WARNING))
    comp = float(np.mean(list(f.completeness.values()))) if f.completeness else 1.0
    file_errors = int(((f.issues.severity == Severity.ERROR) & (f.issues.row == 0)).sum())
    score = 100 * (0.5 * (1 - min(err_rows, n) / n) + 0.2 * (1 - min(warn_rows, n) / n)
                   + 0.3 * comp) - 5 * file_errors
    return float(min(100.0, max(0.0, score)))


def summarise(files: Sequence[FileReport], dups: pd.DataFrame) -> ProvinceSummary:
    """Build the province view of a checked batch (the files of the report to be built).

    ``dups`` is :func:`pmkscheck.checks.batch.nik_in_two_districts` of the batch (the batch
    check has already added its findings to the files).
    """
    rows: dict[str, DistrictSummary] = {
        c: DistrictSummary(c, reference.kabupaten_name(c) or c) for c in reference.KALTIM_KABKOTA}
    rows[UNKNOWN] = DistrictSummary(UNKNOWN, "Tidak diketahui / provinsi")
    weights: dict[str, list[tuple[float, float, float | None]]] = {}
    codes: dict[str, Counter[str]] = {}
    seen_paths: dict[str, set[Path]] = {}
    listing = []
    for f in files:
        code = file_district(f)
        d = rows[code]
        seen_paths.setdefault(code, set()).add(Path(f.path))
        d.files = len(seen_paths[code])
        score = file_score(f)
        comp = float(np.mean(list(f.completeness.values()))) if f.completeness else None
        if f.error:
            d.unreadable += 1
            d.errors += 1
            codes.setdefault(code, Counter()).update([f.error])
        else:
            families, members = family_counts(f)
            if families:  # a family list: rows are families, persons are their members
                d.families += families
                d.members += members
            elif f.schema != "pmks-rekap":  # rows = people listed; a recap's rows are areas
                d.rows += f.data_rows
            d.errors += f.count(Severity.ERROR)
            d.warnings += f.count(Severity.WARNING)
            codes.setdefault(code, Counter()).update(
                f.issues.take(f.issues.severity >= Severity.WARNING).code_counts())
        weights.setdefault(code, []).append((max(f.data_rows, 1), score, comp))
        families, members = family_counts(f)
        listing.append({"path": str(f.path), "sheet": f.sheet, "schema": f.schema,
                        "district": code, "rows": f.data_rows, "families": families,
                        "members": members, "error": f.error,
                        "errors": f.count(Severity.ERROR), "warnings": f.count(Severity.WARNING),
                        "score": round(score, 1)})
    for code, items in weights.items():
        w = np.array([x[0] for x in items], dtype=float)
        rows[code].score = round(float(np.average([x[1] for x in items], weights=w)), 1)
        comps = [(x[0], x[2]) for x in items if x[2] is not None]
        if comps:
            rows[code].completeness = round(float(np.average(
                [c for _, c in comps], weights=[wt for wt, _ in comps])), 4)
        rows[code].top = codes.get(code, Counter()).most_common(TOP)
    districts = [rows[c] for c in reference.KALTIM_KABKOTA]
    if rows[UNKNOWN].files:
        districts.append(rows[UNKNOWN])
    return ProvinceSummary(districts=districts, duplicates=dups, files=listing)


__all__ = ["DistrictSummary", "ProvinceSummary", "file_score", "summarise"]
