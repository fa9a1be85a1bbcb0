"""Stage ④ report, the model: one ``Report`` object; the views are interchangeable readers of it.

The views (:mod:`~pmkscheck.report.views`: terminal, JSON, GitHub, JUnit; the HTML page and the
annotated workbook's summary) read this model and the text catalogue
(:mod:`pmkscheck.report.text`) and compute nothing of their own. The report owns the exit status;
:func:`file_dict` is its canonical form (the JSON report of CONTRACT.md). Nothing here imports
pandera, the checks or a view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkscheck import __version__
from pmkscheck.issues import District, Issue, Severity
from pmkscheck.mask import mask_params, mask_value
from pmkscheck.rules import fix as rule_fix
from pmkscheck.rules import message as rule_message
from pmkscheck.text import code_sentence

if TYPE_CHECKING:
    import pandas as pd

    from pmkscheck.settings import DataDate, Settings
    from pmkscheck.table import Column, SkippedRow, SourceTable


class ExitCode(IntEnum):
    """Exit statuses (CONTRACT.md)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2


@dataclass(frozen=True)
class FileReport:
    """Findings for one table (one sheet of one file), or why the file could not be read.

    Built once and never changed (frozen): a stage that adds something (batch checks, baseline,
    history, the written outputs) puts a new one in its place with :func:`dataclasses.replace`.
    Sequences are tuples (lists given to the constructor are turned into tuples); the dicts are
    not copied, so do not change them either. The one exception is ``rendered``: a private
    cache of the rendered findings, filled on first use, not part of the result (``compare=False``).
    """

    path: Path
    format: str | None = None
    sheet: str | None = None
    schema: str | None = None
    header_row: int | None = None
    data_rows: int = 0
    district: District | None = None
    columns: tuple[Column, ...] = ()
    skipped_rows: tuple[SkippedRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    completeness: dict[str, float] = field(default_factory=dict)
    kecamatan: tuple[dict[str, Any], ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # INPUT_* code when the file could not be read
    error_params: dict[str, Any] = field(default_factory=dict)
    baselined: int = 0  # findings dropped by --baseline (pmkscheck.baseline)
    data_date: DataDate | None = None  # the date ages were measured at, and its source
    # A cache, not a change of the result: the issue dicts per (mask, lang, ...), filled by
    # _issue_dicts on first use (the one mutable field; not compared, not shown).
    rendered: dict[tuple, tuple[tuple, list[dict[str, Any]]]] = field(
        default_factory=dict, repr=False, compare=False)
    table: SourceTable | None = None  # kept for writers (annotated workbook, cleaned file)
    clean: pd.DataFrame | None = None
    derived: dict[str, pd.Series] = field(default_factory=dict)
    changes: dict[str, Any] | None = None  # issue 14: vs the previous submission (history)
    compared: bool = False  # history was consulted: the JSON carries "changes" (maybe null)

    def __post_init__(self) -> None:
        for name in ("columns", "skipped_rows", "issues", "kecamatan"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))  # still being built

    @property
    def is_csv(self) -> bool:
        """A text table (CSV/TSV): line numbers, but no column letters or cell references."""
        return self.format in ("csv", "tsv")

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return sum(1 for i in self.issues if i.severity is severity)

    @property
    def worst(self) -> Severity | None:
        """The worst severity in the file (``ERROR`` for an unreadable file)."""
        if self.error:
            return Severity.ERROR
        return max((i.severity for i in self.issues), default=None)

    @property
    def error_share(self) -> float:
        """Share of the data rows with at least one error (0.0 for a table without rows)."""
        return self.rows_with_errors / self.data_rows if self.data_rows else 0.0

    @property
    def rows_with_errors(self) -> int:
        """Distinct record rows with at least one error."""
        return len({i.row for i in self.issues if i.severity is Severity.ERROR and i.row})

    def by_code(self) -> dict[str, list[Issue]]:
        """Findings grouped by code: the worst code first, then the most frequent, then by name."""
        groups: dict[str, list[Issue]] = {}
        for i in self.issues:
            groups.setdefault(i.code, []).append(i)
        order = sorted(groups, key=lambda c: (-int(groups[c][0].severity), -len(groups[c]), c))
        return {code: groups[code] for code in order}

    def code_counts(self) -> Counter[str]:
        """Findings per code."""
        return Counter(i.code for i in self.issues)


@dataclass(frozen=True)
class Report:
    """Everything one run found, across files. Built once (frozen): see :class:`FileReport`."""

    files: tuple[FileReport, ...]
    settings: Settings
    version: str = __version__
    province: Any = None  # pmkscheck.province.ProvinceSummary for a batch of several files

    def __post_init__(self) -> None:
        if not isinstance(self.files, tuple):
            object.__setattr__(self, "files", tuple(self.files))  # still being built

    @property
    def exit_code(self) -> ExitCode:
        """0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 a file unreadable."""
        if any(f.error for f in self.files):
            return ExitCode.USAGE
        if self.settings.fail_on == "never":
            return ExitCode.OK
        threshold = Severity.parse(self.settings.fail_on)
        for f in self.files:
            worst = f.worst
            if worst is not None and worst >= threshold:
                return ExitCode.FINDINGS
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (CONTRACT.md), masked per ``settings.mask``."""
        return {
            "tool": "pmkscheck",
            "version": self.version,
            "files": [file_dict(f, self.settings) for f in self.files],
        }


def issue_dict(issue: Issue, settings: Settings, is_csv: bool = False,
               memo: dict | None = None) -> dict[str, Any]:
    """One finding as in CONTRACT.md, message and fix rendered in ``settings.lang``.

    ``memo`` (one dict per table) keeps the texts of findings with the same code and parameters
    and of the same value: a column Excel destroyed repeats one finding 500,000 times (issue 16).
    """
    texts = _texts(issue, settings, memo)
    value_key = (issue.field, issue.value)
    value = memo.get(value_key) if memo is not None else None
    if value is None:
        value = mask_value(issue.field, issue.value, settings.mask, settings.lang)
        if memo is not None:
            memo[value_key] = value
    return {
        "code": issue.code,
        "severity": issue.severity.label,
        "row": issue.row,
        "field": issue.field,
        "column": issue.column,
        "cell": None if is_csv else issue.cell,
        "value": value,
        "message": texts[0],
        "fix": texts[1],
    }


def _texts(issue: Issue, settings: Settings, memo: dict | None) -> tuple[str, str]:
    """Message and fix of ``issue``, from ``memo`` when the same code and parameters were seen."""
    key = None
    if memo is not None:
        try:
            key = (issue.code, frozenset(issue.params.items()))
            hash(key)
        except TypeError:  # a list among the parameters: render it
            key = None
        else:
            if key in memo:
                return memo[key]
    params = mask_params(issue.params, settings.mask)
    try:
        texts = (rule_message(issue, settings.lang, params),
                 rule_fix(issue, settings.lang, params))
    except KeyError:  # a code missing from the catalogue: show the code itself
        texts = (issue.code, "")
    if key is not None:
        memo[key] = texts
    return texts


def finding_line(d: dict[str, Any], row_word: str) -> str:
    """One rendered finding on one line: ``B15 (NIK): message [value]`` (GitHub, JUnit)."""
    where = d["cell"] or (f"{row_word} {d['row']}" if d["row"] else "")
    if where and d["column"]:
        where += f" ({d['column']})"
    text = (f"{where}: " if where else "") + d["message"]
    return text + (f" [{d['value']}]" if d["value"] else "")


def issue_dicts(f: FileReport, settings: Settings) -> list[dict[str, Any]]:
    """Every finding of ``f`` rendered once (:func:`issue_dict`), in ``f.issues`` order.

    The one rendering every view reads (JSON, HTML, the annotated workbook); kept on ``f``.
    """
    return _issue_dicts(f, settings, f.is_csv)


def _issue_dicts(f: FileReport, settings: Settings, is_csv: bool) -> list[dict[str, Any]]:
    """Rendered findings of ``f``, kept on it (re-rendered if anything changed).

    A run renders them for stdout *and* the report file; at 1M rows that costs seconds (issue 6).
    """
    key = (settings.mask, settings.lang, is_csv)
    cached = f.rendered.get(key)
    # the cache is shared with copies made by dataclasses.replace: it holds the issues tuple it
    # rendered, so a copy with other issues (a baseline) re-renders, and no id is ever reused
    if cached is None or cached[0] is not f.issues:
        memo: dict = {}
        cached = (f.issues, [issue_dict(i, settings, is_csv, memo) for i in f.issues])
        f.rendered.clear()
        f.rendered[key] = cached
    return cached[1]


def error_text(f: FileReport, lang: str, mask: str) -> tuple[str, str]:
    """Message and fix for a file that could not be read, in ``lang``, identifiers masked."""
    return code_sentence(f.error or "", f.error_params, lang, mask) or (f.error or "", "")


def file_dict(f: FileReport, settings: Settings) -> dict[str, Any]:
    """One file entry of the JSON report."""
    is_csv = f.is_csv
    entry: dict[str, Any] = {
        "path": str(f.path),
        "format": f.format,
        "sheet": f.sheet,
        "schema": f.schema,
        "header_row": f.header_row,
        "data_rows": f.data_rows,
        "district": None if f.district is None else {
            "code": f.district.code, "name": f.district.name, "source": f.district.source},
        "columns": [
            {"header": c.header, "field": c.field, "letter": None if is_csv else c.letter}
            for c in f.columns
        ],
        "skipped_rows": [{"row": s.row, "reason": s.reason} for s in f.skipped_rows],
        "summary": {
            "errors": f.count(Severity.ERROR),
            "warnings": f.count(Severity.WARNING),
            "infos": f.count(Severity.INFO),
            "rows_with_errors": f.rows_with_errors,
            "baselined": f.baselined,
            "completeness": {k: round(v, 4) for k, v in f.completeness.items()},
            "by_code": dict(sorted(f.code_counts().items())),
            "kecamatan": list(f.kecamatan),
        },
        "issues": _issue_dicts(f, settings, is_csv),
        "data_date": None if f.data_date is None else {
            "date": f.data_date.date.isoformat(), "source": f.data_date.source},
        "outputs": dict(f.outputs),
    }
    if f.compared:  # issue 14 (absent when history is off, so reports stay as they were)
        entry["changes"] = f.changes
    if f.error:
        message, how = error_text(f, settings.lang, settings.mask)
        entry["error"] = {"code": f.error, "message": message, "fix": how}
    return entry

