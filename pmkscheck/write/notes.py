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

from pmkscheck.issues import Issue, Severity
from pmkscheck.report.model import issue_dicts
from pmkscheck.report.spans import Span, data_rows_of, group_findings
from pmkscheck.rules import rule
from pmkscheck.table import column_index, column_letter
from pmkscheck.text import section
from pmkscheck.write.ooxml import MAX_COMMENT, MAX_ROWS, NS_MAIN, Unpatchable, tag_prefix, x

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport
    from pmkscheck.settings import Settings


@dataclass
class Note:
    """Everything flagged on one cell."""

    row: int
    col: int  # 0-based
    severity: Severity
    issues: list[Issue] = field(default_factory=list)
    rendered: tuple[str, str] | None = None  # comment_text, computed once


@dataclass
class Plan:
    """Cells to flag and the texts to show, computed once per file."""

    notes: dict[tuple[int, int], Note]
    file_level: list[Issue]
    place: dict[int, tuple[int, int]]  # id(issue) -> (row, col) where it is shown
    texts: dict[int, tuple[str, str, str]]  # id(issue) -> (message, fix, masked value)
    fills: dict[tuple[int, int], Severity] = field(default_factory=dict)  # filled, no own note
    spans: list[Span] = field(default_factory=list)  # the findings as runs (report/spans.py)
    # the findings as records, built once: ``place`` and ``texts`` are keyed by their id()
    issues: list[Issue] = field(default_factory=list)


WHOLE_COLUMN_NOTE = 100
"""A code that hits every data row of a column (and at least this many cells) gets one note on
the column's header cell instead of one per cell; every cell is still filled and listed on the
problem sheet (issue 16: 500,000 identical notes help nobody and cost minutes)."""


def plan_annotations(f: FileReport, settings: Settings) -> Plan:
    """Decide the cell of every finding.

    A finding with a row and a column letter goes on its cell; a column finding without a row on
    the header cell; a row finding without a column on the row's first table cell; anything else
    is file level (listed on the summary sheet).
    """
    first_letter = None
    if f.columns:
        first_letter = min(f.columns, key=lambda c: c.index).letter
    letters = dict(f.table.letters) if f.table is not None else {}
    for c in f.columns:
        if c.field:
            letters.setdefault(c.field, c.letter)
    by_header = {c.header: c.letter for c in f.columns}
    notes: dict[tuple[int, int], Note] = {}
    file_level: list[Issue] = []
    place: dict[int, tuple[int, int]] = {}
    texts: dict[int, tuple[str, str, str]] = {}
    fills: dict[tuple[int, int], Severity] = {}
    headed: set[tuple[str, int]] = set()
    rendered = issue_dicts(f, settings)  # the report model's one rendering of each finding
    spans = group_findings(f.issues, data_rows_of(f.table))
    whole = {(s.code, s.field, s.letter): s for s in spans
             if s.whole_column and s.count >= WHOLE_COLUMN_NOTE and f.header_row}

    def add_note(pos: tuple[int, int], issue: Issue) -> None:
        note = notes.get(pos)
        if note is None:
            notes[pos] = Note(pos[0], pos[1], issue.severity, [issue])
        else:
            note.issues.append(issue)
            note.severity = max(note.severity, issue.severity)

    issues = list(f.issues)  # one record per finding, kept by the plan (ids stay valid)
    for issue, d in zip(issues, rendered, strict=True):
        texts[id(issue)] = (d["message"], d["fix"], d["value"] or "")
        row, letter = issue.row, issue.letter or letters.get(issue.field or "") or (
            by_header.get(issue.column or ""))  # CSV findings carry no letter
        if row and not letter:
            letter = first_letter
        if letter and not row:
            row = f.header_row
        if not (row and letter) or row > MAX_ROWS:
            file_level.append(issue)
            continue
        pos = (row, column_index(letter))
        place[id(issue)] = pos
        span = whole.get((issue.code, issue.field, issue.letter))
        if span is None:
            add_note(pos, issue)
            continue
        fills[pos] = max(fills.get(pos, issue.severity), issue.severity)
        if (span.code, pos[1]) not in headed:  # one note on the header cell, for the column
            headed.add((span.code, pos[1]))
            column_note = dataclasses.replace(issue, row=f.header_row)
            in_book = dataclasses.replace(span, letter=letter)  # CSV findings carry no letter
            texts[id(column_note)] = (in_book.headline(settings.lang), d["fix"], "")
            add_note((f.header_row, pos[1]), column_note)
    return Plan(notes, file_level, place, texts, fills, spans, issues)


def comment_text(note: Note, plan: Plan, lang: str) -> tuple[str, str]:
    """Bold first line and body of a cell's comment."""
    if note.rendered is not None:
        return note.rendered
    note.rendered = _comment_text(note, plan, lang)
    return note.rendered


def _comment_text(note: Note, plan: Plan, lang: str) -> tuple[str, str]:
    t = section("workbook", lang)
    head = t["n_problems"].format(n=len(note.issues)) if len(note.issues) > 1 else "pmkscheck"
    parts: list[str] = []
    size = 0
    for n, issue in enumerate(sorted(note.issues, key=lambda i: (-int(i.severity), i.code))):
        message, fix, _ = plan.texts[id(issue)]
        try:
            title = rule(issue.code).t("title", lang)
        except KeyError:
            title = ""
        label = section("severity", lang)[issue.severity.label].upper()
        block = f"[{label}] {title} ({issue.code})\n{message}"
        if fix:
            block += f"\n{t['fix']}: {fix}"
        if size + len(block) > MAX_COMMENT and parts:
            parts.append(t["more"].format(n=len(note.issues) - n))
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
