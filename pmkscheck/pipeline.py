"""``check_paths`` / ``check_file``: read -> normalise -> validate -> report -> write.

The only module that knows the order of the stages. Stage errors become ``FileReport.error``
(batch goes on) or, for a single file, exit status 2 through the CLI.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from pmkscheck.checks import findings_to_issues, run_checks, selected
from pmkscheck.checks.base import CheckContext, District
from pmkscheck.errors import InputError
from pmkscheck.issues import Issue, Severity
from pmkscheck.normalise import NormContext, drop_case_only, normaliser_for
from pmkscheck.report import FileReport, Report
from pmkscheck.schema import Schema, load_schema
from pmkscheck.settings import Settings
from pmkscheck.table import ROW, SourceTable

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")

Progress = Callable[[str], None]


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files as given; folders expanded (recursively) to their spreadsheet files, sorted.

    Office lock files (``~$kutim.xlsx``) and pmkscheck's own output folders are skipped. A
    pattern that names no file (``data/*.xlsx``: the Windows console passes it on unexpanded)
    is expanded to the spreadsheet files it matches.
    """
    import glob

    from pmkscheck.read import is_lock_file_name

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
    report = Report(files=files, settings=settings)
    province = len(expanded) > 1 or any(Path(p).is_dir() for p in paths)
    if province:  # issue 7: province view (adds PROVINCE_NIK_IN_TWO_DISTRICTS findings)
        from pmkscheck.province import summarise

        report.province = summarise(report)
    if settings.baseline is not None:  # issue 8: drop findings recorded in the baseline
        from pmkscheck.baseline import apply_baseline

        apply_baseline(report, settings.baseline)
    from pmkscheck.history.run import apply_history  # issue 14: compare + record

    apply_history(report, settings)
    if settings.write:
        from pmkscheck.write.outputs import write_outputs

        write_outputs(report, settings, progress)
        if province:
            from pmkscheck.province import write_province

            write_province(report, settings, [str(p) for p in paths])
        if settings.split:  # issue 14: one return workbook per kecamatan / desa
            from pmkscheck.history.split import write_split

            write_split(report, settings, progress)
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
    from pmkscheck.read.isolate import read_guarded

    t0 = time.perf_counter()
    if progress:
        progress(f"baca/read {path.name}")
    result = read_guarded(path, settings, schema, meanwhile=_warm_up)  # guard + isolation
    read_s = time.perf_counter() - t0
    reports = []
    for n, table in enumerate(result.tables):
        table_schema = schema or load_schema(table.schema or "pmks-individu")
        notices = result.notices if n == 0 else []
        if progress:
            progress(f"periksa/check {path.name}" + (f" [{table.sheet}]" if table.sheet else ""))
        report = check_table(table, settings, table_schema, notices)
        report.timings = {"read": read_s / max(len(result.tables), 1), **report.timings}
        reports.append(report)
    return reports


def _warm_up() -> None:
    """Import the checks (pandera) and normalisers while the isolated reader works."""
    from pmkscheck.checks import registry
    from pmkscheck.normalise import post_normalisers

    registry()
    post_normalisers()


def normalise_table(table: SourceTable, settings: Settings, schema: Schema
                    ) -> tuple[pd.DataFrame, dict[str, pd.Series], list[Issue]]:
    """Run each field's normaliser; returns clean frame, derived columns, auto-fix findings."""
    clean: dict[str, pd.Series] = {}
    derived: dict[str, pd.Series] = {}
    issues: list[Issue] = []
    for name in table.fields:
        spec = schema.field(name)
        raw = table.data[name]
        if spec is None:
            from pmkscheck.normalise import text_clean

            clean[name] = text_clean(raw)
            continue
        ctx = NormContext(table=table, settings=settings, field=spec,
                          district_hint=settings.district)
        result = normaliser_for(spec.type)(raw, table.kinds.get(name), ctx)
        clean[name] = result.values
        derived.update(result.derived)
        found = drop_case_only(result.findings, raw, result.values)
        issues.extend(findings_to_issues(found, table, None, (name,)))
    frame = pd.DataFrame(clean, index=table.data.index)
    # Derived values that need several fields (age from date *or* NIK) are computed by
    # post-normalisers registered under "@row" (see pmkscheck.normalise.POST).
    from pmkscheck.normalise import post_normalisers

    for post in post_normalisers():
        result = post(frame, derived, table, settings)
        if result is not None:
            derived.update(result.derived)
            issues.extend(findings_to_issues(result.findings, table, None, ()))
    return frame, derived, issues


def _district(table: SourceTable, clean: pd.DataFrame, derived: dict[str, pd.Series],
              settings: Settings) -> tuple[District | None, list[Issue]]:
    try:
        from pmkscheck.domain.district import infer_district
    except ImportError:  # pragma: no cover - domain module not installed
        return None, []
    district, found = infer_district(table, clean, derived, settings)
    issues = [
        Issue(code=code, severity=_severity(code), params=params) for code, params in found
    ]
    return district, issues


def _severity(code: str) -> Severity:
    from pmkscheck.rules import rule

    return rule(code).severity


def check_table(table: SourceTable, settings: Settings, schema: Schema,
                notices: list[Issue] | None = None) -> FileReport:
    """Normalise and check one table; return its report (issues sorted by row, column).

    Ages are measured at the table's data date (issue 17): ``settings.today`` is that date
    from here on, ``settings.check_date`` the day of the check.
    """
    settings = with_data_date(table, settings)
    if schema.kind == "rekap":  # issue 7: recap tables have their own reader and checks
        from pmkscheck.rekap import check_rekap_table

        report = check_rekap_table(table, settings, schema, notices)
        report.data_date = settings.data_date
        return report
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    clean, derived, issues = normalise_table(table, settings, schema)
    t1 = time.perf_counter()
    timings["normalise"] = t1 - t0
    district, district_issues = _district(table, clean, derived, settings)
    ctx = CheckContext(table=table, clean=clean, derived=derived, settings=settings,
                       schema=schema, district=district)
    issues = [*(notices or []), *table.notices, *district_issues, *issues, *run_checks(ctx)]
    if settings.select or settings.ignore:
        issues = [i for i in issues if selected(i.code, settings.select, settings.ignore)]
    issues.sort(key=Issue.sort_key)
    timings["check"] = time.perf_counter() - t1
    filled = filled_cells(clean)
    return FileReport(
        path=table.path, format=table.format, sheet=table.sheet, schema=schema.name,
        header_row=table.header_row, data_rows=len(table.data), district=district,
        columns=list(table.columns), skipped_rows=list(table.skipped_rows), issues=issues,
        completeness=completeness(clean, schema, filled), kecamatan=kecamatan_summary(
            clean, derived, table, issues, filled),
        timings=timings, table=table, clean=clean, derived=derived,
        data_date=settings.data_date,
    )


def with_data_date(table: SourceTable, settings: Settings) -> Settings:
    """``settings`` whose ``today`` is the table's data date (option, title, file name, today)."""
    if settings.data_date is not None:
        return settings
    from dataclasses import replace

    from pmkscheck.domain.datadate import resolve

    return replace(settings, data_date=resolve(table, settings))


def filled_cells(clean: pd.DataFrame) -> pd.DataFrame:
    """``clean.notna()``, one numpy pass per column (both summaries below need it)."""
    return pd.DataFrame({name: pd.notna(clean[name].to_numpy()) for name in clean.columns},
                        index=clean.index, columns=clean.columns)


def completeness(clean: pd.DataFrame, schema: Schema,
                 filled: pd.DataFrame | None = None) -> dict[str, float]:
    """Share of records with a value, per schema field present (1.0 = complete).

    ``filled`` is :func:`filled_cells` of ``clean`` when the caller has it already.
    """
    if filled is None:
        filled = filled_cells(clean)
    n = len(clean)
    out: dict[str, float] = {}
    for spec in schema.fields:
        if spec.name in clean.columns:
            out[spec.name] = float(filled[spec.name].sum()) / n if n else 1.0
    return out


def kecamatan_summary(clean: pd.DataFrame, derived: dict[str, pd.Series], table: SourceTable,
                      issues: list[Issue], filled: pd.DataFrame | None = None
                      ) -> list[dict[str, object]]:
    """Rows, rows with errors and completeness per kecamatan (as written, cleaned).

    ``filled`` is :func:`filled_cells` of ``clean`` when the caller has it already.
    """
    if "kecamatan" not in clean.columns or clean.empty:
        return []
    if filled is None:
        filled = filled_cells(clean)
    error_rows = {i.row for i in issues if i.severity is Severity.ERROR and i.row}
    frame = pd.DataFrame({
        "kecamatan": clean["kecamatan"].fillna("(kosong)"),
        "kode": derived.get("kecamatan:code", pd.Series(None, index=clean.index)),
        "error": table.data[ROW].isin(error_rows),
        "filled": filled.to_numpy().mean(axis=1),
    })
    grouped = frame.groupby(["kecamatan"], dropna=False, sort=True)
    stats = grouped.agg(rows=("error", "size"), rows_with_errors=("error", "sum"),
                        completeness=("filled", "mean"), kode=("kode", "first"))
    return [
        {"kecamatan": name[0] if isinstance(name, tuple) else name,
         "code": None if pd.isna(row.kode) else str(row.kode),
         "rows": int(row.rows), "rows_with_errors": int(row.rows_with_errors),
         "completeness": round(float(row.completeness), 4)}
        for name, row in stats.iterrows()  # one row per kecamatan (~20), not per record
    ]
