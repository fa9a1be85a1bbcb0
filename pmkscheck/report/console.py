"""Stage ④ report: the rich console of the terminal views, and the progress line on stderr.

:func:`make_console` gives colour only on a terminal that supports it: none when the output is
not a tty, none when ``NO_COLOR`` is set (rich honours it too). :func:`progress_printer` gives the
CLI a progress indicator on stderr for long runs. Imports nothing of pmkscheck.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

from rich.console import Console

if TYPE_CHECKING:
    from pmkscheck.settings import Settings


def make_console(out: TextIO, width: int | None = None, color: bool | None = None) -> Console:
    """A rich console for ``out``: colour only on a tty without ``NO_COLOR`` (or as forced)."""
    if color is None:
        is_tty = bool(getattr(out, "isatty", lambda: False)())
        color = is_tty and not os.environ.get("NO_COLOR")
    return Console(file=out, width=width, highlight=False, soft_wrap=False, emoji=False,
                   color_system="auto" if color else None, force_terminal=bool(color) or None,
                   no_color=not color)


class ProgressPrinter:
    """``progress("read kutim.xlsx")`` -> a one-line status on stderr.

    On a terminal the line is rewritten in place (with the elapsed time) and cleared by
    :meth:`close`; elsewhere (CI logs) each step is printed on its own line only when
    ``verbose`` is set, so logs stay short. Never writes to stdout.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True,
                 verbose: int = 0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and (self.tty or verbose > 0)
        self.start = time.monotonic()
        self._width = 0

    def __call__(self, message: str) -> None:
        """Show one step."""
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        line = f"pmkscheck [{elapsed:5.1f}s] {message}"
        if self.tty:
            cols = _columns()
            line = line[: cols - 1]
            pad = max(self._width - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the status line (terminal only)."""
        if self.enabled and self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> ProgressPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _columns() -> int:
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        return 80


def progress_printer(settings: Settings, stream: TextIO | None = None) -> ProgressPrinter:
    """The progress indicator for a run (off with ``settings.progress = False``)."""
    return ProgressPrinter(stream, enabled=settings.progress, verbose=settings.verbose)

