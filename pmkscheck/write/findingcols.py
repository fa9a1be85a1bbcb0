"""Stage ⑤ write: the findings of one table as arrays, what the annotated workbook reads (issue 16).

When Excel destroys a NIK column every row carries a finding; the annotated workbook then places,
fills and lists hundreds of thousands of them. It does so over columns, not objects: rows as an
``int64`` array, codes, fields, letters and texts as ids into a small table of their distinct
values (:class:`Factor`), so that escaping and formatting run once per *distinct* text.

:func:`finding_arrays` is the one adapter from a :class:`~pmkscheck.report.model.FileReport` to
these arrays; everything after it in :mod:`pmkscheck.write.notes` and :mod:`.sheets` reads arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pmkscheck import distinct
from pmkscheck.report.model import rendered

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport
    from pmkscheck.settings import Settings


@dataclass(frozen=True)
class Factor:
    """A text column as ids into its distinct values (``""`` stands for none)."""

    ids: np.ndarray  # int64, one per finding
    values: list[str]

    @classmethod
    def of(cls, items: Sequence[str | None] | np.ndarray) -> Factor:
        """Factorize ``items`` (``None`` becomes ``""``)."""
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        arr[np.equal(arr, None)] = ""
        codes, uniques = distinct.factorize(arr)
        return cls(np.asarray(codes, dtype=np.int64), [str(v) for v in uniques])

    def array(self) -> np.ndarray:
        """The values, one per finding (an object array)."""
        table = np.empty(len(self.values), dtype=object)
        table[:] = self.values
        return table[self.ids] if len(self.values) else np.full(len(self.ids), "", dtype=object)

    def __getitem__(self, i: int) -> str:
        return self.values[self.ids[i]]


@dataclass(frozen=True)
class FindingArrays:
    """The findings of one table, in ``FileReport.issues`` order, as columns.

    ``message``, ``fix`` and ``value`` are the rendered texts (language and masking of the run),
    the same the JSON report shows.
    """

    code: Factor
    severity: np.ndarray  # int64: 1 info, 2 warning, 3 error
    row: np.ndarray  # int64: the user's row number, 0 = no row
    field: Factor
    column: Factor  # the header as written in the file
    letter: Factor
    message: Factor
    fix: Factor
    value: Factor

    def __len__(self) -> int:
        return len(self.row)


def finding_arrays(f: FileReport, settings: Settings) -> FindingArrays:
    """The one adapter: ``f.issues`` (an ``IssueTable``) and their texts as arrays.

    The texts come from the report model's one rendering (``report.model.rendered``, shared
    with the JSON report): every column is factorized at once, nothing runs per finding.
    """
    t = f.issues
    r = rendered(f, settings)
    return FindingArrays(
        code=Factor.of(t.code), severity=t.severity.astype(np.int64),
        row=t.row.astype(np.int64), field=Factor.of(t.field),
        column=Factor.of(t.column), letter=Factor.of(t.letter), message=Factor.of(r.message),
        fix=Factor.of(r.fix), value=Factor.of(r.value),
    )
