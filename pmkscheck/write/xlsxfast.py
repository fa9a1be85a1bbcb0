"""A fast one-sheet xlsx writer for the cleaned file (stage ⑤ write).

Over 400 lines on purpose: one writer whose parts (shared strings, column preparation, block
assembly, threaded deflate) only make sense together; splitting it would scatter one format.

Why: writing a million-row cleaned workbook cell by cell through xlsxwriter costs one Python call
per cell (about 20 million at 1M rows) and dominated the run (issue 6). This module writes the
SpreadsheetML itself, column-wise:

* every distinct text goes once into a shared-string table (``pandas.factorize`` per column, then
  once more across columns), so XML escaping runs once per *unique* value;
* a cell is ``<c r="B7" s="2" t="s"><v>41</v></c>``, its tail (style, type, value) built once
  per distinct value and laid into a byte matrix one block of rows at a time; missing values
  write no cell at all;
* what is kept for all rows is small (issue 16): one code per cell in the narrowest integer type
  the column's distinct values allow, and for an integer column its values (its digits are
  written block by block); blocks of 16,384 rows;
* blocks are deflated (zlib level 1 by default) on a worker thread while the next block is built,
  so the compressor and the XML builder use both cores (both release the GIL).

What a cell holds is what :mod:`xlsxwriter` would write for the same frame with
``write_string`` / ``write_number`` (``pmkscheck.write`` before issue 6), which the tests check
cell by cell: text stays text (ID columns carry the text number format ``@``), Python/numpy
integers become numbers, other values their ``str()``; text that a spreadsheet would run as a
formula (``= + - @``, tab, CR first) gets Excel's own *quote prefix* flag; control characters are
written as Excel's ``_xHHHH_`` escapes; text longer than 32,767 UTF-16 units is cut to that.
The header row is bold on a light-blue fill, frozen, with an autofilter over the table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.table import column_letter
from pmkscheck.write.ooxml import (
    CT_WB,
    CT_WORKSHEET,
    MAX_ROWS,
    MAX_TEXT,
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    open_package,
)

MAX_COLS = 16_384
MAX_STR = MAX_TEXT
# what Python's re calls whitespace (xlsxwriter's test for xml:space="preserve"), for RE2
_SPACE = "[\\s\\v\\x1c-\\x1f\\x85\\p{Z}]"

# cellXfs indices in STYLES below
XF_DEFAULT, XF_HEADER, XF_TEXT, XF_QUOTED = 0, 1, 2, 3

_NS, _NS_R, _NS_PKG = NS_MAIN, NS_REL, NS_PKG_REL
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT_WB}"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_WORKSHEET}"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    '</Types>'
)
ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_NS_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>'
)
APP = (
    _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>pmkscheck</Application></Properties>'
)
WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_NS_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
_FONT = ('<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
         '<scheme val="minor"/>')
_THIN = '<{0} style="thin"><color auto="1"/></{0}>'
STYLES = (
    _XML + f'<styleSheet xmlns="{_NS}">'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border>' + "".join(_THIN.format(s) for s in ("left", "right", "top", "bottom"))
    + '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'quotePrefix="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/>'
    '</styleSheet>'
)


@dataclass
class _Column:
    """One column, ready to be turned into cell XML for any block of rows.

    A cell is ``<c r="`` + letter + row + ``"`` + *tail*; the tail (style, type and value, e.g.
    ``' s="2" t="s"><v>41</v></c>'``) depends only on the value, so it is built once per
    distinct value (``tails``, a fixed-width bytes array padded with NUL) and picked per row
    with ``codes`` (-1 = empty cell, written as nothing).
    """

    letter: str
    codes: np.ndarray  # per row into tails, -1 = no cell (the smallest signed int dtype)
    tails: np.ndarray  # uint8 matrix, one NUL-padded row per distinct value
    ints: np.ndarray | None = None  # integer column: int64 per row, written block by block
    present: np.ndarray | None = None  # integer column: bool per row (None = every row)
    head: bytes = b""  # integer column: what comes before the digits
    sst_local: np.ndarray | None = None  # per tail: position among the column's texts, or -1
    text_style: np.ndarray | None = None  # per tail: xf of a text cell
    texts: int | None = None  # shared-string ticket
    number_tail: np.ndarray | None = None  # per distinct value: tail of a number cell, or None


def excel_width(chars: float) -> float:
    """Column width as Excel stores it for a width of ``chars`` digits (xlsxwriter's rule)."""
    if chars <= 0:
        return 0.0
    if chars < 1:
        pixels = int(chars * 12 + 0.5)
    else:
        pixels = int(chars * 7 + 0.5) + 5
    return int(pixels / 7 * 256.0) / 256.0


def write_frame(frame: pd.DataFrame, target: str | Path, *, sheet_name: str = "Sheet1",
                text_columns: Iterable[str] = (), widths: Mapping[str, float] | None = None,
                header: bool = True, freeze_header: bool = True, autofilter: bool = True,
                compresslevel: int = 1, block_rows: int = 16_384) -> None:
    r"""Write ``frame`` as a one-sheet xlsx workbook at ``target``.

    Args:
        frame: the table; column names become the header row. Values: ``str``, ``None``/NaN/NA
            (no cell), integers (number cells); anything else is written as its ``str()``.
        target: where to write (overwritten; callers go through
            :func:`pmkscheck.write.xlsx.save_frame`, which saves atomically).
        sheet_name: the sheet's name (at most 31 characters, no ``[]:*?/\``).
        text_columns: columns formatted as text (``@``), e.g. NIK, No. KK, codes.
        widths: column name -> width in characters (default: Excel's default width).
        header: write the column names as a styled first row.
        freeze_header: keep the header row visible while scrolling.
        autofilter: put Excel's filter buttons on the header row.
        compresslevel: zlib level (1 = fastest; the XML is very repetitive, 1 packs it well).
        block_rows: rows per block of XML (bounds memory; each block is about 40 bytes a cell).

    Rows past Excel's limit (1,048,576 rows with the header) are not written, as with
    xlsxwriter; the cleaned CSV holds every row.
    """
    text_set = set(text_columns)
    widths = dict(widths or {})
    names = [str(c) for c in frame.columns]
    if len(names) > MAX_COLS:
        raise ValueError(f"{len(names)} columns: more than an xlsx sheet can hold")
    first = 1 if header else 0
    n = min(len(frame), MAX_ROWS - first)
    strings = _SharedStrings()
    head_ticket = strings.collect(np.array(names, dtype=object)) if header else None
    columns: list[_Column] = []
    for c, name in enumerate(names):
        values = frame.iloc[:n, c]
        columns.append(_prepare_column(values, column_letter(c), name in text_set, strings))
    numbered = strings.number()
    for col in columns:
        _finish_tails(col, numbered[col.texts] if col.texts is not None else None)
    header_ids = list(numbered[head_ticket]) if head_ticket is not None else []
    del numbered
    last_row = n + first
    last_col = column_letter(max(len(names) - 1, 0))
    ref = f"A1:{last_col}{max(last_row, 1)}"

    head = [
        _XML,
        f'<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">',
        f'<dimension ref="{ref}"/>',
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">',
    ]
    if header and freeze_header:
        head.append('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft"/>')
    head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    cols_xml = []
    for c, name in enumerate(names):
        width = widths.get(name)
        style = f' style="{XF_TEXT}"' if name in text_set else ""
        if width is None and not style:
            continue
        w = excel_width(width if width is not None else 8.43)
        custom = ' customWidth="1"' if width is not None else ""
        cols_xml.append(f'<col min="{c + 1}" max="{c + 1}" width="{w}"{style}{custom}/>')
    if cols_xml:
        head.append("<cols>" + "".join(cols_xml) + "</cols>")
    head.append("<sheetData>")
    if header and names:
        cells = "".join(
            f'<c r="{column_letter(c)}1" s="{XF_HEADER}" t="s"><v>{i}</v></c>'
            for c, i in enumerate(header_ids))
        head.append(f'<row r="1">{cells}</row>')
    tail = "</sheetData>"
    if header and autofilter and names:
        tail += f'<autoFilter ref="{ref}"/>'
    tail += ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
             'footer="0.3"/></worksheet>')

    quoted = _quote_sheet(sheet_name)
    defined = ""
    if header and autofilter and names:
        abs_ref = f"$A$1:${last_col}${max(last_row, 1)}"
        defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
                   f'hidden="1">{_escape_text(quoted)}!{abs_ref}</definedName></definedNames>')
    workbook = (
        _XML + f'<workbook xmlns="{_NS}" xmlns:r="{_NS_R}"><workbookPr/>'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" '
        'windowHeight="9660"/></bookViews>'
        f'<sheets><sheet name="{_escape_attr(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        f'{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )

    # one level for every part (the small ones cost nothing); naming members by string lets
    # zipfile apply it on every Python version (ZipInfo's level attribute was renamed in 3.13)
    with open_package(target, compresslevel) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("docProps/app.xml", APP)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write("".join(head).encode("utf-8"))
            _write_blocks(sheet, columns, n, first, block_rows)
            sheet.write(tail.encode("utf-8"))
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            strings.write(sst, block_rows)


def _write_blocks(out, columns: list[_Column], n: int, first: int, block_rows: int) -> None:
    """Build the ``<row>`` XML of each block on this thread; write (deflate) on a worker.

    ``out.write`` compresses with zlib, which releases the GIL, as do the pyarrow kernels, so
    building block k+1 overlaps compressing block k. At most two blocks wait in memory.
    """
    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=1) as pool:
        for start in range(0, n, block_rows):
            stop = min(start + block_rows, n)
            data = _block_xml(columns, start, stop, first)
            pending.append(pool.submit(out.write, data))
            while len(pending) > 1:
                pending.popleft().result()
        while pending:
            pending.popleft().result()


def _block_xml(columns: list[_Column], start: int, stop: int, first: int) -> memoryview:
    """The ``<row>`` elements of data rows ``start:stop`` (0-based) as UTF-8 bytes.

    Every piece of every row is laid into one NUL-padded byte matrix (one row per sheet row, a
    fixed-width slot per piece), then the NUL padding is squeezed out in one pass. XML cannot
    contain NUL, and the shared strings keep all text out of the sheet, so nothing is lost.
    A column's cells are picked from its tails while the matrix is filled, one column at a time.
    """
    b = stop - start
    row_text = digits(np.arange(start + 1 + first, stop + 1 + first, dtype=np.int64))
    # (piece, rows without a cell): a piece is bytes, a uint8 matrix, or (tails, codes) picked
    # only when it is laid in
    slots: list[tuple[object, np.ndarray | None]] = [
        (b'<row r="', None), (row_text, None), (b'">', None)]
    for col in columns:
        if col.ints is not None:
            present = col.present[start:stop] if col.present is not None else None
            if present is not None and not present.any():
                continue
            missing = None if present is None or present.all() else ~present
            pieces: list[object] = [col.head, digits(col.ints[start:stop]), b"</v></c>"]
        else:
            codes = col.codes[start:stop]
            present = codes >= 0
            if not present.any():
                continue
            missing = None if present.all() else ~present
            pieces = [(col.tails, codes)]
        slots.append((f'<c r="{col.letter}'.encode(), missing))
        slots.append((row_text, missing))
        slots.extend((piece, missing) for piece in pieces)
    slots.append((b"</row>", None))
    width = sum(_width(v) for v, _ in slots)
    grid = np.empty((b, width), dtype=np.uint8)
    at = 0
    for value, missing in slots:
        w = _width(value)
        if isinstance(value, bytes):
            grid[:, at:at + w] = np.frombuffer(value, dtype=np.uint8)
        elif isinstance(value, tuple):
            tails, codes = value
            grid[:, at:at + w] = _pick(tails, np.maximum(codes, 0))
        else:
            grid[:, at:at + w] = value
        if missing is not None:
            grid[missing, at:at + w] = 0
        at += w
    del slots
    flat = grid.reshape(-1)
    return memoryview(flat[flat != 0])


def _width(piece: object) -> int:
    if isinstance(piece, bytes):
        return len(piece)
    if isinstance(piece, tuple):
        return piece[0].shape[1]
    return piece.shape[1]


def _pick(grid: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``grid[rows]`` for a C-contiguous uint8 matrix, via a 1-D gather of fixed-size records."""
    w = grid.shape[1]
    records = np.ascontiguousarray(grid).view(np.dtype((np.void, w))).reshape(-1)
    return records[rows].view(np.uint8).reshape(len(rows), w)


def digits(values: np.ndarray) -> np.ndarray:
    r"""Decimal ASCII of integers as a NUL-padded uint8 matrix (one row per value).

    >>> bytes(digits(np.array([7, -120, 3051]))[1]).replace(b"\0", b"")
    b'-120'
    """
    values = np.asarray(values, dtype=np.int64)
    neg = values < 0
    mag = np.abs(values)
    top = int(mag.max()) if len(mag) else 0
    width = max(len(str(top)), 1)
    out = np.zeros((len(values), width + 1), dtype=np.uint8)
    out[:, 0] = np.where(neg, ord("-"), 0)
    scale = 1
    for pos in range(width, 0, -1):
        d = (mag // scale) % 10
        out[:, pos] = np.where((mag >= scale) | (pos == width), d + 48, 0)
        scale *= 10
    return out


def string_bytes(arr: pa.Array) -> bytes:
    """The UTF-8 bytes of all values of a string array, concatenated (zero-copy slice)."""
    if isinstance(arr, pa.ChunkedArray):
        return b"".join(string_bytes(chunk) for chunk in arr.chunks)
    if len(arr) == 0:
        return b""
    if arr.type == pa.large_string():
        dtype = np.int64
    else:
        arr = arr.cast(pa.string()) if arr.type != pa.string() else arr
        dtype = np.int32
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=dtype)[arr.offset: arr.offset + len(arr) + 1]
    return data_buf.to_pybytes()[int(offsets[0]): int(offsets[-1])]


class _SharedStrings:
    """The workbook's distinct texts: collected per column, numbered once at the end."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._texts: np.ndarray = np.zeros(0, dtype=object)

    def collect(self, uniques: np.ndarray) -> int:
        """Queue one column's distinct texts; returns a ticket for :meth:`indices`."""
        self._parts.append(uniques)
        return len(self._parts) - 1

    def number(self) -> list[np.ndarray]:
        """Give every distinct text one index (first seen first); per ticket, its indices."""
        if not self._parts:
            return []
        sizes = [len(p) for p in self._parts]
        allv = np.concatenate(self._parts) if sum(sizes) else np.zeros(0, dtype=object)
        self._parts = []  # numbered once: the columns' lists are no longer needed
        codes, uniques = distinct.factorize(allv)
        del allv
        self._texts = np.asarray(uniques, dtype=object)
        bounds = np.cumsum([0, *sizes])
        codes = codes.astype(np.int64, copy=False)
        return [codes[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]

    def write(self, out, block: int) -> None:
        """Write ``xl/sharedStrings.xml`` to the open zip member ``out``."""
        texts = self._texts
        count = len(texts)
        out.write((_XML + f'<sst xmlns="{_NS}" count="{count}" uniqueCount="{count}">')
                  .encode("utf-8"))
        for start in range(0, count, block * 4):
            arr = pa.array(texts[start:start + block * 4], type=pa.string())
            escaped = _escape_array(arr)
            preserve = pc.or_(pc.match_substring_regex(arr, "^" + _SPACE),
                              pc.match_substring_regex(arr, _SPACE + "$"))
            opening = pc.if_else(preserve, '<si><t xml:space="preserve">', "<si><t>")
            out.write(string_bytes(pc.binary_join_element_wise(
                opening, escaped, "</t></si>", "")))
        out.write(b"</sst>")


def _escape_array(arr: pa.Array) -> pa.Array:
    """XML-escape text; control characters as Excel's ``_xHHHH_`` (xlsxwriter's rules)."""
    if pc.any(pc.match_substring_regex(arr, r"_x[0-9a-fA-F]{4}_")).as_py():
        arr = pc.replace_substring_regex(arr, r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1")
    if pc.any(pc.match_substring_regex(arr, "[&<>]")).as_py():
        arr = pc.replace_substring(arr, "&", "&amp;")
        arr = pc.replace_substring(arr, "<", "&lt;")
        arr = pc.replace_substring(arr, ">", "&gt;")
    if pc.any(pc.match_substring_regex(arr, "[\x00-\x08\x0b-\x1f\ufffe\uffff]")).as_py():
        for code in [*range(0, 9), *range(11, 32), 0xFFFE, 0xFFFF]:
            arr = pc.replace_substring(arr, chr(code), f"_x{code:04X}_")
    return arr


def _prepare_column(values: pd.Series, letter: str, as_text: bool,
                    strings: _SharedStrings) -> _Column:
    """Classify a column's values once per distinct value (texts queued as shared strings)."""
    dtype = values.dtype
    text_xf = XF_TEXT if as_text else XF_DEFAULT
    num_style = f' s="{XF_TEXT}"' if as_text else ""
    if (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) \
            and not pd.api.types.is_object_dtype(dtype):
        # the digits are written per block from the values themselves (issue 16: factorizing a
        # million distinct row numbers kept ~30 MB of codes and cell tails per column)
        present = None
        if values.hasnans:
            present = values.notna().to_numpy()
            ints = values.to_numpy(dtype=np.int64, na_value=0)
        else:
            ints = values.to_numpy().astype(np.int64, copy=False)
        return _Column(letter, np.zeros(0, dtype=np.int8), np.zeros((1, 1), np.uint8),
                       ints=ints, present=present, head=f'"{num_style}><v>'.encode())
    codes, uniques = distinct.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    codes = _narrow(codes, len(uniques))
    k = len(uniques)
    number_tail = None
    if k and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        # rare: text mixed with numbers or other objects -- classify each distinct value
        texts = np.full(k, None, dtype=object)
        tails = np.full(k, None, dtype=object)
        for i, u in enumerate(uniques):
            if isinstance(u, (int, np.integer, np.bool_)):
                tails[i] = f'"{num_style}><v>{int(u)}</v></c>'
            else:
                texts[i] = _as_text(u)
        if any(t is not None for t in tails):
            number_tail = tails
        none = np.array([t is None and nt is None
                         for t, nt in zip(texts, tails, strict=True)], dtype=bool)
        if none.any():  # NaT and the like: no cell
            codes = _narrow(np.where(codes >= 0, np.where(none[np.maximum(codes, 0)], -1, codes),
                                     -1), k)
        is_text = np.array([t is not None for t in texts], dtype=bool)
        # only real text gets the quote prefix (xlsxwriter wrote str(-1.0) without it)
        quotable = np.array([isinstance(u, str) for u in uniques], dtype=bool)[is_text]
    else:
        texts = uniques
        is_text = np.ones(k, dtype=bool)
        quotable = None
    sst_local = np.full(k, -1, dtype=np.int64)
    sst_local[is_text] = np.arange(int(is_text.sum()))
    text_values = texts[is_text]
    ticket = None
    text_style = np.full(k, text_xf, dtype=np.int8)
    if len(text_values):
        lengths = pc.utf8_length(pa.array(text_values, type=pa.string())).to_numpy(
            zero_copy_only=False)
        long = np.flatnonzero(lengths > MAX_STR // 2)
        if len(long):
            text_values = text_values.copy()
            for i in long:
                text_values[i] = _truncate_utf16(text_values[i])
        quoted = _starts_formula(text_values)
        if quotable is not None:
            quoted &= quotable
        text_style[is_text] = np.where(quoted, XF_QUOTED, text_xf)
        ticket = strings.collect(text_values)
    return _Column(letter, codes, np.zeros((1, 1), dtype=np.uint8), sst_local=sst_local,
                   text_style=text_style, texts=ticket, number_tail=number_tail)


def _finish_tails(col: _Column, sst_index: np.ndarray | None) -> None:
    """Build the per-distinct-value cell tails once the shared strings are numbered.

    What the tails were built from is dropped (issue 16: one entry per distinct text, a
    million in the ``No`` column of a 1M-row list).
    """
    if col.sst_local is None:
        return
    col.tails = _tails(col, sst_index)
    col.sst_local = col.text_style = col.number_tail = None


def _tails(col: _Column, sst_index: np.ndarray | None) -> np.ndarray:
    assert col.sst_local is not None and col.text_style is not None
    k = len(col.sst_local)
    is_text = col.sst_local >= 0
    if col.number_tail is not None:
        # rare mixed column: one Python string per distinct value
        mids = [_text_mid(x) for x in range(4)]
        tails = np.array([
            mids[col.text_style[i]] + str(sst_index[col.sst_local[i]]) + "</v></c>"
            if is_text[i] and sst_index is not None else (col.number_tail[i] or "")
            for i in range(k)], dtype="S")
        return _fixed(tails).view(np.uint8).reshape(k, -1) if k else np.zeros((1, 1), np.uint8)
    if not is_text.any() or sst_index is None:
        return np.zeros((max(k, 1), 1), dtype=np.uint8)
    mids = np.array([_text_mid(x).encode() for x in range(4)], dtype="S")
    mid = mids[col.text_style].view(np.uint8).reshape(k, -1)
    num = digits(sst_index[np.maximum(col.sst_local, 0)])
    end = np.broadcast_to(np.frombuffer(b"</v></c>", dtype=np.uint8), (k, 8))
    return np.ascontiguousarray(np.hstack([mid, num, end]))


def _narrow(codes: np.ndarray, k: int) -> np.ndarray:
    """``codes`` (``-1`` .. ``k - 1``) in the smallest signed integer dtype that holds them.

    One code per row and column is most of what the writer keeps (issue 16: 8 MB a column at
    1M rows as int64; most columns have a few hundred distinct values).
    """
    for dtype in (np.int8, np.int16, np.int32):
        if k <= np.iinfo(dtype).max:
            return codes.astype(dtype, copy=False)
    return codes.astype(np.int64, copy=False)


def _fixed(tails: np.ndarray) -> np.ndarray:
    """A fixed-width bytes array with at least one slot (itemsize >= 1)."""
    if tails.dtype.itemsize == 0 or len(tails) == 0:
        return np.zeros(max(len(tails), 1), dtype="S1")
    return tails


def _text_mid(style: int) -> str:
    return f'" s="{style}" t="s"><v>' if style else '" t="s"><v>'


def _starts_formula(uniques: np.ndarray) -> np.ndarray:
    arr = pa.array(uniques, type=pa.string())
    return pc.match_substring_regex(arr, "^[=+\\-@\t\r]").to_numpy(zero_copy_only=False)


def _as_text(value: object) -> str | None:
    """What xlsxwriter wrote for a non-integer value (``None`` = no cell)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value if isinstance(value, str) else str(value)


def _truncate_utf16(text: str) -> str:
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) // 2 <= MAX_STR:
        return text
    return encoded[: MAX_STR * 2].decode("utf-16-le", "ignore")


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")


__all__ = ["excel_width", "write_frame"]
