"""Schema -> ``pandera.DataFrameSchema`` for the structural and basic value checks.

Stage: schema -> validate. Validated lazily, so every failure is collected; pandera's
``SchemaErrors`` never leave ``pmkscheck.checks``. Each pandera check is named with its
catalogue code, so a failure case maps straight back to an issue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmkscheck.schema.model import Schema

if TYPE_CHECKING:
    import pandera.pandas as pa

# Field types whose values are whole numbers (after normalisation).
INTEGER_TYPES = ("integer", "count")  # RT/RW have their own check (RT_RW_INVALID)
# Required fields whose "missing" has its own, domain-specific code (e.g. NIK_MISSING).
OWN_MISSING_CODE = ("nik",)


def validated_fields(schema: Schema, present: list[str]) -> list[str]:
    """The fields of ``present`` that :func:`to_pandera`'s schema has something to check in.

    A column of that schema that may be null and has no check is left out (only its dtype,
    ``object``, would be validated); known without importing pandera (issue 16: the values
    are validated in a helper process, :mod:`pmkscheck.processes`).
    """
    specs = {spec.name: spec for spec in schema.fields if not spec.derived}
    return [name for name in present if name in specs and (
        specs[name].type in INTEGER_TYPES
        or (specs[name].required and name not in OWN_MISSING_CODE))]


def to_pandera(schema: Schema, present: list[str]) -> pa.DataFrameSchema:
    """Build the pandera schema for the fields ``present`` in a table.

    * a required field is a column that must exist (``COLUMN_MISSING``) and hold a value in every
      record (``VALUE_MISSING``);
    * integer-typed fields must be whole numbers (``VALUE_NOT_INTEGER``).
    """
    import pandera.pandas as pa  # ~0.4 s: only where the values are validated (issue 16)

    columns: dict[str, pa.Column] = {}
    for spec in schema.fields:
        if spec.derived:  # e.g. "ttl": checked through the fields it is split into
            continue
        checks = []
        if spec.type in INTEGER_TYPES:
            # str.isdecimal() is the same test as fullmatch(r"\d+"), ~2.5x faster
            checks.append(pa.Check(lambda s: s.astype(str).str.isdecimal(),
                                   name="VALUE_NOT_INTEGER", ignore_na=True))
        columns[spec.name] = pa.Column(
            object,
            nullable=not (spec.required and spec.name not in OWN_MISSING_CODE),
            required=spec.required and spec.name in present,
            checks=checks,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, name=schema.name)
