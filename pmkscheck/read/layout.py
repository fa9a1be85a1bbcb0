"""Layout of a sheet -> its :class:`~pmkscheck.table.SourceTable` (stage ① read).

Input is a :class:`~pmkscheck.read.grid.Grid`; output a ``SourceTable`` (or ``None`` when no
header is recognised). The parts, one module each:

* :mod:`pmkscheck.read.header` -- the header row(s) and the header -> field mapping;
* :mod:`pmkscheck.read.rows` -- which rows under it are records (not blank, section, total,
  repeated-header or signature rows);
* :mod:`pmkscheck.read.sheetjenis` -- the jenis PMKS named by the sheet name or a title row;
* here: derived columns (a ``ttl`` column split into ``tempat_lahir`` and ``tanggal_lahir``, L/P
  columns merged), the table and its reader notices, recap evidence.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.domain.wilayah_named import wilayah_in_sheet
from pmkscheck.issues import Issue
from pmkscheck.read.grid import Grid
from pmkscheck.read.header import (
    _DIGITS_RE,
    _NO_MARK,
    HEADER_SCAN_ROWS,
    Layout,
    _nonempty_rows,
    _text,
    match_header,
)
from pmkscheck.read.rows import _notna, _row_text, classify_rows
from pmkscheck.read.sheetjenis import jenis_in_name, jenis_in_title
from pmkscheck.rules import rule
from pmkscheck.schema.model import Schema
from pmkscheck.table import (
    KIND_EMPTY,
    KIND_ERROR,
    KIND_FORMULA_NO_VALUE,
    KIND_TEXT,
    ROW,
    Column,
    SourceTable,
    column_letter,
)

# ---------------------------------------------------------------- header matching


# ---------------------------------------------------------------- header block


# ---------------------------------------------------------------- jenis from the sheet


# ---------------------------------------------------------------- rows


# ---------------------------------------------------------------- derived columns


def split_ttl(values: np.ndarray, kinds: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split TTL cells into (tempat, tanggal, tempat kinds, tanggal kinds), per unique value.

    The place ends at the last comma before the first digit ("Samarinda, 17-08-1975"); without
    a comma the date starts at the first digit ("Samarinda 17 Agustus 1975"). A date cell is
    only a date.

    >>> tempat, tanggal, _, _ = split_ttl(
    ...     np.array(["Samarinda, 17 Agustus 1975", "Bontang 1-2-1980", None], dtype=object),
    ...     np.array(["s", "s", ""], dtype=object))
    >>> tempat.tolist(), tanggal.tolist()
    (['Samarinda', 'Bontang', None], ['17 Agustus 1975', '1-2-1980', None])
    """
    n = len(values)
    is_text = kinds == KIND_TEXT
    tempat = np.full(n, None, dtype=object)
    tanggal = np.full(n, None, dtype=object)
    if n:
        uniques = distinct.unique(values[is_text])
        split = {u: _split_one(u) for u in uniques if u is not None}
        if split:
            ser = pd.Series(values[is_text])
            tempat[is_text] = ser.map(lambda v: split.get(v, (None, None))[0]).to_numpy(object)
            tanggal[is_text] = ser.map(lambda v: split.get(v, (None, None))[1]).to_numpy(object)
        other = ~is_text & _notna(values)
        tanggal[other] = values[other]
    k_tempat = np.where(_notna(tempat), KIND_TEXT, KIND_EMPTY).astype(object)
    k_tanggal = np.where(_notna(tanggal), np.where(is_text, KIND_TEXT, kinds), KIND_EMPTY)
    return tempat, tanggal, k_tempat, k_tanggal.astype(object)


def _split_one(text: str) -> tuple[str | None, str | None]:
    digit = _DIGITS_RE.search(text)
    pos = digit.start() if digit else len(text)
    comma = text.rfind(",", 0, pos)
    if comma < 0 and not digit:
        comma = text.find(",")
    if comma >= 0:
        place, date = text[:comma], text[comma + 1:]
    else:
        place, date = text[:pos], text[pos:]
    place = place.strip(" ,/-\t\n") or None
    date = date.strip(" ,\t\n") or None
    return place, date


def merge_sex(l_vals: np.ndarray, p_vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """L | P mark columns -> one text column ``"L"``/``"P"`` (both marked: ``"L/P"``)."""
    def marked(values: np.ndarray) -> np.ndarray:
        filled = _notna(values)
        out = filled.copy()
        if filled.any():
            uniques = distinct.unique(values[filled])
            blank = [u for u in uniques if str(u).strip().lower() in _NO_MARK or not str(u).strip()]
            if blank:
                out &= ~pd.Series(values).isin(blank).to_numpy()
        return out

    lm, pm = marked(l_vals), marked(p_vals)
    out = np.full(len(l_vals), None, dtype=object)
    out[lm] = "L"
    out[pm] = "P"
    out[lm & pm] = "L/P"
    kinds = np.where(lm | pm, KIND_TEXT, KIND_EMPTY).astype(object)
    return out, kinds


# ---------------------------------------------------------------- the table


def notice(code: str, *, row: int | None = None, field: str | None = None,
           column: str | None = None, letter: str | None = None, value: str | None = None,
           params: dict[str, object] | None = None) -> Issue:
    """A reader notice with its severity from the rules catalogue."""
    return Issue(code=code, severity=rule(code).severity, row=row, field=field, column=column,
                 letter=letter, value=value, params=params or {})


def build_table(grid: Grid, layout: Layout, schema: Schema, *, path: Path, fmt: str,
                title_jenis_ok: bool = True) -> SourceTable:
    """Turn a grid and its layout into a :class:`SourceTable`."""
    is_csv = fmt in ("csv", "tsv")
    notices: list[Issue] = []
    header_cols = [hc for hc in layout.columns if hc.parts]
    # columns of the table: with a header, or with data under the header block
    first = (layout.numbers_row if layout.numbers_row is not None else layout.end) + 1
    has_data = {c: bool(grid.notna(c)[first:].any()) for c in range(grid.n_cols)}
    fields_at: dict[int, str] = {}
    first_of: dict[str, int] = {}
    for hc in header_cols:
        if hc.field is None:
            continue
        if hc.field in first_of and not (layout.sex_pair and hc.index == layout.sex_pair[1]):
            letter = column_letter(hc.index)
            notices.append(notice(
                "COLUMN_DUPLICATE", field=hc.field, column=hc.text, letter=letter,
                params={"header": hc.text, "letter": letter,
                        "first_letter": column_letter(first_of[hc.field])},
            ))
            continue
        first_of.setdefault(hc.field, hc.index)
        fields_at[hc.index] = hc.field
    table_cols = sorted({hc.index for hc in header_cols} | {c for c, d in has_data.items() if d})
    rows = classify_rows(grid, layout, table_cols, fields_at)
    rec = rows.records
    row_numbers = grid.rows[rec]
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}
    letters: dict[str, str] = {}
    headers: dict[str, str] = {}
    columns: list[Column] = []
    by_index = {hc.index: hc for hc in layout.columns}
    sex_pair = layout.sex_pair
    extra: dict[str, np.ndarray] = {}  # unrecognised columns: kept for the cleaned file
    for c in table_cols:
        hc = by_index.get(c)
        header = hc.text if hc else ""
        fld = hc.field if hc else None
        hidden = c in grid.hidden_cols
        letter = column_letter(c)
        if fld is not None and fields_at.get(c) != fld and not (sex_pair and c == sex_pair[1]):
            fld_for_column = None  # a duplicate: kept as a column, not as data
        else:
            fld_for_column = fld
        columns.append(Column(header=header, field=fld_for_column, letter=letter, index=c,
                              hidden=hidden))
        if sex_pair and c == sex_pair[1]:
            continue  # the P column is folded into jenis_kelamin at the L column
        if not header:
            if has_data.get(c) and len(rec) and grid.notna(c)[rec].any():
                notices.append(notice("COLUMN_BLANK_HEADER", letter=letter,
                                      params={"letter": letter}))
                extra[_unique_name(f"({letter})", extra)] = grid.cols[c][rec]
            continue
        if fld is None:
            notices.append(notice("COLUMN_UNKNOWN", column=header, letter=letter,
                                  params={"header": header}))
            extra[_unique_name(header, extra)] = grid.cols[c][rec]
            continue
        if fields_at.get(c) != fld:
            extra[_unique_name(header, extra)] = grid.cols[c][rec]  # a duplicate column
            continue
        if hidden:
            notices.append(notice("COLUMN_HIDDEN", field=fld, column=header, letter=letter,
                                  params={"header": header, "letter": letter}))
        spec = schema.field(fld)
        values = grid.cols[c][rec]
        cell_kinds = grid.kind(c)[rec]
        if sex_pair and c == sex_pair[0]:
            values, cell_kinds = merge_sex(values, grid.cols[sex_pair[1]][rec])
        if spec is not None and spec.type == "ttl":
            derived = list(spec.derived) or ["tempat_lahir", "tanggal_lahir"]
            tempat, tanggal, k1, k2 = split_ttl(values, cell_kinds)
            for name, v, k in zip(derived[:2], (tempat, tanggal), (k1, k2), strict=True):
                if name in fields_at.values():
                    continue  # an explicit column wins over the split one
                data[name], kinds[name] = v, k
                letters[name], headers[name] = letter, header
            _cell_notices(notices, cell_kinds, row_numbers, fld, header, letter, is_csv, values)
            continue
        data[fld], kinds[fld] = values, cell_kinds
        letters[fld], headers[fld] = letter, header
        _cell_notices(notices, cell_kinds, row_numbers, fld, header, letter, is_csv, values)
    title_lines = [_row_text(grid, r, range(grid.n_cols)).replace(" | ", " ")
                   for r in range(0, layout.start)
                   if any(_text(v) for v in grid.row_cells(r))]
    sheet_jenis = None
    jenis_field = next((f for f in schema.fields if f.sheet_level), None)
    if jenis_field is not None and jenis_field.name not in data:
        found = _sheet_jenis(grid.name, title_lines if title_jenis_ok else [])
        if found is not None:
            sheet_jenis, header, source = found
            data[jenis_field.name] = np.full(len(rec), sheet_jenis, dtype=object)
            kinds[jenis_field.name] = np.full(len(rec), KIND_TEXT, dtype=object)
            headers[jenis_field.name] = header
            notices.append(notice("JENIS_FROM_SHEET", field=jenis_field.name, column=header,
                                  params={"jenis": sheet_jenis, "source": source}))
    if schema.kind != "rekap":
        _sheet_wilayah(grid.name, title_lines, path, schema, data, kinds, headers, notices,
                       len(rec))
    hidden_rows = grid.hidden_rows
    if hidden_rows and len(rec):
        for r in row_numbers[np.isin(row_numbers, np.fromiter(hidden_rows, dtype=np.int64))]:
            notices.append(notice("ROW_HIDDEN", row=int(r), params={"row": int(r)}))
    if is_csv and grid.widths is not None and len(rec):
        header_width = max((hc.index for hc in header_cols), default=-1) + 1
        rec_widths = grid.widths[rec]
        beyond = np.zeros(len(rec), dtype=bool)
        for j in range(header_width, grid.n_cols):
            beyond |= grid.notna(j)[rec]
        # short records, and long ones with data past the header (trailing ";;;" is fine)
        ragged = np.flatnonzero((rec_widths < header_width) | beyond)
        for i in ragged:
            notices.append(notice("ROW_RAGGED", row=int(row_numbers[i]),
                                  params={"expected": header_width,
                                          "found": int(rec_widths[i])}))
    index = pd.RangeIndex(len(rec))
    frame = pd.DataFrame({name: pd.Series(v, index=index, dtype=object)
                          for name, v in data.items()}, index=index)
    frame[ROW] = row_numbers.astype(np.int64)
    return SourceTable(
        path=path, format=fmt, sheet=grid.name, header_row=int(grid.rows[layout.end]),
        data=frame, kinds={k: pd.Series(v, index=index, dtype=object) for k, v in kinds.items()},
        columns=columns, letters=letters, headers=headers, skipped_rows=rows.skipped,
        extra=pd.DataFrame({k: pd.Series(v, index=index, dtype=object)
                            for k, v in extra.items()}, index=index),
        notices=notices, title_lines=title_lines, sheet_jenis=sheet_jenis, schema=schema.name,
    )


def _unique_name(header: str, taken: dict[str, np.ndarray]) -> str:
    """A name for an unrecognised column that does not clash with another one."""
    name, n = header, 2
    while name in taken:
        name, n = f"{header} ({n})", n + 1
    return name


def _cell_notices(notices: list[Issue], kinds: np.ndarray, rows: np.ndarray, fld: str,
                  header: str, letter: str, is_csv: bool,
                  values: np.ndarray | None = None) -> None:
    """Formulas without a cached value and error cells in a mapped column."""
    if is_csv or not len(kinds):
        return
    for i in np.flatnonzero(kinds == KIND_FORMULA_NO_VALUE):
        notices.append(notice("CELL_FORMULA_NO_VALUE", row=int(rows[i]), field=fld,
                              column=header, letter=letter, params={"header": header}))
    for i in np.flatnonzero(kinds == KIND_ERROR):
        notices.append(notice("CELL_ERROR", row=int(rows[i]), field=fld, column=header,
                              letter=letter, value=str(values[i]) if values is not None else None,
                              params={"header": header}))


def _sheet_wilayah(sheet: str | None, titles: list[str], path: Path, schema: Schema,
                   data: dict[str, np.ndarray], kinds: dict[str, np.ndarray],
                   headers: dict[str, str], notices: list[Issue], n: int) -> None:
    """Fill missing kecamatan / desa columns from a sheet name or title naming them.

    One sheet per kecamatan (or desa) with no kecamatan column: the name gives every row its
    kecamatan (WILAYAH_FROM_SHEET, info, says where it came from), so that the desa can be
    checked against it. Columns with a value in the sheet are never overwritten.
    """
    by_type = {f.type: f.name for f in schema.fields if f.type in ("kecamatan", "desa")}
    missing = {t: name for t, name in by_type.items()  # absent, or a column left empty
               if name not in data or not _notna(data[name]).any()}
    if "kecamatan" not in missing:
        return  # the sheet has its own kecamatan column
    found = wilayah_in_sheet(sheet, titles, path.stem, bare_desa="desa" in missing)
    if found is None:
        return
    label = (f"(lembar: {found.text})" if found.source == "sheet"
             else f"(judul: {found.text})")
    values = {"kecamatan": found.kecamatan, "desa": found.desa}
    filled = []
    for kind, name in missing.items():
        if values.get(kind) is None:
            continue
        data[name] = np.full(n, values[kind], dtype=object)
        kinds[name] = np.full(n, KIND_TEXT, dtype=object)
        headers.setdefault(name, label)  # an empty column keeps its own header
        filled.append(name)
    params: dict[str, object] = {"wilayah": found.kecamatan, "source": found.source,
                                 "text": found.text, "kecamatan": found.kecamatan,
                                 "kecamatan_code": found.kecamatan_code}
    if found.desa and missing.get("desa") in filled:
        params.update(wilayah=f"{found.desa}, {found.kecamatan}", desa=found.desa)
    notices.append(notice("WILAYAH_FROM_SHEET", field=missing["kecamatan"],
                          column=headers.get(missing["kecamatan"], label), params=params))


def _sheet_jenis(sheet: str | None, titles: list[str]) -> tuple[str, str, str] | None:
    """(jenis text, header label, source) from the sheet name or a title line."""
    if sheet and jenis_in_name(sheet):
        return sheet.strip(), f"(lembar: {sheet.strip()})", "sheet"
    for line in titles:
        found = jenis_in_title(line)
        if found:
            return found[1], f"(judul: {line.strip()[:80]})", "title"
    return None


def cells_found(grid: Grid, schema: Schema) -> tuple[int, list[str]]:
    """Best header score of any early row, and that row's texts (for ``INPUT_NO_TABLE``)."""
    best_score, best_cells = -1, []
    for r in _nonempty_rows(grid, HEADER_SCAN_ROWS):
        cells = [_text(v) for v in grid.row_cells(r)]
        score = len({match_header(t, schema) for t in cells} - {None})
        if score > best_score:
            best_score, best_cells = score, [t for t in cells if t]
    return best_score, best_cells


# ---------------------------------------------------------------- recaps


def person_evidence(grid: Grid, layout: Layout) -> bool:
    """Does a person-list header hold persons: a name column, or IDs of 8+ digits under it?

    A recap's ``KK`` column (a count of families) maps to No. KK by its header; its cells are
    small numbers, never IDs.
    """
    fields = {hc.field for hc in layout.columns}
    if "nama" in fields:
        return True
    first = layout.end + 1
    for hc in layout.columns:
        if hc.field in ("nik", "no_kk", "id_dtks"):
            values = pd.Series(grid.cols[hc.index][first:first + 200], dtype=object).dropna()
            digits = values.astype(str).str.count(r"\d")
            if len(values) and (digits >= 8).mean() >= 0.5:
                return True
    return False


_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def recap_period(table: SourceTable) -> str | None:
    """The year a recap's ``tahun`` column states (the most frequent one), else ``None``.

    Open-data exports carry the year on every row; a column of several years gives the latest
    year that most rows share.
    """
    if "tahun" not in table.data:
        return None
    years = table.data["tahun"].dropna().astype(str).str.extract(_YEAR_RE)[0].dropna()
    if years.empty:
        return None
    counts = years.value_counts()
    return str(max(counts[counts == counts.max()].index))
