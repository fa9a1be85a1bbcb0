"""The annotated workbook's data-sheet patch read in blocks (issue 16): the same sheet whatever
the block size, every flagged cell filled, the rest byte for byte, and the sheet never held whole.
"""

from __future__ import annotations

import io
import re
import tracemalloc
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck.issues import Severity
from pmkscheck.table import column_index, column_letter
from pmkscheck.write.sheetpatch import CellFlags, patch_sheet
from pmkscheck.write.styles import Styles

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(rows: list[tuple[int, bool, list[tuple[int, bool, int | None]]]], p: str) -> str:
    """A worksheet: rows (number, written with r=, cells (column, written with r=, style))."""
    out = []
    for n, with_r, cells in rows:
        r = f' r="{n}"' if with_r else ""
        if not cells:
            out.append(f"<{p}row{r}/>")
            continue
        cs = []
        for c, c_with_r, s in cells:
            ref = f' r="{column_letter(c)}{n}"' if c_with_r else ""
            style = f' s="{s}"' if s is not None else ""
            cs.append(f"<{p}c{ref}{style}><{p}v>{n * 100 + c}</{p}v></{p}c>")
        out.append(f'<{p}row{r} spans="1:6">{"".join(cs)}</{p}row>')
    decl = f' xmlns:{p[:-1]}="{NS}"' if p else f' xmlns="{NS}"'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet{decl}>'
            f'<{p}sheetViews><{p}sheetView tabSelected="1" workbookViewId="0"/></{p}sheetViews>'
            f'<{p}sheetData>{"".join(out)}</{p}sheetData><{p}pageMargins left="0.7"/>'
            f"</{p}worksheet>")


@st.composite
def sheets(draw):
    """A sheet as Excel and other writers write them: rows and cells with or without ``r=``,
    gaps, empty rows, styled cells; and the cells to flag (some in rows or cells not written).
    """
    p = draw(st.sampled_from(["", "x:"]))
    rows = []
    n = 0
    for _ in range(draw(st.integers(0, 25))):
        with_r = draw(st.booleans()) or n == 0
        n += draw(st.integers(1, 3)) if with_r else 1
        cols = sorted(draw(st.sets(st.integers(0, 5), max_size=4)))
        cells, prev = [], -1
        for c in cols:
            c_with_r = c != prev + 1 or draw(st.booleans())
            cells.append((c, c_with_r, draw(st.one_of(st.none(), st.integers(0, 2)))))
            prev = c
        rows.append((n, with_r, cells))
    flags = draw(st.dictionaries(
        st.tuples(st.integers(1, n + 3), st.integers(0, 6)),
        st.sampled_from([Severity.INFO, Severity.WARNING, Severity.ERROR]), max_size=30))
    return _sheet(rows, p), flags, p


def _styles() -> Styles:
    return Styles(f'<styleSheet xmlns="{NS}"><fills count="2"><fill/><fill/></fills>'
                  '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="1"/><xf numFmtId="2"/>'
                  "</cellXfs></styleSheet>")


def _patched(xml: str, flags: dict, block: int) -> str:
    """The patched sheet, each flagged style written as ``base:severity``."""
    styles = _styles()
    cell_flags = CellFlags.from_dict(_by_row(flags)) if flags else CellFlags.from_dict({})
    text = patch_sheet(xml, cell_flags, styles, block=block).text()
    key = {v: k for k, v in styles._clones.items()}
    return re.sub(r' s="(\d+)"', lambda m: (f' s="{key[int(m.group(1))][0]}:'
                                             f'{int(key[int(m.group(1))][1])}"'
                                             if int(m.group(1)) in key else m.group(0)), text)


def _by_row(flags: dict) -> dict[int, dict[int, Severity]]:
    out: dict[int, dict[int, Severity]] = {}
    for (r, c), s in flags.items():
        out.setdefault(r, {})[c] = s
    return out


def _cells(text: str) -> dict[str, str | None]:
    """cell reference -> style of every cell (references filled in as a reader would)."""
    root = ET.fromstring(text)
    out, r = {}, 0
    for row in root.iter(f"{{{NS}}}row"):
        r = int(row.get("r", r + 1))
        c = -1
        for cell in row.iter(f"{{{NS}}}c"):
            ref = cell.get("r")
            c = column_index(re.match(r"[A-Z]+", ref).group(0)) if ref else c + 1
            out[f"{column_letter(c)}{r}"] = cell.get("s")
    return out


@settings(max_examples=300, deadline=None)
@given(sheets(), st.integers(1, 400))
def test_any_block_size_gives_the_same_sheet(case, block) -> None:
    xml, flags, _ = case
    assert _patched(xml, flags, block) == _patched(xml, flags, 1 << 24)


@settings(max_examples=300, deadline=None)
@given(sheets())
def test_every_flagged_cell_filled_and_nothing_else_changed(case) -> None:
    xml, flags, p = case
    before = _cells(xml)
    after = _cells(_patched(xml, flags, 97))
    flagged = {f"{column_letter(c)}{r}": s for (r, c), s in flags.items()}
    for ref, sev in flagged.items():
        base = before.get(ref) or "0"
        assert after[ref] == f"{base}:{int(sev)}", ref
    for ref, style in before.items():
        if ref not in flagged:
            assert after[ref] == style, ref
    assert set(after) == set(before) | set(flagged)
    assert "tabSelected" not in _patched(xml, flags, 97)


def test_unflagged_rows_stay_byte_for_byte() -> None:
    rows = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}" s="1"><v>{r}</v></c></row>'
                   for r in range(1, 2000))
    xml = (f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData><pageMargins/></worksheet>')
    styles = _styles()
    patched = patch_sheet(xml, {7: {0: Severity.ERROR}, 1500: {1: Severity.WARNING}}, styles,
                          block=1000)
    assert len(patched.edits) == 2  # one start tag changed, one cell added
    out = patched.text()
    assert out.replace(f's="{styles.flagged(1, Severity.ERROR)}"', 's="1"', 1).replace(
        f'<c r="B1500" s="{styles.flagged(0, Severity.WARNING)}"/>', "") == xml
    assert patched.size == len(out.encode())


class _Counting(io.BytesIO):
    """A source that records how much it was asked for at a time."""

    largest = 0

    def read(self, n: int = -1) -> bytes:
        assert n is not None and n > 0, "read whole"
        _Counting.largest = max(_Counting.largest, n)
        return super().read(n)


def test_big_sheet_is_read_in_blocks_not_whole() -> None:
    """A 25 MB sheet, every 20th row flagged: read in 1 MB blocks, twice, never held whole."""
    rows = [f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c><c r="B{r}"><v>64081{r:011d}</v>'
            f"</c></row>" for r in range(1, 250_001)]
    xml = f'<worksheet xmlns="{NS}"><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()
    del rows
    n = 12_500
    import numpy as np

    flags = CellFlags(np.arange(1, n + 1) * 20, np.ones(n, np.int64), np.full(n, 3))
    tracemalloc.start()
    try:
        patched = patch_sheet(lambda: _Counting(xml), flags, _styles(), block=1 << 20)
        size = sum(len(c) for c in patched.chunks())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _Counting.largest == 1 << 20
    assert size == patched.size == len(xml) + n * len(' s="3"')
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB for a {len(xml) / 1e6:.1f} MB sheet"
