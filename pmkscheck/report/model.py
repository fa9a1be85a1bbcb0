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

import numpy as np
import pandas as pd

from pmkscheck import __version__
from pmkscheck.issues import District, Issue, Severity
from pmkscheck.issuetable import IssueTable, combined_key
from pmkscheck.mask import mask_params, mask_value
from pmkscheck.rules import fix as rule_fix
from pmkscheck.rules import message as rule_message
from pmkscheck.text import code_sentence

if TYPE_CHECKING:
    from pmkscheck.settings import DataDate, Settings
    from pmkscheck.table import Column, SkippedRow, SourceTable


CHUNK = 50_000
"""Findings rendered and written at a time by the views that stream (JSON, GitHub): memory stays
flat however many findings a table has (issue 16)."""


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
    issues: IssueTable = field(default_factory=IssueTable.empty)  # findings as columns
    completeness: dict[str, float] = field(default_factory=dict)
    kecamatan: tuple[dict[str, Any], ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # INPUT_* code when the file could not be read
    error_params: dict[str, Any] = field(default_factory=dict)
    baselined: int = 0  # findings dropped by --baseline (pmkscheck.baseline)
    data_date: DataDate | None = None  # the date ages were measured at, and its source
    # A cache, not a change of the result: the rendered texts per (mask, lang, ...), filled by
    # rendered() on first use (the one mutable field; not compared, not shown).
    rendered: dict[tuple, tuple[IssueTable, Rendered]] = field(
        default_factory=dict, repr=False, compare=False)
    table: SourceTable | None = None  # kept for writers (annotated workbook, cleaned file)
    clean: pd.DataFrame | None = None
    derived: dict[str, pd.Series] = field(default_factory=dict)
    changes: dict[str, Any] | None = None  # issue 14: vs the previous submission (history)
    compared: bool = False  # history was consulted: the JSON carries "changes" (maybe null)

    def __post_init__(self) -> None:
        for name in ("columns", "skipped_rows", "kecamatan"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))  # still being built
        if not isinstance(self.issues, IssueTable):
            object.__setattr__(self, "issues", IssueTable.of(self.issues))

    @property
    def is_csv(self) -> bool:
        """A text table (CSV/TSV): line numbers, but no column letters or cell references."""
        return self.format in ("csv", "tsv")

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return self.issues.count(severity)

    @property
    def worst(self) -> Severity | None:
        """The worst severity in the file (``ERROR`` for an unreadable file)."""
        if self.error:
            return Severity.ERROR
        return self.issues.worst

    @property
    def error_share(self) -> float:
        """Share of the data rows with at least one error (0.0 for a table without rows)."""
        return self.rows_with_errors / self.data_rows if self.data_rows else 0.0

    @property
    def rows_with_errors(self) -> int:
        """Distinct record rows with at least one error."""
        return len(self.issues.rows_with(Severity.ERROR))

    def by_code(self) -> dict[str, IssueTable]:
        """Findings grouped by code: the worst code first, then the most frequent, then by name."""
        return {code: self.issues.take(pos)
                for code, pos in self.issues.positions_by_code().items()}

    def code_counts(self) -> Counter[str]:
        """Findings per code."""
        return self.issues.code_counts()


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


def issue_dict(issue: Issue, settings: Settings, is_csv: bool = False) -> dict[str, Any]:
    """One finding as in CONTRACT.md, message and fix rendered in ``settings.lang``.

    For one finding on its own; a table's findings are rendered together (:func:`issue_dicts`).
    """
    texts = _texts(issue, settings)
    value = mask_value(issue.field, issue.value, settings.mask, settings.lang)
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


def _texts(issue: Issue, settings: Settings) -> tuple[str, str]:
    """Message and fix of ``issue`` (its parameters masked); the code itself if unknown."""
    params = mask_params(issue.params, settings.mask)
    try:
        return (rule_message(issue, settings.lang, params),
                rule_fix(issue, settings.lang, params))
    except KeyError:  # a code missing from the catalogue: show the code itself
        return (issue.code, "")


def finding_line(d: dict[str, Any], row_word: str) -> str:
    """One rendered finding on one line: ``B15 (NIK): message [value]`` (GitHub, JUnit)."""
    where = d["cell"] or (f"{row_word} {d['row']}" if d["row"] else "")
    if where and d["column"]:
        where += f" ({d['column']})"
    text = (f"{where}: " if where else "") + d["message"]
    return text + (f" [{d['value']}]" if d["value"] else "")


@dataclass(frozen=True)
class Rendered:
    """The texts of every finding of a table, as columns aligned with ``FileReport.issues``.

    Each array holds shared strings: a message is rendered once per distinct code and
    parameters, a masked value once per distinct field and value (issue 16: a destroyed column
    repeats one finding a million times; rendering it a million times took most of a run).
    """

    message: np.ndarray
    fix: np.ndarray
    value: np.ndarray  # masked per ``settings.mask``


def rendered(f: FileReport, settings: Settings) -> Rendered:
    """The rendered texts of ``f``'s findings (:class:`Rendered`), computed once and kept on it.

    A run renders them for stdout *and* the report file; the cache is shared with copies made by
    :func:`dataclasses.replace` and holds the issue table it rendered, so a copy with other
    findings (a baseline) renders again.
    """
    key = (settings.mask, settings.lang, f.is_csv)
    cached = f.rendered.get(key)
    if cached is None or cached[0] is not f.issues:
        cached = (f.issues, _render(f.issues, settings, f.is_csv))
        f.rendered.clear()
        f.rendered[key] = cached
    return cached[1]


def _render(issues: IssueTable, settings: Settings, is_csv: bool) -> Rendered:
    n = len(issues)
    message = np.empty(n, dtype=object)
    fix = np.empty(n, dtype=object)
    if n:
        keys = _distinct(issues.code, *issues.params.values())
        inverse, firsts = _factorize(keys)
        texts = [_texts(issues[int(k)], settings) for k in firsts]
        message[:] = np.array([m for m, _ in texts], dtype=object)[inverse]
        fix[:] = np.array([x for _, x in texts], dtype=object)[inverse]
    value = np.full(n, None, dtype=object)
    has = np.flatnonzero(issues.value != None)  # noqa: E711 (elementwise)
    if has.size:
        inverse, firsts = _factorize(_distinct(issues.field[has], issues.value[has]))
        masked = [mask_value(issues.field[has[k]], issues.value[has[k]], settings.mask,
                             settings.lang) for k in firsts]
        value[has] = np.array(masked, dtype=object)[inverse]
    return Rendered(message=message, fix=fix, value=value)


def _distinct(*columns: np.ndarray) -> np.ndarray:
    """One key per position that is equal where the values of ``columns`` are all equal.

    Integers from :func:`combined_key` (no string per position: a million findings would make a
    million keys); values that cannot be hashed (a list among the parameters) by their ``repr``.
    """
    first = columns[0]
    if len(columns) == 1:
        return first
    used = [c for c in columns[1:] if not (c == None).all()]  # noqa: E711 (elementwise)
    if not used:
        return first
    try:
        return combined_key(first, *used)
    except TypeError:  # unhashable
        pass
    keys = pd.Series(first, dtype=object).astype(str)
    for c in used:
        keys = keys + "\x1f" + pd.Series(c, dtype=object).map(repr)
    return keys.to_numpy(dtype=object)


def _factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per position the number of its distinct key, and the first position of each key."""
    inverse, uniques = pd.factorize(keys, use_na_sentinel=False)
    firsts = np.full(len(uniques), len(keys), dtype=np.int64)
    np.minimum.at(firsts, inverse, np.arange(len(keys)))
    return inverse, firsts


def issue_dicts(f: FileReport, settings: Settings,
                positions: np.ndarray | None = None) -> list[dict[str, Any]]:
    """Findings of ``f`` as CONTRACT.md's dicts (all, or those at ``positions``), in order.

    Built from the one rendering (:func:`rendered`) every view reads: JSON, HTML, GitHub,
    JUnit, the annotated workbook.
    """
    r = rendered(f, settings)
    t = f.issues
    idx = slice(None) if positions is None else np.asarray(positions, dtype=np.int64)
    labels = {int(s): s.label for s in Severity}
    return [
        {"code": c, "severity": labels[s], "row": row or None, "field": fld, "column": col,
         "cell": cell, "value": v, "message": m, "fix": x}
        for c, s, row, fld, col, cell, v, m, x in zip(
            t.code[idx].tolist(), t.severity[idx].tolist(), t.row[idx].tolist(),
            t.field[idx].tolist(), t.column[idx].tolist(), t.take(idx).cells(f.is_csv).tolist(),
            r.value[idx].tolist(), r.message[idx].tolist(), r.fix[idx].tolist(), strict=True)
    ]


def error_text(f: FileReport, lang: str, mask: str) -> tuple[str, str]:
    """Message and fix for a file that could not be read, in ``lang``, identifiers masked."""
    return code_sentence(f.error or "", f.error_params, lang, mask) or (f.error or "", "")


def file_dict(f: FileReport, settings: Settings, with_issues: bool = True) -> dict[str, Any]:
    """One file entry of the JSON report.

    ``with_issues=False`` leaves the findings out, for a writer that streams them
    (:func:`pmkscheck.report.json_report.write`).
    """
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
        "issues": issue_dicts(f, settings) if with_issues else [],
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

