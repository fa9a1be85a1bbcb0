"""COLUMN_ and VALUE_ checks derived from the schema, run through pandera (lazy validation).

Stage ③ validate. Required columns missing, recommended columns missing, required values
missing, whole-number fields that are not whole numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.schema.to_pandera import INTEGER_TYPES, to_pandera


def _present(ctx: CheckContext) -> list[str]:
    return list(ctx.clean.columns)


@check("COLUMN_MISSING", "COLUMN_RECOMMENDED_MISSING", needs=())
def columns_present(ctx: CheckContext) -> pd.DataFrame:
    """Required and recommended fields absent from the header (file-level findings)."""
    present = set(_present(ctx))
    rows = []
    for spec in ctx.schema.fields:
        if spec.name in present or spec.derived:
            continue
        if spec.sheet_level and ctx.table.sheet_jenis:
            continue
        if spec.required:
            rows.append(("COLUMN_MISSING", spec.name))
        elif spec.recommended:
            rows.append(("COLUMN_RECOMMENDED_MISSING", spec.name))
    # file-level: index label None -> no row
    frame = pd.DataFrame(rows, columns=["code", "expected"])
    frame.index = pd.Index([None] * len(frame), dtype=object)
    frame["field"] = None
    return frame


@check("VALUE_MISSING", "VALUE_NOT_INTEGER", needs=())
def pandera_values(ctx: CheckContext) -> pd.DataFrame | None:
    """Required values missing and whole-number fields, validated lazily by pandera."""
    present = _present(ctx)
    schema = to_pandera(ctx.schema, present)
    frame = _frame(ctx, [c for c in present if c in schema.columns])
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
    else:
        return None
    cases = cases[cases["index"].notna()]
    if cases.empty:
        return None
    code = cases["check"].astype(str).map(
        lambda c: "VALUE_MISSING" if c == "not_nullable" else c)
    keep = code.isin(["VALUE_MISSING", "VALUE_NOT_INTEGER"]).to_numpy()
    cases, code = cases[keep], code[keep]
    index = pd.Index(cases["index"].to_numpy())
    return findings(index, field=cases["column"].to_numpy(dtype=object), code=code.to_numpy())


def _frame(ctx: CheckContext, columns: list[str]) -> pd.DataFrame:
    """The frame pandera validates.

    Whole-number fields as normalised ("005" -> "5"); every other field as *written* (blank =
    missing), so a value that is present but invalid ("X" as jenis kelamin) is reported once,
    by its own check, and not again as missing.
    """
    out = {}
    for name in columns:
        spec = ctx.schema.field(name)
        if spec is not None and spec.type in INTEGER_TYPES:
            out[name] = ctx.clean[name]
        else:
            raw = ctx.data[name]
            codes, uniques = pd.factorize(raw)  # blank test once per distinct value (issue 6)
            blank = np.array([not str(u).strip() for u in uniques] + [True], dtype=bool)
            out[name] = raw.where(~blank[codes], None)
    return pd.DataFrame(out, index=ctx.clean.index)


CHECKS = [columns_present, pandera_values]

__all__ = ["CHECKS", "pa"]
