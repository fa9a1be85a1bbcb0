"""``--compare-with PERSON_LIST``: recap counts reconciled with a person list's own counts.

Stage ③ validate (for ``pmks-rekap`` tables). The person list is read and normalised like any
``pmks-individu`` file (kecamatan matched to Kemendagri codes, jenis PMKS to the official names,
jenis kelamin to L/P); its records are counted per (wilayah code, jenis, sex) with one
``groupby``. Each recap cell naming one wilayah and one jenis (L, P, or the jenis total when it
has no L/P columns) whose count differs gives REKAP_COMPARE_MISMATCH on that cell. Cells that
are not whole numbers, and rows whose wilayah is unknown, are not compared.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pmkscheck.normalise import normalise_table
from pmkscheck.normalise.records import wilayah_codes
from pmkscheck.read.isolate import read_guarded
from pmkscheck.rekap.checks import FIELD_OF_SEX, _frame
from pmkscheck.schema import load_schema
from pmkscheck.settings import Settings


def person_counts(path: Path, settings: Settings, level: str) -> pd.Series:
    """Records of a person list per (wilayah code, jenis, sex); sex ``T`` = all records.

    Args:
        path: the person list.
        settings: options (``compare_with`` is ignored here).
        level: ``kecamatan`` (6-digit codes) or ``kabupaten`` (4-digit codes).
    """
    plain = replace(settings, compare_with=None, schema=None)
    schema = load_schema("pmks-individu")
    result = read_guarded(Path(path), plain, schema)
    frames = []
    for table in result.tables:
        clean, derived, _ = normalise_table(table, plain, schema)
        kec = wilayah_codes(derived, "kecamatan")
        if kec is None:
            kec = pd.Series(None, index=clean.index, dtype=object)
        code = kec.astype(object) if level == "kecamatan" else kec.astype(object).str[:4]
        jenis = clean["jenis_pmks"] if "jenis_pmks" in clean else pd.Series(
            table.sheet_jenis, index=clean.index, dtype=object)
        sex = clean["jenis_kelamin"] if "jenis_kelamin" in clean else pd.Series(
            None, index=clean.index, dtype=object)
        frames.append(pd.DataFrame({"code": code, "jenis": jenis, "sex": sex}))
    if not frames:
        return pd.Series(dtype=np.int64)
    people = pd.concat(frames, ignore_index=True).dropna(subset=["code", "jenis"])
    by_sex = people.dropna(subset=["sex"]).groupby(["code", "jenis", "sex"]).size()
    total = people.assign(sex="T").groupby(["code", "jenis", "sex"]).size()
    return pd.concat([by_sex, total])


def compare(shape, result, settings: Settings) -> pd.DataFrame:
    """REKAP_COMPARE_MISMATCH findings of one located recap against ``settings.compare_with``."""
    counts = person_counts(Path(settings.compare_with), settings, result.scope)
    m = result.matrix
    n = m.n_data
    rows_code = result.codes.to_numpy(dtype=object)
    out = []
    for j, col in enumerate(shape.counts):
        group = shape.groups[col.group]
        if group.kind in ("total", "breakdown") or group.unit == "kk":
            continue  # totals follow from other cells; a breakdown or a KK count is not a list
        if col.sex == "T" and {"L", "P"} <= set(group.cols):
            continue  # the jenis total follows from L and P, which are compared
        jenis = (result.jenis.to_numpy(dtype=object) if result.jenis is not None
                 else np.full(n, group.jenis, dtype=object))
        if group.kind == "wilayah":  # transposed: the column is the wilayah
            rows_code = np.full(n, group.wilayah[1] or None, dtype=object)
        keys = pd.MultiIndex.from_arrays([rows_code, jenis, np.full(n, col.sex, dtype=object)])
        person = counts.reindex(keys).fillna(0).to_numpy()
        written = m.values[:n, j]
        ok_key = pd.notna(rows_code) & pd.notna(jenis)
        units = shape.units(shape.data_rows)
        if units is not None:  # rows counting families (KK) are not compared with persons
            ok_key &= units != "kk"
        with np.errstate(invalid="ignore"):
            bad = ok_key & ~np.isnan(written) & (written != person)
        i = np.flatnonzero(bad)
        if len(i):
            out.append(_frame("REKAP_COMPARE_MISMATCH", m.user_rows[i], [col.letter] * len(i),
                              [FIELD_OF_SEX[col.sex]] * len(i), [col.header] * len(i),
                              m.texts[i, j], counted=[int(x) for x in person[i]],
                              jenis=jenis[i], sex=col.sex,
                              file=Path(settings.compare_with).name))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
