"""``--format text``: the rich terminal view (summary panel, findings grouped by code).

Readable at 80 columns; colour only when the terminal supports it (rich honours ``NO_COLOR``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pmkscheck.issues import Severity
from pmkscheck.rules import format_text, rule

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
LABEL = {
    "id": {Severity.ERROR: "galat", Severity.WARNING: "peringatan", Severity.INFO: "info"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}
T = {
    "id": {"rows": "baris data", "district": "kab/kota", "unknown": "tidak diketahui",
           "header": "baris judul", "skipped": "baris dilewati", "code": "kode", "n": "jml",
           "where": "lokasi (pertama)", "ok": "Tidak ada masalah.", "outputs": "berkas keluaran",
           "unreadable": "TIDAK TERBACA", "errors": "galat", "warnings": "peringatan",
           "infos": "info", "rows_err": "baris bergalat", "sheet": "lembar"},
    "en": {"rows": "data rows", "district": "district", "unknown": "unknown",
           "header": "header row", "skipped": "skipped rows", "code": "code", "n": "n",
           "where": "where (first)", "ok": "No problems found.", "outputs": "outputs",
           "unreadable": "UNREADABLE", "errors": "errors", "warnings": "warnings",
           "infos": "infos", "rows_err": "rows with errors", "sheet": "sheet"},
}


def render(report: Report, settings: Settings, out: TextIO, width: int | None = None) -> None:
    """Print every file's summary and findings grouped by code."""
    console = Console(file=out, width=width, highlight=False, soft_wrap=False)
    for f in report.files:
        _file(console, f, settings)


def _file(console: Console, f: FileReport, settings: Settings) -> None:
    t = T[settings.lang]
    title = str(f.path) + (f" [{t['sheet']}: {f.sheet}]" if f.sheet else "")
    if f.error:
        r = rule(f.error)
        params = {k: str(v) for k, v in f.error_params.items()}
        body = Text(format_text(r.t("message", settings.lang), params), style="bold red")
        body.append("\n" + format_text(r.t("fix", settings.lang), params), style="")
        console.print(Panel(body, title=f"{title} - {t['unreadable']}", title_align="left"))
        return
    d = f.district
    lines = Text()
    lines.append(f"{t['rows']}: {f.data_rows:,}   {t['header']}: {f.header_row}   ")
    lines.append(f"{t['district']}: " + (f"{d.code} {d.name} ({d.source})" if d else t["unknown"]))
    lines.append("\n")
    lines.append(f"{f.count(Severity.ERROR):,} {t['errors']}", style=STYLE[Severity.ERROR])
    lines.append(f"  {f.count(Severity.WARNING):,} {t['warnings']}",
                 style=STYLE[Severity.WARNING])
    lines.append(f"  {f.count(Severity.INFO):,} {t['infos']}", style=STYLE[Severity.INFO])
    lines.append(f"  {f.rows_with_errors:,} {t['rows_err']}")
    if f.skipped_rows:
        lines.append(f"  {len(f.skipped_rows)} {t['skipped']}")
    console.print(Panel(lines, title=title, title_align="left"))
    if not f.issues:
        console.print(t["ok"], style="green")
    else:
        table = Table(show_edge=False, pad_edge=False, expand=False)
        table.add_column(t["code"], no_wrap=True, overflow="fold")
        table.add_column(t["n"], justify="right")
        table.add_column(t["where"], overflow="fold")
        groups: dict[str, list] = defaultdict(list)
        for i in f.issues:
            groups[i.code].append(i)
        order = sorted(groups, key=lambda c: (-int(groups[c][0].severity), c))
        for code in order:
            items = groups[code]
            sev = items[0].severity
            where = ", ".join(
                (i.cell or (f"{t['rows'].split()[0]} {i.row}" if i.row else "-"))
                for i in items[:5]
            )
            if len(items) > 5:
                where += ", …"
            table.add_row(Text(code, style=STYLE[sev]), f"{len(items):,}", where)
        console.print(table)
    if f.outputs:
        console.print(f"{t['outputs']}:", style="dim")
        for path in f.outputs.values():
            console.print(f"  {path}", style="dim", overflow="fold")
