"""Stage ⑤ write: the data sheet of the annotated workbook, its flagged cells restyled.

The sheet XML is patched as bytes: only rows with a flagged cell are decoded and rewritten (the
``s=`` style index of the cell; cells and rows that do not exist yet are inserted in order); the
rest streams into the new zip unchanged.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmkscheck.issues import Severity
from pmkscheck.table import column_index, column_letter
from pmkscheck.write.ooxml import Unpatchable, parse_attrs
from pmkscheck.write.styles import Styles

if TYPE_CHECKING:
    pass


_CELL_RE_CACHE: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _row_cell_res(p: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    if p not in _CELL_RE_CACHE:
        pe = re.escape(p)
        _CELL_RE_CACHE[p] = (
            re.compile(rf"<{pe}row\b([^>]*?)(?:/>|>(.*?)</{pe}row\s*>)", re.S),
            re.compile(rf"<{pe}c\b([^>]*?)(?:/>|>(.*?)</{pe}c\s*>)", re.S),
        )
    return _CELL_RE_CACHE[p]


_R_ATTR = re.compile(r'\sr="([A-Z]*)(\d*)"')
_S_ATTR = re.compile(r'\ss="(\d+)"')


def _col_styles(xml_head: str, p: str) -> list[tuple[int, int, int]]:
    out = []
    pe = re.escape(p)
    for raw in re.findall(rf"<{pe}col\b([^>]*?)/?>", xml_head):
        a = parse_attrs(raw)
        if "style" in a and "min" in a and "max" in a:
            out.append((int(a["min"]) - 1, int(a["max"]) - 1, int(a["style"])))
    return out


@dataclass
class PatchedSheet:
    """The target sheet after patching, kept as edits of the original bytes (no full copy).

    ``head`` (root tag .. ``<sheetData>``) and ``tail`` (``</sheetData>`` .. end) are small and
    may still be edited (namespace, ``<legacyDrawing>``); the rows in between are the original
    bytes with ``edits`` (start, end, replacement) applied while streaming into the zip. A
    1M-row sheet is neither decoded nor copied whole.
    """

    xml: bytes | bytearray
    p: str
    head: str
    body_start: int
    body_end: int
    tail: str
    edits: list[tuple[int, int, str]]

    def chunks(self) -> Iterator[bytes]:
        """The new sheet XML in pieces (UTF-8)."""
        yield self.head.encode("utf-8")
        pos = self.body_start
        for start, end, text in self.edits:
            yield self.xml[pos:start]
            yield text.encode("utf-8")
            pos = end
        yield self.xml[pos: self.body_end]
        yield self.tail.encode("utf-8")

    def text(self) -> str:
        """The whole new sheet XML (tests and small sheets)."""
        return b"".join(self.chunks()).decode("utf-8")


_ROW_B: dict[str, re.Pattern[bytes]] = {}


def _row_re_bytes(p: str) -> re.Pattern[bytes]:
    if p not in _ROW_B:
        pe = re.escape(p.encode())
        _ROW_B[p] = re.compile(rb"<" + pe + rb"row\b([^>]*?)(?:/>|>(.*?)</" + pe + rb"row\s*>)",
                               re.S)
    return _ROW_B[p]


def patch_sheet(xml: bytes | bytearray | str, flags: dict[int, dict[int, Severity]],
                styles: Styles) -> PatchedSheet:
    """Give every flagged cell (row -> col -> severity) a filled copy of its own format."""
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = re.search(rb"<(\w+:)?worksheet\b", raw)
    if root is None:
        raise Unpatchable("no <worksheet>")
    p = (root.group(1) or b"").decode()
    pb = p.encode()
    start = re.compile(rb"<" + re.escape(pb) + rb"sheetData\b[^>]*?(/?)>").search(raw)
    if start is None:
        raise Unpatchable("no sheetData")
    head = raw[: start.start()].decode("utf-8")
    head = re.sub(r'\stabSelected="(?:1|true)"', "", head)
    colstyles = _col_styles(head, p)
    open_tag = start.group(0).decode("utf-8")
    if start.group(1):  # <sheetData/>
        body_start = body_end = start.end()
        tail = f"</{p}sheetData>" + raw[start.end():].decode("utf-8")
        open_tag = open_tag[:-2].rstrip() + ">"
    else:
        end = raw.rfind(b"</" + pb + b"sheetData")
        if end < start.end():
            raise Unpatchable("unterminated sheetData")
        body_start, body_end = start.end(), end
        tail = raw[end:].decode("utf-8")
    row_re, cell_re = _row_cell_res(p)
    row_re_b = _row_re_bytes(p)
    wanted = sorted(flags)

    def base_style(col: int, row_attrs: dict[str, str]) -> int:
        if row_attrs.get("customFormat") in ("1", "true") and "s" in row_attrs:
            return int(row_attrs["s"])
        for lo, hi, st in colstyles:
            if lo <= col <= hi:
                return st
        return 0

    def new_row(row: int) -> str:
        cells = "".join(
            f'<{p}c r="{column_letter(c)}{row}" s="{styles.flagged(base_style(c, {}), sev)}"/>'
            for c, sev in sorted(flags[row].items()))
        return f'<{p}row r="{row}">{cells}</{p}row>'

    def patch(mb: re.Match[bytes], row: int) -> str:
        m = row_re.match(mb.group(0).decode("utf-8"))
        assert m is not None
        return _patch_row(m, row, flags[row], styles, cell_re, p, base_style)

    edits = _patch_rows_fast(raw, body_start, body_end, wanted, pb, row_re_b, patch)
    if edits is None:  # rows without r=, r not first, missing rows: look at every row
        edits = []
        pos = prev = 0
        for mb in row_re_b.finditer(raw, body_start, body_end):
            rm = re.search(rb'\br="(\d+)"', mb.group(1))
            row = int(rm.group(1)) if rm else prev + 1
            prev = row
            missing = []
            while pos < len(wanted) and wanted[pos] < row:
                missing.append(new_row(wanted[pos]))
                pos += 1
            if missing:
                edits.append((mb.start(), mb.start(), "".join(missing)))
            if pos < len(wanted) and wanted[pos] == row:
                pos += 1
                edits.append((mb.start(), mb.end(), patch(mb, row)))
        if pos < len(wanted):
            edits.append((body_end, body_end, "".join(new_row(r) for r in wanted[pos:])))
    return PatchedSheet(xml=raw, p=p, head=head + open_tag, body_start=body_start,
                        body_end=body_end, tail=tail, edits=edits)


def _patch_rows_fast(raw: bytes | bytearray, body_start: int, body_end: int,
                     wanted: list[int], pb: bytes, row_re_b: re.Pattern[bytes], patch: Any
                     ) -> list[tuple[int, int, str]] | None:
    """Patch only the flagged rows, found by ``bytes.find`` of ``<row r="N"`` (rows in order).

    Returns ``None`` when a flagged row is not written that way (missing row, ``r`` not the
    first attribute, rows out of order); the caller then looks at every row.
    """
    edits: list[tuple[int, int, str]] = []
    pos = body_start
    for n in wanted:
        needle = b"<" + pb + b'row r="' + str(n).encode() + b'"'
        idx = raw.find(needle, pos, body_end)
        if idx < 0 or raw[idx + len(needle): idx + len(needle) + 1] not in (
                b" ", b"/", b">", b"\t", b"\n", b"\r"):
            return None
        mb = row_re_b.match(raw, idx, body_end)
        if mb is None:
            return None
        edits.append((idx, mb.end(), patch(mb, n)))
        pos = mb.end()
    return edits


def _patch_row(m: re.Match[str], row: int, cols: dict[int, Severity], styles: Styles,
               cell_re: re.Pattern[str], p: str, base_style: Any) -> str:
    attrs, inner = m.group(1), m.group(2) or ""
    row_attrs = parse_attrs(attrs)
    todo = sorted(cols)
    pos = 0
    prev = -1

    def add(col: int) -> str:
        return (f'<{p}c r="{column_letter(col)}{row}" '
                f's="{styles.flagged(base_style(col, row_attrs), cols[col])}"/>')

    def on_cell(cm: re.Match[str]) -> str:
        nonlocal pos, prev
        a = cm.group(1)
        rm = _R_ATTR.search(a)
        col = column_index(rm.group(1)) if rm and rm.group(1) else prev + 1
        prev = col
        out = []
        while pos < len(todo) and todo[pos] < col:
            out.append(add(todo[pos]))
            pos += 1
        if pos < len(todo) and todo[pos] == col:
            pos += 1
            sm = _S_ATTR.search(a)
            base = int(sm.group(1)) if sm else 0
            new_s = styles.flagged(base, cols[col])
            whole = cm.group(0)
            tag_end = len(f"<{p}c") + len(a)
            a2 = _S_ATTR.sub("", a) + f' s="{new_s}"'
            if not rm:
                a2 = f' r="{column_letter(col)}{row}"' + a2
            out.append(f"<{p}c" + a2 + whole[tag_end:])
        else:
            out.append(cm.group(0))
        return "".join(out)

    inner = cell_re.sub(on_cell, inner)
    inner += "".join(add(c) for c in todo[pos:])
    return f"<{p}row{attrs.rstrip('/')}>{inner}</{p}row>"


def read_part(zin: zipfile.ZipFile, name: str) -> bytearray:
    """A part's bytes read into one preallocated buffer (``read()`` would peak at twice that)."""
    info = zin.getinfo(name)
    buf = bytearray(info.file_size)
    got = 0
    with zin.open(info) as fh:
        while True:
            chunk = fh.read(1 << 24)
            if not chunk:
                break
            buf[got: got + len(chunk)] = chunk
            got += len(chunk)
    del buf[got:]
    return buf


def stream_sheet(zout: zipfile.ZipFile, zi: zipfile.ZipInfo, sheet: PatchedSheet) -> None:
    """Write a patched sheet piece by piece (a 1M-row sheet is never copied whole)."""
    zi.compress_type = zipfile.ZIP_DEFLATED
    for attr in ("_compresslevel", "compress_level"):  # name differs across Python versions
        try:
            setattr(zi, attr, 1)
        except AttributeError:
            pass
    big = len(sheet.xml) > (1 << 31) - (1 << 26)
    with zout.open(zi, "w", force_zip64=big) as fh:
        for chunk in sheet.chunks():
            if chunk:
                fh.write(chunk)
