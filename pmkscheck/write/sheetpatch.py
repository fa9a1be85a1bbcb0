"""Stage ⑤ write: the data sheet of the annotated workbook, its flagged cells restyled.

The sheet XML is patched as bytes: only the start tags of flagged cells are rewritten (their
``s=`` style index), found with ``bytes.find``; a row whose flagged cell does not exist yet is
rewritten whole (cells and rows that do not exist yet are inserted in order); the rest streams
into the new zip unchanged. The flagged cells arrive as sorted arrays (:class:`CellFlags`).

The sheet is never held whole (a 1M-row sheet is ~1 GB of XML; issue 16): :func:`patch_sheet`
reads it once in blocks cut after a ``</row>`` and keeps only the edits (offsets and the new
start tags, packed), and :meth:`PatchedSheet.chunks` reads it a second time, applying them while
it streams into the zip. Two inflations of the part instead of one copy of it in memory.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

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


Opener = Callable[[], IO[bytes]]  # opens the original sheet XML for one pass over it
_BLOCK = 1 << 22  # bytes of sheet XML patched at a time
_HEAD_MAX = 1 << 26  # no <sheetData> in this many bytes: not a sheet this module patches


@dataclass
class PatchedSheet:
    """The target sheet after patching, kept as edits of the original bytes (no copy of them).

    ``head`` (root tag .. ``<sheetData>``) and ``tail`` (``</sheetData>`` .. end) are small and
    may still be edited (namespace, ``<legacyDrawing>``); the rows in between are the original
    bytes, read again through ``source``, with ``edits`` (start, end, replacement; offsets in
    the original XML) applied while streaming into the zip.
    """

    source: Opener
    p: str
    head: str
    body_start: int
    body_end: int
    tail: str
    edits: Edits  # replacements (start, end, text) in order
    block: int = _BLOCK  # bytes read at a time

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The new sheet XML in pieces (UTF-8; the unchanged stretches are views, not copies)."""
        yield self.head.encode("utf-8")
        with self.source() as fh:
            read, size = fh.read, self.block
            block = memoryview(b"")
            base = top = 0  # offsets of block[0] and of the byte after the block
            pos = self.body_start  # the next original byte to hand out
            end_of_body = ((self.body_end, self.body_end, b""),)
            for start, end, text in itertools.chain(self.edits, end_of_body):
                while start > top:  # the rest of this block, then the next one
                    if pos < top:
                        yield block[pos - base:]
                        pos = top
                    block = memoryview(read(size))
                    if not block:
                        raise Unpatchable("the sheet ended early")
                    base, top = top, top + len(block)
                if start > pos:
                    yield block[pos - base: start - base]
                if text:
                    yield text
                pos = end
        yield self.tail.encode("utf-8")

    def text(self) -> str:
        """The whole new sheet XML (tests and small sheets)."""
        return b"".join(self.chunks()).decode("utf-8")

    @property
    def size(self) -> int:
        """Its bytes (the zip entry needs ZIP64 above 2 GB)."""
        e = self.edits
        return (len(self.head.encode("utf-8")) + self.body_end - self.body_start + e.growth
                + len(self.tail.encode("utf-8")))


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

    __slots__ = ("rows", "cols", "sevs", "_bounds")

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
        """``(row, columns, severities)`` of each flagged row, in row order."""
        return self.groups(0, self.row_numbers.size)

    @property
    def row_numbers(self) -> np.ndarray:
        """The flagged rows, each once, in order."""
        if not hasattr(self, "_bounds"):
            starts = np.zeros(0, np.int64)
            ends = starts
            if self.rows.size:
                starts = np.r_[0, np.flatnonzero(np.diff(self.rows)) + 1]
                ends = np.r_[starts[1:], self.rows.size]
            self._bounds = (starts, ends, self.rows[starts])
        return self._bounds[2]

    def groups(self, lo: int, hi: int) -> Iterator[tuple[int, list[int], list[int]]]:
        """``(row, columns, severities)`` of flagged rows ``lo`` to ``hi`` (of :attr:`row_numbers`).

        Made as they are needed: a list of a million rows' lists would cost a quarter of a GB.
        """
        if lo >= hi:
            return
        self.row_numbers  # noqa: B018 - computes the bounds
        starts, ends, _ = self._bounds
        for first in range(lo, hi, 65_536):  # the Python ints of one stretch at a time
            top = min(first + 65_536, hi)
            a0, b0 = int(starts[first]), int(ends[top - 1])
            rows, cols = self.rows[a0:b0].tolist(), self.cols[a0:b0].tolist()
            sevs = self.sevs[a0:b0].tolist()
            for a, b in zip((starts[first:top] - a0).tolist(), (ends[first:top] - a0).tolist(),
                            strict=True):
                yield rows[a], cols[a:b], sevs[a:b]


class Edits:
    """Replacements ``(start, end, text)`` in order, kept compactly.

    Two int64 arrays, and the texts end to end in one buffer (UTF-8): a whole-column finding
    patches a million cells, and a million small ``bytes`` objects would cost ~60 MB more.
    """

    __slots__ = ("starts", "ends", "stops", "blob")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self.stops = array("q")  # where each text ends in ``blob``
        self.blob = bytearray()

    def append(self, edit: tuple[int, int, str | bytes]) -> None:
        """Add one replacement (after the previous one)."""
        start, end, text = edit
        self.starts.append(start)
        self.ends.append(end)
        self.blob += text.encode("utf-8") if isinstance(text, str) else text
        self.stops.append(len(self.blob))

    def merge(self, other: Edits, shift: int) -> None:
        """Add ``other``'s replacements, their offsets moved by ``shift``."""
        if not other.starts:
            return
        self.starts.frombytes((np.frombuffer(other.starts, np.int64) + shift).tobytes())
        self.ends.frombytes((np.frombuffer(other.ends, np.int64) + shift).tobytes())
        self.stops.frombytes((np.frombuffer(other.stops, np.int64) + len(self.blob)).tobytes())
        self.blob += other.blob

    @property
    def growth(self) -> int:
        """Bytes the replacements add to the original (negative: remove)."""
        return len(self.blob) - (sum(self.ends) - sum(self.starts))

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[tuple[int, int, bytes]]:
        blob = self.blob
        a = 0
        for start, end, b in zip(self.starts, self.ends, self.stops, strict=True):
            yield start, end, blob[a:b]
            a = b


def patch_sheet(xml: bytes | bytearray | str | Opener,
                flags: dict[int, dict[int, Severity]] | CellFlags, styles: Styles,
                block: int = _BLOCK) -> PatchedSheet:
    """Give every flagged cell (row -> col -> severity) a filled copy of its own format.

    Args:
        xml: the sheet XML, or a function that opens it (read twice: here, and when the
            result's :meth:`PatchedSheet.chunks` are written).
        flags: the cells to fill.
        styles: the workbook's styles (the filled formats are added to it here, so it can be
            rendered before the sheet is written).
        block: bytes read at a time.
    """
    if not isinstance(flags, CellFlags):
        flags = CellFlags.from_dict(flags)
    if isinstance(xml, (bytes, bytearray, str)):
        raw = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
        source: Opener = lambda: io.BytesIO(raw)  # noqa: E731
    else:
        source = xml
    with source() as fh:
        return _patch_stream(fh, source, flags, styles, block)


_SHEET_DATA = re.compile(rb"<(\w+:|)worksheet\b.*?<\1sheetData\b[^>]*?(/?)>", re.S)


def _patch_stream(fh: IO[bytes], source: Opener, flags: CellFlags, styles: Styles,
                  block: int) -> PatchedSheet:
    """Read the sheet once, block by block, and keep what changes (see :func:`patch_sheet`)."""
    buf = bytearray()
    start = None
    while start is None:  # the head: up to and including <sheetData>
        chunk = fh.read(block)
        buf += chunk
        start = _SHEET_DATA.search(buf)
        if start is None and (not chunk or len(buf) > _HEAD_MAX):
            raise Unpatchable("no <worksheet> with <sheetData>")
    p = (start.group(1) or b"").decode()
    pb = p.encode()
    head = re.sub(r'\stabSelected="(?:1|true)"', "", buf[: start.start(2)].decode("utf-8"))
    head = head.rstrip().removesuffix("/").rstrip() + ">" if start.group(2) else head + ">"
    patcher = _RowPatcher(flags, styles, p, _col_styles(head, p))
    body_start = base = start.end()  # base: offset of buf[0] in the sheet
    del buf[:body_start]
    edits = Edits()
    end_tag = b"</" + pb + b"sheetData"
    if start.group(2):  # <sheetData/>: no rows; the flagged ones are all new
        patcher.block(b"", base, edits, last=True)
        tail = f"</{p}sheetData>" + _rest(buf, fh, block)
        return PatchedSheet(source, p, head, body_start, body_start, tail, edits, block)
    while True:
        end = buf.find(end_tag)
        if end >= 0:
            patcher.block(bytes(buf[:end]), base, edits, last=True)
            tail = _rest(buf[end:], fh, block)
            return PatchedSheet(source, p, head, body_start, base + end, tail, edits, block)
        cut = _after_last_row(buf, pb)
        if cut:
            patcher.block(bytes(buf[:cut]), base, edits)
            del buf[:cut]
            base += cut
        chunk = fh.read(block)
        if not chunk:
            raise Unpatchable("unterminated sheetData")
        buf += chunk


def _rest(buf: bytearray, fh: IO[bytes], block: int) -> str:
    """``buf`` and the rest of the stream, as text (what follows ``</sheetData>``: small)."""
    while chunk := fh.read(block):
        buf += chunk
    return buf.decode("utf-8")


def _after_last_row(buf: bytearray, pb: bytes) -> int:
    """The offset just after the last complete ``</row>`` in ``buf`` (0: none)."""
    close = b"</" + pb + b"row"
    at = len(buf)
    while (at := buf.rfind(close, 0, at)) >= 0:
        gt = buf.find(b">", at)
        if gt >= 0 and not buf[at + len(close): gt].strip():
            return gt + 1
    return 0


_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


class _RowPatcher:
    """Patches the rows of a sheet one block of whole rows at a time, in order.

    What it keeps between blocks: which flagged row comes next (``cursor``, an index into
    ``flags.row_numbers``) and the number of the last row seen (rows without ``r=`` count on).
    """

    def __init__(self, flags: CellFlags, styles: Styles, p: str,
                 colstyles: list[tuple[int, int, int]]) -> None:
        self.flags, self.styles, self.p, self.pb = flags, styles, p, p.encode()
        self.colstyles = colstyles
        self.numbers = flags.row_numbers
        self.cursor = 0
        self.prev = 0
        self.row_re, self.cell_re = _row_cell_res(p)
        self.row_re_b = _row_re_bytes(p)
        self.row_open = b"<" + self.pb + b"row"

    def block(self, raw: bytes, base: int, edits: Edits, last: bool = False) -> None:
        """Add the edits of the whole rows in ``raw`` (which starts at offset ``base``)."""
        n = self.numbers.size
        if self.cursor >= n:
            return
        top = self._last_row_number(raw)
        if top is not None and not last:
            hi = int(np.searchsorted(self.numbers, top, side="right"))
            if hi == self.cursor:  # no flagged row here
                self.prev = top
                return
        else:
            hi = n if last else None
        if hi is not None:
            fast = _patch_rows_fast(raw, 0, len(raw), self.flags.groups(self.cursor, hi),
                                    self.pb, self.styles, self.patch)
            if fast is not None:
                edits.merge(fast, base)
                self.cursor, self.prev = hi, top if top is not None else self.prev
                return
        edits.merge(self._every_row(raw, last), base)

    def _last_row_number(self, raw: bytes) -> int | None:
        """The ``r`` of the block's last row, if it is written."""
        at = len(raw)
        while (at := raw.rfind(self.row_open, 0, at)) >= 0:
            if raw[at + len(self.row_open): at + len(self.row_open) + 1] in b" \t\r\n/>":
                gt = raw.find(b">", at)
                m = _ROW_NUMBER.search(raw, at, gt)
                return int(m.group(1)) if m else None
        return None

    def _every_row(self, raw: bytes, last: bool) -> Edits:
        """The slow road: every row of the block looked at.

        For rows without ``r=``, flagged rows that do not exist, rows out of order.
        """
        edits = Edits()
        numbers, n = self.numbers, self.numbers.size
        for mb in self.row_re_b.finditer(raw):
            rm = _ROW_NUMBER.search(mb.group(1))
            row = int(rm.group(1)) if rm else self.prev + 1
            self.prev = row
            k = self.cursor
            if k >= n:
                continue
            hi = int(np.searchsorted(numbers, row, side="left")) if numbers[k] < row else k
            if hi > k:  # flagged rows that do not exist: inserted before this one
                edits.append((mb.start(), mb.start(), "".join(
                    self.new_row(*g) for g in self.flags.groups(k, hi))))
            if hi < n and numbers[hi] == row:
                (_, cols, sevs), = self.flags.groups(hi, hi + 1)
                edits.append((mb.start(), mb.end(),
                              self.patch(mb.group(0).decode("utf-8"), row, cols, sevs)))
                hi += 1
            self.cursor = hi
        if last and self.cursor < n:  # after the last row
            edits.append((len(raw), len(raw), "".join(
                self.new_row(*g) for g in self.flags.groups(self.cursor, n))))
            self.cursor = n
        return edits

    def base_style(self, col: int, row_attrs: dict[str, str]) -> int:
        if row_attrs.get("customFormat") in ("1", "true") and "s" in row_attrs:
            return int(row_attrs["s"])
        for lo, hi, st in self.colstyles:
            if lo <= col <= hi:
                return st
        return 0

    def new_row(self, row: int, cols: list[int], sevs: list[int]) -> str:
        p, styles = self.p, self.styles
        cells = "".join(
            f'<{p}c r="{column_letter(c)}{row}" '
            f's="{styles.flagged(self.base_style(c, {}), Severity(sev))}"/>'
            for c, sev in zip(cols, sevs, strict=True))
        return f'<{p}row r="{row}">{cells}</{p}row>'

    def patch(self, text: str, row: int, cols: list[int], sevs: list[int]) -> str:
        m = self.row_re.match(text)
        assert m is not None
        return _patch_row(m, row, dict(zip(cols, map(Severity, sevs), strict=True)),
                          self.styles, self.cell_re, self.p, self.base_style)


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
    add_start, add_end, add_stop, blob = (edits.starts.append, edits.ends.append,
                                          edits.stops.append, edits.blob)
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
        row_edits: list[tuple[int, int, bytes]] | None = None
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
            for start, end, text in row_edits:  # Edits.append, inlined (a million cells)
                add_start(start)
                add_end(end)
                blob += text
                add_stop(len(blob))
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
