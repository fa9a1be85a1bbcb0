"""Stage ② normalise: the jenis normalisers (knowledge in :mod:`pmkscheck.domain.jenis`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pmkscheck.domain.jenis import (
    CHILD_AGE,
    FIELD,
    classify_jenis,
    official_names,
)
from pmkscheck.domain.wilayah import factorize_text, spread
from pmkscheck.normalise.base import NormContext, NormResult
from pmkscheck.normalise.records import PERSON, Derived, JenisAnalysis

FINDING_OF_KIND = {"variant": "JENIS_VARIANT", "unknown": "JENIS_UNKNOWN",
                   "ambiguous": "JENIS_AMBIGUOUS", "psks": "JENIS_IS_PSKS"}


def normalise_jenis(raw: pd.Series, kinds: pd.Series | None, ctx: NormContext) -> NormResult:
    """Map every value to its official name; derived :class:`JenisAnalysis` ``no`` (1..26).

    Classification runs once per unique value. Findings: JENIS_VARIANT (info: the auto-fix),
    JENIS_UNKNOWN (error, with suggestions), JENIS_AMBIGUOUS (Gepeng and other values naming
    two types), JENIS_IS_PSKS. A value whose jenis depends on the age (a disability or violence
    word) gets a derived ``child_no`` and no finding here: :func:`map_by_age` decides
    and reports once the age is known.
    """
    inverse, uniques = factorize_text(raw)
    matches = [classify_jenis(u) for u in uniques]
    clean = pd.Series(spread([m.official or u for m, u in zip(matches, uniques, strict=True)],
                             inverse), index=raw.index, dtype=object)
    no_u = np.array([m.no or 0 for m in matches] + [0], dtype=np.int64)[inverse]
    no = pd.Series(pd.arrays.IntegerArray(no_u, no_u == 0), index=raw.index)
    child = None
    if any(m.child_no for m in matches):
        child_u = np.array([m.child_no or 0 for m in matches] + [0], dtype=np.int64)[inverse]
        child = pd.Series(pd.arrays.IntegerArray(child_u, child_u == 0), index=raw.index)
    derived = {FIELD: JenisAnalysis(no=no, child_no=child)}
    code_u = [None if m.child_no else FINDING_OF_KIND.get(m.kind) for m in matches]
    if ctx.table.sheet_jenis is not None:
        # the reader filled the column from the sheet name / title (JENIS_FROM_SHEET, reported
        # once): mapping that text to the official name is not a per-row auto-fix
        code_u = [None if c == "JENIS_VARIANT" else c for c in code_u]
    hit_u = np.array([c is not None for c in code_u] + [False], dtype=bool)
    rows = np.flatnonzero(hit_u[inverse])
    found = None
    if len(rows):
        sub = inverse[rows]
        found = pd.DataFrame({"code": spread(code_u, sub), "field": ctx.field.name},
                             index=raw.index[rows])
        params = {
            "official": [m.official if m.kind == "variant" else None for m in matches],
            "suggestions": [("; ".join(m.options) or "-") if m.kind == "unknown" else None
                            for m in matches],
            "options": ["; ".join(m.options) if m.kind == "ambiguous" else None
                        for m in matches],
        }
        for name, values in params.items():
            if any(v is not None for v in values):
                found[name] = spread(values, sub)
    return NormResult(values=clean, derived=derived, findings=found)


def map_by_age(clean: pd.DataFrame, derived: Derived, table,  # noqa: ANN001
               settings) -> NormResult | None:  # noqa: ANN001
    """Post-normaliser: a disability or violence word is the child jenis under 18.

    Runs after the age (``derived["person"].age``, at the data date) is derived. Rows whose
    value has a child jenis (:class:`JenisAnalysis` ``child_no``) and whose age is under
    :data:`CHILD_AGE` get it (Anak dengan Kedisabilitasan, Anak yang Menjadi Korban Tindak
    Kekerasan ...): the clean ``jenis_pmks`` column is updated in place, the derived ``no``
    follows, and the row gets JENIS_CHILD_BY_AGE (info). Other such rows (adults, unknown age)
    keep the adult jenis with the usual JENIS_VARIANT (unless the jenis came from the sheet name).
    """
    jenis = derived.get(FIELD)
    child = jenis.child_no if isinstance(jenis, JenisAnalysis) else None
    if child is None or FIELD not in clean.columns:
        return None
    facts = derived.get(PERSON)
    age = None if facts is None else facts.age
    has_child = child.notna().to_numpy(dtype=bool)
    if age is not None:
        age_arr = pd.to_numeric(age.reindex(child.index), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
        young = has_child & (age_arr >= 0) & (age_arr < CHILD_AGE)
    else:
        age_arr = np.full(len(child), np.nan)
        young = np.zeros(len(child), dtype=bool)
    adult = has_child & ~young
    names = official_names()
    parts = []
    if young.any():
        idx = child.index[young]
        child_no = child[young].astype("int64")
        new_names = child_no.map(names).to_numpy(dtype=object)
        clean.loc[idx, FIELD] = new_names  # the cleaned file shows the child jenis
        no = jenis.no.copy()
        no[young] = child_no.to_numpy()
        derived = {FIELD: replace(jenis, no=no)}
        frame = pd.DataFrame({"code": "JENIS_CHILD_BY_AGE", "field": FIELD}, index=idx)
        frame["official"] = new_names
        frame["age"] = age_arr[young].astype(np.int64)
        parts.append(frame)
    else:
        derived = {}
    if adult.any() and table.sheet_jenis is None:
        idx = child.index[adult]
        frame = pd.DataFrame({"code": "JENIS_VARIANT", "field": FIELD}, index=idx)
        frame["official"] = clean.loc[idx, FIELD].to_numpy(dtype=object)
        parts.append(frame)
    found = pd.concat(parts) if parts else None
    return NormResult(pd.Series(dtype=object), derived=derived, findings=found)
