"""Stage ⑤ write: the one way pmkscheck writes xlsx files.

Every xlsx file a run or a command writes is made through this module: one API, one style
vocabulary (:data:`STYLE`), Excel's limits (from :mod:`.ooxml`) and one atomic save
(:func:`pmkscheck.atomic.atomic_path`: a temporary file beside the target, renamed onto it, never
over an input). Behind it sit its engines, each where it is the right tool:

* :func:`workbook` -- a workbook of formatted sheets (:class:`Book`), written by xlsxwriter:
  data validation, merged headers, formulas, hidden sheets (the submission templates,
  ``provinsi.xlsx``);
* :func:`save_frame` -- one large data sheet from a frame, written by :mod:`.xlsxfast` (the
  cleaned file: a million rows without one Python call per cell);
* :func:`write_package` / :func:`open_package` inside :func:`save_path` -- a package written part
  by part (the base workbook of CSV/ODS/XLS input, :mod:`.basebook`; the annotated workbook
  patched from the input's XML, :mod:`.annotated`).

No module outside ``write/`` imports xlsxwriter or opens an xlsx package for writing, and inside
``write/`` only this module imports xlsxwriter (``tests/test_architecture.py``).

::

    with workbook(Path("provinsi.xlsx"), protect=inputs) as book:
        book.table_sheet("Ringkasan", headers, rows)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkscheck.atomic import atomic_path
from pmkscheck.write.ooxml import FORMULA_START, MAX_ROWS, MAX_TEXT, open_package
from pmkscheck.write.xlsxfast import MAX_COLS, write_frame

if TYPE_CHECKING:
    import pandas as pd

HEADER_FILL = "DDEBF7"
"""The light blue of every header row (xlsxfast's header, the templates, ``provinsi.xlsx``)."""
TOTAL_FILL = "F2F2F2"
"""The light grey of total rows and columns (the recap template)."""

#: The shared style vocabulary of formatted sheets: name -> xlsxwriter format properties.
STYLE: dict[str, dict[str, Any]] = {
    "header": {"bold": True, "bg_color": f"#{HEADER_FILL}", "border": 1},
    "header_wrap": {"bold": True, "bg_color": f"#{HEADER_FILL}", "border": 1,
                    "text_wrap": True, "valign": "vcenter"},
    "header_center": {"bold": True, "bg_color": f"#{HEADER_FILL}", "border": 1,
                      "text_wrap": True, "align": "center", "valign": "vcenter"},
    "total": {"bold": True, "border": 1, "bg_color": f"#{TOTAL_FILL}"},
    "cell": {"border": 1},
    "text": {"num_format": "@"},
    "date": {"num_format": "dd-mm-yyyy"},
    "title": {"bold": True, "font_size": 13},
    "wrap": {"text_wrap": True, "valign": "top"},
}


class Book:
    """A workbook being written: sheets and the shared styles (xlsxwriter behind it).

    ``sheet()`` hands out the engine's worksheet for what only it can do (data validation,
    merged ranges, formulas); ``table_sheet()`` writes a plain table in the house style.
    """

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._styles: dict[str, Any] = {}

    def style(self, name: str) -> Any:
        """The format of ``STYLE[name]`` (made once per workbook)."""
        if name not in self._styles:
            self._styles[name] = self.engine.add_format(STYLE[name])
        return self._styles[name]

    def sheet(self, name: str) -> Any:
        r"""A new worksheet called ``name`` (at most 31 characters, no ``[]:*?/\``)."""
        return self.engine.add_worksheet(name)

    def table_sheet(self, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                    width: float = 16) -> Any:
        """A sheet of one table: styled header row, frozen, filter buttons, ``width`` columns.

        Numbers stay numbers (booleans are text), ``None`` writes no cell, anything else its
        ``str()``.
        """
        ws = self.sheet(name)
        ws.write_row(0, 0, headers, self.style("header"))
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        ws.freeze_panes(1, 0)
        ws.set_column(0, len(headers) - 1, width)
        ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        return ws


@contextlib.contextmanager
def save_path(target: Path, protect: Iterable[Path | str] = ()) -> Iterator[Path]:
    """The temporary path an xlsx is written to; renamed onto ``target`` on success.

    Refuses to write over a path in ``protect`` (the run's inputs).
    """
    with atomic_path(Path(target), protect=tuple(Path(p) for p in protect)) as tmp:
        yield tmp


@contextlib.contextmanager
def workbook(target: Path, protect: Iterable[Path | str] = ()) -> Iterator[Book]:
    """A formatted workbook saved atomically at ``target`` when the block ends."""
    # third-party and only needed here: `import pmkscheck.write` stays free of xlsxwriter
    import xlsxwriter

    with save_path(target, protect) as tmp:
        engine = xlsxwriter.Workbook(str(tmp))
        try:
            yield Book(engine)
        finally:
            engine.close()


def save_frame(frame: pd.DataFrame, target: Path, protect: Iterable[Path | str] = (),
               **options: Any) -> None:
    """One data sheet of ``frame`` saved atomically at ``target``.

    Written by :func:`.xlsxfast.write_frame` with its ``options`` (``sheet_name``,
    ``text_columns``, ``widths``, ...).
    """
    with save_path(target, protect) as tmp:
        write_frame(frame, tmp, **options)


def write_package(target: Path, parts: Sequence[tuple[str, str | Iterable[str]]],
                  compresslevel: int | None = None) -> None:
    """Write an xlsx package of ``parts``, in order, at ``target``.

    A ``str`` part is written whole, an iterable of ``str`` streamed chunk by chunk (a large
    sheet is never held as one string). Stored unless ``compresslevel`` is given. ``target`` is
    a path from :func:`save_path` (or a scratch file inside one).
    """
    with open_package(target, compresslevel) as z:
        for name, data in parts:
            if isinstance(data, str):
                z.writestr(name, data)
                continue
            with z.open(name, "w", force_zip64=True) as fh:
                for chunk in data:
                    fh.write(chunk.encode("utf-8"))


__all__ = ["FORMULA_START", "HEADER_FILL", "MAX_COLS", "MAX_ROWS", "MAX_TEXT", "STYLE",
           "TOTAL_FILL", "Book", "open_package", "save_frame", "save_path", "workbook",
           "write_package"]
