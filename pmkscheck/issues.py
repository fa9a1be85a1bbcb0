"""The record every stage shares: a finding (``Issue``) and its ``Severity``.

Checks produce issues, reporters read them. An issue is a record, not a sentence: the message is
rendered at report time from the rules catalogue (``pmkscheck.rules``) in the user's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    """How bad a finding is; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The lower-case name used in JSON, config files and ``--fail-on``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"error"`` -> ``Severity.ERROR`` (raises ``ValueError`` on anything else)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}") from None


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding at one place.

    Attributes:
        code: stable upper-snake code, documented in the rules catalogue.
        severity: from the catalogue (the runner fills it in).
        row: the row number the user sees (spreadsheet row or CSV line); ``None`` = file level.
        field: canonical field name (``nik``) or ``None``.
        column: the header as written in the file (``N I K``) or ``None``.
        letter: the spreadsheet column letter (``B``) or ``None`` (CSV, file level).
        value: the offending value as read, *unmasked*; reporters mask it.
        params: values for the message template (``{"other_row": 17}``).
    """

    code: str
    severity: Severity
    row: int | None = None
    field: str | None = None
    column: str | None = None
    letter: str | None = None
    value: str | None = None
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def cell(self) -> str | None:
        """A1 reference such as ``B15`` (``None`` for CSV or file-level findings)."""
        if self.letter and self.row:
            return f"{self.letter}{self.row}"
        return None

    def sort_key(self) -> tuple:
        """Order: file-level first, then by row, column letter, code."""
        letter = self.letter or ""
        return (self.row or 0, len(letter), letter, self.code)


@dataclass(frozen=True, slots=True)
class District:
    """The kab/kota a file belongs to, and how we know it."""

    code: str  # Kemendagri, 4 digits ("6408")
    name: str  # "Kabupaten Kutai Timur"
    source: str  # "option" | "file_name" | "title" | "wilayah" | "nik"
