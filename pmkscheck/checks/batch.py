"""Batch checks: findings that need every table of a run at once (stage ③ over a batch).

The pipeline runs them when a run checks several files (a folder, or more than one file), after
each table was checked and before the province view is built. A batch check reads the run's file
reports and returns the findings to add to each; the pipeline puts new reports in their place
(reports are not changed once built). ``--select``/``--ignore`` decide whether a batch check
runs, as for the checks of one table.

PROVINCE_NIK_IN_TWO_DISTRICTS: the same valid NIK in the person lists of two districts, a
warning on each row concerned naming the other file and row (vectorised: one frame of
(file, row, NIK) for the whole batch, ``duplicated`` across districts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pmkscheck.checks import selected
from pmkscheck.domain.district import UNKNOWN, district_name, file_district
from pmkscheck.issues import Issue
from pmkscheck.issuetable import IssueTable
from pmkscheck.rules import rule
from pmkscheck.settings import Settings
from pmkscheck.table import ROW

CODE = "PROVINCE_NIK_IN_TWO_DISTRICTS"

FileReports = Sequence[Any]  # pmkscheck.report.FileReport (a layer above: read, never imported)


def nik_in_two_districts(files: FileReports) -> pd.DataFrame:
    """Rows whose valid NIK also appears in another district's person list.

    Returns:
        One row per occurrence: ``file`` (index into ``files``), ``row``, ``nik``, ``district``,
        and the first occurrence in another district: ``other_file``, ``other_row``,
        ``other_district``.
    """
    parts = []
    for n, f in enumerate(files):
        if f.error or f.clean is None or f.table is None or "nik" not in f.clean.columns:
            continue
        parts.append(pd.DataFrame({"file": n, "district": file_district(f) + f"#{n}"
                                   if file_district(f) == UNKNOWN else file_district(f),
                                   "row": f.table.data[ROW].to_numpy(),
                                   "nik": f.clean["nik"].to_numpy(dtype=object)}))
    cols = ["file", "row", "nik", "district", "other_file", "other_row", "other_district"]
    if not parts:
        return pd.DataFrame(columns=cols)
    df = pd.concat(parts, ignore_index=True)
    df = df[df["nik"].notna() & df["nik"].duplicated(keep=False)]  # only repeated NIKs ...
    df = df[df["nik"].astype(str).str.fullmatch(r"\d{16}").to_numpy()]  # ... that are valid
    spread = df.groupby("nik")["district"].nunique()
    df = df[df["nik"].isin(spread.index[spread > 1])].reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=cols)
    first = df.drop_duplicates("nik").set_index("nik")
    in_first = (df["district"] == df["nik"].map(first["district"])).to_numpy()
    first_other = df[~in_first].drop_duplicates("nik").set_index("nik")
    for col in ("file", "row", "district"):
        df["other_" + col] = np.where(in_first, df["nik"].map(first_other[col]),
                                      df["nik"].map(first[col]))
    df["district"] = df["district"].str.split("#").str[0]
    df["other_district"] = df["other_district"].astype(str).str.split("#").str[0]
    return df[cols]


def run_batch_checks(files: FileReports, settings: Settings) -> tuple[list[Any], pd.DataFrame]:
    """The batch's reports with the batch findings added, and the NIKs found in two districts.

    The duplicates frame is returned whether or not the check is selected: the province view
    lists them either way.
    """
    dups = nik_in_two_districts(files)
    out = list(files)
    if dups.empty or not selected(CODE, settings.select, settings.ignore):
        return out, dups
    r = rule(CODE)
    for n, group in dups.groupby("file"):
        f = files[int(n)]
        letter = None if f.table is None or f.table.is_csv else f.table.letters.get("nik")
        column = f.table.headers.get("nik") if f.table is not None else None
        new = [Issue(code=CODE, severity=r.severity, row=int(row), field="nik", column=column,
                     letter=letter, value=str(nik), params={
                         "other_file": Path(files[int(of)].path).name, "other_row": int(orow),
                         "district": district_name(d), "other_district": district_name(od)})
               for row, nik, d, of, orow, od in group[
                   ["row", "nik", "district", "other_file", "other_row",
                    "other_district"]].itertuples(index=False, name=None)]
        out[int(n)] = replace(f, issues=IssueTable.concat([f.issues, new]).sorted())
    return out, dups


__all__ = ["CODE", "nik_in_two_districts", "run_batch_checks"]
