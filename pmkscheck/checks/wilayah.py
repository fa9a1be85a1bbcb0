"""WILAYAH_ checks across fields: kecamatan vs district, desa vs kecamatan, kab/kota column.

Stage ③ validate. They read the codes the wilayah normalisers derived (``ctx.kecamatan``,
``ctx.desa``, ``ctx.kabupaten``: :class:`~pmkscheck.normalise.records.WilayahCodes`; ``None``
where a value was not matched, so unmatched values are reported once, by the normaliser, and
never again here) and the file's district.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import numpy as np
import pandas as pd

from pmkscheck import distinct, reference
from pmkscheck.checks.base import CheckContext, check
from pmkscheck.domain.wilayah import desa_names, spread


@cache
def _kecamatan_of_desa_name() -> dict[str, str]:
    """Official desa name -> "Kec A; Kec B" (every kecamatan holding a desa of that name)."""
    kec = dict(zip(reference.kecamatan()["kode"], reference.kecamatan()["nama"], strict=True))
    out: dict[str, set[str]] = defaultdict(set)
    for code, name in desa_names().items():  # names as shown (DESA_DISPLAY: Sungai Siring)
        out[name].add(kec[code[:6]])
    return {name: "; ".join(sorted(names)) for name, names in out.items()}


def _kab_names() -> dict[str, str]:
    return dict(zip(reference.kabupaten()["kode"], reference.kabupaten()["nama"], strict=True))


def _per_unique(values: pd.Series, fn) -> np.ndarray:
    """``fn`` applied once per unique value, spread back to the rows (``None`` for empty)."""
    inverse, uniques = distinct.factorize(values, use_na_sentinel=True)
    return spread([fn(u) for u in uniques], inverse)


@check("WILAYAH_KECAMATAN_OTHER_DISTRICT", fields=("kecamatan",))
def kecamatan_in_district(ctx: CheckContext) -> pd.DataFrame | None:
    """A matched kecamatan outside the file's district (skipped when the district is unknown)."""
    if ctx.district is None or ctx.kecamatan is None:
        return None
    code = ctx.kecamatan.code
    names, district = _kab_names(), ctx.district.code
    other = _per_unique(code, lambda c: None if c[:4] == district else names.get(c[:4], c[:4]))
    bad = np.not_equal(other, None)
    if not bad.any():
        return None
    idx = code.index[bad]
    out = pd.DataFrame(index=idx)
    out["kabupaten"] = other[bad]
    out["district"] = ctx.district.name
    return out


@check("WILAYAH_DESA_NOT_IN_KECAMATAN", fields=("desa",), needs=("desa", "kecamatan"))
def desa_in_kecamatan(ctx: CheckContext) -> pd.DataFrame | None:
    """A desa found in the reference, but in another kecamatan than the row's."""
    if ctx.desa is None or ctx.kecamatan is None:
        return None
    desa, kec = ctx.desa.code, ctx.kecamatan.code.reindex(ctx.desa.code.index)
    desa_kec = _per_unique(desa, lambda c: c[:6])
    kec_arr = kec.to_numpy(dtype=object)
    bad = np.not_equal(desa_kec, None) & np.not_equal(kec_arr, None) & (desa_kec != kec_arr)
    if not bad.any():
        return None
    idx = desa.index[bad]
    out = pd.DataFrame(index=idx)
    out["kecamatan"] = ctx.clean["kecamatan"].reindex(idx).to_numpy(dtype=object)
    out["kecamatan_of_desa"] = _per_unique(ctx.clean["desa"].reindex(idx),
                                           _kecamatan_of_desa_name().get)
    return out


@check("WILAYAH_KABUPATEN_MISMATCH", fields=("kabupaten",))
def kabupaten_matches(ctx: CheckContext) -> pd.DataFrame | None:
    """The kab/kota column disagrees with the district (or, without one, with the kecamatan)."""
    if ctx.kabupaten is None:
        return None
    kab = ctx.kabupaten.code
    if ctx.district is not None:
        expected = np.full(len(kab), ctx.district.code, dtype=object)
    elif ctx.kecamatan is not None:
        expected = _per_unique(ctx.kecamatan.code.reindex(kab.index), lambda c: c[:4])
    else:
        return None
    kab_arr = kab.to_numpy(dtype=object)
    bad = np.not_equal(kab_arr, None) & np.not_equal(expected, None) & (kab_arr != expected)
    if not bad.any():
        return None
    names = _kab_names()
    idx = kab.index[bad]
    out = pd.DataFrame(index=idx)
    out["kabupaten"] = _per_unique(pd.Series(kab_arr[bad], dtype=object), names.get)
    out["expected"] = _per_unique(pd.Series(expected[bad], dtype=object), names.get)
    return out


CHECKS = [kecamatan_in_district, desa_in_kecamatan, kabupaten_matches]

__all__ = ["CHECKS", "desa_in_kecamatan", "kabupaten_matches", "kecamatan_in_district"]
