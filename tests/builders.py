"""Test helpers: write xlsx / xls / ods / csv files from plain Python lists.

Every writer takes rows as lists starting at spreadsheet row 1, column A (put title rows and blank
rows in the list as they should appear; ``None`` is an empty cell). Cell values:

* ``str`` -> text cell; ``int``/``float`` -> numeric cell (e.g. a NIK typed as a number);
* ``datetime.date``/``datetime.datetime`` -> a real date cell; ``bool`` -> boolean cell;
* :class:`Formula` -> a formula (xlsx: without a cached value, as written by non-Excel tools;
  ``Formula("=1+1", value=2)`` stores a cached value);
* :class:`Error` -> an error cell (``Error("#REF!")``).

A workbook is a mapping of sheet name -> :class:`Sheet` (or a bare list of rows)::

    write_xlsx(tmp_path / "a.xlsx", {
        "PMKS 2024": Sheet(rows=[["DATA PMKS"], [], ["No", "NIK", "Nama"], [1, "647...", "Siti"]],
                           merges=["A1:C1"], hidden_rows=[4]),
        "Lama": Sheet(rows=[["No", "NIK"]], hidden=True),
    })

``merges`` are A1 ranges; ``hidden_rows`` are 1-based row numbers; ``hidden_cols`` are letters.
Never put real people's data in tests: use :func:`fake_nik` for well-formed synthetic NIKs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``value`` is the cached result (``None``: not calculated)."""

    text: str
    value: object = None


@dataclass(frozen=True)
class Error:
    """An error cell such as ``#REF!`` or ``#N/A``."""

    text: str = "#REF!"


@dataclass
class Sheet:
    """One sheet: rows from A1, merged ranges, visibility."""

    rows: Sequence[Sequence[object]]
    merges: Sequence[str] = ()
    hidden: bool = False
    hidden_rows: Sequence[int] = ()
    hidden_cols: Sequence[str] = ()
    extra: dict = field(default_factory=dict)


Book = Mapping[str, "Sheet | Sequence[Sequence[object]]"]


def _sheets(book: Book) -> list[tuple[str, Sheet]]:
    return [(name, s if isinstance(s, Sheet) else Sheet(rows=s)) for name, s in book.items()]


def fake_nik(kec: str = "647203", day: int = 17, month: int = 8, year: int = 75,
             serial: int = 1, female: bool = False) -> str:
    """A well-formed synthetic NIK (region + DDMMYY + serial)."""
    d = day + 40 if female else day
    return f"{kec}{d:02d}{month:02d}{year % 100:02d}{serial:04d}"


def _a1(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m, ref
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _range(rng: str) -> tuple[int, int, int, int]:
    a, b = rng.split(":")
    r0, c0 = _a1(a)
    r1, c1 = _a1(b)
    return r0, c0, r1, c1


# ------------------------------------------------------------------ xlsx


def write_xlsx(path: Path, book: Book) -> Path:
    """Write an .xlsx with openpyxl (formulas without cached values are written as such)."""
    import openpyxl
    from openpyxl.cell.cell import ERROR_CODES

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    cached: list[tuple[str, str, object]] = []
    for name, sheet in _sheets(book):
        ws = wb.create_sheet(name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, Formula):
                    cell.value = value.text
                    if value.value is not None:
                        cached.append((name, cell.coordinate, value.value))
                elif isinstance(value, Error):
                    assert value.text in ERROR_CODES, value.text
                    cell.value = value.text
                    cell.data_type = "e"
                else:
                    cell.value = value
                    if isinstance(value, dt.datetime):
                        cell.number_format = "dd/mm/yyyy hh:mm"
                    elif isinstance(value, dt.date):
                        cell.number_format = "dd/mm/yyyy"
        for rng in sheet.merges:
            ws.merge_cells(rng)
        for r in sheet.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for letter in sheet.hidden_cols:
            ws.column_dimensions[letter].hidden = True
        if sheet.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    if cached:
        _patch_cached_values(path, wb.sheetnames, cached)
    return path


def _patch_cached_values(path: Path, names: list[str], cached: list[tuple[str, str, object]]
                         ) -> None:
    """openpyxl never stores a formula's result; add ``<v>`` for cells that should have one."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    for sheet_name, coord, value in cached:
        part = f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml"
        xml = members[part].decode("utf-8")
        pattern = re.compile(rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)<v\s*/>')
        if isinstance(value, str):
            cached_v = f"<v>{escape(value)}</v>"
            xml = pattern.sub(lambda m, v=cached_v: m.group(1).replace("<c ", '<c t="str" ')
                              + m.group(2) + v, xml)
        else:
            cached_v = f"<v>{value}</v>"
            xml = pattern.sub(lambda m, v=cached_v: m.group(1) + m.group(2) + v, xml)
        members[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


# ------------------------------------------------------------------ xls


def write_xls(path: Path, book: Book) -> Path:
    """Write a legacy .xls (BIFF8) with xlwt; merges and hidden sheets supported."""
    import xlwt

    wb = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, sheet in _sheets(book):
        ws = wb.add_sheet(name, cell_overwrite_ok=True)
        merged_cells: set[tuple[int, int]] = set()
        for rng in sheet.merges:
            r0, c0, r1, c1 = _range(rng)
            top = sheet.rows[r0 - 1][c0 - 1] if c0 - 1 < len(sheet.rows[r0 - 1]) else None
            ws.write_merge(r0 - 1, r1 - 1, c0 - 1, c1 - 1, _xls_value(top))
            merged_cells |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or (r, c) in merged_cells:
                    continue
                if isinstance(value, dt.date):
                    ws.write(r - 1, c - 1, value, date_style)
                elif isinstance(value, Formula):
                    ws.write(r - 1, c - 1, xlwt.Formula(value.text.lstrip("=")))
                else:
                    ws.write(r - 1, c - 1, _xls_value(value))
        for r in sheet.hidden_rows:
            ws.row(r - 1).hidden = True
        if sheet.hidden:
            ws.visibility = 1
    wb.save(str(path))
    return path


def _xls_value(value: object) -> object:
    if isinstance(value, Error):
        return value.text
    return "" if value is None else value


# ------------------------------------------------------------------ ods


def write_ods(path: Path, book: Book) -> Path:
    """Write an OpenDocument spreadsheet by hand (zip with ``mimetype`` stored first)."""
    body = []
    for name, sheet in _sheets(book):
        spans = {}
        covered = set()
        for rng in sheet.merges:
            r0, c0, r1, c1 = _range(rng)
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        width = max((len(r) for r in sheet.rows), default=0)
        width = max([width] + [c for _, c in covered]
                    + [c0 + s[1] - 1 for (_, c0), s in spans.items()])
        rows_xml = []
        n_rows = max([len(sheet.rows)] + [r for r, _ in covered])
        for r in range(1, n_rows + 1):
            row = sheet.rows[r - 1] if r - 1 < len(sheet.rows) else []
            cells = []
            for c in range(1, width + 1):
                value = row[c - 1] if c - 1 < len(row) else None
                if (r, c) in covered:
                    cells.append("<table:covered-table-cell/>")
                    continue
                attrs = ""
                if (r, c) in spans:
                    rs, cs = spans[(r, c)]
                    attrs = (f' table:number-rows-spanned="{rs}"'
                             f' table:number-columns-spanned="{cs}"')
                cells.append(_ods_cell(value, attrs))
            hidden = ' table:visibility="collapse"' if r in sheet.hidden_rows else ""
            rows_xml.append(f"<table:table-row{hidden}>{''.join(cells)}</table:table-row>")
        style = ' table:style-name="ta_hidden"' if sheet.hidden else ""
        body.append(f'<table:table table:name="{escape(name, {chr(34): "&quot;"})}"{style}>'
                    f"<table:table-column table:number-columns-repeated=\"{max(width, 1)}\"/>"
                    f"{''.join(rows_xml)}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="ta_hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(value: object, attrs: str) -> str:
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, bool):
        v = "true" if value else "false"
        return (f'<table:table-cell{attrs} office:value-type="boolean" office:boolean-value="{v}">'
                f"<text:p>{v.upper()}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell{attrs} office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, dt.date):
        iso = value.isoformat()
        return (f'<table:table-cell{attrs} office:value-type="date" office:date-value="{iso}">'
                f"<text:p>{iso}</text:p></table:table-cell>")
    if isinstance(value, Error):
        return (f'<table:table-cell{attrs} table:formula="of:=#REF!" office:value-type="string">'
                f"<text:p>{escape(value.text)}</text:p></table:table-cell>")
    if isinstance(value, Formula):
        return f'<table:table-cell{attrs} table:formula="of:{escape(value.text)}"/>'
    text = str(value)
    return (f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(text)}'
            "</text:p></table:table-cell>")


# ------------------------------------------------------------------ csv


def csv_text(rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """Rows -> CSV text (quoted where needed, ``\\r\\n`` line ends, like Excel)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def write_csv(path: Path, rows: Iterable[Sequence[object]], delimiter: str = ",",
              encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write rows as CSV/TSV in ``encoding`` (``bom`` adds the encoding's byte-order mark)."""
    text = csv_text(rows, delimiter)
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe",
                "utf-16-be": b"\xfe\xff"}[encoding.lower()] + data
    path.write_bytes(data)
    return path
