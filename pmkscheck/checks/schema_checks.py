"""COLUMN_ and VALUE_ checks derived from the schema, run through pandera (lazy validation).

Stage ③ validate. Required columns missing, recommended columns missing, required values
missing, whole-number fields that are not whole numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.cleantext import arrow_text
from pmkscheck.processes import call
from pmkscheck.schema.to_pandera import FOUND, INTEGER_TYPES, failures, validated_fields


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
    """Required values missing and whole-number fields, validated lazily by pandera.

    Pandera validates each column's *distinct* values (issue 6: a 1M-row column often holds a
    few hundred), all columns in one call (:func:`failures`); each failing value is then
    reported on every row that holds it. Findings come column by column in table order, rows
    ascending (pandera's own failure cases come in no fixed order).
    """
    present = _present(ctx)
    index = ctx.clean.index
    codes: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    for name in validated_fields(ctx.schema, present):
        codes[name], values[name] = _distinct(ctx, name)
    failed = call(failures, ctx.schema, present, values) if values else {}
    parts = []
    for name, by_code in failed.items():
        for found in FOUND:
            if len(by_code[found]):
                rows = index[np.isin(codes[name], by_code[found])]
                parts.append(findings(rows, field=name, code=found))
    return pd.concat(parts) if parts else None


def _distinct(ctx: CheckContext, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The values pandera validates for one column: (code per row, distinct values).

    Whole-number fields as normalised ("005" -> "5"); every other field as *written* (blank =
    missing), so a value that is present but invalid ("X" as jenis kelamin) is reported once,
    by its own check, and not again as missing. Missing and blank values are ``None``.
    """
    spec = ctx.schema.field(name)
    integer = spec is not None and spec.type in INTEGER_TYPES
    column = ctx.clean[name] if integer else ctx.data[name]
    codes, uniques = distinct.factorize(column)
    uniques = np.asarray(uniques, dtype=object)
    if not integer:
        uniques = np.where(_blank(uniques), None, uniques)
    codes[codes < 0] = len(uniques)  # missing: the None appended below
    return codes, np.append(uniques, None)


def _blank(uniques: np.ndarray) -> np.ndarray:
    """``not str(u).strip()`` for each value; Python only for values that may be blank.

    A value whose first character is printable ASCII other than a space is never blank.
    """
    text = arrow_text(uniques)
    if text is None:
        maybe = np.arange(len(uniques))
    else:
        may = pc.match_substring_regex(text, "^$|^[^!-~]")
        maybe = np.flatnonzero(may.to_numpy(zero_copy_only=False))
    blank = np.zeros(len(uniques), dtype=bool)
    blank[maybe] = [not str(uniques[i]).strip() for i in maybe]
    return blank


CHECKS = [columns_present, pandera_values]

__all__ = ["CHECKS"]
