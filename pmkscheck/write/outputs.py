"""Stage ⑤ write: every file output of a run, written atomically into the output folder.

Default folder: ``<input folder>/<input stem>_pmkscheck/``; ``-o DIR`` puts everything there.
Per table: ``<stem>[.<sheet>].laporan.json`` (the JSON report of that table),
``.bersih.xlsx`` and ``.bersih.csv`` (the cleaned data), plus the outputs registered in
``OUTPUTS`` (annotated workbook, HTML report). :func:`write_outputs` returns a new report whose
``FileReport.outputs`` record the paths (reports are not changed once built).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pmkscheck.errors import UsageError
from pmkscheck.memory import release_memory
from pmkscheck.report.model import FileReport, Report
from pmkscheck.settings import Settings
from pmkscheck.write.annotated import write_annotated
from pmkscheck.write.clean import write_clean_csv, write_clean_xlsx, write_json
from pmkscheck.write.html import write_html

Output = Callable[[FileReport, Report, Settings, Path], None]


OUTPUTS: dict[str, tuple[str, Output]] = {
    "clean": (".bersih.xlsx", write_clean_xlsx),
    "clean_csv": (".bersih.csv", write_clean_csv),
    "annotated": (".catatan.xlsx", write_annotated),
    "html": (".laporan.html", write_html),
    "report": (".laporan.json", write_json),
}
"""Output name -> (file suffix, writer), in the order they are written."""


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")
    return slug[:40] or "sheet"


def output_dir(path: Path, settings: Settings) -> Path:
    """Where the outputs of ``path`` go."""
    if settings.output_dir is not None:
        return Path(settings.output_dir)
    return path.parent / f"{path.stem}_pmkscheck"


def output_stem(f: FileReport, report: Report) -> str:
    """File name stem of a table's outputs (sheet added when a file has several tables)."""
    same_file = [g for g in report.files if g.path == f.path and not g.error]
    stem = f.path.stem
    if len(same_file) > 1 and f.sheet:
        stem += "." + _slug(f.sheet)
    return stem


def _prepare(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder), reason="not a folder") from None
    except OSError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                         reason=exc.strerror or type(exc).__name__) from None


def outputs() -> dict[str, tuple[str, Output]]:
    """Output name -> (file suffix, writer). Order is the order they are written."""
    return dict(OUTPUTS)


def _key(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def _not_an_input(target: Path, inputs: set[str]) -> Path:
    """``target``, or a variant of its name when that would overwrite an input of the run."""
    candidate, n = target, 2
    while _key(candidate) in inputs:
        candidate = target.with_name(f"{target.stem}.pmkscheck{n if n > 2 else ''}"
                                     f"{target.suffix}")
        n += 1
    return candidate


def write_outputs(report: Report, settings: Settings,
                  progress: Callable[[str], None] | None = None) -> Report:
    """Write every output of every readable table; returns the report with their paths.

    Each written table's :class:`FileReport` is replaced by one with ``outputs`` (the paths,
    known before writing: the JSON report lists them) and the ``write_*`` timings.
    """
    writers = outputs()
    inputs = {_key(f.path) for f in report.files}
    files: list[FileReport] = []
    for f in report.files:
        if f.error or f.table is None:
            files.append(f)
            continue
        if progress:
            progress(f"tulis/write {f.path.name}" + (f" [{f.sheet}]" if f.sheet else ""))
        folder = output_dir(f.path, settings)
        _prepare(folder)
        stem = output_stem(f, report)
        paths = {**f.outputs, **{
            name: str(_not_an_input(folder / (stem + suffix), inputs))
            for name, (suffix, _writer) in writers.items()}}
        written = replace(f, outputs=paths)
        timings = dict(f.timings)
        for name, (_suffix, writer) in writers.items():
            t0 = time.perf_counter()
            try:
                writer(written, report, settings, Path(paths[name]))
            except PermissionError as exc:
                raise UsageError("USAGE_OUTPUT_DIR", path=str(folder), reason=str(exc)) from None
            except OSError as exc:
                raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                                 reason=exc.strerror or type(exc).__name__) from None
            timings[f"write_{name}"] = time.perf_counter() - t0
            release_memory()  # a writer's temporaries, before the next one (issue 16)
        files.append(replace(written, timings=timings))
    return replace(report, files=tuple(files))
