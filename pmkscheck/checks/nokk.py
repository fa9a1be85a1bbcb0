"""KK_ checks: the No. KK column (format, region prefix, registration date, serial).

Stage ③ validate. Reads ``ctx.no_kk``, the typed analysis of :mod:`pmkscheck.normalise.nokk`. As
for the NIK, one cell gets at most one format finding (Excel number, stray characters, length, or
the ``KK_CHARS_CLEANED`` info). A missing No. KK is no finding: the field is recommended, and its
gaps are reported as completeness. Families share a card, so a repeated No. KK is normal; a No. KK
equal to a NIK is not (``KK_IS_OWN_NIK``: the row's own, ``KK_IS_OTHER_NIK``: another's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.checks.nik import format_codes
from pmkscheck.domain.nik import DIGITS, EXCEL, INVALID_CHARS, LENGTH_BAD
from pmkscheck.table import ROW

FIELD = "no_kk"


@check("KK_EXCEL_NUMBER", "KK_INVALID_CHARS", "KK_LENGTH", "KK_CHARS_CLEANED", fields=FIELD)
def kk_format(ctx: CheckContext) -> pd.DataFrame | None:
    """One format finding per cell: Excel number, stray characters, length, or cleaned (info)."""
    status = ctx.no_kk.status
    code = format_codes(status, ctx.no_kk.cleaned, {
        EXCEL: "KK_EXCEL_NUMBER", INVALID_CHARS: "KK_INVALID_CHARS", LENGTH_BAD: "KK_LENGTH",
    }, "KK_CHARS_CLEANED")
    bad = code.notna()
    if not bad.any():
        return None
    length = ctx.no_kk.length[bad]
    return findings(code.index[bad], code=code[bad].to_numpy(),
                    length=np.where(code[bad] == "KK_LENGTH", length, None))


@check("KK_OTHER_PROVINCE", "KK_REGION_UNKNOWN", fields=FIELD)
def kk_region(ctx: CheckContext) -> pd.DataFrame | None:
    """Card issued in another province (info) or by an unknown Kaltim kecamatan (warning)."""
    region = ctx.no_kk.region
    bad = region.notna()
    if not bad.any():
        return None
    kode = ctx.clean[FIELD][bad].str[:6]
    other = (region[bad] == "other_province").to_numpy()
    return findings(region.index[bad],
                    code=np.where(other, "KK_OTHER_PROVINCE", "KK_REGION_UNKNOWN"),
                    provinsi=np.where(other, kode.str[:2], None),
                    kode=np.where(other, None, kode))


@check("KK_DATE_INVALID", "KK_SERIAL_ZERO", fields=FIELD)
def kk_structure(ctx: CheckContext) -> pd.DataFrame | None:
    """Registration date (DDMMYY, no +40) not a date, or serial 0000."""
    digits = ctx.no_kk.status == DIGITS
    bad_date = digits & ~ctx.no_kk.date_ok
    zero = digits & ctx.no_kk.serial_zero
    parts = []
    if bad_date.any():
        parts.append(findings(bad_date.index[bad_date.to_numpy()], "KK_DATE_INVALID"))
    if zero.any():
        parts.append(findings(zero.index[zero.to_numpy()], "KK_SERIAL_ZERO"))
    return pd.concat(parts) if parts else None


@check("KK_IS_OWN_NIK", "KK_IS_OTHER_NIK", fields=FIELD, needs=(FIELD, "nik"))
def kk_is_nik(ctx: CheckContext) -> pd.DataFrame | None:
    """No. KK equal to the row's own NIK (error) or to the NIK of another row (warning)."""
    kk_ok = (ctx.no_kk.status == DIGITS).to_numpy()
    nik_ok = (ctx.nik.status == DIGITS).to_numpy()
    if not (kk_ok.any() and nik_ok.any()):
        return None
    kk, nik = ctx.clean[FIELD], ctx.clean["nik"]
    own = kk_ok & nik_ok & (kk == nik).to_numpy(dtype=bool)
    # Arrow's hash lookup: the first row whose NIK is this No. KK (-1: none)
    niks = pa.array(nik[nik_ok].to_numpy(dtype=object), type=pa.string())
    kks = pa.array(np.where(kk_ok, kk.to_numpy(dtype=object), None), type=pa.string())
    at = pc.index_in(kks, value_set=niks).fill_null(-1).to_numpy(zero_copy_only=False)
    rows = ctx.data[ROW][nik_ok].to_numpy()
    other = kk_ok & (at >= 0) & ~own
    other_row = pd.Series(np.where(at >= 0, rows[np.maximum(at, 0)], 0), index=kk.index)
    if not (own.any() or other.any()):
        return None
    parts = []
    if own.any():
        parts.append(findings(kk.index[own], "KK_IS_OWN_NIK"))
    if other.any():
        idx = kk.index[other]
        parts.append(findings(idx, "KK_IS_OTHER_NIK",
                              other_row=other_row[idx].astype(np.int64).astype(object)))
    return pd.concat(parts)


CHECKS = [kk_format, kk_region, kk_structure, kk_is_nik]
