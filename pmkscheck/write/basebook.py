"""Stage ⑤ write: a minimal xlsx of the input's cells, for CSV, TSV, ODS and XLS input.

Values stay at their original row and column (so cells line up with every report); the sheet is
streamed into the zip in chunks of rows. The annotated workbook is then patched onto it.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pmkscheck.table import ROW, column_letter
from pmkscheck.write.ooxml import (
    CT_WB,
    CT_WORKSHEET,
    FORMULA_START,
    MAX_ROWS,
    MAX_TEXT,
    NEEDS_ESCAPE,
    NS_MAIN,
    NS_REL,
    REL_STYLES,
    REL_WORKSHEET,
    add_relationships,
    x,
)
from pmkscheck.write.xlsx import write_package

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport


def _raw_rows(f: FileReport) -> tuple[str, Iterable[tuple[int, list[Any]]]]:
    """(sheet name, (row number, values) in order) of the input as the user sees it."""
    fmt = (f.format or "").lower()
    path = Path(f.path)
    if fmt in ("csv", "tsv", "txt"):
        table = f.table
        enc = (table.encoding if table and table.encoding else None) or "utf-8-sig"
        delim = (table.delimiter if table and table.delimiter else None) or (
            "\t" if fmt == "tsv" else ",")
        try:
            fh = path.open(encoding=enc, errors="replace", newline="")
        except (OSError, LookupError):
            return _safe_sheet_name(path.stem), _rows_from_table(f)
        return _safe_sheet_name(path.stem), _csv_rows(fh, delim)
    try:
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_path(str(path))
        try:
            sh = wb.get_sheet_by_name(f.sheet) if f.sheet else wb.get_sheet_by_index(0)
            grid = sh.to_python(skip_empty_area=False)
            name = sh.name
        finally:
            wb.close()
        return _safe_sheet_name(name), ((r + 1, vals) for r, vals in enumerate(grid))
    except Exception:  # noqa: BLE001 - a workbook calamine cannot open: rebuild from the data
        return _safe_sheet_name(f.sheet or path.stem), _rows_from_table(f)


def _csv_rows(fh: TextIO, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    """Records with the line number of their first line (multi-line records keep theirs)."""
    with fh:
        reader = csv.reader(fh, delimiter=delimiter)
        line = 1
        try:
            for values in reader:
                yield line, values
                line = reader.line_num + 1
        except csv.Error:
            return


def _rows_from_table(f: FileReport) -> list[tuple[int, list[Any]]]:
    table = f.table
    if table is None:
        return []
    columns = sorted(f.columns or table.columns, key=lambda c: c.index)
    width = max((c.index for c in columns), default=-1) + 1
    out: list[tuple[int, list[Any]]] = []
    header = [""] * width
    series = []
    for c in columns:
        header[c.index] = c.header
        name = c.field if c.field and c.field in table.data.columns else f"_col_{c.header}"
        if name in table.data.columns:
            series.append((c.index, table.data[name].tolist()))
    if table.header_row:
        out.append((table.header_row, header))
    rows = table.data[ROW].tolist()
    for n, r in enumerate(rows):
        vals: list[Any] = [""] * width
        for idx, values in series:
            v = values[n]
            vals[idx] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
        out.append((int(r), vals))
    return out


def _safe_sheet_name(name: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Data"
    return name[:31]


_EPOCH = dt.datetime(1899, 12, 30)


def _text_rows_xml(rows: Iterable[tuple[int, list[Any]]], chunk: int = 5_000
                   ) -> Iterator[str]:
    """``<row>`` elements of an all-text grid (CSV): one tight loop, no type dispatch.

    (Measured on 100 000 x 15 cells: ~7x faster than the typed loop below, and ~7x faster than
    building the same strings with pandas object-column concatenation.)
    """
    out: list[str] = []
    add = out.append
    letters: list[str] = []
    needs = NEEDS_ESCAPE.search
    quoted = ' s="1"'
    for r, values in rows:
        if r > MAX_ROWS:
            break
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = [
            f'<c r="{letters[c]}{r}"{quoted if v.startswith(FORMULA_START) else ""} '
            f't="inlineStr"><is><t xml:space="preserve">'
            f"{x(v) if needs(v) or len(v) > MAX_TEXT else v}</t></is></c>"
            for c, v in enumerate(values) if v
        ]
        if cells:
            add(f'<row r="{r}">{"".join(cells)}</row>')
        if len(out) >= chunk:
            yield "".join(out)
            out.clear()
    yield "".join(out)


def _typed_rows_xml(rows: Iterable[tuple[int, list[Any]]], chunk: int = 5_000
                    ) -> Iterator[str]:
    """``<row>`` elements of a workbook grid (numbers, dates, booleans, text)."""
    out: list[str] = []
    letters: list[str] = []
    for r, values in rows:
        if r > MAX_ROWS:
            break
        cells = []
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            ref = f"{letters[c]}{r}"
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                if isinstance(v, float) and not math.isfinite(v):
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
                else:
                    cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            elif isinstance(v, (dt.datetime, dt.date)):
                d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                serial = (d - _EPOCH).total_seconds() / 86400
                style = 2 if isinstance(v, dt.datetime) and (v.hour or v.minute or v.second) else 3
                cells.append(f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>')
            else:
                text = str(v)
                s = ' s="1"' if text.startswith(FORMULA_START) else ""
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                             f"{x(text)}</t></is></c>")
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(out) >= chunk:
            yield "".join(out)
            out.clear()
    yield "".join(out)


def build_base_workbook(f: FileReport, target: Path,
                        rows_map: dict[int, int] | None = None) -> str:
    """Write a minimal xlsx of the input's cells (text stays text); return its sheet name.

    Written through :func:`pmkscheck.write.xlsx.write_package`: the sheet is streamed into the
    zip in chunks of rows, so a 1M-row CSV is never held as one
    string. ``rows_map`` (source row -> row written) keeps only some rows, moved up (the return
    files of ``--split``, issue 14).
    """
    name, rows = _raw_rows(f)
    if rows_map is not None:
        rows = ((rows_map[r], v) for r, v in rows if r in rows_map)
    text_only = (f.format or "").lower() in ("csv", "tsv", "txt")
    chunks = _text_rows_xml(rows) if text_only else _typed_rows_xml(rows)
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/>'
              '<name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill>'
              '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
              '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
              '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"'
              ' fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4">'
              '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" '
              'applyNumberFormat="1"/>'
              '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" '
              'applyNumberFormat="1"/>'
              '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
              'applyNumberFormat="1"/></cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
              "</cellStyles></styleSheet>")
    wbxml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><bookViews><workbookView/>'
             f'</bookViews><sheets><sheet name="{x(name)}" sheetId="1" r:id="rId1"/></sheets>'
             "</workbook>")
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          f'<Override PartName="/xl/workbook.xml" ContentType="{CT_WB}"/>'
          f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_WORKSHEET}"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.styles+xml"/></Types>')
    root_rels = add_relationships(None, [("rId1", NS_REL + "/officeDocument", "xl/workbook.xml")])
    wb_rels = add_relationships(None, [("rId1", REL_WORKSHEET, "worksheets/sheet1.xml"),
                                        ("rId2", REL_STYLES, "styles.xml")])
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
             f'xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheetViews><sheetView '
             'workbookViewId="0"/></sheetViews><sheetData>')
    write_package(target, [
        ("[Content_Types].xml", ct), ("_rels/.rels", root_rels), ("xl/workbook.xml", wbxml),
        ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml",
         itertools.chain((sheet,), chunks, ("</sheetData></worksheet>",))),
    ])
    return name
