"""Province view of a batch: per-district summary, missing districts, NIKs in two districts.

Stage ④ report (runs after every file was checked; issue 7). ``pmkscheck validate FOLDER`` (or
several files) builds a :class:`ProvinceSummary` from the run's :class:`~pmkscheck.report.Report`:

* per kab/kota: files, rows, completeness, errors, warnings, a quality score and the top
  problems; kab/kota without any file are listed as missing;
* persons and families apart (issue 17): ``rows`` counts the persons of person lists (one row per
  person); family lists (``pmks-keluarga``, one row per KK) add their rows to ``families`` and
  their members (the sum of Jumlah Anggota Keluarga; a family whose count is missing or invalid
  counts as one person, its head) to ``members``; a recap's rows are areas and count in neither;
* the same NIK in the person lists of two districts: warning PROVINCE_NIK_IN_TWO_DISTRICTS on
  each row concerned, naming the other file and row (vectorised: one frame of (file, row, NIK) for
  the whole batch, ``duplicated`` across districts);
* output: the terminal view (after the per-file views), ``provinsi.xlsx`` and ``provinsi.html``.

**Quality score** (0-100, per file; a district's score is the row-weighted mean of its files;
documented in docs/province.md)::

    score = 100 * (0.5 * (1 - rows_with_errors / rows)
                 + 0.2 * (1 - rows_with_warnings / rows)
                 + 0.3 * mean completeness)  -  5 per file-level error,   clipped to 0..100

An unreadable file scores 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmkscheck import reference
from pmkscheck.issues import Issue, Severity
from pmkscheck.table import ROW
from pmkscheck.text import section

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

UNKNOWN = "?"
"""District key of files whose kab/kota is unknown (or province-wide recaps)."""
TOP = 3
CODE = "PROVINCE_NIK_IN_TWO_DISTRICTS"


@dataclass
class DistrictSummary:
    """One kab/kota of the province (or the unknown bucket)."""

    code: str
    name: str
    files: int = 0
    unreadable: int = 0
    rows: int = 0
    families: int = 0
    members: int = 0
    completeness: float | None = None
    errors: int = 0
    warnings: int = 0
    score: float | None = None
    top: list[tuple[str, int]] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        """No file of this district was given."""
        return self.files == 0


@dataclass
class ProvinceSummary:
    """What the province view shows."""

    districts: list[DistrictSummary]
    duplicates: pd.DataFrame  # file, district, row, other_file, other_district, other_row
    files: list[dict[str, Any]]
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[DistrictSummary]:
        """Kab/kota with no file."""
        return [d for d in self.districts if d.missing and d.code != UNKNOWN]


def file_district(f: FileReport) -> str:
    """Kab/kota code of a file report (its inferred district, else its file name) or ``?``."""
    if f.district is not None and f.district.code in reference.KALTIM_KABKOTA:
        return f.district.code
    from pmkscheck.domain.wilayah import find_kabkota

    found = find_kabkota(Path(f.path).stem)
    return found.pop() if len(found) == 1 else UNKNOWN


def family_counts(f: FileReport) -> tuple[int, int]:
    """(families, persons in them) of a family list; ``(0, 0)`` for any other table."""
    if f.error or f.schema is None or not _is_family(f.schema):
        return 0, 0
    families = int(f.data_rows)
    value = (f.derived or {}).get("jumlah_anggota:value")
    if value is None:
        return families, families
    return families, int(pd.to_numeric(value, errors="coerce").fillna(1).clip(lower=1).sum())


def _is_family(schema: str) -> bool:
    from pmkscheck.schema import builtin_schemas, load_schema

    if schema == "pmks-keluarga":
        return True
    try:
        return schema in builtin_schemas() and load_schema(schema).kind == "keluarga"
    except Exception:  # noqa: BLE001 - an unloadable schema is not a family list
        return False


def file_score(f: FileReport) -> float:
    """Quality score of one table (see the module docstring)."""
    if f.error:
        return 0.0
    n = max(f.data_rows, 1)
    err_rows = len({i.row for i in f.issues if i.severity is Severity.ERROR and i.row})
    warn_rows = len({i.row for i in f.issues if i.severity is Severity.WARNING and i.row})
    comp = float(np.mean(list(f.completeness.values()))) if f.completeness else 1.0
    file_errors = sum(1 for i in f.issues if i.severity is Severity.ERROR and i.row is None)
    score = 100 * (0.5 * (1 - min(err_rows, n) / n) + 0.2 * (1 - min(warn_rows, n) / n)
                   + 0.3 * comp) - 5 * file_errors
    return float(min(100.0, max(0.0, score)))


def nik_in_two_districts(files: list[FileReport]) -> pd.DataFrame:
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


def _add_duplicate_issues(files: list[FileReport], dups: pd.DataFrame,
                          settings: Settings) -> None:
    from pmkscheck.checks import selected
    from pmkscheck.rules import rule

    if dups.empty or not selected(CODE, settings.select, settings.ignore):
        return
    r = rule(CODE)
    for n, group in dups.groupby("file"):
        f = files[int(n)]
        letter = None if f.table is None or f.table.is_csv else f.table.letters.get("nik")
        column = f.table.headers.get("nik") if f.table is not None else None
        new = [Issue(code=CODE, severity=r.severity, row=int(row), field="nik", column=column,
                     letter=letter, value=str(nik), params={
                         "other_file": Path(files[int(of)].path).name, "other_row": int(orow),
                         "district": _name(d), "other_district": _name(od)})
               for row, nik, d, of, orow, od in group[
                   ["row", "nik", "district", "other_file", "other_row",
                    "other_district"]].itertuples(index=False, name=None)]
        f.issues = sorted([*f.issues, *new], key=Issue.sort_key)


def _name(code: str) -> str:
    return reference.kabupaten_name(code) or ("tidak diketahui" if code == UNKNOWN else code)


def summarise(report: Report) -> ProvinceSummary:
    """Build the province view; adds PROVINCE_NIK_IN_TWO_DISTRICTS findings to the files."""
    files = report.files
    dups = nik_in_two_districts(files)
    _add_duplicate_issues(files, dups, report.settings)
    rows: dict[str, DistrictSummary] = {
        c: DistrictSummary(c, reference.kabupaten_name(c) or c) for c in reference.KALTIM_KABKOTA}
    rows[UNKNOWN] = DistrictSummary(UNKNOWN, "Tidak diketahui / provinsi")
    weights: dict[str, list[tuple[float, float, float | None]]] = {}
    codes: dict[str, Counter[str]] = {}
    seen_paths: dict[str, set[Path]] = {}
    listing = []
    for f in files:
        code = file_district(f)
        d = rows[code]
        seen_paths.setdefault(code, set()).add(Path(f.path))
        d.files = len(seen_paths[code])
        score = file_score(f)
        comp = float(np.mean(list(f.completeness.values()))) if f.completeness else None
        if f.error:
            d.unreadable += 1
            d.errors += 1
            codes.setdefault(code, Counter()).update([f.error])
        else:
            families, members = family_counts(f)
            if families:  # a family list: rows are families, persons are their members
                d.families += families
                d.members += members
            elif f.schema != "pmks-rekap":  # rows = people listed; a recap's rows are areas
                d.rows += f.data_rows
            d.errors += f.count(Severity.ERROR)
            d.warnings += f.count(Severity.WARNING)
            codes.setdefault(code, Counter()).update(
                i.code for i in f.issues if i.severity >= Severity.WARNING)
        weights.setdefault(code, []).append((max(f.data_rows, 1), score, comp))
        families, members = family_counts(f)
        listing.append({"path": str(f.path), "sheet": f.sheet, "schema": f.schema,
                        "district": code, "rows": f.data_rows, "families": families,
                        "members": members, "error": f.error,
                        "errors": f.count(Severity.ERROR), "warnings": f.count(Severity.WARNING),
                        "score": round(score, 1)})
    for code, items in weights.items():
        w = np.array([x[0] for x in items], dtype=float)
        rows[code].score = round(float(np.average([x[1] for x in items], weights=w)), 1)
        comps = [(x[0], x[2]) for x in items if x[2] is not None]
        if comps:
            rows[code].completeness = round(float(np.average(
                [c for _, c in comps], weights=[wt for wt, _ in comps])), 4)
        rows[code].top = codes.get(code, Counter()).most_common(TOP)
    districts = [rows[c] for c in reference.KALTIM_KABKOTA]
    if rows[UNKNOWN].files:
        districts.append(rows[UNKNOWN])
    return ProvinceSummary(districts=districts, duplicates=dups, files=listing)


# ------------------------------------------------------------------------------ outputs

def _t(settings: Settings) -> Mapping[str, str]:
    return section("province", settings.lang)


def _top(d: DistrictSummary) -> str:
    return ", ".join(f"{c} ({n})" for c, n in d.top)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def output_folder(paths: list[str], settings: Settings) -> Path:
    """Folder of the province outputs.

    ``-o DIR``; else ``<folder>_pmkscheck/`` beside a folder input; else
    ``provinsi_pmkscheck/`` beside the first file.
    """
    if settings.output_dir is not None:
        return Path(settings.output_dir)
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    if folders:
        folder = folders[0].resolve()
        return folder.parent / f"{folder.name}_pmkscheck"
    first = Path(paths[0]) if paths else Path(".")
    return first.parent / "provinsi_pmkscheck"


def write_province(report: Report, settings: Settings, paths: list[str]) -> None:
    """Write ``provinsi.xlsx`` and ``provinsi.html``; paths land in ``summary.outputs``."""
    from pmkscheck.atomic import atomic_open, atomic_path
    from pmkscheck.errors import UsageError

    summary: ProvinceSummary = report.province  # type: ignore[attr-defined]
    folder = output_folder(paths, settings)
    xlsx, page = folder / "provinsi.xlsx", folder / "provinsi.html"
    inputs = tuple(Path(f.path) for f in report.files)  # never write over an input of the run
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(xlsx, protect=inputs) as tmp:
            _xlsx(summary, report, settings, tmp)
        with atomic_open(page, "w", protect=inputs, encoding="utf-8") as fh:
            fh.write(render_html(summary, report, settings, folder))
    except PermissionError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder), reason=str(exc)) from None
    except OSError as exc:
        raise UsageError("USAGE_OUTPUT_DIR", path=str(folder),
                         reason=exc.strerror or type(exc).__name__) from None
    summary.outputs = {"xlsx": str(xlsx), "html": str(page)}


def _dup_rows(summary: ProvinceSummary, report: Report, settings: Settings) -> list[list]:
    from pmkscheck.mask import mask_id

    files = report.files
    return [[Path(files[int(f)].path).name, int(r), _name(d),
             Path(files[int(of)].path).name, int(orow), _name(od), mask_id(n, settings.mask)]
            for f, r, n, d, of, orow, od in summary.duplicates[
                ["file", "row", "nik", "district", "other_file", "other_row",
                 "other_district"]].itertuples(index=False, name=None)]


def _district_rows(summary: ProvinceSummary, t: dict[str, str]) -> list[list]:
    out = []
    for d in summary.districts:
        out.append([d.code, d.name, d.files, d.rows, d.families, d.members,
                    _pct(d.completeness), d.errors,
                    d.warnings, "-" if d.score is None else d.score,
                    t["missing"] if d.missing else _top(d)])
    return out


def _headers(t: dict[str, str]) -> list[str]:
    return ["Kode", t["district"], t["files"], t["rows"], t["families"], t["members"],
            t["completeness"], t["errors"], t["warnings"], t["score"], t["top"]]


def _dup_headers(t: dict[str, str]) -> list[str]:
    return [t["file"], t["row"], t["district"], t["other_file"], t["other_row"],
            t["other_district"], "NIK"]


def _xlsx(summary: ProvinceSummary, report: Report, settings: Settings, target: Path) -> None:
    import xlsxwriter

    t = _t(settings)
    wb = xlsxwriter.Workbook(str(target))
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for name, headers, rows in (
                ("Ringkasan", _headers(t), _district_rows(summary, t)),
                ("NIK ganda", _dup_headers(t), _dup_rows(summary, report, settings)),
                ("Berkas", ["Path", "Sheet", "Schema", t["district"], t["data_rows"],
                            t["families"], t["members"], "Error",
                            t["errors"], t["warnings"], t["score"]],
                 [list(x.values()) for x in summary.files])):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, headers, bold)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            ws.freeze_panes(1, 0)
            ws.set_column(0, len(headers) - 1, 16)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    finally:
        wb.close()


def render_html(summary: ProvinceSummary, report: Report, settings: Settings,
                folder: Path | None = None) -> str:
    """A standalone HTML page of the province view: the dashboard (issue 14)."""
    from pmkscheck.history.dashboard import render_dashboard

    return render_dashboard(summary, report, settings, folder)


def _short(name: str) -> str:
    """Drop the "Kabupaten" prefix for narrow tables ("Kota" stays: Kota Bontang)."""
    return name.removeprefix("Kabupaten ")


def render_terminal(console: Any, report: Report, settings: Settings) -> None:
    """Print the province table (rich) after the per-file views."""
    from rich.table import Table
    from rich.text import Text

    summary: ProvinceSummary = report.province  # type: ignore[attr-defined]
    if len(report.files) < 2:  # one table: its own view says it all (files are still written)
        return
    t = _t(settings)
    # Narrow enough for 80 columns: one line per district that sent files, short names, no
    # wrapped "top problems" column (they follow the table, one line per district).
    table = Table(title=t["title"], title_justify="left", pad_edge=False)
    # the family columns (KK, Jiwa dlm KK) only when a family list was sent
    shown = [i for i in range(10) if i not in (4, 5) or any(d.families for d in summary.districts)]
    headers = _headers(t)
    for i in shown:
        table.add_column(headers[i], justify="left" if i < 2 else "right", no_wrap=i < 2)
    sent = [d for d in summary.districts if not d.missing]
    for d, row in zip(summary.districts, _district_rows(summary, t), strict=True):
        if not d.missing:
            table.add_row(row[0], _short(d.name), *(str(row[i]) for i in shown[2:]))
    console.print()
    console.print(table)
    for d in sent:
        top = _top(d)
        if top:
            console.print(Text(f"{d.code} {_short(d.name)}: {top}", style="dim"),
                          overflow="fold")
    from pmkscheck.history.dashboard import change_lines  # issue 14: vs previous submission

    for line in change_lines(report, settings):
        console.print(Text(line, style="dim"), overflow="fold")
    missing = ", ".join(d.name for d in summary.missing)
    if missing:
        console.print(Text(f"{t['missing_list']}: {missing}", style="yellow"))
    if len(summary.duplicates):
        console.print(Text(f"{t['dups']}: {len(summary.duplicates)} ({CODE})", style="yellow"))
    for path in summary.outputs.values():
        console.print(Text(f"  {path}", style="dim"), overflow="fold")


__all__ = ["CODE", "DistrictSummary", "ProvinceSummary", "file_district", "file_score",
           "nik_in_two_districts", "output_folder", "render_html", "render_terminal",
           "summarise", "write_province"]
