"""The province view: the page (``provinsi.html``) the Kepala Dinas reads, and the terminal table.

One offline HTML page (inline CSS and SVG, no script, no outside link): headline cards; an
inline-SVG bar chart of the error rate and the completeness of every kab/kota that sent a list;
one table row per kab/kota with a link to its own report, its figures, the change since its
previous submission (from the history, or ``--previous``) and its main problems in words (the
rules' titles, not raw codes); the kab/kota that sent nothing; unreadable files; the NIKs found in
two kab/kota (only when there are any: no empty tables). NIKs are masked per ``--mask``.
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pmkscheck import __version__, reference
from pmkscheck.domain.district import UNKNOWN, file_district
from pmkscheck.report.province import (
    _district_rows,
    _dup_headers,
    _dup_rows,
    _headers,
    _short,
    _t,
    _top,
)
from pmkscheck.rules import rule
from pmkscheck.text import lang_of, section

if TYPE_CHECKING:
    from pmkscheck.province import ProvinceSummary
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings

CSS = ("body{font-family:'Segoe UI',Arial,sans-serif;color:#1f2328;margin:0 auto;max-width:1100px;"
       "padding:24px;line-height:1.45;font-size:15px}h2{font-size:19px;margin:28px 0 10px;"
       "border-bottom:2px solid #d0d7de}table{border-collapse:collapse;width:100%;font-size:14px}"
       "th,td{border:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top}"
       "th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}.sub{color:#59636e}"
       ".cards{display:flex;gap:10px;flex-wrap:wrap;margin:16px 0}.card{border:1px solid "
       "#d0d7de;border-radius:8px;padding:10px 12px;background:#f6f8fa;min-width:150px}"
       ".card .n{font-size:26px;font-weight:700}.card .l{color:#59636e;font-size:13px}"
       "ul{margin:4px 0;padding-left:18px}@media print{a{color:inherit}}")

DUP_CODE = "PROVINCE_NIK_IN_TWO_DISTRICTS"  # the batch check's code (pmkscheck.checks.batch)


def e(text: object) -> str:
    """HTML-escape (``None`` -> empty)."""
    return "" if text is None else html.escape(str(text), quote=True)


def _pct(x: float | None, lang: str) -> str:
    if x is None:
        return "-"
    text = f"{100 * x:.1f}%"
    return text.replace(".", ",") if lang == "id" else text


def _href(target: str | None, folder: Path | None) -> str | None:
    if not target:
        return None
    try:
        rel = os.path.relpath(target, folder) if folder is not None else target
    except ValueError:  # another drive on Windows
        rel = Path(target).resolve().as_uri()
        return rel
    return quote(rel.replace(os.sep, "/"))


def _title(code: str, lang: str) -> str:

    try:
        return rule(code).t("title", lang) or code
    except KeyError:
        return code


def per_district(report: Report) -> dict[str, dict[str, Any]]:
    """Error rate, completeness, report links and changes of each kab/kota's files."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "rows": 0, "err_rows": 0, "files": [], "compared": False, "changes": [],
        "first": False})
    for f in report.files:
        d = out[file_district(f)]
        d["files"].append(f)
        if not f.error and f.schema != "pmks-rekap":
            d["rows"] += f.data_rows
            d["err_rows"] += f.rows_with_errors
        if getattr(f, "compared", False):
            d["compared"] = True
            if f.changes is None:
                d["first"] = True
            else:
                d["changes"].append(f.changes)
    return out


def _change_text(d: dict[str, Any], lang: str) -> str:
    t = section("dashboard", lang)
    if not d["compared"]:
        return t["off"]
    if not d["changes"]:
        return t["first"]
    tot: dict[str, int] = defaultdict(int)
    for c in d["changes"]:
        for k, v in c["persons"].items():
            tot[k] += v
        for k in ("fixed", "new"):
            tot["f_" + k] += c["findings"][k]
    prev = ", ".join(dict.fromkeys(
        f"{c['previous']['file']} ({c['previous']['data_date'] or '-'})" for c in d["changes"]))
    return (f"{t['persons']}: +{tot['added']} / -{tot['removed']} / {tot['changed']} "
            f"{t['changed']}; {tot['f_fixed']} {t['fixed']}, {tot['f_new']} {t['new']} "
            f"[{prev}]")


def change_lines(report: Report, settings: Settings) -> list[str]:
    """``6472 Kota Samarinda: <change>`` per kab/kota whose files were compared (terminal)."""
    lang = lang_of(settings.lang)
    t = section("dashboard", lang)
    out = []
    for code, d in sorted(per_district(report).items()):
        if d["compared"]:
            name = _short(reference.kabupaten_name(code) or t["unknown"])
            out.append(f"  {code} {name}: {_change_text(d, lang)}")
    return [f"{t['change']}:", *out] if out else []


def chart_svg(rows: list[tuple[str, float | None, float | None]], lang: str) -> str:
    """Horizontal bars per kab/kota: error rate (red) and completeness (green), 0-100 %."""
    label_w, bar_w, line_h = 190, 420, 34
    height = 20 + line_h * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
             f'height="{height}" role="img" aria-label="{e(section("dashboard", lang)["chart"])}">']
    for n, (name, rate, comp) in enumerate(rows):
        y = 10 + n * line_h
        parts.append(f'<text x="0" y="{y + 17}" font-size="13">{e(name)}</text>')
        for k, (value, colour) in enumerate(((rate, "#c0392b"), (comp, "#2e7d32"))):
            if value is None:
                continue
            w = max(1.0, bar_w * min(max(value, 0.0), 1.0))
            yy = y + 2 + k * 14
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{w:.1f}" height="12" '
                         f'fill="{colour}"><title>{e(_pct(value, lang))}</title></rect>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{yy + 10}" font-size="11">'
                         f"{e(_pct(value, lang))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def render_dashboard(summary: ProvinceSummary, report: Report, settings: Settings,
                     folder: Path | None = None) -> str:
    """The whole ``provinsi.html`` document."""
    lang = lang_of(settings.lang)
    t = section("dashboard", lang)
    stats = per_district(report)
    sent = [d for d in summary.districts if not d.missing]
    total_rows = sum(stats[d.code]["rows"] for d in sent)
    total_err = sum(stats[d.code]["err_rows"] for d in sent)
    comps = [(d.rows, d.completeness) for d in sent if d.completeness is not None and d.rows]
    overall_comp = (sum(r * c for r, c in comps) / sum(r for r, _ in comps)) if comps else None
    n_real = len([d for d in summary.districts if d.code != UNKNOWN])
    cards = [(f"{len([d for d in sent if d.code != UNKNOWN])} / {n_real}", t["sent"]),
             (f"{total_rows:,}".replace(",", "." if lang == "id" else ","), t["rows"]),
             (_pct(total_err / total_rows if total_rows else None, lang), t["rate"]),
             (_pct(overall_comp, lang), t["complete"])]
    body = [f"<h1>{e(t['title'])}</h1>",
            '<div class="cards">' + "".join(
                f'<div class="card"><div class="n">{e(n)}</div><div class="l">{e(label)}</div>'
                "</div>" for n, label in cards) + "</div>"]
    chart_rows = []
    table_rows = []
    for d in sent:
        s = stats[d.code]
        rate = s["err_rows"] / s["rows"] if s["rows"] else None
        name = _short(d.name) if d.code != UNKNOWN else t["unknown"]
        chart_rows.append((name, rate, d.completeness))
        links = []
        for f in s["files"]:
            href = _href(f.outputs.get("html"), folder)
            label = Path(f.path).name + (f" [{f.sheet}]" if f.sheet else "")
            links.append(f'<a href="{e(href)}">{e(label)}</a>' if href else e(label))
        problems = "".join(f"<li>{e(_title(code, lang))} ({n})</li>" for code, n in d.top)
        table_rows.append(
            f"<tr><td><strong>{e(d.code if d.code != UNKNOWN else '')} {e(name)}</strong><br>"
            f"{'<br>'.join(links)}</td><td class=\"num\">{d.files}</td>"
            f"<td class=\"num\">{s['rows']}</td><td class=\"num\">{e(_pct(rate, lang))}</td>"
            f"<td class=\"num\">{e(_pct(d.completeness, lang))}</td>"
            f"<td class=\"num\">{e('-' if d.score is None else d.score)}</td>"
            f"<td>{e(_change_text(s, lang))}</td>"
            f"<td>{'<ul>' + problems + '</ul>' if problems else e(t['none'])}</td></tr>")
    if chart_rows:
        body.append(f"<h2>{e(t['chart'])}</h2>")
        body.append(f'<p class="sub">{e(t["rate_note"])}</p>')
        body.append(chart_svg(chart_rows, lang))
        head = "".join(f"<th>{e(h)}</th>" for h in (
            t["district"], t["files"], t["rows"], t["rate"], t["complete"], t["score"],
            t["change"], t["problems"]))
        body.append(f"<h2>{e(t['district'])}</h2><table><thead><tr>{head}</tr></thead><tbody>"
                    + "".join(table_rows) + "</tbody></table>")
    body.append(f"<h2>{e(t['missing_list'])}</h2>")
    missing = [d.name for d in summary.missing]
    body.append(f"<p>{e(t['missing'])}: {e(', '.join(missing))}</p>" if missing
                else f"<p>{e(t['all_sent'])}</p>")
    unreadable = [f for f in report.files if f.error]
    if unreadable:
        body.append(f"<h2>{e(t['unreadable'])}</h2><ul>" + "".join(
            f"<li>{e(Path(f.path).name)}: {e(_title(f.error or '', lang))}</li>"
            for f in unreadable) + "</ul>")
    dups = _dup_rows(summary, report, settings)
    body.append(f"<h2>{e(t['dups'])} ({len(dups)})</h2>")
    if dups:
        head = "".join(f"<th>{e(h)}</th>" for h in _dup_headers(t))
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(
            "<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in dups)
            + "</tbody></table>")
    else:
        body.append(f"<p>{e(t['none'])}.</p>")
    body.append(f'<p class="sub">{e(t["footer"].format(version=__version__, mask=settings.mask))}'
                "</p>")
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(t['title'])}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def render_terminal(console: Any, report: Report, settings: Settings) -> None:
    """Print the province table (rich) after the per-file views."""
    from rich.table import Table
    from rich.text import Text

    summary: ProvinceSummary = report.province  # type: ignore[attr-defined]
    if len(report.files) < 2:  # one table: its own view says it all (files are still written)
        return
    t = _t(settings)
    # Narrow enough for 80 columns: one line per district that sent files, short names, no
    # wrapped "top problems" column (they follow the table, one line per district).
    table = Table(title=t["title"], title_justify="left", pad_edge=False)
    # the family columns (KK, Jiwa dlm KK) only when a family list was sent
    shown = [i for i in range(10) if i not in (4, 5) or any(d.families for d in summary.districts)]
    headers = _headers(t)
    for i in shown:
        table.add_column(headers[i], justify="left" if i < 2 else "right", no_wrap=i < 2)
    sent = [d for d in summary.districts if not d.missing]
    for d, row in zip(summary.districts, _district_rows(summary, t), strict=True):
        if not d.missing:
            table.add_row(row[0], _short(d.name), *(str(row[i]) for i in shown[2:]))
    console.print()
    console.print(table)
    for d in sent:
        top = _top(d)
        if top:
            console.print(Text(f"{d.code} {_short(d.name)}: {top}", style="dim"),
                          overflow="fold")
    # issue 14: vs previous submission
    for line in change_lines(report, settings):
        console.print(Text(line, style="dim"), overflow="fold")
    missing = ", ".join(d.name for d in summary.missing)
    if missing:
        console.print(Text(f"{t['missing_list']}: {missing}", style="yellow"))
    if len(summary.duplicates):
        console.print(Text(f"{t['dups']}: {len(summary.duplicates)} ({DUP_CODE})", style="yellow"))
    for path in summary.outputs.values():
        console.print(Text(f"  {path}", style="dim"), overflow="fold")


__all__ = ["change_lines", "chart_svg", "per_district", "render_dashboard", "render_terminal"]
