"""Stage ⑤ write: the HTML report of one table (``<stem>.laporan.html``).

The page itself is a view of the report model: :func:`pmkscheck.report.html.render_html`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.atomic import atomic_open, refuse_input
from pmkscheck.report.html import render_html

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport, Report
    from pmkscheck.settings import Settings


def write_html(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """Write the HTML report of one table (atomically; never over the input)."""
    refuse_input(Path(target), Path(f.path))
    text = render_html(f, settings)
    with atomic_open(Path(target), "w", protect=(f.path,), encoding="utf-8") as fh:
        fh.write(text)
