"""The structure check: what the reader noticed about the file and the table, as findings.

Stage ③ validate, for every table kind. The reader (stage ①) does not report anything itself:
it hands over its notices -- hidden sheets, rows and columns, unknown or duplicate headers,
formulas without cached values, ragged CSV rows, macros, ... -- already located at their cell
(``SourceTable.notices``, and the file-level ``ReadResult.notices`` with the file's first table,
``CheckContext.notices``). This one check turns them into findings, for person lists and recaps
alike; a recap drops the notices that describe person-list columns.
"""

from __future__ import annotations

from pmkscheck.checks.base import CheckContext, check
from pmkscheck.issues import Issue

#: Reader notices that describe person-list columns and mean nothing for a recap (many columns
#: per field, formula totals): the recap checks report these situations in their own terms.
RECAP_DROPPED = frozenset({"COLUMN_DUPLICATE", "COLUMN_UNKNOWN", "COLUMN_MISSING",
                           "COLUMN_RECOMMENDED_MISSING", "CELL_FORMULA_NO_VALUE",
                           "CELL_ERROR", "JENIS_FROM_SHEET"})


@check()  # codes: whatever the reader noticed; the report builder applies --select/--ignore
def reader_notices(ctx: CheckContext) -> list[Issue]:
    """The reader's notices of the file (first table only) and of the table, in that order."""
    found = [*ctx.notices, *ctx.table.notices]
    if ctx.schema.kind == "rekap":
        found = [n for n in found if n.code not in RECAP_DROPPED]
    return found


CHECKS = [reader_notices]
