"""``--format github``: GitHub Actions workflow commands, one per finding (masked).

``::error file=…,line=…,col=…,title=CODE::message``; warnings as ``::warning``, infos as
``::notice``. With ``GITHUB_STEP_SUMMARY`` set, a Markdown job summary is appended to that file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from pmkscheck.issues import Severity
from pmkscheck.report import issue_dict

if TYPE_CHECKING:
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """One workflow command per finding, then the job summary (if the runner asks for one)."""
    for f in report.files:
        is_csv = f.format in ("csv", "tsv")
        if f.error:
            from pmkscheck.report import file_dict

            err = file_dict(f, settings)["error"]
            out.write(f"::error file={_escape_prop(str(f.path))},title={f.error}::"
                      f"{_escape_data(err['message'])}\n")
            continue
        for issue in f.issues:
            d = issue_dict(issue, settings, is_csv)
            props = [f"file={_escape_prop(str(f.path))}"]
            if d["row"]:
                props.append(f"line={d['row']}")
            if issue.letter and not is_csv:
                props.append(f"col={_col_number(issue.letter)}")
            props.append(f"title={_escape_prop(issue.code + (' ' + d['cell'] if d['cell'] else ''))}")
            text = d["message"] + (f" ({d['value']})" if d["value"] else "")
            out.write(f"::{COMMAND[issue.severity]} {','.join(props)}::{_escape_data(text)}\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:  # noqa: PTH123
            fh.write(job_summary(report, settings))


def _col_number(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + (ord(ch) - 64)
    return n


def job_summary(report: Report, settings: Settings) -> str:
    """Markdown: one line per file, then counts per code."""
    lines = ["## pmkscheck", "", "| file | sheet | rows | errors | warnings | infos |",
             "|---|---|---:|---:|---:|---:|"]
    for f in report.files:
        if f.error:
            lines.append(f"| {f.path} | | | {f.error} | | |")
            continue
        lines.append(f"| {f.path} | {f.sheet or ''} | {f.data_rows} | "
                     f"{f.count(Severity.ERROR)} | {f.count(Severity.WARNING)} | "
                     f"{f.count(Severity.INFO)} |")
    lines.append("")
    return "\n".join(lines) + "\n"
