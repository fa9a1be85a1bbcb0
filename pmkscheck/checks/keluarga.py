"""KELUARGA_ checks of family lists (``pmks-keluarga``): member count, family jenis, one row per KK.

Stage ③ validate. The head of the family is checked by the person checks through the canonical
fields ``nik`` and ``nama`` (see ``schemas/pmks-keluarga.yaml``); these checks add what only a
family list has:

* ``KELUARGA_ANGGOTA_INVALID`` -- Jumlah Anggota Keluarga is not a whole number >= 1 (status from
  :mod:`pmkscheck.domain.keluarga`);
* ``KELUARGA_JENIS_NOT_FAMILY`` -- the jenis PMKS (column, sheet name or title) is an official
  jenis that is counted per person, not per family (only Fakir Miskin and Keluarga Bermasalah
  Sosial Psikologis are);
* ``KELUARGA_KK_DUPLICATE`` -- the same valid No. KK on two rows of a family list: the family is
  counted twice. ``other_row`` names the group's first row (for the first row, the second).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.domain.jenis import official_names
from pmkscheck.domain.keluarga import FAMILY_JENIS, INVALID
from pmkscheck.domain.nik import DIGITS
from pmkscheck.table import ROW

KIND = "keluarga"


@check("KELUARGA_ANGGOTA_INVALID", fields="jumlah_anggota")
def members_valid(ctx: CheckContext) -> pd.Series | None:
    """Member count present but not a whole number >= 1."""
    status = ctx.status("jumlah_anggota")
    if status is None:
        return None
    return ~(status == INVALID).fillna(False)


@check("KELUARGA_JENIS_NOT_FAMILY", fields="jenis_pmks")
def jenis_is_family(ctx: CheckContext) -> pd.DataFrame | None:
    """An official jenis counted per person in a family list (warning)."""
    if ctx.schema.kind != KIND:
        return None

    jenis = ctx.clean["jenis_pmks"]
    official = set(official_names().values())
    bad = (jenis.isin(official - FAMILY_JENIS)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    idx = jenis.index[bad]
    if ctx.table.sheet_jenis:  # one jenis for the whole sheet: one file-level finding
        frame = findings(pd.Index([None], dtype=object), jenis=jenis[idx[0]])
        frame["value"] = ctx.table.sheet_jenis
        return frame
    return findings(idx, jenis=jenis[idx].to_numpy(dtype=object))


@check("KELUARGA_KK_DUPLICATE", fields="no_kk")
def kk_once(ctx: CheckContext) -> pd.DataFrame | None:
    """The same 16-digit No. KK on several rows of a family list (every row of the group)."""
    if ctx.schema.kind != KIND:
        return None
    if ctx.no_kk is None:
        return None
    status = ctx.no_kk.status
    digits = (status == DIGITS).to_numpy(dtype=bool)
    kk = ctx.clean["no_kk"][digits]
    dup = kk.duplicated(keep=False).to_numpy()
    if not dup.any():
        return None
    sub = pd.DataFrame({"kk": kk[dup], "row": ctx.data[ROW][digits][dup]})
    g = sub.groupby("kk", sort=False)["row"]
    rank = g.cumcount().to_numpy()
    first = g.transform("first").to_numpy()
    second_of = sub[rank == 1].set_index("kk")["row"]  # the second row of each No. KK
    other = np.where(rank == 0, sub["kk"].map(second_of).to_numpy(), first)
    return findings(sub.index, other_row=other.astype(np.int64))


CHECKS = [members_valid, jenis_is_family, kk_once]

__all__ = ["CHECKS", "jenis_is_family", "kk_once", "members_valid"]
