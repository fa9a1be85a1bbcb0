"""``check_paths`` / ``check_file``: read -> normalise -> validate -> report -> write.

The only module that knows the order of the stages. Stage errors become ``FileReport.error``
(batch goes on) or, for a single file, exit status 2 through the CLI.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pmkscheck import processes
from pmkscheck.baseline import apply_baseline
from pmkscheck.checks import registry, run_checks, selected
from pmkscheck.checks.base import CheckContext, District
from pmkscheck.checks.batch import run_batch_checks
from pmkscheck.checks.result import CheckedTable
from pmkscheck.checks.summary import completeness, filled_cells, kecamatan_summary
from pmkscheck.domain import jenis, wilayah
from pmkscheck.domain.datadate import resolve
from pmkscheck.domain.district import infer_district
from pmkscheck.errors import InputError
from pmkscheck.history.run import apply_history
from pmkscheck.issues import Issue, Severity
from pmkscheck.issuetable import IssueTable
from pmkscheck.normalise import normalise_table
from pmkscheck.normalise.records import Derived
from pmkscheck.province import summarise
from pmkscheck.read import is_lock_file_name
from pmkscheck.read.isolate import read_guarded
from pmkscheck.rekap import check_rekap_table
from pmkscheck.report import FileReport, Report
from pmkscheck.rules import catalogue, rule
from pmkscheck.schema import Schema, load_schema, to_pandera
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")

Progress = Callable[[str], None]


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files as given; folders expanded (recursively) to their spreadsheet files, sorted.

    Office lock files (``~$kutim.xlsx``) and pmkscheck's own output folders are skipped. A
    pattern that names no file (``data/*.xlsx``: the Windows console passes it on unexpanded)
    is expanded to the spreadsheet files it matches.
    """
    def wanted(child: Path) -> bool:
        return (child.is_file() and child.suffix.lower() in SPREADSHEET_SUFFIXES
                and not is_lock_file_name(child.name)
                and not any(part.endswith("_pmkscheck") for part in child.parts))

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(child for child in sorted(p.rglob("*")) if wanted(child))
        elif not p.exists() and any(c in raw for c in "*?[") and (
                matches := [Path(m) for m in sorted(glob.glob(raw)) if wanted(Path(m))]):
            out.extend(matches)
        else:
            out.append(p)
    return out


def check_paths(paths: Iterable[str], settings: Settings,
                progress: Progress | None = None) -> Report:
    """Check every file (folders expanded); unreadable files are reported, the batch goes on."""
    settings.validate()
    schema = load_schema(settings.schema) if settings.schema else None
    files: list[FileReport] = []
    expanded = expand_paths(paths)
    for path in expanded:
        try:
            files.extend(check_file(path, settings, schema, progress))
        except InputError as err:
            files.append(FileReport(path=path, error=err.code, error_params=dict(err.params)))
    if not expanded:
        for raw in paths:
            code = "INPUT_NOT_A_FILE" if Path(raw).exists() else "INPUT_NOT_FOUND"  # empty dir
            files.append(FileReport(path=Path(raw), error=code,
                                    error_params={"path": raw}))
    province = len(expanded) > 1 or any(Path(p).is_dir() for p in paths)
    summary = None
    if province:  # issue 7: a batch: its batch checks (PROVINCE_NIK_IN_TWO_DISTRICTS) first,
        files, dups = run_batch_checks(files, settings)  # then the province view of it
        summary = summarise(files, dups)
    # The report is built once; each later stage returns a new one (reports are frozen).
    report = Report(files=tuple(files), settings=settings, province=summary)
    if settings.baseline is not None:  # issue 8: drop findings recorded in the baseline
        report, _dropped = apply_baseline(report, settings.baseline)
    report = apply_history(report, settings, check_file)  # issue 14: compare + record
    if settings.write:
        # named lazy import (start-up time, issue 16): the writers load only for a run that
        # writes (xlsx, HTML, JSON); `--no-write` never needs them
        from pmkscheck.write.outputs import write_outputs

        report = write_outputs(report, settings, progress)
        if province:
            # named lazy import (start-up time): provinsi.xlsx only for a batch that writes
            from pmkscheck.province.view import write_province

            report = write_province(report, settings, [str(p) for p in paths])
        if settings.split:  # issue 14: one return workbook per kecamatan / desa
            # named lazy import (start-up time): the split workbooks only with --split
            from pmkscheck.history.split import write_split

            report = write_split(report, settings, progress)
    if os.environ.get("PMKSCHECK_TIMINGS"):  # benchmarks/run.py reads this
        print(json.dumps([{"path": str(f.path), "rows": f.data_rows, **f.timings,
                           **_peak_memory()} for f in report.files]), file=sys.stderr)
    return report


def _peak_memory() -> dict[str, float]:
    """Peak resident memory (MB) of this process and of the largest reader child so far."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return {}
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
            "peak_mb_reader": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale}


def check_file(path: Path, settings: Settings, schema: Schema | None = None,
               progress: Progress | None = None) -> list[FileReport]:
    """Read one file and check each table in it. Raises :class:`InputError` if unreadable."""
    t0 = time.perf_counter()
    if progress:
        progress(f"baca/read {path.name}")
    # issue 16: a small file's pandera runs in a helper process (the CLI may have started it)
    processes.start_for([path], settings.limits.isolate, settings.limits.timeout_s)
    try:
        result = read_guarded(path, settings, schema, meanwhile=_warm_up)  # guard + isolation
        read_s = time.perf_counter() - t0
        reports = []
        for n, table in enumerate(result.tables):
            table_schema = schema or load_schema(table.schema or "pmks-individu")
            notices = result.notices if n == 0 else []
            if progress:
                progress(f"periksa/check {path.name}"
                         + (f" [{table.sheet}]" if table.sheet else ""))
            report = check_table(table, settings, table_schema, notices)
            reports.append(replace(report, timings={"read": read_s / max(len(result.tables), 1),
                                                    **report.timings}))
    finally:
        processes.stop()
    return reports


def _warm_up() -> None:
    """What the checks will need, loaded while the isolated reader works.

    The check modules; the rules catalogue and the jenis and wilayah lookup tables (each built
    once, needed by every person list); pandera (the slow import) unless the helper imports it
    (:mod:`pmkscheck.processes`).
    """
    registry()
    catalogue()
    jenis.prepare()
    wilayah.prepare()
    if not processes.running():
        to_pandera.warm()


def _district(table: SourceTable, clean: pd.DataFrame, derived: Derived,
              settings: Settings) -> tuple[District | None, list[Issue]]:
    district, found = infer_district(table, clean, derived, settings)
    issues = [
        Issue(code=code, severity=_severity(code), params=params) for code, params in found
    ]
    return district, issues


def _severity(code: str) -> Severity:
    return rule(code).severity


def check_table(table: SourceTable, settings: Settings, schema: Schema,
                notices: list[Issue] | None = None) -> FileReport:
    """Normalise and check one table; return its report (issues sorted by row, column).

    Person lists and recaps take the same path: their checks return a :class:`CheckedTable`
    and :func:`file_report` builds the one report. Ages are measured at the table's data date
    (issue 17): ``settings.today`` is that date from here on, ``settings.check_date`` the day
    of the check.
    """
    settings = with_data_date(table, settings)
    if schema.kind == "rekap":  # issue 7: recap tables have their own shape and checks
        checked = check_rekap_table(table, settings, schema, notices)
    else:
        checked = check_person_list(table, settings, schema, notices)
    return file_report(table, schema, settings, checked)


def check_person_list(table: SourceTable, settings: Settings, schema: Schema,
                      notices: list[Issue] | None = None) -> CheckedTable:
    """Normalise a person list, find its district and run the checks selected for this run."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    clean, derived, issues = normalise_table(table, settings, schema)
    t1 = time.perf_counter()
    timings["normalise"] = t1 - t0
    district, district_issues = _district(table, clean, derived, settings)
    ctx = CheckContext(table=table, clean=clean, derived=derived, settings=settings,
                       schema=schema, district=district, notices=tuple(notices or ()))
    issues = IssueTable.concat(
        [district_issues, issues, run_checks(ctx, settings.select, settings.ignore)])
    timings["check"] = time.perf_counter() - t1
    filled = filled_cells(clean)
    return CheckedTable(
        issues=issues, header_row=table.header_row, data_rows=len(table.data),
        district=district, skipped_rows=list(table.skipped_rows),
        completeness=completeness(clean, schema, filled),
        kecamatan=kecamatan_summary(clean, derived, table, issues, filled),
        timings=timings, table=table, clean=clean, derived=derived)


def file_report(table: SourceTable, schema: Schema, settings: Settings,
                checked: CheckedTable) -> FileReport:
    """The one report builder: ``--select``/``--ignore`` on every finding, then row order."""
    issues = IssueTable.of(checked.issues)
    if settings.select or settings.ignore:
        issues = issues.where_code(lambda c: selected(c, settings.select, settings.ignore))
    issues = issues.sorted()
    return FileReport(
        path=table.path, format=table.format, sheet=table.sheet, schema=schema.name,
        header_row=checked.header_row, data_rows=checked.data_rows, district=checked.district,
        columns=tuple(table.columns), skipped_rows=tuple(checked.skipped_rows), issues=issues,
        completeness=checked.completeness, kecamatan=tuple(checked.kecamatan),
        timings=checked.timings, table=checked.table, clean=checked.clean,
        derived=checked.derived, data_date=settings.data_date,
    )


def with_data_date(table: SourceTable, settings: Settings) -> Settings:
    """``settings`` whose ``today`` is the table's data date (option, title, file name, today)."""
    if settings.data_date is not None:
        return settings
    return replace(settings, data_date=resolve(table, settings))
