"""``--format github``: GitHub Actions workflow commands, one per finding (masked).

Stage ④ report. Each finding becomes one line the runner turns into an annotation::

    ::error file=data/kutim.xlsx,line=15,col=2,title=NIK_LENGTH::B15 (N I K): NIK … [647203******]

warnings are ``::warning``, infos ``::notice``; file-level findings have no ``line``. ``file`` is
relative to ``$GITHUB_WORKSPACE`` (the repository) when the file lies inside it, so the
annotation links to the file. Every finding is printed (GitHub itself shows only the first few
annotations per step; the job summary and the exit status carry the rest).

With ``GITHUB_STEP_SUMMARY`` set, a Markdown job summary is appended to that file (first, so a
closed stdout cannot lose it): a table of files with their counts, then per file its most
frequent codes with their titles and first cells.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from pmkscheck import __version__
from pmkscheck.issues import Issue, Severity
from pmkscheck.report.model import CHUNK, file_dict, finding_line, issue_dict, issue_dicts
from pmkscheck.rules import render_code, rule
from pmkscheck.table import column_index
from pmkscheck.text import lang_of, section

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport, Report
    from pmkscheck.settings import Settings

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
TOP_CODES = 10
FIRST_CELLS = 5


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (also ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: Path | str) -> str:
    """The path as GitHub expects it: relative to ``$GITHUB_WORKSPACE`` when inside it."""
    p = Path(path)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            full = p if p.is_absolute() else Path.cwd() / p
            return full.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return p.as_posix()


def command(issue: Issue, f: FileReport, settings: Settings,
            d: dict[str, Any] | None = None) -> str:
    """The workflow command line (without newline) for one finding (``d``: it rendered)."""
    is_csv = f.is_csv
    d = issue_dict(issue, settings, is_csv) if d is None else d
    props = [f"file={escape_property(annotation_path(f.path))}"]
    if d["row"]:
        props.append(f"line={d['row']}")
        if issue.letter and not is_csv:
            props.append(f"col={column_index(issue.letter) + 1}")
    props.append(f"title={escape_property(issue.code)}")
    text = finding_line(d, section("github", settings.lang)["row"])
    return f"::{COMMAND[issue.severity]} {','.join(props)}::{escape_data(text)}"


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """The job summary (if the runner asks for one), then one workflow command per finding."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:  # noqa: PTH123
            fh.write(job_summary(report, settings))
    for f in report.files:
        if f.error:
            err = file_dict(f, settings)["error"]
            out.write(f"::error file={escape_property(annotation_path(f.path))},"
                      f"title={escape_property(f.error)}::"
                      f"{escape_data(err['message'] + ' ' + err['fix'])}\n")
            continue
        for start in range(0, len(f.issues), CHUNK):  # rendered a chunk at a time (issue 16)
            at = np.arange(start, min(start + CHUNK, len(f.issues)))
            for issue, d in zip(f.issues[start:start + CHUNK], issue_dicts(f, settings, at),
                                strict=True):
                out.write(command(issue, f, settings, d) + "\n")


def md(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    for ch in "\\|*_[]<>`#":
        s = s.replace(ch, "\\" + ch)
    return s


def _threshold(settings: Settings) -> Severity | None:
    return None if settings.fail_on == "never" else Severity.parse(settings.fail_on)


def _status(f: FileReport, settings: Settings) -> str:
    worst, threshold = f.worst, _threshold(settings)
    if f.error or (worst is not None and threshold is not None and worst >= threshold):
        return "❌"
    if worst is not None and worst >= Severity.WARNING:
        return "⚠️"
    return "✅"


def job_summary(report: Report, settings: Settings) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: files with counts, then top codes per file."""
    lang = lang_of(settings.lang)
    t = section("github", lang)
    severity = section("severity", lang)
    errors = sum(f.count(Severity.ERROR) for f in report.files)
    warnings = sum(f.count(Severity.WARNING) for f in report.files)
    unreadable = sum(1 for f in report.files if f.error)
    head = "❌" if int(report.exit_code) else "✅"
    lines = [f"## {head} pmkscheck {__version__}: {errors} {t['errors'].lower()}, "
             f"{warnings} {t['warnings'].lower()}, {len(report.files)} {t['files']}"
             + (f", {unreadable} {t['unreadable']}" if unreadable else ""), ""]
    baselined = sum(getattr(f, "baselined", 0) for f in report.files)
    if settings.baseline is not None:
        lines += ["> " + md(render_code("BASELINE_APPLIED", lang, count=baselined,
                                        path=str(settings.baseline))), ""]
    lines += [f"| {t['file']} | {t['sheet']} | {t['rows']} | {t['errors']} | {t['warnings']} "
              f"| {t['infos']} | {t['status']} |", "|---|---|---:|---:|---:|---:|:---:|"]
    for f in report.files:
        if f.error:
            lines.append(f"| {md(f.path)} | | | {md(f.error)} | | | ❌ |")
            continue
        lines.append(f"| {md(f.path)} | {md(f.sheet or '')} | {f.data_rows:,} | "
                     f"{f.count(Severity.ERROR):,} | {f.count(Severity.WARNING):,} | "
                     f"{f.count(Severity.INFO):,} | {_status(f, settings)} |")
    lines.append("")
    for f in report.files:
        title = md(f.path) + (f" · {md(f.sheet)}" if f.sheet else "")
        if f.error:
            err = file_dict(f, settings)["error"]
            lines += [f"### {title}", "", f"**{md(f.error)}**: {md(err['message'])} "
                      f"{md(err['fix'])}", ""]
            continue
        if not f.issues:
            continue
        ordered = list(f.by_code().items())
        lines += [f"### {title}", "",
                  f"| {t['code']} | {t['title']} | {t['severity']} | {t['n']} | {t['first']} |",
                  "|---|---|---|---:|---|"]
        for code, items in ordered[:TOP_CODES]:
            where = [_where(i, f, t) for i in items[:FIRST_CELLS]]
            more = ", …" if len(items) > FIRST_CELLS else ""
            lines.append(f"| `{code}` | {md(rule(code).t('title', lang))} | "
                         f"{severity[items[0].severity.label]} | {len(items):,} | "
                         f"{md(', '.join(where))}{more} |")
        if len(ordered) > TOP_CODES:
            lines.append(f"| … | {len(ordered) - TOP_CODES} {t['more']} | | | |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _where(i: Issue, f: FileReport, t: Mapping[str, str]) -> str:
    if i.row is None:
        return t["file_level"]
    if i.letter and not f.is_csv:
        return f"{i.letter}{i.row}"
    return f"{t['row']} {i.row}"
