"""The shape of a check: a function from a ``CheckContext`` to failing rows.

Stage ③ validate. A check reads whole columns and returns, vectorised, either

* a boolean ``pd.Series`` aligned with ``ctx.data`` -- ``True`` = passes, ``False`` = a finding
  (``NA`` counts as passing); the code is the check's only code, the field its first field; or
* a ``pd.DataFrame`` indexed by the failing rows' labels, with optional columns ``code`` (when the
  check emits several codes), ``field``, ``value`` (defaults to the raw cell text) and any other
  columns, which become the issue's message parameters; or
* a list of issues already located by the reader (the structure check's reader notices).

A check never writes a message, never looks at row numbers and never loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmkscheck.findings import Findings
from pmkscheck.issues import District, Issue
from pmkscheck.normalise.records import (
    PERSON,
    DateAnalysis,
    Derived,
    IdAnalysis,
    JenisAnalysis,
    NikAnalysis,
    PersonFacts,
    WilayahCodes,
    field_status,
    field_value,
)

if TYPE_CHECKING:
    from pmkscheck.schema.model import Schema
    from pmkscheck.settings import Settings
    from pmkscheck.table import SourceTable


@dataclass
class CheckContext:
    """Everything a check may read.

    Attributes:
        table: the source table (``table.data`` holds the raw text, ``table.kinds`` cell kinds).
        clean: normalised values, same index and columns as ``table.data`` (no ``_row``).
        derived: the typed records the normalisers derived, under the field's name: the analyses
            of the ID, date, jenis and wilayah columns (:attr:`nik`, :attr:`no_kk`, :attr:`jenis`,
            :attr:`tanggal_lahir`, :attr:`kabupaten`, :attr:`kecamatan`, :attr:`desa`), of the
            other value columns (:meth:`status`, :meth:`number`) and of each row
            (:attr:`person`).
        settings: the run's settings.
        schema: the schema the table was read with.
        district: the file's district, when known.
        notices: the reader's file-level notices (hidden sheets, macros, ...), handed with the
            file's first table only; the table's own are ``table.notices``.
    """

    table: SourceTable
    clean: pd.DataFrame
    derived: Derived
    settings: Settings
    schema: Schema
    district: District | None = None
    notices: tuple[Issue, ...] = ()

    @property
    def data(self) -> pd.DataFrame:
        """Raw text of the table (as read)."""
        return self.table.data

    @property
    def nik(self) -> NikAnalysis | None:
        """The analysis of the ``nik`` column (``None`` without one)."""
        return self.derived.get("nik")  # type: ignore[return-value]

    @property
    def tanggal_lahir(self) -> DateAnalysis | None:
        """The analysis of the ``tanggal_lahir`` column (``None`` without one)."""
        return self.derived.get("tanggal_lahir")  # type: ignore[return-value]

    @property
    def person(self) -> PersonFacts | None:
        """Age and sex per row and their sources (``None`` before the age post-normaliser)."""
        return self.derived.get(PERSON)  # type: ignore[return-value]

    @property
    def no_kk(self) -> IdAnalysis | None:
        """The analysis of the ``no_kk`` column (``None`` without one)."""
        return self.derived.get("no_kk")  # type: ignore[return-value]

    @property
    def jenis(self) -> JenisAnalysis | None:
        """The jenis numbers of the ``jenis_pmks`` column (``None`` without one)."""
        found = self.derived.get("jenis_pmks")
        return found if isinstance(found, JenisAnalysis) else None

    @property
    def kabupaten(self) -> WilayahCodes | None:
        """The kab/kota codes of the ``kabupaten`` column (``None`` without one)."""
        return self._wilayah("kabupaten")

    @property
    def kecamatan(self) -> WilayahCodes | None:
        """The kecamatan codes of the ``kecamatan`` column (``None`` without one)."""
        return self._wilayah("kecamatan")

    @property
    def desa(self) -> WilayahCodes | None:
        """The desa codes of the ``desa`` column (``None`` without one)."""
        return self._wilayah("desa")

    def status(self, name: str) -> pd.Series | None:
        """The normaliser's verdict per row of a name, sex, RT/RW or member-count field.

        The ``status`` of its :class:`ValueAnalysis`; ``None`` without that column.
        """
        return field_status(self.derived, name)

    def number(self, name: str) -> pd.Series | None:
        """The number per row (Int64) of the Umur or member-count field (``None`` without)."""
        return field_value(self.derived, name)

    def _wilayah(self, level: str) -> WilayahCodes | None:
        found = self.derived.get(level)
        return found if isinstance(found, WilayahCodes) else None

    def has(self, *fields: str) -> bool:
        """All these fields are present in the table."""
        return all(f in self.clean.columns for f in fields)


@dataclass(frozen=True)
class Check:
    """One check function and the codes it can emit (documented in ``pmkscheck/rules/*.toml``)."""

    codes: tuple[str, ...]
    fields: tuple[str, ...]
    fn: Callable[[CheckContext], Findings]
    name: str = ""
    needs: tuple[str, ...] = field(default=())  # fields that must all be present to run

    def run(self, ctx: CheckContext) -> Findings:
        """Run the check if the fields it needs are present."""
        if not ctx.has(*(self.needs or self.fields[:1])):
            return None
        return self.fn(ctx)


def check(*codes: str, fields: tuple[str, ...] | str = (), needs: tuple[str, ...] = ()
          ) -> Callable[[Callable[[CheckContext], Findings]], Check]:
    r"""Decorator: turn ``fn(ctx) -> Findings`` into a :class:`Check`.

    Example::

        @check("RT_RW_INVALID", fields=("rt",))
        def rt_numeric(ctx):
            return ctx.clean["rt"].isna() | ctx.clean["rt"].str.fullmatch(r"\\d{1,3}")
    """
    fields_t = (fields,) if isinstance(fields, str) else tuple(fields)

    def wrap(fn: Callable[[CheckContext], Findings]) -> Check:
        return Check(codes=tuple(codes), fields=fields_t, fn=fn, name=fn.__name__,
                     needs=tuple(needs))

    return wrap


def findings(index: pd.Index, code: str | None = None, **columns: Any) -> pd.DataFrame:
    """Build a findings frame: ``findings(bad.index, "NIK_DUPLICATE", other_row=rows)``."""
    frame = pd.DataFrame(index=index)
    if code is not None:
        frame["code"] = code
    for name, values in columns.items():
        frame[name] = values
    return frame
