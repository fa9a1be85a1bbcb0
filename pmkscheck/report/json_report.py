"""``--format json``: exactly one JSON document on stdout (CONTRACT.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings


def dumps(report: Report) -> str:
    """The report as JSON text (UTF-8, non-ASCII kept readable)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """Write the JSON report to ``out``."""
    out.write(dumps(report))
    out.write("\n")
