"""A sheet as read, before layout detection: a ``Grid`` of text columns with cell kinds.

Stage ① read. Every container format (xlsx/xlsm via fastexcel or calamine, xls/ods via calamine,
CSV/TSV via pyarrow or the stdlib csv module) is turned into the same shape, so that the layout
stage (:mod:`pmkscheck.read.layout`)
works on one thing: column-wise numpy object arrays of ``str``/``None`` plus, per column, the cell
kind codes (``pmkscheck.table.KIND_*``) and the user's row number of every grid row.

Cell values are converted per *unique* value, never with per-cell formatting work: a numeric cell
``6472030101010000.0`` becomes ``"6472030101010000"`` (never ``6.47203e+15``), ``12.5`` stays
``"12.5"``, a date cell becomes ISO text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.table import (
    KIND_BOOL,
    KIND_DATE,
    KIND_EMPTY,
    KIND_ERROR,
    KIND_NUMBER,
    KIND_TEXT,
)

#: Text of spreadsheet error values; a text cell holding exactly one of these is an error cell
#: too (xls/ods readers hand errors over as text, and a pasted ``#N/A`` is just as broken).
ERROR_LITERALS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
    "Err:502", "Err:504", "Err:508", "Err:510", "Err:511", "Err:512", "Err:522", "Err:523",
})


@dataclass
class Grid:
    """One sheet (or CSV file) as columns of text.

    Attributes:
        name: sheet name (``None`` for CSV).
        cols: one object array per column (index 0 = column ``A``): ``str`` or ``None``.
        kinds: one array of kind codes per column (``None`` = every non-empty cell is text).
        rows: the user's row number of every grid row (spreadsheet row / CSV line), int64.
        merges: merged ranges as ``(row0, col0, row1, col1)`` grid indices, inclusive.
        hidden_rows: user row numbers of hidden rows.
        hidden_cols: 0-based indices of hidden columns.
        widths: CSV only: number of fields of each record (for ragged-row notices).
    """

    name: str | None
    cols: list[np.ndarray]
    kinds: list[np.ndarray] | None
    rows: np.ndarray
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()
    widths: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        """Number of grid rows."""
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        """Number of columns."""
        return len(self.cols)

    def kind(self, col: int) -> np.ndarray:
        """Kind codes of column ``col`` (text/empty for CSV)."""
        if self.kinds is not None:
            return self.kinds[col]
        return _TEXT_OR_EMPTY.take(self.notna(col).view(np.int8))

    def notna(self, col: int) -> np.ndarray:
        """Boolean mask of non-empty cells of column ``col`` (computed once)."""
        cache = self.__dict__.setdefault("_notna", {})
        if col not in cache:
            cache[col] = ~_isnone(self.cols[col])
        return cache[col]

    def row_cells(self, i: int) -> list[str | None]:
        """All cells of grid row ``i`` (layout uses this on the few rows near the header)."""
        return [c[i] for c in self.cols]


_TEXT_OR_EMPTY = np.array([KIND_EMPTY, KIND_TEXT], dtype=object)


def _isnone(values: np.ndarray) -> np.ndarray:
    return np.equal(values, None)


def number_text(value: float | int) -> str:
    """Text of a numeric cell: integral values without ``.0`` or exponent, others without noise.

    >>> number_text(6472030101010000.0), number_text(12.5), number_text(0.1 + 0.2)
    ('6472030101010000', '12.5', '0.3')
    >>> number_text(1e20), number_text(-3.0)
    ('100000000000000000000', '-3')
    """
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e22:
            return str(int(value))
        text = format(value, ".15g")
        if "e" in text:  # tiny numbers: keep Python's shortest repr
            text = repr(value)
        return text
    return str(value)


def date_text(value: object) -> str:
    """ISO text of a date/datetime/time cell (midnight datetimes as plain dates)."""
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return number_text(value.total_seconds() / 86400)
    return str(value)


_KIND_OF_TYPE: dict[type, str] = {
    float: KIND_NUMBER, int: KIND_NUMBER, bool: KIND_BOOL,
    dt.date: KIND_DATE, dt.datetime: KIND_DATE, dt.time: KIND_DATE, dt.timedelta: KIND_NUMBER,
}


def _text_of(typ: type, value: object) -> str:
    if typ is bool:
        return "TRUE" if value else "FALSE"
    if typ in (float, int):
        return number_text(value)  # type: ignore[arg-type]
    return date_text(value)


def convert_column(values: Sequence, check_errors: bool = True
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Calamine cell values of one column -> (text array, kind array).

    Strings are kept as they are (``""`` -> ``None``); floats are formatted vectorised (integral
    ones as integers); other types once per unique value. Text equal to a spreadsheet error
    literal gets :data:`KIND_ERROR`.
    """
    n = len(values)
    texts = np.empty(n, dtype=object)
    texts[:] = values
    types = list(map(type, values))
    if types.count(str) == n:
        kinds = np.full(n, KIND_TEXT, dtype=object)
        texts = _share_repeats(texts)
    else:
        tarr = np.empty(n, dtype=object)
        tarr[:] = types
        kinds = np.full(n, KIND_TEXT, dtype=object)
        is_float = tarr == float  # noqa: E721 - elementwise numpy comparison
        if is_float.any():
            texts[is_float] = float_texts(texts[is_float].astype(np.float64))
            kinds[is_float] = KIND_NUMBER
        other = ~is_float & (tarr != str)  # noqa: E721 - elementwise numpy comparison
        if other.any():
            idx = np.flatnonzero(other)
            keys = {(types[i], values[i]) for i in idx}
            mapping = {k: _text_of(*k) for k in keys}
            texts[idx] = [mapping[(types[i], values[i])] for i in idx]
            kinds[idx] = [_KIND_OF_TYPE.get(types[i], KIND_TEXT) for i in idx]
    empty = texts == ""
    if empty.any():
        texts[empty] = None
        kinds[empty] = KIND_EMPTY
    if n and check_errors:
        errors = _error_mask(texts)
        if errors is not None:
            kinds[errors] = KIND_ERROR
    return texts, kinds


def float_texts(values: np.ndarray) -> np.ndarray:
    """Vectorised :func:`number_text` for a float array (integral values via int64)."""
    out = np.empty(len(values), dtype=object)
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(values) & (values == np.trunc(values)) & (np.abs(values) < 1e18)
    if integral.any():
        out[integral] = values[integral].astype(np.int64).astype(str).astype(object)
    rest = np.flatnonzero(~integral)
    if len(rest):
        uniques = {v: number_text(v) for v in set(values[rest].tolist())}
        out[rest] = [uniques[v] for v in values[rest].tolist()]
    return out


def _error_mask(texts: np.ndarray) -> np.ndarray | None:
    """Cells whose text is an error literal (checked per unique value starting with # or E)."""
    uniques = distinct.unique(texts)
    bad = [v for v in uniques if v is not None and v[:1] in ("#", "E") and v in ERROR_LITERALS]
    if not bad:
        return None
    return pd.Series(texts).isin(bad).to_numpy()


def _share_repeats(arr: np.ndarray) -> np.ndarray:
    """Let equal strings of a repetitive column share one object (desa, kecamatan, jenis...).

    A 1M-row sheet repeats the same few hundred names on every row and the readers make a new
    string object per cell; sharing them saves most of the memory such columns take.
    """
    if len(arr) > 4000 and len(set(arr[:2000].tolist())) <= 200:
        codes, uniques = distinct.factorize(arr, use_na_sentinel=False)
        return np.asarray(uniques, dtype=object).take(codes)
    return arr


def arrow_texts(array: object, empty_as_none: bool = False) -> np.ndarray:
    """An Arrow string array -> object array of ``str``/``None``.

    A repetitive column (desa, kecamatan, jenis, cell kinds: few distinct texts in its first
    2,000 cells) goes through a dictionary, so that each distinct text is one Python string
    shared by every cell that holds it (memory on 1M rows); a column of mostly distinct texts
    (names, NIKs) is converted directly, which is several times cheaper than hashing it.

    Args:
        array: a pyarrow string array.
        empty_as_none: ``""`` becomes ``None`` too (cell text as read).
    """
    import pyarrow.compute as pc

    if array.null_count == len(array):  # type: ignore[attr-defined,arg-type]
        return np.full(len(array), None, dtype=object)  # type: ignore[arg-type]
    if len(pc.unique(array.slice(0, 2000))) > 200:  # type: ignore[attr-defined]
        out = array.to_numpy(zero_copy_only=False)  # type: ignore[attr-defined]
        if empty_as_none:
            out[out == ""] = None
        return out
    encoded = pc.dictionary_encode(array)
    uniques = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    if empty_as_none:
        uniques[uniques == ""] = None
    return distinct.take_or_none(uniques, encoded.indices.fill_null(-1).to_numpy())
