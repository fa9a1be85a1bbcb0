"""Stage ⑤ write: what the annotated workbook shows on which cell, and the comments themselves.

:func:`plan_annotations` decides once per table the cell of every finding and its texts (message,
fix, masked value); :func:`comments_xml` and :func:`vml_xml` write the comments part and the
legacy VML drawing Excel and LibreOffice need to show them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmkscheck.issues import Severity
from pmkscheck.issuetable import combined_key
from pmkscheck.report.spans import Span, data_rows_of, group_findings
from pmkscheck.rules import rule
from pmkscheck.table import column_index, column_letter
from pmkscheck.text import section
from pmkscheck.write.findingcols import FindingArrays, finding_arrays
from pmkscheck.write.ooxml import (
    MAX_COMMENT,
    MAX_COMMENTS,
    MAX_ROWS,
    NS_MAIN,
    Unpatchable,
    tag_prefix,
    x,
)
from pmkscheck.write.sheetpatch import CellFlags

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport
    from pmkscheck.settings import Settings


@dataclass
class Note:
    """Everything flagged on one cell: ``(severity, code, message, fix)`` per finding."""

    row: int
    col: int  # 0-based
    severity: Severity
    items: list[tuple[int, str, str, str]] = field(default_factory=list)
    rendered: tuple[str, str] | None = None  # comment_text, computed once


@dataclass
class Plan:
    """Cells to flag and the texts to show, computed once per file, as arrays (issue 16).

    Attributes:
        notes: the cells that get a comment, in (row, column) order: the first ``MAX_COMMENTS``
            of the ``note_count`` cells that have one (Excel stops being usable beyond).
        note_count: every cell that has a note.
        file_level: ``(code, severity, message, fix)`` of the findings shown on no cell.
        findings: the findings as arrays (:func:`~pmkscheck.write.findingcols.finding_arrays`).
        pos_row, pos_col: per finding, the cell it is shown on (row 0, column -1: file level).
        flags: every cell to fill, with its worst severity.
        spans: the findings as runs (report/spans.py).
    """

    notes: dict[tuple[int, int], Note]
    note_count: int
    file_level: list[tuple[str, Severity, str, str]]
    findings: FindingArrays
    pos_row: np.ndarray
    pos_col: np.ndarray
    flags: CellFlags
    spans: list[Span] = field(default_factory=list)


WHOLE_COLUMN_NOTE = 100
"""A code that hits every data row of a column (and at least this many cells) gets one note on
the column's header cell instead of one per cell; every cell is still filled and listed on the
problem sheet (issue 16: 500,000 identical notes help nobody and cost minutes)."""

_WIDE = 1 << 15  # > Excel's 16,384 columns: row * _WIDE + col is one cell key


def plan_annotations(f: FileReport, settings: Settings) -> Plan:
    """Decide the cell of every finding.

    A finding with a row and a column letter goes on its cell; a column finding without a row on
    the header cell; a row finding without a column on the row's first table cell; anything else
    is file level (listed on the summary sheet). Vectorised: Python runs once per distinct
    (letter, field, column) and per noted cell up to ``MAX_COMMENTS``, never per finding.
    """
    a = finding_arrays(f, settings)
    n = len(a)
    pos_row, pos_col = _place(f, a)
    placed = pos_col >= 0
    spans = group_findings(f.issues, data_rows_of(f.table))
    whole = {(s.code, s.field or "", s.letter or ""): s for s in spans
             if s.whole_column and s.count >= WHOLE_COLUMN_NOTE and f.header_row}
    in_whole = np.zeros(n, dtype=bool)
    header: list[tuple[int, int, int, int, str, str, str]] = []  # the column notes
    if whole and n:
        inv = combined_key(a.code.ids, a.field.ids, a.letter.ids)
        span_of = [whole.get((a.code[i], a.field[i], a.letter[i])) for i in _firsts(inv)]
        member = np.array([s is not None for s in span_of], dtype=bool)
        in_whole = member[inv] & placed
        # one note on the header cell per (code, column), at its first finding's place in order
        col_key = a.code.ids * _WIDE + pos_col
        idx = np.flatnonzero(in_whole)
        first = np.flatnonzero(~pd.Series(col_key[idx]).duplicated().to_numpy())
        assert f.header_row is not None
        for i in sorted(idx[first].tolist()):
            span = span_of[inv[i]]
            assert span is not None
            letter = column_letter(int(pos_col[i]))
            in_book = dataclasses.replace(span, letter=letter)  # CSV findings carry no letter
            header.append((f.header_row, int(pos_col[i]), i, int(a.severity[i]), a.code[i],
                           in_book.headline(settings.lang), a.fix[i]))
    # the cells with a note: findings placed on their own cell, and the column notes
    own = np.flatnonzero(placed & ~in_whole)
    h_row = np.array([h[0] for h in header], dtype=np.int64)
    h_col = np.array([h[1] for h in header], dtype=np.int64)
    h_order = np.array([h[2] for h in header], dtype=np.int64)
    cell = np.concatenate([pos_row[own] * _WIDE + pos_col[own], h_row * _WIDE + h_col])
    order = np.concatenate([own, h_order])
    which = np.concatenate([own, -1 - np.arange(len(header), dtype=np.int64)])
    sort = np.lexsort((order, cell))
    cell, which = cell[sort], which[sort]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if cell.size else cell
    cut = int(starts[MAX_COMMENTS]) if starts.size > MAX_COMMENTS else cell.size
    notes = _notes(a, cell[:cut].tolist(), which[:cut].tolist(), header)
    # every placed finding and every column note fills its cell with the worst severity there
    f_cell = np.concatenate([pos_row[placed] * _WIDE + pos_col[placed], h_row * _WIDE + h_col])
    f_sev = np.concatenate([a.severity[placed], np.array([h[3] for h in header], np.int64)])
    sort = np.lexsort((f_sev, f_cell))
    f_cell, f_sev = f_cell[sort], f_sev[sort]
    last = np.flatnonzero(np.r_[f_cell[1:] != f_cell[:-1], True]) if f_cell.size else f_cell
    flags = CellFlags(f_cell[last] // _WIDE, f_cell[last] % _WIDE, f_sev[last])
    file_level = [(a.code[i], Severity(int(a.severity[i])), a.message[i], a.fix[i])
                  for i in np.flatnonzero(~placed).tolist()]
    return Plan(notes, int(starts.size), file_level, a, pos_row, pos_col, flags, spans)


def _place(f: FileReport, a: FindingArrays) -> tuple[np.ndarray, np.ndarray]:
    """Per finding, the (row, 0-based column) it is shown on; (0, -1) for the file level."""
    first_letter = None
    if f.columns:
        first_letter = min(f.columns, key=lambda c: c.index).letter
    letters = dict(f.table.letters) if f.table is not None else {}
    for c in f.columns:
        if c.field:
            letters.setdefault(c.field, c.letter)
    by_header = {c.header: c.letter for c in f.columns}
    inv = combined_key(a.letter.ids, a.field.ids, a.column.ids)
    firsts = _firsts(inv)
    col_of = np.full(len(firsts), -1, dtype=np.int64)
    for j, i in enumerate(firsts):  # once per distinct (letter, field, column)
        letter = (a.letter[i] or letters.get(a.field[i])
                  or by_header.get(a.column[i]))  # CSV findings carry no letter
        if letter:
            col_of[j] = column_index(letter)
    col = col_of[inv] if len(a) else np.zeros(0, dtype=np.int64)
    row = a.row
    first = column_index(first_letter) if first_letter else -1
    col = np.where((row > 0) & (col < 0), first, col)  # a row finding: the row's first cell
    row = np.where((row <= 0) & (col >= 0), f.header_row or 0, row)  # a column finding
    placed = (row > 0) & (col >= 0) & (row <= MAX_ROWS)
    return np.where(placed, row, 0), np.where(placed, col, -1)


def _firsts(inv: np.ndarray) -> list[int]:
    """Per group number of :func:`~pmkscheck.issuetable.combined_key`, its first position."""
    return pd.Series(inv).drop_duplicates().index.tolist()


def _notes(a: FindingArrays, cells: list[int], which: list[int],
           header: list[tuple[int, int, int, int, str, str, str]]
           ) -> dict[tuple[int, int], Note]:
    """The notes of ``cells`` (sorted), ``which`` finding (or ``-1 - k``: column note k) each."""
    notes: dict[tuple[int, int], Note] = {}
    note = None
    for key, i in zip(cells, which, strict=True):
        if i >= 0:
            item = (int(a.severity[i]), a.code[i], a.message[i], a.fix[i])
        else:
            h = header[-1 - i]
            item = (h[3], h[4], h[5], h[6])
        if note is None or key != note.row * _WIDE + note.col:
            note = Note(key // _WIDE, key % _WIDE, Severity(item[0]), [item])
            notes[(note.row, note.col)] = note
        else:
            note.items.append(item)
            note.severity = max(note.severity, Severity(item[0]))
    return notes


def comment_text(note: Note, plan: Plan, lang: str) -> tuple[str, str]:
    """Bold first line and body of a cell's comment."""
    if note.rendered is not None:
        return note.rendered
    note.rendered = _comment_text(note, lang)
    return note.rendered


def _comment_text(note: Note, lang: str) -> tuple[str, str]:
    t = section("workbook", lang)
    head = t["n_problems"].format(n=len(note.items)) if len(note.items) > 1 else "pmkscheck"
    parts: list[str] = []
    size = 0
    labels = section("severity", lang)
    for n, (severity, code, message, fix) in enumerate(
            sorted(note.items, key=lambda i: (-i[0], i[1]))):
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        label = labels[Severity(severity).label].upper()
        block = f"[{label}] {title} ({code})\n{message}"
        if fix:
            block += f"\n{t['fix']}: {fix}"
        if size + len(block) > MAX_COMMENT and parts:
            parts.append(t["more"].format(n=len(note.items) - n))
            break
        parts.append(block)
        size += len(block)
    return head, "\n\n".join(parts)


def comments_xml(notes: list[Note], plan: Plan, lang: str,
                 existing: str | None = None) -> tuple[str, set[tuple[int, int]]]:
    """The comments part (new, or ``existing`` with ours added); returns cells commented."""
    runs = []
    done: set[tuple[int, int]] = set()
    taken: set[str] = set()
    author = 0
    if existing is not None:
        taken = {r.upper() for r in re.findall(r'<(?:\w+:)?comment\b[^>]*\bref="([^"]+)"',
                                                existing)}
        author = len(re.findall(r"<(?:\w+:)?author\b", existing))
    for note in notes:
        ref = f"{column_letter(note.col)}{note.row}"
        if ref in taken:  # the user's own comment stays; the fill and the list still show ours
            continue
        head, body = comment_text(note, plan, lang)
        runs.append(
            f'<comment ref="{ref}" authorId="{author}"><text>'
            f'<r><rPr><b/><sz val="9"/><rFont val="Tahoma"/></rPr>'
            f'<t xml:space="preserve">{x(head)}\n</t></r>'
            f'<r><rPr><sz val="9"/><rFont val="Tahoma"/></rPr>'
            f'<t xml:space="preserve">{x(body)}</t></r></text></comment>')
        done.add((note.row, note.col))
    if existing is None:
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<comments xmlns="{NS_MAIN}"><authors><author>pmkscheck</author></authors>'
                f'<commentList>{"".join(runs)}</commentList></comments>'), done
    p = tag_prefix(existing, "comments")
    if p:  # our elements use the default namespace; declare it locally
        runs = [r.replace("<comment ", f'<comment xmlns="{NS_MAIN}" ', 1) for r in runs]
    xml = re.sub(rf"(</{re.escape(p)}authors\s*>)",
                 (f'<author xmlns="{NS_MAIN}">pmkscheck</author>' if p else
                  "<author>pmkscheck</author>") + r"\1", existing, count=1)
    m = re.search(rf"</{re.escape(p)}commentList\s*>", xml)
    if m is None:
        raise Unpatchable("comments without commentList")
    return xml[: m.start()] + "".join(runs) + xml[m.start():], done


_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel">'
)
_VML_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


_VML_NS = {"v": "urn:schemas-microsoft-com:vml", "o": "urn:schemas-microsoft-com:office:office",
           "x": "urn:schemas-microsoft-com:office:excel"}


def _vml_prefixes(xml: str) -> tuple[str, dict[str, str]]:
    """The prefixes an existing VML drawing uses for v/o/x (declared on the root if absent)."""
    root = re.search(r"<xml\b[^>]*>", xml)
    if root is None:
        raise Unpatchable("unexpected VML")
    tag = root.group(0)
    names: dict[str, str] = {}
    for short, uri in _VML_NS.items():
        m = re.search(rf'xmlns:(\w+)="{re.escape(uri)}"', tag)
        if m:
            names[short] = m.group(1)
        else:
            prefix = short if f"xmlns:{short}=" not in tag else f"pmks{short}"
            tag = tag[:-1] + f' xmlns:{prefix}="{uri}">'
            names[short] = prefix
    return xml[: root.start()] + tag + xml[root.end():], names


def vml_xml(notes: list[Note], plan: Plan, lang: str, first_block: int,
            existing: str | None = None) -> str:
    """Legacy VML shapes that make comments visible in Excel and LibreOffice."""
    blocks = max(1, math.ceil((len(notes) + 1) / 1024))
    shapes = []
    for n, note in enumerate(notes):
        _, body = comment_text(note, plan, lang)
        lines = body.count("\n") + 2 + len(body) // 60
        height = min(max(lines, 4), 30)
        c, r = note.col, note.row - 1
        anchor = f"{c + 1}, 15, {max(r - 1, 0)}, 2, {c + 5}, 15, {max(r - 1, 0) + height}, 2"
        shapes.append(
            f'<v:shape id="_x0000_s{first_block * 1024 + 1 + n}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:80pt;margin-top:2pt;width:300pt;'
            f'height:{height * 12}pt;z-index:{n + 1};visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>")
    if existing is not None:
        existing, names = _vml_prefixes(existing)
        extra = "" if "_x0000_t202" in existing else _VML_SHAPETYPE
        more = ",".join(str(first_block + i) for i in range(blocks))
        existing = re.sub(r'(<\w+:idmap\b[^>]*\bdata=")([^"]*)(")',
                          lambda mm: mm.group(1) + mm.group(2) + "," + more + mm.group(3),
                          existing, count=1)
        m = re.search(r"</xml\s*>\s*$", existing)
        if m is None:
            raise Unpatchable("unexpected VML")
        ours = re.sub(r"(</?|\s)([vox]):", lambda mm: mm.group(1) + names[mm.group(2)] + ":",
                      extra + "".join(shapes))
        return existing[: m.start()] + ours + existing[m.start():]
    data = ",".join(str(first_block + i) for i in range(blocks))
    return (_VML_HEAD + f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{data}"/>'
            "</o:shapelayout>" + _VML_SHAPETYPE + "".join(shapes) + "</xml>")
