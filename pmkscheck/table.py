"""What the reader hands to every later stage: a ``SourceTable``.

Stage ① (read) produces it; normalise, checks and reporters read it. Row numbers and column
letters are fixed here, once, and are the user's: ``data["_row"]`` is the spreadsheet row as Excel
shows it (CSV: the 1-based line number of the record's first line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmkscheck.issues import Issue

ROW = "_row"

# Cell kinds: what the cell *was* in the file, kept where it matters (issue 2, item 2).
KIND_EMPTY = ""
KIND_TEXT = "s"
KIND_NUMBER = "n"
KIND_DATE = "d"  # a real date/datetime cell (text of the value is ISO yyyy-mm-dd)
KIND_BOOL = "b"
KIND_ERROR = "e"  # #REF!, #N/A, #DIV/0! ... (text of the value is the error literal)
KIND_FORMULA_NO_VALUE = "f"  # a formula without a cached value (text is "")
KIND_FORMULA = "F"  # a formula with a cached value (text is the cached value)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the source table as the user sees it.

    Attributes:
        header: the header as written (multi-row headers joined with " / ").
        field: canonical schema field, or ``None`` for an unrecognised header.
        letter: spreadsheet column letter (``"B"``); for CSV the letter the column would have.
        index: 0-based position of the column in the sheet / CSV record.
        hidden: the column is hidden in the workbook.
    """

    header: str
    field: str | None
    letter: str
    index: int
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row inside or under the table that is not a record (never checked as data)."""

    row: int
    reason: str  # "blank" | "section" | "total" | "signature" | "repeated_header" | "note"
    text: str = ""


@dataclass
class SourceTable:
    """One recognised table of one sheet (or one CSV file), read as text.

    Attributes:
        path: the input file.
        format: the detected container format: xlsx, xlsm, xls, ods, csv, tsv.
        sheet: sheet name (``None`` for CSV).
        header_row: spreadsheet row (1-based) of the *last* header row; CSV: its line number.
        data: one column per canonical field found (values are ``str`` or ``None``; never NaN
            floats), plus ``_row``. Fields derived from another column (``tempat_lahir`` and
            ``tanggal_lahir`` split from a ``TTL`` column) are included.
        kinds: per field, the cell kind codes (``KIND_*``), same index as ``data``; CSV: all text.
        columns: every source column, recognised or not, in sheet order.
        letters: field -> column letter (derived fields point at their source column).
        headers: field -> header as written.
        skipped_rows: rows that are not records, with their reason.
        notices: file-level findings of the reader (hidden sheets, unknown or duplicate headers,
            jenis taken from the sheet name, formulas without cached values, ...).
        title_lines: the text of the rows above the header (for district and jenis inference).
        sheet_jenis: jenis PMKS given once for the whole sheet (sheet name / title), or ``None``.
        extra: values of the columns that are not schema fields (unknown, blank-header or
            duplicate columns), keyed by header, same index as ``data``: never checked, but
            copied to the cleaned file so that nothing is thrown away.
        schema: name of the schema whose headers matched.
        encoding: for CSV, the encoding detected; delimiter likewise.
        grid: recap tables only: the sheet as read by the isolated reader (the recap checks
            locate their header groups in it; the parent never opens the file again).
        period_hint: the period the data describes as the table states it outside the title
            rows (a recap's ``tahun`` column: ``"2023"``), for the data date; else ``None``.
    """

    path: Path
    format: str
    sheet: str | None
    header_row: int | None
    data: pd.DataFrame
    kinds: dict[str, pd.Series] = field(default_factory=dict)
    columns: list[Column] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    sheet_jenis: str | None = None
    extra: pd.DataFrame | None = None
    schema: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    grid: object | None = None  # pmkscheck.read.grid.Grid (not imported: read imports table)
    period_hint: str | None = None

    @property
    def is_csv(self) -> bool:
        """CSV/TSV tables have line numbers but no cell references."""
        return self.format in ("csv", "tsv")

    @property
    def fields(self) -> list[str]:
        """Canonical fields present (derived ones included), in sheet order."""
        return [c for c in self.data.columns if c != ROW]


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> ``A``, 27 -> ``AB``).

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """Spreadsheet letters -> 0-based column index (``"A"`` -> 0, ``b"XFD"`` -> 16383).

    >>> column_index("A"), column_index("ab"), column_index(b"XFD")
    (0, 27, 16383)
    """
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    n = 0
    for ch in text.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1
