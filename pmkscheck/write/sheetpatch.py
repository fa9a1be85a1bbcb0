"""Stage ⑤ write: the data sheet of the annotated workbook, its flagged cells restyled.

The sheet XML is patched as bytes: only the start tags of flagged cells are rewritten (their
``s=`` style index), found with ``bytes.find``; a row whose flagged cell does not exist yet is
rewritten whole (cells and rows that do not exist yet are inserted in order); the rest streams
into the new zip unchanged. The flagged cells arrive as sorted arrays (:class:`CellFlags`).
"""

from __future__ import annotations

import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

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
    edits: Edits  # replacements (start, end, text) in order; bytes: already UTF-8

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The new sheet XML in pieces (UTF-8; the unchanged stretches are views, not copies)."""
        yield self.head.encode("utf-8")
        xml = memoryview(self.xml)
        pos = self.body_start
        for start, end, text in self.edits:
            yield xml[pos:start]
            yield text if isinstance(text, bytes) else text.encode("utf-8")
            pos = end
        yield xml[pos: self.body_end]
        yield self.tail.encode("utf-8")

    def text(self) -> str:
        """The whole new sheet XML (tests and small sheets)."""
        return b"".join(self.chunks()).decode("utf-8")

    @property
    def size(self) -> int:
        """About its bytes (the zip entry needs ZIP64 above 2 GB)."""
        e = self.edits
        return len(self.xml) + sum(map(len, e.texts)) - (sum(e.ends) - sum(e.starts))


_ROW_B: dict[str, re.Pattern[bytes]] = {}


def _row_re_bytes(p: str) -> re.Pattern[bytes]:
    if p not in _ROW_B:
        pe = re.escape(p.encode())
        _ROW_B[p] = re.compile(rb"<" + pe + rb"row\b([^>]*?)(?:/>|>(.*?)</" + pe + rb"row\s*>)",
                               re.S)
    return _ROW_B[p]


class CellFlags:
    """The cells to fill, as arrays sorted by (row, column).

    1-based rows, 0-based columns and the severity of each
    (:func:`pmkscheck.write.notes.plan_annotations` builds them with numpy).
    """

    __slots__ = ("rows", "cols", "sevs")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, sevs: np.ndarray) -> None:
        order = np.lexsort((cols, rows))
        self.rows = np.asarray(rows, dtype=np.int64)[order]
        self.cols = np.asarray(cols, dtype=np.int64)[order]
        self.sevs = np.asarray(sevs, dtype=np.int64)[order]

    @classmethod
    def from_dict(cls, flags: dict[int, dict[int, Severity]]) -> CellFlags:
        """From ``row -> col -> severity`` (small sheets and tests)."""
        cells = [(r, c, int(s)) for r, cols in flags.items() for c, s in cols.items()]
        arr = np.array(cells, dtype=np.int64).reshape(-1, 3)
        return cls(arr[:, 0], arr[:, 1], arr[:, 2])

    def by_row(self) -> Iterator[tuple[int, list[int], list[int]]]:
        """``(row, columns, severities)`` of each flagged row, in row order.

        Made as they are needed: a list of a million rows' lists would cost a quarter of a GB.
        """
        if not self.rows.size:
            return
        bounds = np.flatnonzero(np.diff(self.rows)) + 1
        starts = np.r_[0, bounds]
        ends = np.r_[bounds, self.rows.size]
        for lo in range(0, starts.size, 65_536):  # the Python ints of one stretch at a time
            hi = min(lo + 65_536, starts.size)
            a0, b0 = int(starts[lo]), int(ends[hi - 1])
            rows, cols = self.rows[a0:b0].tolist(), self.cols[a0:b0].tolist()
            sevs = self.sevs[a0:b0].tolist()
            for a, b in zip((starts[lo:hi] - a0).tolist(), (ends[lo:hi] - a0).tolist(),
                            strict=True):
                yield rows[a], cols[a:b], sevs[a:b]


class Edits:
    """Replacements ``(start, end, text)`` in order, kept compactly.

    Two int64 arrays and the texts: a whole-column finding patches a million cells.
    """

    __slots__ = ("starts", "ends", "texts")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self.texts: list[str | bytes] = []

    def append(self, edit: tuple[int, int, str | bytes]) -> None:
        """Add one replacement (after the previous one)."""
        self.starts.append(edit[0])
        self.ends.append(edit[1])
        self.texts.append(edit[2])

    def extend(self, edits: Iterable[tuple[int, int, str | bytes]]) -> None:
        """Add replacements in order."""
        for edit in edits:
            self.append(edit)

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[tuple[int, int, str | bytes]]:
        return zip(self.starts, self.ends, self.texts, strict=True)


def patch_sheet(xml: bytes | bytearray | str, flags: dict[int, dict[int, Severity]] | CellFlags,
                styles: Styles) -> PatchedSheet:
    """Give every flagged cell (row -> col -> severity) a filled copy of its own format."""
    if not isinstance(flags, CellFlags):
        flags = CellFlags.from_dict(flags)
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

    def base_style(col: int, row_attrs: dict[str, str]) -> int:
        if row_attrs.get("customFormat") in ("1", "true") and "s" in row_attrs:
            return int(row_attrs["s"])
        for lo, hi, st in colstyles:
            if lo <= col <= hi:
                return st
        return 0

    def new_row(row: int, cols: list[int], sevs: list[int]) -> str:
        cells = "".join(
            f'<{p}c r="{column_letter(c)}{row}" '
            f's="{styles.flagged(base_style(c, {}), Severity(sev))}"/>'
            for c, sev in zip(cols, sevs, strict=True))
        return f'<{p}row r="{row}">{cells}</{p}row>'

    def patch(text: str, row: int, cols: list[int], sevs: list[int]) -> str:
        m = row_re.match(text)
        assert m is not None
        return _patch_row(m, row, dict(zip(cols, map(Severity, sevs), strict=True)), styles,
                          cell_re, p, base_style)

    edits = _patch_rows_fast(raw, body_start, body_end, flags.by_row(), pb, styles, patch)
    if edits is None:  # rows without r=, r not first, missing rows: look at every row
        flagged = list(flags.by_row())
        edits = Edits()
        pos = prev = 0
        for mb in row_re_b.finditer(raw, body_start, body_end):
            rm = re.search(rb'\br="(\d+)"', mb.group(1))
            row = int(rm.group(1)) if rm else prev + 1
            prev = row
            missing = []
            while pos < len(flagged) and flagged[pos][0] < row:
                missing.append(new_row(*flagged[pos]))
                pos += 1
            if missing:
                edits.append((mb.start(), mb.start(), "".join(missing)))
            if pos < len(flagged) and flagged[pos][0] == row:
                edits.append((mb.start(), mb.end(), patch(mb.group(0).decode("utf-8"),
                                                          *flagged[pos])))
                pos += 1
        if pos < len(flagged):
            edits.append((body_end, body_end, "".join(new_row(*f) for f in flagged[pos:])))
    return PatchedSheet(xml=raw, p=p, head=head + open_tag, body_start=body_start,
                        body_end=body_end, tail=tail, edits=edits)


_S_ATTR_B = re.compile(rb'\ss="(\d+)"')
_AFTER_REF = frozenset(b" \t\r\n/>")


def _patch_rows_fast(raw: bytes | bytearray, body_start: int, body_end: int,
                     flagged: Iterable[tuple[int, list[int], list[int]]], pb: bytes,
                     styles: Styles, patch: Any) -> Edits | None:
    """Patch only the flagged cells, found by ``bytes.find`` (rows and cells in order).

    A flagged row is found by ``<row r="N"``, each flagged cell in it by ``<c r="B7"``; only the
    cell's start tag changes (its ``s=`` moved to the end with the flagged style, as
    :func:`_patch_row` writes it), so no regex runs over the other cells of the row. A row whose
    flagged cell does not exist yet (or is written otherwise) is rewritten whole by ``patch``.
    Returns ``None`` when a flagged row is not written that way (missing row, ``r`` not the
    first attribute, rows out of order); the caller then looks at every row.
    """
    edits = Edits()
    add = edits.append
    find = raw.find
    pos = body_start
    row_open, row_close = b"<" + pb + b'row r="', b"</" + pb + b"row"
    cell_tag = b"<" + pb + b"c"
    skip = len(cell_tag)
    opening: dict[int, bytes] = {}  # column -> b'<c r="B'
    flagged_style: dict[tuple[int, int], bytes] = {}
    after = _AFTER_REF
    for n, cols, sevs in flagged:
        rs = b"%d\"" % n
        needle = row_open + rs
        idx = find(needle, pos, body_end)
        if idx < 0 or raw[idx + len(needle)] not in after:
            return None
        tag_end = find(b">", idx, body_end)
        if tag_end < 0:
            return None
        row_edits: list[tuple[int, int, str | bytes]] | None = None
        if raw[tag_end - 1] == 47:  # <row r="N"/>: no cells yet
            row_end = tag_end + 1
        else:
            close = find(row_close, tag_end, body_end)
            row_end = find(b">", close, body_end) + 1 if close >= 0 else 0
            if row_end <= 0:
                return None
            row_edits = []
            at = tag_end
            for c, sev in zip(cols, sevs, strict=True):
                head = opening.get(c)
                if head is None:
                    head = opening[c] = cell_tag + b' r="' + column_letter(c).encode()
                cneedle = head + rs
                ci = find(cneedle, at, close)
                if ci < 0 or raw[ci + len(cneedle)] not in after:
                    row_edits = None  # not there (or not written so): rewrite the row
                    break
                at = find(b">", ci, close)
                attrs_end = at - 1 if raw[at - 1] == 47 else at
                attrs = raw[ci + skip: attrs_end]
                base = 0
                if b's="' in attrs:
                    sm = _S_ATTR_B.search(attrs)
                    if sm:
                        base = int(sm.group(1))
                        attrs = attrs[: sm.start()] + attrs[sm.end():]
                key = (base, sev)
                new_s = flagged_style.get(key)
                if new_s is None:
                    new_s = flagged_style[key] = b' s="%d"' % styles.flagged(base, Severity(sev))
                row_edits.append((ci + skip, attrs_end, bytes(attrs + new_s)))
        if row_edits is None:
            add((idx, row_end, patch(raw[idx:row_end].decode("utf-8"), n, cols, sevs)))
        else:
            edits.extend(row_edits)
        pos = row_end
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


def stream_sheet(zout: zipfile.ZipFile, zi: zipfile.ZipInfo, sheet: Any) -> None:
    """Write a sheet piece by piece (a 1M-row sheet is never copied whole).

    ``sheet``: anything with ``chunks()`` (bytes) and ``size`` (a :class:`PatchedSheet`, a
    :class:`pmkscheck.write.sheets.StreamedSheet`).
    """
    zi.compress_type = zipfile.ZIP_DEFLATED
    for attr in ("_compresslevel", "compress_level"):  # name differs across Python versions
        try:
            setattr(zi, attr, 1)
        except AttributeError:
            pass
    big = sheet.size > (1 << 31) - (1 << 26)
    with zout.open(zi, "w", force_zip64=big) as fh, ThreadPoolExecutor(max_workers=1) as pool:
        # many small pieces (two per patched cell) go to the compressor in ~1 MB writes: each
        # write costs a CRC and a deflate call (400,000 of them were 2.6 s at 100,000 rows).
        # zlib releases the GIL, as do the pyarrow kernels that build a problem list's rows:
        # one write is compressed on a worker while the next piece is made.
        pending: list[Future] = []

        def write(data: bytes | memoryview) -> None:
            if pending:
                pending.pop().result()
            pending.append(pool.submit(fh.write, data))

        buf: list[bytes | memoryview] = []
        size = 0
        for chunk in sheet.chunks():
            if len(chunk) >= _WRITE:  # a long unchanged stretch: as it is, not copied
                if buf:
                    write(b"".join(buf))
                    buf, size = [], 0
                write(chunk)
                continue
            buf.append(chunk)
            size += len(chunk)
            if size >= _WRITE:
                write(b"".join(buf))
                buf, size = [], 0
        if buf:
            write(b"".join(buf))
        if pending:
            pending.pop().result()


_WRITE = 1 << 20
