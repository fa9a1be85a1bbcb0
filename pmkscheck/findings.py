"""Findings -> issues: what a check or a normaliser returns, turned into located :class:`Issue` s.

A finding is vectorised (a boolean ``pd.Series`` of passing rows, or a frame indexed by the
failing rows: see :mod:`pmkscheck.checks.base`). This module -- not the checks -- looks rows up on
``_row``, adds the column letter and header and takes the severity from the rules catalogue. It
sits below normalise and checks in the import layers because both produce findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.issues import Issue
from pmkscheck.rules import catalogue
from pmkscheck.table import ROW, SourceTable

Findings = pd.Series | pd.DataFrame | list[Issue] | None


def findings_to_issues(found: Findings, table: SourceTable, code: str | None,
                       fields: tuple[str, ...] = (), *, empty_value: str | None = None
                       ) -> list[Issue]:
    """Convert a check's or normaliser's findings into :class:`Issue` records.

    The one converter of every table kind. A finding's row is looked up on ``_row`` of its index
    label, its letter and header from the field; a frame that carries ``row``, ``letter`` and
    ``column`` columns is already located (a recap's findings, located in the sheet grid) and
    keeps them. Severity comes from the rules catalogue. The other columns are the message
    parameters, missing ones dropped. A located frame concatenates the findings of several codes,
    so each finding keeps only the parameters its message or fix names (whole floats, sums of
    counts, as ``int``), and ``value`` is offered to a message that names ``{value}``
    (``empty_value`` when the cell is empty: a recap's empty count cell reads ``0``).

    Vectorised up to the final list construction: rows, letters and values are gathered with
    whole-column operations, then one tuple per finding becomes an ``Issue``.
    """
    if found is None:
        return []
    if isinstance(found, list):  # issues the reader located itself (its notices)
        return list(found)
    data = table.data
    if isinstance(found, pd.Series):
        bad = found.index[~found.fillna(True).astype(bool).to_numpy()]
        if len(bad) == 0:
            return []
        frame = pd.DataFrame(index=bad)
    else:
        frame = found
        if frame.empty:
            return []
    n = len(frame)
    codes = frame["code"].to_numpy(dtype=object) if "code" in frame else np.full(n, code, object)
    default_field = fields[0] if fields else None
    if "field" in frame:
        fld = frame["field"].astype(object).where(frame["field"].notna(), default_field)
        fld_arr = fld.to_numpy(dtype=object)
    else:
        fld_arr = np.full(n, default_field, dtype=object)
    located = "row" in frame  # located in the sheet by the check itself (recaps)
    rows = (frame["row"] if located else data[ROW].reindex(frame.index)).to_numpy()
    if "value" in frame:
        values = frame["value"].to_numpy(dtype=object)
    else:
        values = np.full(n, None, dtype=object)
        for f in pd.unique(fld_arr):
            if f is None or f not in data.columns:
                continue
            sel = fld_arr == f
            values[sel] = data[f].reindex(frame.index[sel]).to_numpy(dtype=object)
    letters, headers = table.letters, table.headers
    if "letter" in frame:
        letter_arr = _texts(frame["letter"].to_numpy(dtype=object))
    else:
        letter_arr = [letters.get(f) if f else None for f in fld_arr.tolist()]
    if "column" in frame:
        column_arr = _texts(frame["column"].to_numpy(dtype=object))
    else:
        column_arr = [headers.get(f) if f else None for f in fld_arr.tolist()]
    fld_arr = _texts(fld_arr)
    param_cols = [c for c in frame.columns if c not in _LOCATION]
    params_records = (
        frame[param_cols].to_dict("records") if param_cols else [{}] * n
    )
    rules = catalogue()
    # missing rows and values found for the whole frame at once, not per finding
    rows = np.where(pd.isna(rows), None, rows) if rows.dtype == object else rows
    rows = [None if r is None or r != r else int(r) for r in rows.tolist()]  # r != r: NaN
    values = np.where(pd.isna(values), None, values).tolist()
    out: list[Issue] = []
    for c, r, f, lt, col, v, p in zip(codes, rows, fld_arr, letter_arr, column_arr, values,
                                      params_records, strict=True):
        rule = rules[c]
        if located:  # the frame's columns are the parameters of several codes: keep the named
            wanted = rule.placeholders
            if "value" in wanted:
                p = {"value": empty_value if v is None else v, **p}
            p = {k: _param(x) for k, x in p.items() if k in wanted and not is_missing(x)}
        elif p:
            p = {k: plain(x) for k, x in p.items() if not is_missing(x)}
        out.append(Issue(
            code=rule.code, severity=rule.severity, row=r,
            field=f, column=col,
            letter=None if table.is_csv or (not f and not located) else lt,
            value=None if v is None else str(v),
            params=p,
        ))
    return out


_LOCATION = frozenset({"code", "field", "value", "row", "letter", "column"})


def _texts(values: np.ndarray) -> list[str | None]:
    """Cells of a location column as text, missing ones ``None``."""
    return [None if is_missing(x) else str(x) for x in values.tolist()]


def _param(x: object) -> object:
    """A message parameter: numpy scalars as Python ones, whole floats (sums) as ``int``."""
    x = plain(x)
    return int(x) if isinstance(x, float) and x.is_integer() else x


def is_missing(x: object) -> bool:
    """``None``, NaN, NaT or pd.NA (a scalar that pandas considers missing)."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def plain(x: object) -> object:
    """Numpy scalars -> Python scalars (JSON-friendly params)."""
    return x.item() if isinstance(x, np.generic) else x


__all__ = ["Findings", "findings_to_issues", "is_missing", "plain"]
