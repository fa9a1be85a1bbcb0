"""Stage ② normalise: the wilayah normalisers (knowledge in :mod:`pmkscheck.domain.wilayah`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.domain.wilayah import (
    WilayahMatch,
    factorize_text,
    match_desa,
    match_kabupaten,
    match_kecamatan,
    spread,
    uses_bps_codes,
)
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import WilayahCodes

FINDING_OF_KIND = {
    "variant": "WILAYAH_NAME_VARIANT",
    "old": "WILAYAH_OLD_CODE",
    "fuzzy": "WILAYAH_FUZZY_MATCH",
    "bps": "WILAYAH_BPS_CODE",
}

UNKNOWN_OF_LEVEL = {"kecamatan": "WILAYAH_KECAMATAN_UNKNOWN", "desa": "WILAYAH_DESA_UNKNOWN",
                    "kabupaten": "WILAYAH_KABUPATEN_UNKNOWN"}

PARAMS_OF_CODE = {  # finding code -> (param name, WilayahMatch attribute)
    "WILAYAH_NAME_VARIANT": (("official", "official"),),
    "WILAYAH_OLD_CODE": (("official", "official"), ("code_2025", "suggestion")),
    "WILAYAH_FUZZY_MATCH": (("suggestion", "suggestion"),),
    "WILAYAH_BPS_CODE": (("kemendagri", "suggestion"), ("name", "official")),
    "WILAYAH_KECAMATAN_UNKNOWN": (("suggestion", "suggestion"),),
    "WILAYAH_DESA_UNKNOWN": (("suggestion", "suggestion"),),
    "WILAYAH_KABUPATEN_UNKNOWN": (("suggestion", "suggestion"),),
}


def _result(index: pd.Index, inverse: np.ndarray, uniques_text: np.ndarray,
            matches: list[WilayahMatch], level: str, field_name: str) -> NormResult:
    """Spread per-unique matches back to the rows: clean values, codes, findings."""
    clean_u, code_u, finding_u = [], [], []
    params_u: dict[str, list] = {name: [] for spec in PARAMS_OF_CODE.values() for name, _ in spec}
    for text, m in zip(uniques_text, matches, strict=True):
        clean_u.append(m.official if m.kind in ("exact", "variant", "old") and m.official
                       else text)
        code_u.append(m.code)
        finding = UNKNOWN_OF_LEVEL[level] if m.kind == "unknown" else FINDING_OF_KIND.get(m.kind)
        finding_u.append(finding)
        given = dict(PARAMS_OF_CODE.get(finding, ()))
        for name, values in params_u.items():
            values.append(getattr(m, given[name]) if name in given else None)
    clean = pd.Series(spread(clean_u, inverse), index=index, dtype=object)
    code = pd.Series(spread(code_u, inverse), index=index, dtype=object)
    hit_u = np.array([f is not None for f in finding_u] + [False], dtype=bool)
    rows = np.flatnonzero(hit_u[inverse])
    found = None
    if len(rows):
        sub = inverse[rows]
        found = pd.DataFrame({"code": spread(finding_u, sub), "field": field_name},
                             index=index[rows])
        for name, values in params_u.items():
            if any(v is not None for v in values):
                found[name] = spread(values, sub)
    return NormResult(values=clean, derived={level: WilayahCodes(code)}, findings=found)


def _normalise_simple(raw: pd.Series, level: str, field_name: str, matcher) -> NormResult:
    inverse, uniques = factorize_text(raw)
    return _result(raw.index, inverse, uniques, [matcher(u) for u in uniques], level,
                   field_name)


def normalise_kecamatan(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Kecamatan names/codes -> official names; derived ``kecamatan`` codes."""
    return _normalise_simple(raw, "kecamatan", ctx.field.name, match_kecamatan)


def normalise_kabupaten(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Kab/kota names/codes -> official names; derived ``kabupaten`` codes.

    When the sheet's kecamatan or desa column holds BPS codes, kab/kota codes whose BPS meaning
    differs from their Kemendagri meaning (BPS 6402 = Kutai Barat) are reported as BPS codes.
    """
    bps = uses_bps_codes(ctx.table.data)
    return _normalise_simple(raw, "kabupaten", ctx.field.name,
                             lambda text: match_kabupaten(text, bps))


def normalise_desa(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Desa names/codes -> official names, scoped by the row's kecamatan; derived ``desa`` codes.

    Matching runs once per unique (desa text, kecamatan code) pair.
    """
    inverse, uniques = factorize_text(raw)
    data = ctx.table.data
    if "kecamatan" in data.columns:
        k_inv, k_uniq = factorize_text(data["kecamatan"].reindex(raw.index))
        k_code = [match_kecamatan(u).code for u in k_uniq]
        kec_codes = [None, *dict.fromkeys(c for c in k_code if c)]
        pos = {c: i for i, c in enumerate(kec_codes)}
        kec_inv = np.array([pos[c] if c else 0 for c in k_code] + [0], dtype=np.int64)[k_inv]
    else:
        kec_codes = [None]
        kec_inv = np.zeros(len(raw), dtype=np.int64)
    width = len(kec_codes)
    pair = np.where(inverse >= 0, inverse.astype(np.int64) * width + kec_inv, -1)
    pair_inv, pairs = pd.factorize(pair, use_na_sentinel=False)
    empty = np.flatnonzero(pairs == -1)
    if len(empty):  # keep -1 for empty cells, shift the others
        e = int(empty[0])
        pairs = np.delete(pairs, e)
        pair_inv = np.where(pair_inv == e, -1, pair_inv - (pair_inv > e))
    district = ctx.district_hint
    matches = [match_desa(uniques[p // width], kec_codes[p % width], district) for p in pairs]
    pair_text = np.array([uniques[p // width] for p in pairs], dtype=object)
    return _result(raw.index, pair_inv, pair_text, matches, "desa", ctx.field.name)
