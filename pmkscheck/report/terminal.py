"""Stage ④ report: ``--format text``, the rich terminal view.

Per table: a summary panel (file, sheet, schema, district, rows, counts), then the findings
grouped by code (worst first) with their count, the rule's title and the first cells (CSV: rows).
Readable at 80 columns; the console and the progress line are in :mod:`.console`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pmkscheck.issues import Severity
from pmkscheck.issuetable import IssueTable
from pmkscheck.mask import mask_params
from pmkscheck.report.changes import change_lines
from pmkscheck.report.console import make_console
from pmkscheck.report.dashboard import render_terminal as render_province
from pmkscheck.report.model import error_text
from pmkscheck.report.spans import data_rows_of, group_findings
from pmkscheck.rules import fix as rule_fix
from pmkscheck.rules import rule
from pmkscheck.text import lang_of, num, pct, section

if TYPE_CHECKING:
    import numpy as np

    from pmkscheck.report.model import FileReport, Report
    from pmkscheck.settings import Settings

FIRST = 6  # locations listed per code
STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(report: Report, settings: Settings, out: TextIO, width: int | None = None,
           color: bool | None = None) -> None:
    """Print every file's summary panel and its findings grouped by code."""
    console = make_console(out, width, color)
    lang = lang_of(settings.lang)
    for n, f in enumerate(report.files):
        if n:
            console.print()
        render_file(console, f, settings, lang)
    if report.province is not None:  # issue 7: province view after the per-file views
        render_province(console, report, settings)
    _totals(console, report, settings, lang)


def render_file(console: Console, f: FileReport, settings: Settings, lang: str) -> None:
    """One table: panel, grouped findings, output files."""
    t = section("terminal", lang)
    title = Text(str(f.path), style="bold")
    if f.sheet:
        title.append(f"  {t['sheet']}: {f.sheet}", style="")
    if f.error:
        msg, fix = error_text(f, lang, settings.mask)
        body = Text(f"{t['unreadable']} ({f.error})\n", style="bold red")
        body.append(msg)
        if fix:
            body.append("\n" + fix, style="dim")
        console.print(Panel(body, title=title, title_align="left", border_style="red"))
        return
    console.print(Panel(_summary(f, lang), title=title, title_align="left",
                        border_style=_border(f)))
    if not f.issues:
        console.print(Text(t["ok"], style="green"))
    else:
        console.print(_findings_table(f, lang, settings.mask))
    if f.compared:  # issue 14: changes since the previous submission
        render_terminal_changes(console, f, lang)
    if f.outputs:
        console.print(Text(f"{t['outputs']}:", style="dim"))
        for path in f.outputs.values():
            console.print(Text(f"  {path}", style="dim"), overflow="fold")


def render_terminal_changes(console: Console, f: FileReport, lang: str) -> None:
    """Print the changes section of one table (only when history was consulted)."""
    if not f.compared or f.error:
        return
    console.print(Text(section("history", lang)["changes"], style="bold"))
    for line in change_lines(f, lang):
        console.print(Text("  " + line), overflow="fold")


def _border(f: FileReport) -> str:
    worst = f.worst
    if worst is Severity.ERROR:
        return "red"
    if worst is Severity.WARNING:
        return "yellow"
    return "green"


def _summary(f: FileReport, lang: str) -> Text:
    t = section("terminal", lang)
    d = f.district
    text = Text()
    text.append(f"{t['schema']} {f.schema or '-'}")
    if f.header_row is not None:
        text.append(f" · {t['header']} {f.header_row}")
    text.append(f" · {num(f.data_rows, lang)} {t['rows']}")
    if f.skipped_rows:
        text.append(f" · {num(len(f.skipped_rows), lang)} {t['skipped']}")
    text.append(f"\n{t['district']}: ")
    if d:
        text.append(f"{d.code} {d.name}", style="bold")
        text.append(f" ({section('district_source', lang).get(d.source, d.source)})")
    else:
        text.append(t["unknown"], style="yellow")
    if f.data_date is not None:
        text.append(f"\n{t['data_date']}: ")
        text.append(f.data_date.date.isoformat(), style="bold")
        how = section('date_source', lang).get(f.data_date.source, f.data_date.source)
        text.append(f" ({how})")
    text.append("\n")
    counts = [(Severity.ERROR, t["errors"]), (Severity.WARNING, t["warnings"]),
              (Severity.INFO, t["infos"])]
    for n, (sev, label) in enumerate(counts):
        if n:
            text.append(" · ")
        c = f.count(sev)
        text.append(f"{num(c, lang)} {label}", style=STYLE[sev] if c else "dim")
    share = f.error_share
    text.append(f" · {num(f.rows_with_errors, lang)} {t['rows_err']} ({pct(share, lang)})")
    return text


def _where(items: IssueTable, f: FileReport, data_rows: np.ndarray | None, lang: str,
           mask: str) -> Text:
    """Where a code hit: runs of cells (``B2:B7, B12``); a whole column as one line with its fix.

    Every cell is still listed in the JSON, the HTML report and the annotated workbook.
    """
    t = section("terminal", lang)
    text = Text(style="dim")
    if bool((items.row == 0).any()):  # file- or column-level findings
        places = [f"{t['col']} {i.column}" if i.column else t["file"] for i in items[:FIRST]]
        text.append(", ".join(dict.fromkeys(places)))
        if len(items) > FIRST:
            text.append(", " + t["more"].format(n=num(len(items) - FIRST, lang)))
        return text
    spans = group_findings(items, data_rows)
    text.append("; ".join(s.headline(lang, cells=not f.is_csv) for s in spans[:FIRST]))
    whole = [s for s in spans if s.whole_column]
    if whole:  # the column-level fix, once
        try:
            how = rule_fix(items[0], lang, mask_params(items[0].params, mask))
        except KeyError:  # a code missing from the catalogue
            how = ""
        if how:
            text.append("\n" + how, style="")
    return text


def _findings_table(f: FileReport, lang: str, mask: str) -> Table:
    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)  # severity
    table.add_column(justify="right", no_wrap=True)  # count
    table.add_column(ratio=1, overflow="fold")  # code, title, where
    data_rows = data_rows_of(f.table)
    for code, items in f.by_code().items():
        sev = items[0].severity
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        desc = Text()
        desc.append(code, style=STYLE[sev])
        if title:
            desc.append(f"  {title}")
        desc.append("\n")
        desc.append_text(_where(items, f, data_rows, lang, mask))
        table.add_row(Text(section("severity", lang)[sev.label], style=STYLE[sev]),
                      Text(f"{num(len(items), lang)}×"), desc)
    return table


def _totals(console: Console, report: Report, settings: Settings, lang: str) -> None:
    t = section("terminal", lang)
    readable = [f for f in report.files if not f.error]
    unreadable = len(report.files) - len(readable)
    if len(report.files) > 1:
        console.print()
        console.print(Text(t["total"].format(
            files=num(len(report.files), lang),
            errors=num(sum(f.count(Severity.ERROR) for f in readable), lang),
            warnings=num(sum(f.count(Severity.WARNING) for f in readable), lang),
            infos=num(sum(f.count(Severity.INFO) for f in readable), lang)), style="bold"))
        if unreadable:
            console.print(Text(t["unread_total"].format(n=unreadable), style="red"))
    if any(f.issues for f in readable):
        console.print(Text(t["details"], style="dim"))
    code = int(report.exit_code)
    if code == 1:
        console.print(Text(t["fail"].format(code=code, level=settings.fail_on), style="dim"))
