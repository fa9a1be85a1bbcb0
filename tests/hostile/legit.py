"""Legitimate but odd workbooks (issue 12), built at test time: no binary fixtures.

Each one is something Excel, LibreOffice or Google Sheets really writes and that a guard against
hostile files must not refuse: a formatted empty cell at XFD1048576 (Ctrl+End in the corner),
a full-height sheet of short repetitive rows (compresses hundreds of times), millions of shared
strings, a shared-strings header that claims 4294967295 entries, highly repetitive columns, and
the markup of other writers (inline strings, ``t="str"``, other attribute order, no dimension,
namespace prefixes, ods with repeated empty rows down to row 1048576).

The sheets are written with :mod:`zipfile` straight from XML text (fast: a million rows in a few
seconds). The records are :func:`corpus.records` so the findings can be compared with those of
the same records in a plain workbook (:func:`corpus.valid_xlsx`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import corpus

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{corpus.NS_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="1" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
    "</styleSheet>")


def records(n: int = 50) -> list[list[object]]:
    """:func:`corpus.records` with a few faults, so that the findings are worth comparing."""
    recs = corpus.records(n)
    recs[3][4] = "X"  # sex not L/P
    recs[7][1] = str(recs[7][1])[:15]  # NIK one digit short
    recs[10][6] = "31-12-2099"  # born in the future
    recs[12][1] = recs[14][1]  # the same NIK twice
    return recs


def baseline(d: Path, n: int = 50) -> Path:
    """The same records in the plainest workbook (inline strings, Excel's markup)."""
    rows = corpus.sheet_rows_xml([corpus.HEADER, *records(n)])
    return corpus.write_zip(d / "biasa.xlsx", corpus.xlsx_parts(
        {"Data": corpus.sheet_xml(rows, f"A1:O{n + 1}")}))


def _with_styles(parts: dict[str, bytes | str]) -> dict[str, bytes | str]:
    parts["xl/styles.xml"] = STYLES
    rels = str(parts["xl/_rels/workbook.xml.rels"])
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdS" Type="{corpus.NS_REL}/styles" Target="styles.xml"/>'
        "</Relationships>")
    return parts


def _shared(rows: Sequence[Sequence[object]]) -> tuple[str, list[str]]:
    """``<row>`` elements with every text as a shared string, and the table's entries."""
    index: dict[str, int] = {}
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{corpus.col_letter(c)}{r}"
            if v is None or v == "":
                continue
            i = index.setdefault(str(v), len(index))
            cells.append(f'<c r="{ref}" t="s"><v>{i}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out), list(index)


def sst_xml(entries: Sequence[str], claim: int | None = None) -> str:
    n = len(entries) if claim is None else claim
    body = "".join(f"<si><t>{escape(t)}</t></si>" for t in entries)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
            f'{corpus.NS_MAIN}" count="{n}" uniqueCount="{n}">{body}</sst>')


def far_formatted_cell(d: Path, n: int = 50) -> Path:
    """Ctrl+End lands in XFD1048576: one formatted empty cell there, Excel's dimension."""
    rows = corpus.sheet_rows_xml([corpus.HEADER, *records(n)])
    rows += '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    parts = corpus.xlsx_parts({"Data": corpus.sheet_xml(rows, "A1:XFD1048576")})
    return corpus.write_zip(d / "sel_berformat_xfd.xlsx", _with_styles(parts))


def shared_strings_book(d: Path, n: int = 50, claim: int | None = None,
                        extra: int = 0, name: str = "sst.xlsx") -> Path:
    """Every text a shared string; ``claim`` overrides the header's counts, ``extra`` entries
    nobody uses are appended (a table of millions, as after deleting most rows)."""
    rows, entries = _shared([corpus.HEADER, *records(n)])
    entries = entries + [f"teks lama nomor {i} dari tabel yang panjang" for i in range(extra)]
    parts = corpus.xlsx_parts({"Data": corpus.sheet_xml(rows, f"A1:O{n + 1}")},
                              shared_strings=sst_xml(entries, claim))
    return corpus.write_zip(d / name, _with_styles(parts), level=6)


FULL_HEADER = ["No", "NIK", "Nama", "Jenis Kelamin", "Kecamatan", "Jenis PMKS"]
FULL_ROWS = 1_048_575  # data rows under the header: the sheet is full to row 1048576


def full_height(d: Path, n: int = FULL_ROWS) -> Path:
    """Every row of the sheet used by the same short record (a form copied down to the last
    row), written as writers that omit the optional ``r`` attributes do: ~145 bytes of XML per
    row, compressed ~1000 times."""
    entries = [*FULL_HEADER, corpus.nik(1, True), "Siti Aminah", "P", "Muara Ancalong",
               "Lanjut Usia Telantar"]
    head = "".join(f'<c t="s"><v>{c}</v></c>' for c in range(len(FULL_HEADER)))
    row = ('<row><c><v>1</v></c>' + "".join(f'<c t="s"><v>{i}</v></c>' for i in range(6, 11))
           + "</row>").encode()
    path = d / "penuh_sejuta_baris.xlsx"
    parts = _with_styles(corpus.xlsx_parts({"Data": ""}, shared_strings=sst_xml(entries)))
    start, end = corpus.sheet_xml("@@").split("@@")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f"{start}<row>{head}</row>".encode())
            block = row * 10_000
            for _ in range(n // 10_000):
                fh.write(block)
            fh.write(row * (n % 10_000))
            fh.write(end.encode())
    return path


def repetitive_columns(d: Path, n: int = 20_000) -> Path:
    """Every record the same but its number: deflate packs the sheet ~300 times."""
    recs = corpus.records(1) * n
    rows = [corpus.HEADER] + [[str(i + 1), *r[1:]] for i, r in enumerate(recs)]
    parts = corpus.xlsx_parts({"Data": corpus.sheet_xml(corpus.sheet_rows_xml(rows))})
    return corpus.write_zip(d / "kolom_berulang.xlsx", _with_styles(parts), level=9)


def other_writer(d: Path, n: int = 50) -> Path:
    """Markup of other writers: no ``<dimension>``, ``s`` before ``r``, ``t="str"`` texts,
    inline strings, explicit ``t="n"``, rows without ``spans``, an ``x:`` namespace prefix
    (Open XML SDK), cells without ``r`` in a row (allowed by the standard)."""
    out = []
    for r, row in enumerate([corpus.HEADER, *records(n)], start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{corpus.col_letter(c)}{r}"
            if v is None or v == "":
                continue
            text = escape(str(v))
            if c == 0 and r > 1:
                cells.append(f'<x:c s="0" r="{ref}" t="n"><x:v>{v}</x:v></x:c>')
            elif c % 2:
                cells.append(f'<x:c t="str" s="0" r="{ref}"><x:v>{text}</x:v></x:c>')
            else:
                cells.append(f'<x:c s="0" t="inlineStr" r="{ref}"><x:is><x:t>{text}</x:t>'
                             "</x:is></x:c>")
        out.append(f'<x:row r="{r}">{"".join(cells)}</x:row>')
    xml = (f'<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="{corpus.NS_MAIN}">'
           f'<x:sheetData>{"".join(out)}</x:sheetData></x:worksheet>')
    parts = corpus.xlsx_parts({"Data": xml})
    return corpus.write_zip(d / "penulis_lain.xlsx", _with_styles(parts))


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def ods_book(d: Path, n: int = 50) -> Path:
    """LibreOffice's ods: formatted empty rows repeated down to row 1048576 and columns to
    AMJ, as it saves a sheet whose column was formatted whole."""
    rows = []
    for row in [corpus.HEADER, *records(n)]:
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>" if v not in (None, "") else "<table:table-cell/>"
            for v in row)
        rows.append(f'<table:table-row>{cells}<table:table-cell table:style-name="ce1" '
                    'table:number-columns-repeated="1009"/></table:table-row>')
    used = len(rows)
    rows.append(f'<table:table-row table:number-rows-repeated="{1_048_576 - used}">'
                '<table:table-cell table:style-name="ce1" table:number-columns-repeated="1024"/>'
                "</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS} '
        'office:version="1.3"><office:automatic-styles><style:style style:name="ce1" '
        'style:family="table-cell"><style:table-cell-properties fo:background-color="#ffff00"/>'
        '</style:style></office:automatic-styles><office:body><office:spreadsheet>'
        '<table:table table:name="Data"><table:table-column table:number-columns-repeated='
        f'"1024"/>{"".join(rows)}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    path = d / "libreoffice.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path
