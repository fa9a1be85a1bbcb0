"""Distinct values of a text column, safely: ``factorize`` and ``unique`` for every stage.

Every stage works once per distinct value (issue 6), and pandas' ``pd.factorize`` /
``pd.unique`` are the fast way to get them -- with one trap: for an object array in which every
value is a ``str`` (no ``None``), pandas hashes the values as C strings, which end at the first
NUL character, so "a" + NUL + "b", "a" + NUL + "c" and "a" become ONE value
(pandas 2.3; a NUL reaches us from a CSV file or an ``_x0000_`` escape in a workbook). Mapped back
to the rows, one cell would silently get another cell's cleaned value. :func:`factorize` takes
pandas' fast answer and checks it with one vectorised comparison of every value with the unique
it was given (~30 ms per 1M values); only when that fails (a NUL merged two values) does it
factorize again with a ``None`` behind the values, which makes pandas compare real Python strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def factorize(values: Any, use_na_sentinel: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` for text that never merges distinct strings (see the module docstring).

    Args:
        values: a Series, an array or a list (object values: ``str``, ``None``, anything hashable).
        use_na_sentinel: as in pandas: missing values get code -1 (True) or a code of their own.

    Returns:
        ``(codes, uniques)`` exactly as ``pd.factorize`` would give them without the trap.

    >>> nul = chr(0)
    >>> codes, uniques = factorize(["a" + nul + "b", "a" + nul + "c", "a", "a" + nul + "b"])
    >>> codes.tolist(), len(uniques)
    ([0, 1, 2, 0], 3)
    """
    arr = _objects(values)
    codes, uniques = pd.factorize(arr, use_na_sentinel=use_na_sentinel)
    uniques = np.asarray(uniques, dtype=object)
    # the trap can only have struck if some value differs from the unique it was given:
    # one vectorised comparison (cheaper than the slow path's hashing) tells
    if bool(np.all(np.equal(take_or_none(uniques, codes), arr))):
        return codes, uniques
    return _factorize_slow(arr, use_na_sentinel)


def _factorize_slow(arr: np.ndarray, use_na_sentinel: bool) -> tuple[np.ndarray, np.ndarray]:
    """The object hashtable: a ``None`` behind the values keeps pandas from the C-string one."""
    n = len(arr)
    padded = np.empty(n + 1, dtype=object)
    padded[:n] = arr
    padded[n] = None
    codes, uniques = pd.factorize(padded, use_na_sentinel=use_na_sentinel)
    codes = codes[:n]
    uniques = np.asarray(uniques, dtype=object)
    if not use_na_sentinel and len(uniques) and not (codes == len(uniques) - 1).any():
        uniques = uniques[:-1]  # the None was only the padding
    return codes, uniques


def unique(values: Any) -> np.ndarray:
    """``pd.unique`` for text that never merges distinct strings (order of first appearance).

    >>> nul = chr(0)
    >>> unique(["a", "a" + nul + "b", None, "a"]).tolist() == ["a", "a" + nul + "b", None]
    True
    """
    arr = _objects(values)
    padded = np.empty(len(arr) + 1, dtype=object)
    padded[:-1] = arr
    padded[-1] = None
    out = np.asarray(pd.unique(padded), dtype=object)
    if not np.equal(arr, None).any():
        out = out[:-1]  # the None was only the padding (a first appearance is always last)
    return out


def take_or_none(values: Any, codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` as an object array, ``None`` where a code is -1: undoes :func:`factorize`.

    >>> take_or_none(["a", "b"], np.array([1, -1, 0])).tolist()
    ['b', None, 'a']
    """
    table = np.empty(len(values) + 1, dtype=object)  # slot-wise: tuples stay single objects
    table[:-1] = values
    table[-1] = None
    return table[codes]


def _objects(values: Any) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype=object)
    arr = np.asarray(values, dtype=object)
    return arr.reshape(-1) if arr.ndim != 1 else arr


__all__ = ["factorize", "take_or_none", "unique"]
