"""Findings -> issues: a check's or a normaliser's findings, located, as an ``IssueTable``.

A finding is vectorised (a boolean ``pd.Series`` of passing rows, or a frame indexed by the
failing rows: see :mod:`pmkscheck.checks.base`). This module -- not the checks -- looks rows up on
``_row``, adds the column letter and header and takes the severity from the rules catalogue. It
sits below normalise and checks in the import layers because both produce findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.issues import Issue
from pmkscheck.issuetable import IssueTable
from pmkscheck.rules import catalogue
from pmkscheck.table import ROW, SourceTable

Findings = pd.Series | pd.DataFrame | list[Issue] | None  # what a check returns


def findings_to_issues(found: Findings, table: SourceTable, code: str | None,
                       fields: tuple[str, ...] = (), *, empty_value: str | None = None
                       ) -> IssueTable:
    """Convert a check's or normaliser's findings into an :class:`IssueTable`.

    The one converter of every table kind. A finding's row is looked up on ``_row`` of its index
    label, its letter and header from the field; a frame that carries ``row``, ``letter`` and
    ``column`` columns is already located (a recap's findings, located in the sheet grid) and
    keeps them. Severity comes from the rules catalogue. The other columns are the message
    parameters, missing ones dropped. A located frame concatenates the findings of several codes,
    so each finding keeps only the parameters its message or fix names (whole floats, sums of
    counts, as ``int``), and ``value`` is offered to a message that names ``{value}``
    (``empty_value`` when the cell is empty: a recap's empty count cell reads ``0``).

    Vectorised throughout (issue 16): no Python object per finding, only per distinct code,
    field or parameter column.
    """
    if found is None:
        return IssueTable.empty()
    if isinstance(found, list | tuple | IssueTable):  # issues the reader located itself
        return IssueTable.of(found)
    data = table.data
    if isinstance(found, pd.Series):
        bad = found.index[~found.astype("boolean").fillna(True).to_numpy(dtype=bool)]
        if len(bad) == 0:
            return IssueTable.empty()
        frame = pd.DataFrame(index=bad)
    else:
        frame = found
        if frame.empty:
            return IssueTable.empty()
    n = len(frame)
    codes = frame["code"].to_numpy(dtype=object) if "code" in frame else np.full(n, code, object)
    rules = catalogue()
    distinct_codes = pd.unique(codes)
    severity = np.zeros(n, dtype=np.int8)
    for c in distinct_codes:
        severity[codes == c] = int(rules[c].severity)
    default_field = fields[0] if fields else None
    if "field" in frame:
        fld = frame["field"].astype(object)
        fld_arr = fld.where(fld.notna(), default_field).to_numpy(dtype=object)
    else:
        fld_arr = np.full(n, default_field, dtype=object)
    located = "row" in frame  # located in the sheet by the check itself (recaps)
    rows = pd.to_numeric(frame["row"] if located else data[ROW].reindex(frame.index),
                         errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    if "value" in frame:
        values = _missing_as_none(frame["value"].to_numpy(dtype=object))
    else:
        values = np.full(n, None, dtype=object)
        for f in pd.unique(fld_arr):
            if f is None or f not in data.columns:
                continue
            sel = fld_arr == f
            values[sel] = data[f].reindex(frame.index[sel]).to_numpy(dtype=object)
        values = _missing_as_none(values)
    letters, headers = table.letters, table.headers
    if "letter" in frame:
        letter_arr = _texts(frame["letter"].to_numpy(dtype=object))
    else:
        letter_arr = _per_field(fld_arr, letters)
    if "column" in frame:
        column_arr = _texts(frame["column"].to_numpy(dtype=object))
    else:
        column_arr = _per_field(fld_arr, headers)
    if table.is_csv:
        letter_arr = np.full(n, None, dtype=object)
    elif not located:
        letter_arr = np.where(pd.isna(fld_arr) | (fld_arr == ""), None, letter_arr)
    params: dict[str, np.ndarray] = {}
    for name in frame.columns:
        if name in _LOCATION:
            continue
        given = frame[name]
        col = _missing_as_none(given.to_numpy(dtype=object, copy=True))  # Python numbers
        present = np.flatnonzero(col != None)  # noqa: E711 (elementwise)
        if not present.size:  # a parameter of another code of the frame
            continue
        if given.dtype == object or (located and given.dtype.kind == "f"):
            conv = _param if located else plain  # numpy scalars in an object column
            col[present] = np.fromiter((conv(x) for x in col[present].tolist()), dtype=object,
                                       count=present.size)
        params[name] = col
    if located:  # the frame's columns are the parameters of several codes: keep the named
        for c in distinct_codes:
            wanted = rules[c].placeholders
            sel = codes == c
            for name, col in params.items():
                if name not in wanted:
                    col[sel] = None
            if "value" in wanted:
                given = params.setdefault("value", np.full(n, None, dtype=object))
                shown = [empty_value if v is None else _param(v) for v in values[sel].tolist()]
                given[sel] = np.fromiter(shown, dtype=object, count=len(shown))
        params = {k: v for k, v in params.items() if not (v == None).all()}  # noqa: E711
    return IssueTable(codes, severity, rows, _texts(fld_arr), column_arr, letter_arr,
                      _as_text(values), params)


_LOCATION = frozenset({"code", "field", "value", "row", "letter", "column"})


def _texts(values: np.ndarray) -> np.ndarray:
    """Cells of a location column as text, missing ones ``None``."""
    inverse, uniques = pd.factorize(values)  # missing: -1; text made once per distinct value
    texts = np.fromiter((u if isinstance(u, str) else str(u) for u in uniques.tolist()),
                        dtype=object, count=len(uniques))
    return np.append(texts, None)[inverse]  # -1 picks the appended None


def _as_text(values: np.ndarray) -> np.ndarray:
    """Values as read, as text (``None`` kept): a recap's count cell may be a number."""
    if all(isinstance(x, str) or x is None for x in pd.unique(values).tolist()):
        return values
    return _texts(values)


def _per_field(fld_arr: np.ndarray, lookup: dict[str, str]) -> np.ndarray:
    """``lookup[field]`` per finding (a letter or a header), looked up once per field."""
    out = np.full(len(fld_arr), None, dtype=object)
    for f in pd.unique(fld_arr):
        if f:
            out[fld_arr == f] = lookup.get(f)
    return out


def _missing_as_none(values: np.ndarray) -> np.ndarray:
    """``values`` with NaN, NaT and pd.NA as ``None`` (a copy when anything changed)."""
    if not len(values):
        return values
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def _param(x: object) -> object:
    """A message parameter: numpy scalars as Python ones, whole floats (sums) as ``int``."""
    x = plain(x)
    return int(x) if isinstance(x, float) and x.is_integer() else x


def plain(x: object) -> object:
    """Numpy scalars -> Python scalars (JSON-friendly params)."""
    return x.item() if isinstance(x, np.generic) else x


__all__ = ["Findings", "IssueTable", "findings_to_issues", "plain"]
