"""Stage ④ report: ``--format`` name -> view, ``render(report, settings, out)``.

Each view module is imported only when its format is asked for (named lazy imports, for
start-up time: ``--format json`` never loads rich).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pmkscheck.report.model import Report
    from pmkscheck.settings import Settings

Reporter = Callable[["Report", "Settings", TextIO], None]

VIEWS = {
    "text": "pmkscheck.report.terminal",
    "json": "pmkscheck.report.json_report",
    "github": "pmkscheck.report.github",
    "junit": "pmkscheck.report.junit",
}


def reporter(fmt: str) -> Reporter:
    """The ``render`` function of one ``--format`` (its module imported now: start-up time)."""
    return importlib.import_module(VIEWS[fmt]).render  # type: ignore[no-any-return]

