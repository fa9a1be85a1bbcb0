"""Schema -> ``pandera.DataFrameSchema`` for the structural and basic value checks.

Stage: schema -> validate. Validated lazily, so every failure is collected; pandera's
``SchemaErrors`` never leave ``pmkscheck.checks``. Each pandera check is named with its
catalogue code, so a failure case maps straight back to an issue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmkscheck.schema.model import FieldSpec, Schema

if TYPE_CHECKING:
    import pandera.pandas as pa

# Field types whose values are whole numbers (after normalisation).
INTEGER_TYPES = ("integer", "count")  # RT/RW have their own check (RT_RW_INVALID)
# Required fields whose "missing" has its own, domain-specific code (e.g. NIK_MISSING).
OWN_MISSING_CODE = ("nik",)
# The codes of the pandera checks (its own "not_nullable" is VALUE_MISSING).
FOUND = ("VALUE_MISSING", "VALUE_NOT_INTEGER")


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


def failures(schema: Schema, present: list[str],
             values: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """Validate the distinct values of each column with the pandera schema, in one call.

    The columns' values, of different lengths, are padded to one frame (padding is ``"0"``, a
    whole number; whatever the padding rows fail is dropped with them). Runs in this process
    or in the pandera helper (:mod:`pmkscheck.processes`): the same schema on the same values
    either way. Returns, for each column that fails, the positions in its ``values`` that fail
    each code of :data:`FOUND`.
    """
    from pandera.errors import SchemaErrors  # ~0.4 s: only where values are validated

    pandera_schema = to_pandera(schema, present)
    names = []
    for name in values:
        column = pandera_schema.columns.get(name)
        if column is not None and not (column.nullable and not column.checks):
            names.append(name)  # else nothing to validate but the dtype (see validated_fields)
    if not names:
        return {}
    rows = max(len(values[name]) for name in names)
    frame = pd.DataFrame({name: np.concatenate([values[name], np.full(
        rows - len(values[name]), "0", dtype=object)]) for name in names})
    try:
        pandera_schema.select_columns(names).validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
    else:
        return {}
    cases = cases[cases["index"].notna()]
    out: dict[str, dict[str, np.ndarray]] = {}
    for name in names:
        mine = cases[(cases["column"] == name).to_numpy()]
        if not len(mine):
            continue
        index = mine["index"].to_numpy().astype(np.intp)
        code = mine["check"].astype(str).map(
            lambda c: "VALUE_MISSING" if c == "not_nullable" else c).to_numpy()
        real = index < len(values[name])
        out[name] = {found: index[real & (code == found)] for found in FOUND}
    return out


def warm() -> None:
    """Import pandera and its built-in checks (validate one value): what :func:`failures` needs.

    Run while something else works: the isolated reader (large files, ``pipeline._warm_up``)
    or this process (small files: in the helper of :mod:`pmkscheck.processes`, which imports
    only this module, pandas and pandera).
    """
    field = FieldSpec(name="n", type="integer", required=True)
    schema = Schema(name="warm", kind="individu", fields=(field,))
    failures(schema, ["n"], {"n": np.array(["1", None], dtype=object)})
