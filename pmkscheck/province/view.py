"""The province view's files: ``provinsi.xlsx`` and ``provinsi.html``."""

from __future__ import annotations

from pathlib import Path

from pmkscheck.atomic import atomic_open, atomic_path
from pmkscheck.errors import UsageError
from pmkscheck.province import ProvinceSummary
from pmkscheck.report import Report
from pmkscheck.report.dashboard import render_dashboard
from pmkscheck.report.province import (
    _district_rows,
    _dup_headers,
    _dup_rows,
    _headers,
    _t,
)
from pmkscheck.settings import Settings


def output_folder(paths: list[str], settings: Settings) -> Path:
    """Folder of the province outputs.

    ``-o DIR``; else ``<folder>_pmkscheck/`` beside a folder input; else
    ``provinsi_pmkscheck/`` beside the first file.
    """
    if settings.output_dir is not None:
        return Path(settings.output_dir)
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    if folders:
        folder = folders[0].resolve()
        return folder.parent / f"{folder.name}_pmkscheck"
    first = Path(paths[0]) if paths else Path(".")
    return first.parent / "provinsi_pmkscheck"


def write_province(report: Report, settings: Settings, paths: list[str]) -> None:
    """Write ``provinsi.xlsx`` and ``provinsi.html``; paths land in ``summary.outputs``."""
    summary: ProvinceSummary = report.province  # type: ignore[attr-defined]
    folder = output_folder(paths, settings)
    xlsx, page = folder / "provinsi.xlsx", folder / "provinsi.html"
    inputs = tuple(Path(f.path) for f in report.files)  # never write over an input of the run
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(xlsx, protect=inputs) as tmp:
            _xlsx(summary, report, settings, tmp)
        with atomic_open(page, "w", protect=inputs, encoding="utf-8") as fh:
            fh.write(render_html(summary, report, settings, folder))
    except PermissionError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder), reason=str(exc)) from None
    except OSError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                         reason=exc.strerror or type(exc).__name__) from None
    summary.outputs = {"xlsx": str(xlsx), "html": str(page)}


def _xlsx(summary: ProvinceSummary, report: Report, settings: Settings, target: Path) -> None:
    import xlsxwriter

    t = _t(settings)
    wb = xlsxwriter.Workbook(str(target))
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for name, headers, rows in (
                ("Ringkasan", _headers(t), _district_rows(summary, t)),
                ("NIK ganda", _dup_headers(t), _dup_rows(summary, report, settings)),
                ("Berkas", ["Path", "Sheet", "Schema", t["district"], t["data_rows"],
                            t["families"], t["members"], "Error",
                            t["errors"], t["warnings"], t["score"]],
                 [list(x.values()) for x in summary.files])):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, headers, bold)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            ws.freeze_panes(1, 0)
            ws.set_column(0, len(headers) - 1, 16)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    finally:
        wb.close()


def render_html(summary: ProvinceSummary, report: Report, settings: Settings,
                folder: Path | None = None) -> str:
    """A standalone HTML page of the province view: the dashboard (issue 14)."""
    return render_dashboard(summary, report, settings, folder)


__all__ = ["output_folder", "render_html", "write_province"]
