"""Stage ⑤ write: the two sheets the annotated workbook gains, and the builder they share.

"Ringkasan" (summary) and "Daftar Masalah" (every finding, with a link to its cell).

The summary is a view of the report model (the same facts as the terminal and HTML views), in
the texts of :mod:`pmkscheck.text`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkscheck.issues import Severity
from pmkscheck.rules import rule
from pmkscheck.table import column_letter
from pmkscheck.text import data_date_text, district_text, section
from pmkscheck.write.notes import Plan
from pmkscheck.write.ooxml import FORMULA_START, MAX_LINKS, MAX_ROWS, NS_MAIN, NS_REL, x
from pmkscheck.write.styles import FILL, Styles

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
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if tab else "") + ">"
        if freeze:
            view += (f'<pane ySplit="{freeze}" topLeftCell="A{freeze + 1}" activePane="bottomLeft"'
                     ' state="frozen"/><selection pane="bottomLeft"/>')
        view += "</sheetView>"
        cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
               f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">',
               f"<sheetViews>{view}</sheetViews>",
               '<sheetFormatPr defaultRowHeight="15"/>',
               f"<cols>{cols}</cols>" if cols else "",
               "<sheetData>", "".join(self.rows), "</sheetData>"]
        if autofilter:
            out.append(f'<autoFilter ref="{autofilter}"/>')
        if self.links:
            out.append("<hyperlinks>")
            out.extend(f'<hyperlink ref="{ref}" location="{x(loc)}" display="{x(disp)}"/>'
                       for ref, loc, disp in self.links)
            out.append("</hyperlinks>")
        out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
                   'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
                   'fitToHeight="0"/>')
        out.append("</worksheet>")
        return "".join(out)


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
    counts = f.code_counts()
    sev = {i.code: i.severity for i in f.issues}
    where = _where_by_code(f, plan, lang)
    for code in sorted(counts, key=lambda c: (-int(sev[c]), -counts[c], c)):
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        b.add([code, section("severity", lang)[sev[code].label], title, counts[code],
               where.get(code, "")], [st["text"], st[sev[code]], None, st["num"], st["plain"]])
    if not counts:
        b.add([t["none"]], st["plain"])
    if plan.file_level:
        b.n += 1
        b.add([t["file_level"]], st["label"])
        b.add([t["code"], t["severity"], t["message"], "", t["fix"]], st["head"])
        for issue in plan.file_level:
            message, fix, _ = plan.texts[id(issue)]
            b.add([issue.code, section("severity", lang)[issue.severity.label], message, None, fix],
                  [st["text"], st[issue.severity], None, None, None])
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
               st: dict[Any, int], data_sheet: str) -> tuple[str, int, list[str]]:
    """The "Daftar Masalah" sheet; returns (xml, last row, notes for the summary)."""
    lang = settings.lang
    t = section("workbook", lang)
    b = SheetBuilder(styles, text_style=st["text"], quote_style=st["quote"])
    b.widths = {0: 8, 1: 8, 2: 22, 3: 9, 4: 30, 5: 12, 6: 60, 7: 60, 8: 22}
    b.add([t["row"], t["letter"], t["column"], t["cell"], t["code"], t["severity"], t["message"],
           t["fix"], t["value"]], st["head"])
    notes = []
    text, quote, link, num = st["text"], st["quote"], st["link"], st["num"]
    sev_st = {s: st[s] for s in Severity}
    labels = {s: section("severity", lang)[s.label] for s in Severity}
    limit = MAX_ROWS - 1
    issues = plan.issues
    if len(issues) > limit:
        notes.append(t["cut"].format(n=limit))
        issues = issues[:limit]
    if len(issues) > MAX_LINKS:
        notes.append(t["no_links"].format(n=MAX_LINKS))
    rows = b.rows
    for n, issue in enumerate(issues, start=2):
        message, fix, value = plan.texts[id(issue)]
        pos = plan.place.get(id(issue))
        cell = f"{column_letter(pos[1])}{pos[0]}" if pos else ""
        cells = []
        if issue.row:
            cells.append(f'<c r="A{n}" s="{num}"><v>{issue.row}</v></c>')
        shown_letter = issue.letter or (column_letter(pos[1]) if pos and issue.column else "")
        for letter, v, s in (("B", shown_letter, text), ("C", issue.column or "", text),
                             ("D", cell, link if pos else text), ("E", issue.code, text),
                             ("F", labels[issue.severity], sev_st[issue.severity]),
                             ("G", message, text), ("H", fix, text), ("I", value, text)):
            if v:
                if v.startswith(FORMULA_START):
                    s = quote
                cells.append(f'<c r="{letter}{n}" s="{s}" t="inlineStr"><is>'
                             f'<t xml:space="preserve">{x(v)}</t></is></c>')
        rows.append(f'<row r="{n}">{"".join(cells)}</row>')
        if pos and len(b.links) < MAX_LINKS:
            b.links.append((f"D{n}", sheet_ref(data_sheet, cell), cell))
    b.n = len(issues) + 1
    return b.render(freeze=1, autofilter=f"A1:I{b.n}"), b.n, notes


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
