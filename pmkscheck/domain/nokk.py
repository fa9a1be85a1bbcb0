r"""No. KK (Nomor Kartu Keluarga): the 16-digit family card number.

Stage: domain (the ``no_kk`` normaliser is in :mod:`pmkscheck.normalise.nokk`). Same shape as
:mod:`pmkscheck.domain.nik`, whose compaction and exceptions it shares.

Specification (DOMAIN.md)::

    K K K K K K D D M M Y Y S S S S
    \_________/ \_/ \_/ \_/ \_____/
         |       |   |   |   serial, 0001 upwards (0000 is invalid)
         |       |   |   year of registration, two digits
         |       |   month, 01-12
         |       day, 01-31 (no +40: a family card has no sex)
         kecamatan that issued the card (province, kab/kota, kecamatan)

A No. KK changes when the family changes (marriage, move), so its prefix need not match the
members' NIK prefixes. Like a NIK it is destroyed when Excel stores it as a number.

>>> validate("6472031508120003")
'6472031508120003'
>>> parse("6472031508120003")
KkParts(province='64', kabkota='6472', kecamatan='647203', day=15, month=8, yy=12, serial='0003')
>>> validate("6472035508120003")
Traceback (most recent call last):
    ...
pmkscheck.domain.nik.InvalidBirthDate: the registration date in the No. KK is not a date
>>> is_valid("6472031508120000"), is_valid("647203150812")
(False, False)
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmkscheck.domain.nik import (
    DIGITS,
    LENGTH,
    ExcelNumber,
    InvalidBirthDate,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    ZeroSerial,
    analyse,
    compact,
    dates_valid,
    is_excel_number,
    region_status,
)


class KkParts(NamedTuple):
    """Components of a No. KK."""

    province: str
    kabkota: str
    kecamatan: str
    day: int
    month: int
    yy: int
    serial: str


def validate(number: str) -> str:
    """Check the structure of a No. KK and return it compacted (raises like ``nik.validate``)."""
    if is_excel_number(number):
        raise ExcelNumber("the No. KK was stored as a number by Excel; digits are lost")
    s = compact(number)
    if not (s.isdigit() and s.isascii()):
        raise InvalidFormat()
    if len(s) != LENGTH:
        raise InvalidLength(f"No. KK has {len(s)} digits, not {LENGTH}")
    if not dates_valid(np.array([int(s[6:8])]), np.array([int(s[8:10])]),
                       np.array([int(s[10:12])]))[0]:
        raise InvalidBirthDate("the registration date in the No. KK is not a date")
    if s[12:] == "0000":
        raise ZeroSerial()
    return s


def is_valid(number: str) -> bool:
    """``True`` when :func:`validate` raises nothing."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def parse(number: str) -> KkParts:
    """Split a valid No. KK into its components."""
    s = validate(number)
    return KkParts(s[:2], s[:4], s[:6], int(s[6:8]), int(s[8:10]), int(s[10:12]), s[12:])


def build(kecamatan: str, registered: date, serial: int) -> str:
    """Assemble a No. KK from its components."""
    return f"{kecamatan}{registered:%d%m%y}{serial:04d}"


def analyse_kk(raw: pd.Series, kinds: pd.Series | None = None) -> pd.DataFrame:
    """:func:`pmkscheck.domain.nik.analyse` plus ``date_ok``, ``region`` and ``valid``."""
    out = analyse(raw, kinds)
    digits = (out["status"] == DIGITS).to_numpy()
    out["date_ok"] = digits & dates_valid(out["dd"].to_numpy(), out["mm"].to_numpy(),
                                          out["yy"].to_numpy())
    out["region"] = region_status(out["p2"], out["p4"], out["p6"])
    out["valid"] = out["date_ok"].to_numpy() & ~out["serial_zero"].to_numpy()
    return out


__all__ = ["KkParts", "analyse_kk", "build", "is_valid", "parse", "validate"]
