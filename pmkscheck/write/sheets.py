"""Stage ⑤ write: the two sheets the annotated workbook gains, and the builder they share.

"Ringkasan" (summary) and "Daftar Masalah" (every finding, with a link to its cell).

The summary is a view of the report model (the same facts as the terminal and HTML views), in
the texts of :mod:`pmkscheck.text`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck.issues import Severity
from pmkscheck.rules import rule
from pmkscheck.table import column_letter
from pmkscheck.text import data_date_text, district_text, section
from pmkscheck.write.findingcols import Factor
from pmkscheck.write.notes import Plan
from pmkscheck.write.ooxml import FORMULA_START, MAX_LINKS, MAX_ROWS, NS_MAIN, NS_REL, x
from pmkscheck.write.styles import FILL, Styles
from pmkscheck.write.xlsxfast import string_bytes

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport
    from pmkscheck.settings import Settings


@dataclass
class SheetBuilder:
    """Rows of inline-text / number cells for a new worksheet (no shared strings, no formulas)."""

    styles: Styles
    text_style: int = 0
    quote_style: int = 0
    rows: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    n: int = 0

    def add(self, values: list[Any], styles: list[int | None] | int | None = None,
            row: int | None = None) -> int:
        """Append a row (``None`` = empty cell); return its row number."""
        self.n = row or self.n + 1
        cells = []
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            st = styles[c] if isinstance(styles, list) else styles
            ref = f"{column_letter(c)}{self.n}"
            if isinstance(v, bool):
                v = str(v)
            if isinstance(v, (int, float)):
                s = f' s="{st}"' if st else ""
                cells.append(f'<c r="{ref}"{s}><v>{v!r}</v></c>' if isinstance(v, float)
                             else f'<c r="{ref}"{s}><v>{v}</v></c>')
            else:
                text = str(v)
                if st is None:
                    st = self.quote_style if text.startswith(FORMULA_START) else self.text_style
                elif text.startswith(FORMULA_START):
                    st = self.quote_style
                s = f' s="{st}"' if st else ""
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                             f"{x(text)}</t></is></c>")
        self.rows.append(f'<row r="{self.n}">{"".join(cells)}</row>')
        return self.n

    def render(self, freeze: int = 0, autofilter: str | None = None, tab: bool = False) -> str:
        """The worksheet XML."""
        return "".join(self.parts(freeze, autofilter, tab))

    def parts(self, freeze: int = 0, autofilter: str | None = None, tab: bool = False,
              links: str | None = None) -> tuple[str, str]:
        """The worksheet XML in two: up to its last row, and from ``</sheetData>`` on.

        ``links``: the ``<hyperlink>`` elements, instead of those of ``self.links``.
        """
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if tab else "") + ">"
        if freeze:
            view += (f'<pane ySplit="{freeze}" topLeftCell="A{freeze + 1}" activePane="bottomLeft"'
                     ' state="frozen"/><selection pane="bottomLeft"/>')
        view += "</sheetView>"
        cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">',
                f"<sheetViews>{view}</sheetViews>",
                '<sheetFormatPr defaultRowHeight="15"/>',
                f"<cols>{cols}</cols>" if cols else "",
                "<sheetData>", "".join(self.rows)]
        out = ["</sheetData>"]
        if autofilter:
            out.append(f'<autoFilter ref="{autofilter}"/>')
        if links is None:
            links = "".join(f'<hyperlink ref="{ref}" location="{x(loc)}" display="{x(disp)}"/>'
                            for ref, loc, disp in self.links)
        if links:
            out.extend(("<hyperlinks>", links, "</hyperlinks>"))
        out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
                   'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
                   'fitToHeight="0"/>')
        out.append("</worksheet>")
        return "".join(head), "".join(out)


@dataclass
class StreamedSheet:
    """A new worksheet written into the zip piece by piece: its rows come in blocks."""

    head: str
    rows: Callable[[], Iterator[bytes]]
    tail: str
    size: int  # an upper bound of its bytes (the zip entry needs ZIP64 above 2 GB)

    def chunks(self) -> Iterator[bytes]:
        """The worksheet XML in pieces (UTF-8)."""
        yield self.head.encode("utf-8")
        yield from self.rows()
        yield self.tail.encode("utf-8")

    def text(self) -> str:
        """The whole worksheet XML (tests and small sheets)."""
        return b"".join(self.chunks()).decode("utf-8")


def sheet_ref(sheet: str, cell: str) -> str:
    """Internal link target: ``'Data PMKS'!B15`` (apostrophes doubled)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def sheet_styles(styles: Styles) -> dict[str, int]:
    """The cell formats of the new sheets (added to ``styles``), by use."""
    bold = styles.font(bold=True)
    border = styles.thin_border()
    head_fill = styles.fill("FFD9E1F2")
    return {
        "title": styles.new(font=styles.font(bold=True, size=14), valign=None),
        "label": styles.new(font=bold, valign="top"),
        "head": styles.new(font=bold, fill=head_fill, border=border, wrap=True, valign="center"),
        "text": styles.new(border=border, wrap=True),
        "plain": styles.new(valign="top"),
        "quote": styles.new(border=border, wrap=True, quote=True),
        "num": styles.new(border=border, num_fmt=3),
        "pct": styles.new(border=border, num_fmt=10),
        "link": styles.new(font=styles.font(color="FF0563C1", underline=True), border=border),
        "wrapnote": styles.new(wrap=False, valign="top", font=styles.font(size=10,
                                                                            color="FF595959")),
        Severity.ERROR: styles.new(border=border, fill=styles.fill(FILL[Severity.ERROR])),
        Severity.WARNING: styles.new(border=border, fill=styles.fill(FILL[Severity.WARNING])),
        Severity.INFO: styles.new(border=border, fill=styles.fill(FILL[Severity.INFO])),
    }


def summary_sheet(f: FileReport, plan: Plan, settings: Settings, styles: Styles,
                  st: dict[Any, int], data_sheet: str, list_sheet: str, notes: list[str]) -> str:
    """The "Ringkasan" sheet."""
    lang = settings.lang
    t = section("workbook", lang)
    b = SheetBuilder(styles, text_style=st["text"], quote_style=st["quote"])
    b.widths = {0: 28, 1: 22, 2: 40, 3: 12, 4: 60}
    b.add([t["title"]], st["title"])
    b.add([t["how"].replace("Daftar Masalah", list_sheet)], st["wrapnote"])
    b.n += 1
    district = district_text(f.district, lang, t["unknown"])
    info: list[tuple[str, Any]] = [
        (t["file"], Path(f.path).name), (t["sheet"], data_sheet if f.sheet else "-"),
        (t["schema"], f.schema or "-"), (t["district"], district),
        (t["data_date"], data_date_text(f.data_date, lang)),
        (t["date"], settings.check_date.isoformat()), (t["rows"], f.data_rows),
        (t["header_row"], f.header_row if f.header_row is not None else "-"),
        (t["errors"], f.count(Severity.ERROR)), (t["warnings"], f.count(Severity.WARNING)),
        (t["infos"], f.count(Severity.INFO)), (t["rows_err"], f.rows_with_errors),
        (t["skipped"], len(f.skipped_rows)),
    ]
    for label, value in info:
        b.add([label, value], [st["label"], st["plain"] if isinstance(value, str) else None])
    for note in notes:
        b.add([note], st["wrapnote"])
    b.n += 1
    b.add([t["completeness"]], st["label"])
    b.add([t["field"], t["header"], t["letter"], t["filled"]], st["head"])
    headers = {c.field: c for c in f.columns if c.field}
    for name, share in f.completeness.items():
        col = headers.get(name)
        b.add([name, col.header if col else "", col.letter if col else "", float(share)],
              [st["text"], None, st["text"], st["pct"]])
    b.n += 1
    b.add([t["by_code"]], st["label"])
    b.add([t["code"], t["severity"], t["rule_title"], t["count"], t["cell"]], st["head"])
    where = _where_by_code(f, plan, lang)
    by_code = f.issues.positions_by_code()  # worst code first, then most frequent, then name
    for code, pos in by_code.items():
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        sev = Severity(int(f.issues.severity[pos].max()))
        b.add([code, section("severity", lang)[sev.label], title, len(pos),
               where.get(code, "")], [st["text"], st[sev], None, st["num"], st["plain"]])
    if not by_code:
        b.add([t["none"]], st["plain"])
    if plan.file_level:
        b.n += 1
        b.add([t["file_level"]], st["label"])
        b.add([t["code"], t["severity"], t["message"], "", t["fix"]], st["head"])
        for code, severity, message, fix in plan.file_level:
            b.add([code, section("severity", lang)[severity.label], message, None, fix],
                  [st["text"], st[severity], None, None, None])
    return b.render(tab=True)


def _where_by_code(f: FileReport, plan: Plan, lang: str) -> dict[str, str]:
    """Per code, its cells as runs and whole columns (issue 16): ``seluruh kolom NIK (…)``."""
    letters = dict(f.table.letters) if f.table is not None else {}
    shown: dict[str, list[str]] = {}
    for s in plan.spans:
        if not s.runs:  # file- or column-level findings: listed apart
            continue
        in_book = dataclasses.replace(s, letter=s.letter or letters.get(s.field or ""))
        shown.setdefault(s.code, []).append(in_book.headline(lang))
    return {code: "; ".join(parts[:3]) + ("; …" if len(parts) > 3 else "")
            for code, parts in shown.items()}


def list_sheet(f: FileReport, plan: Plan, settings: Settings, styles: Styles,
               st: dict[Any, int], data_sheet: str) -> tuple[StreamedSheet, int, list[str]]:
    """The "Daftar Masalah" sheet; returns (the sheet, its last row, notes for the summary).

    One row per finding, written from the plan's arrays in blocks (issue 16): each distinct text
    is escaped once, and a block's rows are joined column-wise by pyarrow string kernels.
    """
    lang = settings.lang
    t = section("workbook", lang)
    b = SheetBuilder(styles, text_style=st["text"], quote_style=st["quote"])
    b.widths = {0: 8, 1: 8, 2: 22, 3: 9, 4: 30, 5: 12, 6: 60, 7: 60, 8: 22}
    b.add([t["row"], t["letter"], t["column"], t["cell"], t["code"], t["severity"], t["message"],
           t["fix"], t["value"]], st["head"])
    notes = []
    count = len(plan.findings)
    limit = MAX_ROWS - 1
    if count > limit:
        notes.append(t["cut"].format(n=limit))
        count = limit
    if count > MAX_LINKS:
        notes.append(t["no_links"].format(n=MAX_LINKS))
    rows = _ProblemRows(plan, st, lang, count)
    head, tail = b.parts(freeze=1, autofilter=f"A1:I{count + 1}",
                         links=rows.links(data_sheet))
    return StreamedSheet(head, rows.blocks, tail, rows.size), count + 1, notes


BLOCK_ROWS = 20_000  # rows of the problem sheet built at once


class _ProblemRows:
    """The rows of the problem sheet: per column, a table of the XML of each distinct text."""

    def __init__(self, plan: Plan, st: dict[Any, int], lang: str, count: int) -> None:
        a = plan.findings
        self.a, self.count, self.st = a, count, st
        self.pos_row, self.pos_col = plan.pos_row[:count], plan.pos_col[:count]
        # the letter shown: the finding's own, else (a CSV) the column's letter in the workbook
        top = int(self.pos_col.max()) if count else -1
        names = [column_letter(c) for c in range(max(top + 1, 1))]
        self.letters = pa.array(names, type=pa.large_string())
        shown = a.letter.array()[:count]
        borrow = (shown == "") & (self.pos_col >= 0) & (a.column.array()[:count] != "")
        if borrow.any():
            shown[borrow] = np.array(names, dtype=object)[self.pos_col[borrow]]
        self.shown = Factor.of(shown)
        labels = section("severity", lang)
        sev = [""] + [labels[Severity(s).label] for s in (1, 2, 3)]
        self.tables = {  # column letter -> (ids, table of cell tails)
            "B": (self.shown.ids, self._tails(self.shown.values)),
            "C": (a.column.ids[:count], self._tails(a.column.values)),
            "E": (a.code.ids[:count], self._tails(a.code.values)),
            "F": (a.severity[:count], self._tails(sev, [0, *(st[Severity(s)] for s in (1, 2, 3))])),
            "G": (a.message.ids[:count], self._tails(a.message.values)),
            "H": (a.fix.ids[:count], self._tails(a.fix.values)),
            "I": (a.value.ids[:count], self._tails(a.value.values)),
        }
        wide = sum(int(pc.max(pc.binary_length(tab)).as_py() or 0)
                   for _, tab in self.tables.values()) + 400  # bytes of a row, at most
        self.block = max(1, min(BLOCK_ROWS, (64 << 20) // wide))  # a block: ~64 MB at most
        self.size = count * wide

    def _tails(self, values: list[str], styles: list[int] | None = None) -> pa.Array:
        """Per distinct text, the cell after its reference (``None``: no cell)."""
        st = self.st
        out: list[str | None] = []
        for n, v in enumerate(values):
            if not v:
                out.append(None)
                continue
            s = st["quote"] if v.startswith(FORMULA_START) else (
                styles[n] if styles is not None else st["text"])
            out.append(f'" s="{s}" t="inlineStr"><is><t xml:space="preserve">{x(v)}'
                       "</t></is></c>")
        return pa.array(out, type=pa.large_string())

    def blocks(self) -> Iterator[bytes]:
        """The ``<row>`` elements, one block of rows at a time (UTF-8)."""
        join = _join
        num, link = self.st["num"], self.st["link"]
        for start in range(0, self.count, self.block):
            stop = min(start + self.block, self.count)
            n = pc.cast(pa.array(np.arange(start + 2, stop + 2, dtype=np.int64)),
                        pa.large_string())
            row = self.a.row[start:stop]
            cells = [join('<c r="A', n, f'" s="{num}"><v>', _text(row, row <= 0), "</v></c>")]
            for letter in "BC":
                ids, table = self.tables[letter]
                cells.append(join(f'<c r="{letter}', n, pc.take(table, ids[start:stop])))
            prow, pcol = self.pos_row[start:stop], self.pos_col[start:stop]
            cells.append(join('<c r="D', n, f'" s="{link}" t="inlineStr"><is>'
                              '<t xml:space="preserve">',
                              pc.take(self.letters, pa.array(np.maximum(pcol, 0), mask=pcol < 0)),
                              _text(prow, pcol < 0), "</t></is></c>"))
            for letter in "EFGHI":
                ids, table = self.tables[letter]
                cells.append(join(f'<c r="{letter}', n, pc.take(table, ids[start:stop])))
            rows = join('<row r="', n, '">', *cells, "</row>", nulls=True)
            yield string_bytes(rows)

    def links(self, data_sheet: str) -> str:
        """``<hyperlink>`` elements of the first ``MAX_LINKS`` findings shown on a cell."""
        linked = np.flatnonzero(self.pos_col >= 0)[:MAX_LINKS]
        if not linked.size:
            return ""
        n = pc.cast(pa.array(linked + 2), pa.large_string())
        letter = pc.take(self.letters, pa.array(self.pos_col[linked]))
        row = _text(self.pos_row[linked], None)
        where = x(sheet_ref(data_sheet, ""))
        return string_bytes(_join('<hyperlink ref="D', n, '" location="', where, letter, row,
                                  '" display="', letter, row, '"/>')).decode("utf-8")


def _join(*parts: str | pa.Array, nulls: bool = False) -> pa.Array:
    """Concatenate text pieces per row (a str: the same in every row).

    A null piece makes the whole null, or (``nulls=True``) counts as empty.
    """
    args = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    if nulls:
        return pc.binary_join_element_wise(*args, _EMPTY, null_handling="replace",
                                           null_replacement="")
    return pc.binary_join_element_wise(*args, _EMPTY)


_EMPTY = pa.scalar("", pa.large_string())


def _text(numbers: np.ndarray, missing: np.ndarray | None) -> pa.Array:
    """Integers as decimal text (``missing``: null)."""
    return pc.cast(pa.array(numbers, mask=missing), pa.large_string())


# --------------------------------------------------------------------------------------------
# the package


def unique_sheet_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted (2)`` ... a sheet name not in ``taken`` (case-blind, 31 chars)."""
    name = wanted
    n = 2
    while name.lower() in {s.lower() for s in taken}:
        name = f"{wanted} ({n})"
        n += 1
    return name[:31]
