"""Stage ⑤ write: ``provinsi.xlsx``, the province view as a workbook.

:mod:`pmkscheck.province` computes the view (:class:`~pmkscheck.province.ProvinceSummary`) and
decides where it goes; this module writes it through :func:`pmkscheck.write.xlsx.workbook`: three
table sheets in the house style (Ringkasan: one row per kab/kota; NIK ganda: NIKs in two
districts, masked; Berkas: one row per file). The tables themselves come from
:mod:`pmkscheck.report.province`, shared with the terminal and HTML views.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.report.province import _district_rows, _dup_headers, _dup_rows, _headers, _t
from pmkscheck.write.xlsx import workbook

if TYPE_CHECKING:
    from pmkscheck.province import ProvinceSummary
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings


def write_province_xlsx(summary: ProvinceSummary, report: Report, settings: Settings,
                        target: Path, protect: Iterable[Path | str] = ()) -> None:
    """Write ``provinsi.xlsx`` at ``target`` (atomically, never over a path in ``protect``)."""
    t = _t(settings)
    files = ["Path", "Sheet", "Schema", t["district"], t["data_rows"], t["families"],
             t["members"], "Error", t["errors"], t["warnings"], t["score"]]
    with workbook(target, protect) as book:
        book.table_sheet("Ringkasan", _headers(t), _district_rows(summary, t))
        book.table_sheet("NIK ganda", _dup_headers(t), _dup_rows(summary, report, settings))
        book.table_sheet("Berkas", files, [list(x.values()) for x in summary.files])


__all__ = ["write_province_xlsx"]
