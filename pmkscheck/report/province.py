"""The province view's tables (column headers and rows) in each language, shared by its views.

Used by the terminal table and the HTML dashboard (:mod:`pmkscheck.report.dashboard`) and by
``provinsi.xlsx`` (:mod:`pmkscheck.write.province`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.domain.district import district_name
from pmkscheck.mask import mask_id
from pmkscheck.text import section

if TYPE_CHECKING:
    from pmkscheck.province import DistrictSummary, ProvinceSummary
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings


def _t(settings: Settings) -> Mapping[str, str]:
    return section("province", settings.lang)


def _top(d: DistrictSummary) -> str:
    return ", ".join(f"{c} ({n})" for c, n in d.top)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _dup_rows(summary: ProvinceSummary, report: Report, settings: Settings) -> list[list]:
    files = report.files
    return [[Path(files[int(f)].path).name, int(r), district_name(d),
             Path(files[int(of)].path).name, int(orow), district_name(od),
             mask_id(n, settings.mask)]
            for f, r, n, d, of, orow, od in summary.duplicates[
                ["file", "row", "nik", "district", "other_file", "other_row",
                 "other_district"]].itertuples(index=False, name=None)]


def _district_rows(summary: ProvinceSummary, t: dict[str, str]) -> list[list]:
    out = []
    for d in summary.districts:
        out.append([d.code, d.name, d.files, d.rows, d.families, d.members,
                    _pct(d.completeness), d.errors,
                    d.warnings, "-" if d.score is None else d.score,
                    t["missing"] if d.missing else _top(d)])
    return out


def _headers(t: dict[str, str]) -> list[str]:
    return ["Kode", t["district"], t["files"], t["rows"], t["families"], t["members"],
            t["completeness"], t["errors"], t["warnings"], t["score"], t["top"]]


def _dup_headers(t: dict[str, str]) -> list[str]:
    return [t["file"], t["row"], t["district"], t["other_file"], t["other_row"],
            t["other_district"], "NIK"]


def _short(name: str) -> str:
    """Drop the "Kabupaten" prefix for narrow tables ("Kota" stays: Kota Bontang)."""
    return name.removeprefix("Kabupaten ")
