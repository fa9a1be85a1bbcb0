r"""Return files (``--split kecamatan|desa``, issue 14): one annotated workbook per area.

Each workbook holds the title and header rows of the input and only the data rows of one
kecamatan (or desa), flagged and commented like the ``.catatan.xlsx`` file, with its own
"Ringkasan" and "Daftar Masalah" sheets listing only that area's findings: ready to send back to
the operator who must fix them. The area's rows are moved up under the header (the column
``No`` still tells the row of the district's list), and the findings are renumbered with them.
Written with the annotated-workbook machinery of
:mod:`pmkscheck.write.annotated` on a subset of the rows.

Files go to ``<output folder>/<stem>.per-<area>/<stem>.<area name>.xlsx``; names are safe on
Windows (no ``<>:"/\\|?*``, no reserved device names, no trailing dot or space, at most 60
characters, unique without regard to case). Rows without a kecamatan (desa) go to
``(kosong)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmkscheck.checks.summary import completeness
from pmkscheck.errors import UsageError
from pmkscheck.schema import load_schema
from pmkscheck.table import ROW
from pmkscheck.write.annotated import patch_workbook
from pmkscheck.write.basebook import build_base_workbook
from pmkscheck.write.notes import plan_annotations
from pmkscheck.write.outputs import output_dir, output_stem
from pmkscheck.write.xlsx import save_path

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

EMPTY = "(kosong)"
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name part that is valid on Windows, macOS and Linux.

    >>> safe_name('Sungai Kunjang / "Lok Bahu"?'), safe_name("CON"), safe_name(" . ")
    ('Sungai Kunjang _ _Lok Bahu__', '_CON', 'area')
    """
    text = unicodedata.normalize("NFC", str(text))
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(". ")[:limit].rstrip(". ")
    if not text:
        return "area"
    if text.split(".")[0].upper() in RESERVED:
        text = "_" + text
    return text


def areas(f: FileReport, by: str) -> pd.Series:
    """Area label of every data row (``Kecamatan`` or ``Kecamatan - Desa``)."""
    clean = f.clean
    idx = clean.index

    def col(name: str) -> pd.Series:
        if name not in clean.columns:
            return pd.Series(EMPTY, index=idx, dtype=object)
        s = clean[name].astype("string").str.strip()
        return s.mask(s.isna() | (s == ""), EMPTY).astype(object)

    kec = col("kecamatan")
    if by == "kecamatan":
        return kec
    return kec + " - " + col("desa")


def subset(f: FileReport, mask: pd.Series) -> tuple[FileReport, dict[int, int]]:
    """``f`` limited to the rows of ``mask``, moved up under the header.

    Returns the sub-report (table, clean, derived values and findings renumbered to the rows of
    the return file) and the map source row -> return-file row (title and header rows kept).
    """
    table = f.table
    keep = mask.to_numpy()
    data = table.data[keep].copy()
    header = table.header_row or 0
    old_rows = data[ROW].to_numpy()
    new_rows = np.arange(header + 1, header + 1 + len(data), dtype="int64")
    rows_map = {r: r for r in range(1, header + 1)}
    rows_map.update(zip(old_rows.tolist(), new_rows.tolist(), strict=True))
    data[ROW] = new_rows
    sub_table = replace(
        table, data=data, kinds={k: v[keep] for k, v in table.kinds.items()},
        extra=None if table.extra is None else table.extra[keep], notices=[], skipped_rows=[])
    clean = f.clean[keep]
    try:
        comp = completeness(clean, load_schema(f.schema or "pmks-individu"))
    except Exception:  # noqa: BLE001 - a schema file that moved: keep the whole-file figures
        comp = dict(f.completeness)
    found = f.issues
    old = pd.Series(list(rows_map.values()), index=list(rows_map.keys()), dtype="Int64")
    moved = pd.Series(found.row).map(old)  # the finding's row in the part, NA when not in it
    inside = ((found.row > header) & moved.notna()).to_numpy(dtype=bool)
    issues = found.take(inside).with_rows(moved[inside].to_numpy(dtype=np.int64))
    return replace(
        f, table=sub_table, clean=clean, derived={k: v[keep] for k, v in f.derived.items()},
        issues=issues, data_rows=int(keep.sum()), completeness=comp, kecamatan=[], outputs={},
        rendered={}, changes=None, compared=False, skipped_rows=[]), rows_map


def write_split(report: Report, settings: Settings,
                progress: Callable[[str], None] | None = None) -> Report:
    """Write the return workbooks of every readable person list of ``report``.

    Returns the report whose written tables list their folder in ``outputs["split_<by>"]``.
    """
    by = settings.split or "kecamatan"
    files: list[FileReport] = []
    for f in report.files:
        if (f.error or f.table is None or f.clean is None or f.clean.empty
                or (by not in f.clean.columns and "kecamatan" not in f.clean.columns)):
            files.append(f)
            continue
        stem = output_stem(f, report)
        folder = output_dir(Path(f.path), settings) / f"{stem}.per-{by}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                             reason=exc.strerror or type(exc).__name__) from None
        labels = areas(f, by)
        written: dict[str, str] = {}
        taken: set[str] = set()
        for label in sorted(labels.unique(), key=str):  # one loop per area, not per row
            if progress:
                progress(f"tulis/write {f.path.name} [{label}]")
            name = safe_name(f"{stem}.{label}")
            candidate, n = name, 2
            while candidate.casefold() in taken:
                candidate = f"{name} ({n})"
                n += 1
            taken.add(candidate.casefold())
            target = folder / f"{candidate}.xlsx"
            part, rows_map = subset(f, labels == label)
            _write_one(f, part, rows_map, settings, target)
            written[str(label)] = str(target)
        files.append(replace(f, outputs={**f.outputs, f"split_{by}": str(folder)}))
    return replace(report, files=tuple(files))


def _write_one(full: FileReport, part: FileReport, rows_map: dict[int, int],
               settings: Settings, target: Path) -> None:
    plan = plan_annotations(part, settings)
    with save_path(target, protect=(full.path,)) as tmp:
        base = tmp.with_name(tmp.name + ".base")
        try:
            sheet = build_base_workbook(full, base, rows_map=rows_map)
            patch_workbook(base, sheet, tmp, plan, part, settings, rebuilt=True)
        finally:
            base.unlink(missing_ok=True)


__all__ = ["areas", "safe_name", "subset", "write_split"]
