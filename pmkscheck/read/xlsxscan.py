"""What calamine does not tell: formulas, error cells, hidden rows and columns of an xlsx sheet.

Stage ① read. A cheap streaming scan over the raw sheet XML (bytes, regular expressions, chunk by
chunk; never a DOM): the expensive regular expressions only run when their marker (``<f``,
``t="e"``, ``hidden=``) occurs in a chunk at all, so a plain 1M-row sheet costs one ``find`` per
chunk and marker.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

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
_ROWNUM_RE = re.compile(rb'\br="(\d+)"')


@dataclass
class SheetScan:
    """Findings of one sheet scan; cells as ``(row number, 0-based column)``."""

    formulas_no_value: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)




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


def scan_sheet(zf: zipfile.ZipFile, part: str) -> SheetScan:
    """Stream one sheet part and collect formulas, error cells and hidden rows/columns."""
    scan = SheetScan()
    try:
        fh = zf.open(part)
    except KeyError:
        return scan
    with fh:
        carry = b""
        while True:
            chunk = fh.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                if data:
                    _scan_chunk(data, scan)
                break
            cut = data.rfind(b"</row>")
            if cut < 0:
                cut = data.rfind(b">")
            if cut < 0:
                carry = data
                continue
            cut = data.find(b">", cut) + 1
            _scan_chunk(data[:cut], scan)
            carry = data[cut:]
    return scan


def _scan_chunk(data: bytes, scan: SheetScan) -> None:
    if b"<f" in data or b":f" in data:
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
