"""Typed records a normaliser hands to the checks, instead of string-keyed derived columns.

One record per analysed column, each attribute a column (``pd.Series``) on the table's index.
They are frozen: a later stage that knows more (the post-normaliser that settles the century of a
NIK birth date) makes a new record with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Self

import pandas as pd


class RowRecord:
    """What every record shares: its rows can be taken, and it has as many as its columns.

    The attributes of a subclass (a frozen dataclass) are columns on the table's index, or
    ``None`` for a column the record does not have.
    """

    def __getitem__(self, rows: object) -> Self:
        """The same record for some rows (a boolean mask or labels), as ``series[rows]``."""
        return replace(self, **{f.name: None if getattr(self, f.name) is None
                                else getattr(self, f.name)[rows] for f in fields(self)})

    def __len__(self) -> int:
        """The number of rows (of the first column the record has)."""
        return next(len(v) for f in fields(self) if (v := getattr(self, f.name)) is not None)


@dataclass(frozen=True)
class IdAnalysis(RowRecord):
    """A No. KK column (and the common part of a NIK column), per row.

    Attributes:
        valid: bool, a valid number (16 digits, known region, possible date, serial not 0).
        status: ``digits``, ``excel_number``, ``invalid_chars``, ... (:mod:`pmkscheck.domain.nik`).
        cleaned: bool, spaces or separators were removed to get the digits.
        length: number of digits.
        region: ``kaltim``, ``other_province`` or ``unknown`` (16-digit values).
        date_ok: bool, the date part is a possible date.
        serial_zero: bool, the serial part is 0000.
    """

    valid: pd.Series
    status: pd.Series
    cleaned: pd.Series
    length: pd.Series
    region: pd.Series
    date_ok: pd.Series
    serial_zero: pd.Series


@dataclass(frozen=True)
class NikAnalysis(IdAnalysis):
    """A NIK column, per row: :class:`IdAnalysis` and what the NIK encodes.

    Attributes:
        birth: datetime64, the encoded birth date (century settled by the age post-normaliser).
        sex: ``L`` / ``P`` encoded by the day (+40 for women), ``None`` when not 16 digits.
        kabkota: the 4-digit region prefix; kecamatan: the 6-digit one (16-digit values).
        day, month, yy: the encoded date's parts (ints, 0 where not 16 digits).
    """

    birth: pd.Series
    sex: pd.Series
    kabkota: pd.Series
    kecamatan: pd.Series
    day: pd.Series
    month: pd.Series
    yy: pd.Series


@dataclass(frozen=True)
class DateAnalysis(RowRecord):
    """A date column (Tanggal Lahir), per row.

    Attributes:
        date: datetime64, the date (NaT when unreadable or a year alone).
        year: Int64, its year, also of a year written alone.
        status: ``ok``, ``serial``, ``number``, ``year_only``, ``invalid``, ``missing``
            (:mod:`pmkscheck.domain.dates`).
        two_digit: bool, the year was written with two digits (century settled later).
        written: datetime64 as written, whatever the century (for the NIK comparison); ``None``
            until the age post-normaliser settles centuries, then ``date`` before it did.
    """

    date: pd.Series
    year: pd.Series
    status: pd.Series
    two_digit: pd.Series
    written: pd.Series | None = None


@dataclass(frozen=True)
class WilayahCodes(RowRecord):
    """A kabupaten/kota, kecamatan or desa column, per row.

    Derived under its level's name (``derived["kecamatan"]``).

    Attributes:
        code: the Kemendagri code of the matched wilayah (``"640801"``), ``None`` where the value
            was not matched; the cleaned file writes it as ``kode_kecamatan`` (``write/clean.py``).
    """

    code: pd.Series


@dataclass(frozen=True)
class ValueAnalysis(RowRecord):
    """A name, sex, RT/RW, Umur or member-count column, per row.

    Derived under the field's own name (``derived["nama"]``, ``derived["umur"]``).

    Attributes:
        status: the normaliser's verdict of each value (nama: ``ok``, ``placeholder``,
            ``has_digits``; jenis kelamin: ``ok``, ``numeric``, ``invalid``, ``missing``; RT/RW:
            ``ok``, ``invalid``, ``combined``; jumlah anggota: ``ok``, ``invalid``, ...), ``None``
            for a column without verdicts (Umur).
        value: Int64, the number (Umur, jumlah anggota), ``None`` for a text column.
    """

    status: pd.Series | None = None
    value: pd.Series | None = None


def field_status(derived: dict, name: str) -> pd.Series | None:
    """The status column of a field's :class:`ValueAnalysis` (``None`` without one)."""
    found = derived.get(name)
    return found.status if isinstance(found, ValueAnalysis) else None


def field_value(derived: dict, name: str) -> pd.Series | None:
    """The number column of a field's :class:`ValueAnalysis` (``None`` without one)."""
    found = derived.get(name)
    return found.value if isinstance(found, ValueAnalysis) else None


@dataclass(frozen=True)
class JenisAnalysis(RowRecord):
    """The jenis PMKS column, per row, derived under ``derived["jenis_pmks"]``.

    Attributes:
        no: Int64, the official jenis number (1..26), NA where unknown; after the age
            post-normaliser, the child jenis of a young person (``map_by_age``).
        child_no: Int64, the child jenis of a disability or violence word (the age decides),
            ``None`` when no value has one.
    """

    no: pd.Series
    child_no: pd.Series | None = None


@dataclass(frozen=True)
class AlamatParts(RowRecord):
    """RT and RW read from the Alamat column, per row, under ``derived["alamat"]``.

    Only when the sheet has no RT (RW) column of its own; the cleaned file writes them as ``rt``
    and ``rw`` after Alamat.

    Attributes:
        rt: the RT number as text (``None`` where the address names none), ``None`` when the
            sheet has an RT column; rw: likewise.
    """

    rt: pd.Series | None = None
    rw: pd.Series | None = None


WILAYAH_LEVELS = ("kabupaten", "kecamatan", "desa")
"""The keys of :class:`WilayahCodes` in the derived values."""


def wilayah_codes(derived: dict, level: str) -> pd.Series | None:
    """The codes of one wilayah level (``kecamatan``), ``None`` without that column."""
    found = derived.get(level)
    return found.code if isinstance(found, WilayahCodes) else None


PERSON = "person"
"""The key of :class:`PersonFacts` in the derived values (a row fact, not a column's)."""


@dataclass(frozen=True)
class PersonFacts(RowRecord):
    """Per row: the age and sex the checks use, and where each came from.

    Attributes:
        age: Int64, whole years at the data date: from Tanggal Lahir, else the NIK, else Umur.
        age_source: ``Tanggal Lahir``, ``NIK`` or ``Umur`` (named in the jenis checks' messages).
        sex: ``L`` / ``P``: the written Jenis Kelamin, else the sex encoded in a valid NIK.
        sex_source: ``Jenis Kelamin`` or ``NIK``.
    """

    age: pd.Series
    age_source: pd.Series | None = None
    sex: pd.Series | None = None
    sex_source: pd.Series | None = None


Derived = dict[str, "IdAnalysis | DateAnalysis | PersonFacts | WilayahCodes | ValueAnalysis"
                    "| JenisAnalysis | AlamatParts"]
"""What the normalisers derive: one typed record per analysed field, under the field's own name
(``derived["nik"]``: :class:`NikAnalysis`, ``derived["kecamatan"]``: :class:`WilayahCodes`,
``derived["nama"]``: :class:`ValueAnalysis`, ``derived["jenis_pmks"]``: :class:`JenisAnalysis`,
``derived["alamat"]``: :class:`AlamatParts`), and the row facts under :data:`PERSON`."""


__all__ = ["PERSON", "WILAYAH_LEVELS", "AlamatParts", "DateAnalysis", "Derived", "IdAnalysis",
           "JenisAnalysis", "NikAnalysis", "PersonFacts", "RowRecord", "ValueAnalysis",
           "WilayahCodes", "field_status", "field_value", "wilayah_codes"]
