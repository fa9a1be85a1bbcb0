"""What calamine does not tell: formulas, error cells, hidden rows and columns of an xlsx sheet.

Stage ① read. A cheap streaming scan over the raw sheet XML (bytes, regular expressions, chunk by
chunk; never a DOM): the expensive regular expressions only run when their marker (``<f``,
``t="e"``, ``hidden=``) occurs in a chunk at all, so a plain 1M-row sheet costs one ``find`` per
chunk and marker.

With ``values=True`` (the fast reader, :mod:`pmkscheck.read.workbook`) the scan also collects what
a text-only Arrow read loses: the position and exact stored value of every numeric cell, the
boolean cells and the merged ranges. It only trusts cell tags in the canonical form every
spreadsheet program writes (``<c r="B5" s="3" t="s">``: ``r`` first, then ``s``, then ``t``, no
other attribute, no namespace prefix); anything else sets ``SheetScan.canonical = False`` and the
reader falls back to calamine's typed cells.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np

from pmkscheck.table import column_index

_CHUNK = 8 * 1024 * 1024

_SHEET_RE = re.compile(rb'<(?:\w+:)?sheet\b([^>]*)/?>')
_ATTR_RE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL_RE = re.compile(rb'<(?:\w+:)?Relationship\b([^>]*)/?>')
# A cell whose first child is a formula, with the cached value if any.
_FORMULA_RE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)'
    rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?'
)
_ERROR_CELL_RE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(?:\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>))?'
    rb'\s*(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?'
)
_HIDDEN_ROW_RE = re.compile(rb'<(?:\w+:)?row\b([^>]*\bhidden="(?:1|true)"[^>]*)>')
_HIDDEN_COL_RE = re.compile(rb'<(?:\w+:)?col\b([^>]*\bhidden="(?:1|true)"[^>]*)/?>')
_REF_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')
# values=True: a numeric cell in canonical form (no t, or t="n") and its stored value; the value
# group is empty for a formula without a cached value and for anything unexpected.
_NUMBER_RE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"(?: s="\d+")?(?: t="n")?>'
    rb'(?:(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>)?'
)
_BOOL_RE = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"(?: s="\d+")? t="b">'
                      rb'(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>')
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
# A cell tag not in the canonical form (attributes beyond r/s/t or in another order, no r, an
# ISO date cell t="d"): the value scan does not read the sheet (SheetScan.canonical = False).
_ODD_CELL_RE = re.compile(
    rb'<c(?:/?>| (?!r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="(?:s|str|inlineStr|b|e|n)")? ?/?>))')
_PREFIXED_ROOT_RE = re.compile(rb'<\w+:worksheet\b')
_ROWNUM_RE = re.compile(rb'\br="(\d+)"')


@dataclass
class SheetScan:
    """Findings of one sheet scan; cells as ``(row number, 0-based column)``."""

    formulas_no_value: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    prefixed: bool = False  # the sheet's elements carry a namespace prefix (<x:worksheet>)
    # values=True only:
    canonical: bool = True
    numbers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    bools: list[tuple[bytes, bytes, bytes]] = field(default_factory=list)  # (col, row, value)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive

    def number_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every numeric cell: (0-based columns, user row numbers, stored values as floats)."""
        if not self.numbers:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=np.float64)
        cols, rows, values = zip(*self.numbers, strict=True)
        return np.concatenate(cols), np.concatenate(rows), np.concatenate(values)


_SST_TAG_RE = re.compile(rb'<(?:\w+:)?sst\b[^>]*>')
_UNIQUE_RE = re.compile(rb'\buniqueCount\s*=\s*"\s*([0-9]{1,20})\s*"')
_COUNT_ATTRS_RE = re.compile(rb'\s(?:unique)?[cC]ount\s*=\s*"[^"]*"')
_ENTRY_END_RE = re.compile(rb'</(?:\w+:)?si>|<(?:\w+:)?si\b[^>]*/>')
_SST_PART = "xl/sharedStrings.xml"
# Up to this many claimed entries calamine's up-front reservation is harmless (~2 MB).
_HARMLESS_CLAIM = 100_000


class EntryCounter:
    """Counts the real entries (``<si>``) of a shared-strings table fed chunk by chunk."""

    def __init__(self) -> None:
        self.count = 0
        self._pending = b""

    def feed(self, data: bytes) -> None:
        """Count the entries that end in ``data`` (an entry cut by the chunk edge: next time)."""
        data = self._pending + data
        cut = data.rfind(b">") + 1  # every entry ends with ">": none straddles the cut
        whole = data[:cut]
        if b":si" in whole or b"<si/" in whole or b"<si " in whole:
            self.count += len(_ENTRY_END_RE.findall(whole))  # prefixed or empty entries
        else:
            self.count += whole.count(b"</si>")
        self._pending = data[cut:][-256:]


def shared_strings_claim(zf: zipfile.ZipFile) -> int | None:
    """The ``uniqueCount`` the shared-strings table's header claims (``None``: no claim)."""
    if _SST_PART not in zf.NameToInfo:
        return None
    with zf.open(_SST_PART) as fh:
        head = fh.read(64 * 1024)
    m = _SST_TAG_RE.search(head)
    u = _UNIQUE_RE.search(m.group(0)) if m else None
    return int(u.group(1)) if u else None


def shared_strings_lie(zf: zipfile.ZipFile) -> bool:
    """The table claims far more entries than it holds (calamine would reserve them all).

    calamine reserves ``uniqueCount`` slots before reading and aborts the process when that
    fails (4294967295: tafia/calamine#684). A claim up to 100,000 costs nothing; above, the real
    entries are counted (streaming; ~0.2 s for 100 MB of XML).
    """
    claim = shared_strings_claim(zf)
    if claim is None or claim <= _HARMLESS_CLAIM:
        return False
    counter = EntryCounter()
    with zf.open(_SST_PART) as fh:
        while chunk := fh.read(_CHUNK):
            counter.feed(chunk)
    return claim > max(counter.count, _HARMLESS_CLAIM)


def without_count_claims(zf: zipfile.ZipFile) -> bytes:
    """A copy of the workbook (zip bytes) whose shared-strings header claims no count.

    Every part is copied as it is; only the ``<sst>`` start tag loses ``count`` and
    ``uniqueCount`` (both optional in OOXML), so calamine reserves nothing up front.
    """
    import io
    import shutil

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in zf.infolist():
            target = zipfile.ZipInfo(info.filename, info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            target.external_attr = info.external_attr
            with zf.open(info) as src, dst.open(target, "w", force_zip64=True) as sink:
                if info.filename != _SST_PART:
                    shutil.copyfileobj(src, sink, _CHUNK)
                    continue
                head = src.read(64 * 1024)
                m = _SST_TAG_RE.search(head)
                if m is not None:
                    tag = _COUNT_ATTRS_RE.sub(b"", m.group(0))
                    head = head[:m.start()] + tag + head[m.end():]
                sink.write(head)
                shutil.copyfileobj(src, sink, _CHUNK)
    return out.getvalue()


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1] if k != b"r:id" else k: v for k, v in _ATTR_RE.findall(raw)}


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name (``xl/worksheets/sheet1.xml``) from the workbook relationships."""
    try:
        wb_xml = zf.read("xl/workbook.xml")
        rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[bytes, str] = {}
    for raw in _REL_RE.findall(rels_xml):
        a = _attrs(raw)
        if b"Id" in a and b"Target" in a:
            target = a[b"Target"].decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            targets[a[b"Id"]] = target
    parts: dict[str, str] = {}
    for raw in _SHEET_RE.findall(wb_xml):
        attrs = dict(_ATTR_RE.findall(raw))
        name = attrs.get(b"name")
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if name is not None and rid in targets:
            parts[_unescape(name.decode("utf-8", "replace"))] = targets[rid]
    return parts


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def scan_sheet(zf: zipfile.ZipFile, part: str, values: bool = False) -> SheetScan:
    """Stream one sheet part and collect formulas, error cells and hidden rows/columns.

    Args:
        zf: the open workbook.
        part: the sheet's part name (:func:`sheet_parts`).
        values: also collect numeric and boolean cells and merged ranges (see the module
            docstring); a sheet whose cells are not all in canonical form stops the value
            collection early with ``canonical = False``.
    """
    scan = SheetScan()
    try:
        fh = zf.open(part)
    except KeyError:
        return scan
    with fh:
        carry = b""
        first = True
        while True:
            chunk = fh.read(_CHUNK)
            data = carry + chunk
            if first:
                scan.prefixed = _PREFIXED_ROOT_RE.search(data, 0, 4096) is not None
                scan.canonical = not scan.prefixed
                first = False
            if not chunk:
                if data:
                    _scan_chunk(data, scan)
                    if values and scan.canonical:
                        _scan_values(data, scan)
                break
            cut = data.rfind(b"</row>")
            if cut < 0:
                cut = data.rfind(b">")
            if cut < 0:
                carry = data
                continue
            cut = data.find(b">", cut) + 1
            _scan_chunk(data[:cut], scan)
            if values and scan.canonical:
                _scan_values(data[:cut], scan)
            carry = data[cut:]
    return scan


def _scan_values(data: bytes, scan: SheetScan) -> None:
    """Numeric and boolean cells and merges of one chunk (values=True); see the module docstring."""
    if _ODD_CELL_RE.search(data):
        scan.canonical = False
        return
    found = _NUMBER_RE.findall(data)
    if found:
        cols, rows, values = zip(*found, strict=True)
        if not all(values):
            # a numeric tag without a value read here must be a formula without a cached value
            # (the formula scan reports it); whitespace, an empty <v></v>... -> not canonical
            for m in _NUMBER_RE.finditer(data):
                if not m.group(3) and not data.startswith(b"<f", m.end()):
                    scan.canonical = False
                    return
            found = [cell for cell in found if cell[2]]
            cols, rows, values = zip(*found, strict=True) if found else ((), (), ())
        if found:
            letters = {b: column_index(b) for b in set(cols)}
            try:  # numpy parses like float(): correctly rounded, as calamine does
                floats = np.array(values, dtype=np.bytes_).astype(np.float64)
            except ValueError:  # not a number: calamine knows what it means
                scan.canonical = False
                return
            scan.numbers.append((
                np.fromiter((letters[b] for b in cols), dtype=np.int64, count=len(cols)),
                np.array(rows, dtype=np.bytes_).astype(np.int64), floats))
    if b't="b"' in data:
        bools = _BOOL_RE.findall(data)
        if len(bools) != data.count(b't="b"'):
            scan.canonical = False
            return
        scan.bools.extend(bools)
    if b"mergeCell" in data:
        for m in _MERGE_RE.finditer(data):
            c0, r0 = column_index(m.group(1)), int(m.group(2)) - 1
            c1 = column_index(m.group(3)) if m.group(3) else c0
            r1 = int(m.group(4)) - 1 if m.group(4) else r0
            scan.merges.append((r0, c0, r1, c1))


def _scan_chunk(data: bytes, scan: SheetScan) -> None:
    if b"<f" in data or (scan.prefixed and b":f" in data):
        for m in _FORMULA_RE.finditer(data):
            ref = _REF_RE.search(m.group(1))
            if ref is None:
                continue
            cell = (int(ref.group(2)), column_index(ref.group(1)))
            if m.group(2) is None or not m.group(2).strip():
                # t="str" with an empty cached string is still "no value" for our purpose
                scan.formulas_no_value.add(cell)
            else:
                scan.formulas.add(cell)
    if b't="e"' in data:
        for m in _ERROR_CELL_RE.finditer(data):
            ref = _REF_RE.search(m.group(1))
            if ref is not None:
                literal = (m.group(2) or b"#ERROR").decode("ascii", "replace")[:16]
                scan.errors[(int(ref.group(2)), column_index(ref.group(1)))] = literal
    if b"hidden=" in data:
        for m in _HIDDEN_ROW_RE.finditer(data):
            num = _ROWNUM_RE.search(m.group(1))
            if num is not None:
                scan.hidden_rows.add(int(num.group(1)))
        for m in _HIDDEN_COL_RE.finditer(data):
            a = _attrs(m.group(1))
            try:
                lo, hi = int(a[b"min"]), int(a[b"max"])
            except (KeyError, ValueError):
                continue
            scan.hidden_cols.update(range(lo - 1, min(hi, 16384)))
