"""The province view's files and where they go.

``provinsi.xlsx`` is written by :mod:`pmkscheck.write.province`; ``provinsi.html`` is the page
of :mod:`pmkscheck.report.dashboard`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pmkscheck.atomic import atomic_open
from pmkscheck.errors import UsageError
from pmkscheck.province import ProvinceSummary
from pmkscheck.report import Report
from pmkscheck.report.dashboard import render_dashboard
from pmkscheck.settings import Settings
from pmkscheck.write.province import write_province_xlsx


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


def write_province(report: Report, settings: Settings, paths: list[str]) -> Report:
    """Write ``provinsi.xlsx`` and ``provinsi.html``; returns the report with their paths.

    The paths are in ``report.province.outputs`` of a new report (reports are not changed once
    built).
    """
    summary: ProvinceSummary = report.province  # type: ignore[attr-defined]
    folder = output_folder(paths, settings)
    xlsx, page = folder / "provinsi.xlsx", folder / "provinsi.html"
    inputs = tuple(Path(f.path) for f in report.files)  # never write over an input of the run
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_province_xlsx(summary, report, settings, xlsx, protect=inputs)
        with atomic_open(page, "w", protect=inputs, encoding="utf-8") as fh:
            fh.write(render_html(summary, report, settings, folder))
    except PermissionError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder), reason=str(exc)) from None
    except OSError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                         reason=exc.strerror or type(exc).__name__) from None
    outputs = {"xlsx": str(xlsx), "html": str(page)}
    return replace(report, province=replace(summary, outputs=outputs))


def render_html(summary: ProvinceSummary, report: Report, settings: Settings,
                folder: Path | None = None) -> str:
    """A standalone HTML page of the province view: the dashboard (issue 14)."""
    return render_dashboard(summary, report, settings, folder)


__all__ = ["output_folder", "render_html", "write_province"]
