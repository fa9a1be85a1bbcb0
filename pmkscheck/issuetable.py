"""Findings as columns (issue 16): an :class:`IssueTable` holds one array per attribute.

A column Excel destroyed gives every row of a million-row list two or three findings. As Python
objects (one :class:`~pmkscheck.issues.Issue` and one parameter dict each) they took gigabytes
and seconds to build, sort, count and render. An ``IssueTable`` keeps them as columns instead:

* ``code``: the code of each finding (an object array of a few distinct, shared strings);
* ``severity``: ``int8`` (:class:`~pmkscheck.issues.Severity` values);
* ``row``: ``int64``, the row the user sees, ``0`` for a file-level finding;
* ``field``, ``column``, ``letter``, ``value``: object arrays (``None`` where absent);
* ``params``: side columns, one object array per message parameter (``None`` = the finding has
  no such parameter).

Counting, filtering, sorting and grouping are whole-array operations; the reporters read the
columns. The table is still a sequence of :class:`Issue`: iterating or indexing one position
builds that finding's record on the fly (for the few places that want one, and for tests).
A table is never changed after it is built; every method returns a new one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmkscheck.issues import Issue, Severity

_SEVERITIES = {int(s): s for s in Severity}
_TEXT_COLUMNS = ("field", "column", "letter", "value")


class IssueTable(Sequence[Issue]):
    """The findings of one table (or one run), as columns. See the module docstring."""

    __slots__ = ("code", "severity", "row", "field", "column", "letter", "value", "params")

    code: np.ndarray
    severity: np.ndarray
    row: np.ndarray
    field: np.ndarray
    column: np.ndarray
    letter: np.ndarray
    value: np.ndarray
    params: dict[str, np.ndarray]

    def __init__(self, code: Iterable[Any], severity: Iterable[Any], row: Iterable[Any],
                 field: Iterable[Any] | None = None, column: Iterable[Any] | None = None,
                 letter: Iterable[Any] | None = None, value: Iterable[Any] | None = None,
                 params: Mapping[str, Iterable[Any]] | None = None) -> None:
        code_a = _objects(code)
        n = len(code_a)
        object.__setattr__(self, "code", code_a)
        object.__setattr__(self, "severity", np.asarray(severity, dtype=np.int8).reshape(n))
        object.__setattr__(self, "row", np.asarray(row, dtype=np.int64).reshape(n))
        for name, given in zip(_TEXT_COLUMNS, (field, column, letter, value), strict=True):
            object.__setattr__(self, name, _objects(given, n))
        object.__setattr__(self, "params", {k: _objects(v, n) for k, v in (params or {}).items()})
        for arr in (self.code, self.severity, self.row, self.field, self.column, self.letter,
                    self.value, *self.params.values()):
            arr.flags.writeable = False

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("an IssueTable is not changed once built")

    def __reduce__(self) -> tuple:  # pickle and copy rebuild it through the constructor
        return (IssueTable, (self.code, self.severity, self.row, self.field, self.column,
                             self.letter, self.value, self.params))

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def empty(cls) -> IssueTable:
        """A table without findings."""
        return cls((), (), ())

    @classmethod
    def of(cls, issues: Iterable[Issue] | IssueTable) -> IssueTable:
        """``issues`` as a table (a table is returned as it is)."""
        if isinstance(issues, IssueTable):
            return issues
        items = list(issues)
        names: dict[str, None] = {}
        for i in items:
            names.update(dict.fromkeys(i.params))
        return cls(
            [i.code for i in items], [int(i.severity) for i in items],
            [i.row or 0 for i in items], [i.field for i in items], [i.column for i in items],
            [i.letter for i in items], [i.value for i in items],
            {k: [i.params.get(k) for i in items] for k in names})

    @classmethod
    def concat(cls, tables: Iterable[IssueTable | Iterable[Issue]]) -> IssueTable:
        """The findings of ``tables`` one after the other (parameter columns united)."""
        parts = [t for t in (cls.of(t) for t in tables) if len(t)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        names = list(dict.fromkeys(k for t in parts for k in t.params))
        return cls(
            *(np.concatenate([getattr(t, a) for t in parts])
              for a in ("code", "severity", "row", *_TEXT_COLUMNS)),
            params={k: np.concatenate([t.params.get(k, _nones(len(t))) for t in parts])
                    for k in names})

    def take(self, index: np.ndarray | slice) -> IssueTable:
        """The findings at ``index`` (positions, a boolean mask or a slice), in that order."""
        return IssueTable(
            *(getattr(self, a)[index] for a in ("code", "severity", "row", *_TEXT_COLUMNS)),
            params=_used({k: v[index] for k, v in self.params.items()}))

    def with_rows(self, rows: np.ndarray) -> IssueTable:
        """The same findings at other rows (``0`` = file level)."""
        return IssueTable(self.code, self.severity, rows, self.field, self.column, self.letter,
                          self.value, self.params)

    # -- the sequence of Issue ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.code)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, (int, np.integer)):
            n = len(self)
            k = int(index) + (n if index < 0 else 0)
            if not 0 <= k < n:
                raise IndexError("finding index out of range")
            return self._issue(k)
        return self.take(index)

    def _issue(self, k: int) -> Issue:
        row = int(self.row[k])
        return Issue(code=self.code[k], severity=_SEVERITIES[int(self.severity[k])],
                     row=row or None, field=self.field[k], column=self.column[k],
                     letter=self.letter[k], value=self.value[k],
                     params={n: _plain(v[k]) for n, v in self.params.items()
                             if v[k] is not None})

    def __iter__(self) -> Iterator[Issue]:
        params = [(n, v.tolist()) for n, v in self.params.items()]
        for k, (c, s, r, f, col, lt, v) in enumerate(zip(
                self.code.tolist(), self.severity.tolist(), self.row.tolist(),
                self.field.tolist(), self.column.tolist(), self.letter.tolist(),
                self.value.tolist(), strict=True)):
            yield Issue(code=c, severity=_SEVERITIES[s], row=r or None, field=f, column=col,
                        letter=lt, value=v,
                        params={n: p[k] for n, p in params if p[k] is not None})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IssueTable | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                          strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IssueTable({len(self)} findings: {dict(self.code_counts())})"

    # -- whole-column questions ---------------------------------------------------------------

    def count(self, severity: Severity) -> int:  # type: ignore[override]
        """Number of findings of one severity."""
        return int(np.count_nonzero(self.severity == int(severity)))

    @property
    def worst(self) -> Severity | None:
        """The worst severity, ``None`` without findings."""
        return _SEVERITIES[int(self.severity.max())] if len(self) else None

    def rows_with(self, severity: Severity, *, at_least: bool = False) -> np.ndarray:
        """The distinct rows (sorted) with a finding of ``severity`` (or worse: ``at_least``)."""
        sel = (self.severity >= int(severity)) if at_least else (self.severity == int(severity))
        return distinct_rows(self.row[sel])

    def code_counts(self) -> Counter[str]:
        """Findings per code."""
        inverse, uniques = pd.factorize(self.code)
        return Counter(dict(zip(uniques.tolist(), np.bincount(inverse).tolist(), strict=True)))

    def positions_by_code(self) -> dict[str, np.ndarray]:
        """Positions of each code's findings, worst code first, then most frequent, then name."""
        inverse, uniques = pd.factorize(self.code)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(uniques) + 1))
        groups = {c: order[bounds[n]:bounds[n + 1]] for n, c in enumerate(uniques.tolist())}
        worst = {c: int(self.severity[p].max()) for c, p in groups.items()}
        keys = sorted(groups, key=lambda c: (-worst[c], -len(groups[c]), c))
        return {c: groups[c] for c in keys}

    def where_code(self, keep: Callable[[str], bool]) -> IssueTable:
        """The findings whose code ``keep`` accepts (asked once per distinct code)."""
        if not len(self):
            return self
        wanted = [c for c in pd.unique(self.code) if keep(c)]
        return self.take(np.isin(self.code, np.array(wanted, dtype=object)))

    def sort_order(self) -> np.ndarray:
        """Positions in report order: file-level first, then by row, column letter, code.

        The order of :meth:`Issue.sort_key` (``B`` before ``AA``), stable like ``sorted``.
        """
        letters = np.where(pd.isna(self.letter), "", self.letter)
        return np.lexsort((_ranks(self.code, str), _ranks(letters, lambda s: (len(s), s)),
                           self.row))

    def sorted(self) -> IssueTable:
        """The findings in report order (:meth:`sort_order`)."""
        if len(self) < 2:
            return self
        order = self.sort_order()
        if (np.diff(order) > 0).all():
            return self
        return self.take(order)

    def cells(self, is_csv: bool = False) -> np.ndarray:
        """A1 references (``B15``) per finding, ``None`` for CSV and file-level findings."""
        out = np.full(len(self), None, dtype=object)
        if is_csv or not len(self):
            return out
        has = (self.row > 0) & pd.notna(self.letter).astype(bool) & (self.letter != "")
        if has.any():
            out[has] = (pd.Series(self.letter[has], dtype=object)
                        + pd.Series(self.row[has]).astype(str)).to_numpy(dtype=object)
        return out


def _objects(values: Iterable[Any] | None, n: int | None = None) -> np.ndarray:
    """An object array of ``values`` (``None`` x ``n`` when not given)."""
    if values is None:
        return _nones(n or 0)
    if isinstance(values, np.ndarray):
        return values if values.dtype == object else values.astype(object)
    seq = values if isinstance(values, list | tuple) else list(values)
    return np.fromiter(seq, dtype=object, count=len(seq))


def _ranks(values: np.ndarray, key: Callable[[Any], Any]) -> np.ndarray:
    """Each value's rank among the distinct values ordered by ``key`` (for ``np.lexsort``)."""
    inverse, uniques = pd.factorize(values)
    order = sorted(range(len(uniques)), key=lambda k: key(uniques[k]))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    return rank[inverse]


def distinct_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct positive row numbers of ``rows``, sorted (``0``, file level, left out).

    Row numbers are small dense integers: a bitmap finds them in one pass, where ``np.unique``
    hashes or sorts (10-20 times slower on a million findings).
    """
    rows = rows[rows > 0]
    if not rows.size:
        return rows.astype(np.int64)
    top = int(rows.max())
    if top > 4 * rows.size + (1 << 21):  # sparse and far: the bitmap would be mostly empty
        return np.unique(rows).astype(np.int64)
    seen = np.zeros(top + 1, dtype=bool)
    seen[rows] = True
    return np.flatnonzero(seen).astype(np.int64)


def combined_key(*columns: np.ndarray) -> np.ndarray:
    """Per position, the number of its distinct combination of ``columns``.

    Numbered in order of first appearance; ``None`` is a value like any other.
    """
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        key = pd.factorize(key * (len(uniques) + 1) + codes)[0]  # stays below len(key)
    return key


def _nones(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _used(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The parameter columns that still hold a value."""
    return {k: v for k, v in params.items() if not (v == None).all()}  # noqa: E711 (elementwise)


def _plain(x: object) -> object:
    return x.item() if isinstance(x, np.generic) else x


__all__ = ["IssueTable", "combined_key", "distinct_rows"]
