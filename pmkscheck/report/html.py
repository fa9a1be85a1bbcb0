"""Stage ④ report: the offline HTML report (``<stem>.laporan.html``).

One self-contained file an officer can open on an office PC without internet, attach to an e-mail
or print on A4: inline CSS (``templates/report.css``), inline SVG charts, no script, no web font,
no image file, no link outside the document. Headline numbers; completeness per field as a bar
chart; findings grouped by code with their count, the plain-language explanation (what / why),
the fix and the first locations; one table row per kecamatan; file, sheet, district and schema.
Indonesian or English per ``settings.lang``. Every text is escaped and every value masked.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck import __version__
from pmkscheck.issues import Issue, Severity
from pmkscheck.report.changes import change_lines
from pmkscheck.report.model import FileReport, error_text, issue_dicts
from pmkscheck.report.spans import data_rows_of, group_findings
from pmkscheck.rules import rule
from pmkscheck.text import data_date_text, district_text, lang_of, num, pct, section

if TYPE_CHECKING:
    from pmkscheck.report.model import Report
    from pmkscheck.settings import Settings

FIRST = 10  # locations shown per code


def e(text: object) -> str:
    """HTML-escape anything (``None`` -> empty)."""
    return "" if text is None else html.escape(str(text), quote=True)


def _css() -> str:
    return resources.files("pmkscheck.report").joinpath("templates/report.css").read_text(
        encoding="utf-8")


def render_html(report: Report | FileReport, settings: Settings) -> str:
    """The whole HTML document for a run (every file) or for one table."""
    files = [report] if isinstance(report, FileReport) else list(report.files)
    lang = lang_of(settings.lang)
    t = section("html", lang)
    names = ", ".join(dict.fromkeys(Path(f.path).name for f in files))
    body = "\n".join(_file_section(f, settings, lang) for f in files)
    footer = t["footer"].format(version=__version__, mask=settings.mask)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(t['title'])} - {e(names)}</title>\n"
        f"<style>\n{_css()}</style>\n</head>\n<body>\n"
        f"{body}\n<footer>{e(footer)}</footer>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------


def _file_section(f: FileReport, settings: Settings, lang: str) -> str:
    t = section("html", lang)
    name = Path(f.path).name
    title = e(name) + (f" &middot; {e(f.sheet)}" if f.sheet else "")
    out = [f'<section class="file">\n<h1>{e(t["title"])}</h1>\n<p class="sub">{title}</p>']
    if f.error:
        msg, fix = error_text(f, lang, settings.mask)
        out.append(f'<div class="errorbox"><h3>{e(t["unreadable"])} '
                   f"(<code>{e(f.error)}</code>)</h3><p>{e(msg)}</p><p>{e(fix)}</p></div>")
        out.append("</section>")
        return "\n".join(out)
    out.append(_meta(f, settings, lang))
    out.append(_cards(f, lang))
    out.append(f'<h2>{e(t["overview"])}</h2>')
    out.append(_overview(f, lang))
    if f.completeness:
        out.append(f'<h2>{e(t["completeness"])}</h2>')
        out.append(f'<p class="sub">{e(t["completeness_note"])}</p>')
        out.append(completeness_svg(f, lang))
    if f.kecamatan:
        out.append(f'<h2>{e(t["kecamatan"])}</h2>')
        out.append(_kecamatan(f, lang))
    if f.compared:  # issue 14: changes since the previous submission
        out.append(html_changes(f, lang))
    out.append(f'<h2>{e(t["findings"])}</h2>')
    out.append(_findings(f, settings, lang))
    if f.skipped_rows:
        out.append(_skipped(f, lang))
    out.append("</section>")
    return "\n".join(out)


def html_changes(f: FileReport, lang: str) -> str:
    """The HTML report's section on the changes (empty when history was not consulted)."""
    if not f.compared or f.error:
        return ""
    tt = section("history", lang)
    lines = change_lines(f, lang)
    out = [f'<h2>{e(tt["changes"])}</h2>']
    if f.changes is None:
        out.append(f"<p>{e(lines[0])}</p>")
        return "\n".join(out)
    out.append(f'<p class="sub">{e(lines[0])}</p>')
    c = f.changes
    cards = [(tt["persons"] + " " + tt["added"], c["persons"]["added"]),
             (tt["persons"] + " " + tt["removed"], c["persons"]["removed"]),
             (tt["persons"] + " " + tt["changed"], c["persons"]["changed"]),
             (tt["findings"] + " " + tt["fixed"], c["findings"]["fixed"]),
             (tt["findings"] + " " + tt["new"], c["findings"]["new"]),
             (tt["findings"] + " " + tt["open"], c["findings"]["open"])]
    out.append('<div class="cards">' + "".join(
        f'<div class="card"><div class="n">{e(v)}</div><div class="l">{e(k)}</div></div>'
        for k, v in cards) + "</div>")
    out.extend(f"<p>{e(line)}</p>" for line in lines[3:])
    return "\n".join(out)


def _meta(f: FileReport, settings: Settings, lang: str) -> str:
    t = section("html", lang)
    district = district_text(f.district, lang, t["unknown"])
    rows = [(t["file"], str(Path(f.path).name)), (t["sheet"], f.sheet or "-"),
            (t["format"], f.format or "-"), (t["schema"], f.schema or "-"),
            (t["district"], district),
            (t["header_row"], "-" if f.header_row is None else str(f.header_row)),
            (t["data_date"], data_date_text(f.data_date, lang)),
            (t["date"], settings.check_date.isoformat())]
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f'<table class="meta">{body}</table>'


def _cards(f: FileReport, lang: str) -> str:
    t = section("html", lang)
    errors, warnings, infos = (f.count(s) for s in (Severity.ERROR, Severity.WARNING,
                                                    Severity.INFO))
    share = f.error_share
    d = f.district
    cards = [
        ("", num(f.data_rows, lang), t["rows"]),
        ("err" if errors else "ok", num(errors, lang), t["errors"]),
        ("warn" if warnings else "ok", num(warnings, lang), t["warnings"]),
        ("info" if infos else "", num(infos, lang), t["infos"]),
        ("err" if f.rows_with_errors else "ok", num(f.rows_with_errors, lang),
         f"{t['rows_err']} ({pct(share, lang)} {t['of_rows']})"),
    ]
    html_cards = [f'<div class="card {c}" data-k="{i}"><div class="n">{e(n)}</div>'
                  f'<div class="l">{e(label)}</div></div>'
                  for i, (c, n, label) in enumerate(cards)]
    html_cards.append(f'<div class="card" data-k="district"><div class="n small">'
                      f'{e(d.name if d else t["unknown"])}</div><div class="l">{e(t["district"])}'
                      f'{" " + e(d.code) if d else ""}</div></div>')
    return '<div class="cards">' + "".join(html_cards) + "</div>"


def _overview(f: FileReport, lang: str) -> str:
    t = section("html", lang)
    if not f.issues:
        return f'<p class="okmsg">{e(t["none"])}</p>'
    rows = []
    for code, items in f.by_code().items():
        sev = items[0].severity
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        label = section("severity", lang)[sev.label]
        rows.append(f'<tr><td><span class="badge {sev.label}">{e(label)}</span></td>'
                    f'<td><a href="#{e(code)}"><code>{e(code)}</code></a></td><td>{e(title)}</td>'
                    f"<td class='num'>{e(num(len(items), lang))}</td></tr>")
    return (f"<table><thead><tr><th>{e(t['severity'])}</th><th>{e(t['code'])}</th>"
            f"<th>{e(t['meaning'])}</th><th class='num'>{e(t['count'])}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _location(issue: Issue, is_csv: bool, lang: str) -> str:
    t = section("html", lang)
    if issue.row and issue.letter and not is_csv:
        return f"{issue.letter}{issue.row}"
    if issue.row:
        return str(issue.row) if is_csv else f"{t['row']} {issue.row}"
    if issue.letter and not is_csv:
        return f"{t['column']} {issue.letter}"
    return t["file_level"]


def _findings(f: FileReport, settings: Settings, lang: str) -> str:
    t = section("html", lang)
    if not f.issues:
        return f'<p class="okmsg">{e(t["none"])}</p>'
    is_csv = f.is_csv
    data_rows = data_rows_of(f.table)
    out = []
    for code, positions in f.issues.positions_by_code().items():
        items = f.issues.take(positions)
        sev = items.worst
        try:
            r = rule(code)
            title, what, why = r.t("title", lang), r.t("what", lang), r.t("why", lang)
        except KeyError:
            title = what = why = ""
        rows = []
        fixes: list[str] = []
        for i, d in zip(items[:FIRST], issue_dicts(f, settings, positions[:FIRST]), strict=True):
            msg, fix, value = d["message"], d["fix"], d["value"]
            fixes.append(fix)
            rows.append((_location(i, is_csv, lang), i.column or "", value or "", msg, fix))
        same_fix = len(set(fixes)) == 1
        label = section("severity", lang)[sev.label]
        head = (f'<div class="head"><span class="badge {sev.label}">{e(label)}</span>'
                f"<h3>{e(title)}</h3><code>{e(code)}</code>"
                f'<span class="count">{e(num(len(items), lang))}&times;</span></div>')
        dl = f"<dl><dt>{e(t['what'])}</dt><dd>{e(what)}</dd><dt>{e(t['why'])}</dt><dd>{e(why)}</dd>"
        if same_fix and fixes[0]:
            dl += f"<dt>{e(t['fix'])}</dt><dd>{e(fixes[0])}</dd>"
        dl += "</dl>"
        cols = [t["cell"] if not is_csv else t["row"], t["column"], t["value"], t["message"]]
        if not same_fix:
            cols.append(t["fix"])
        thead = "".join(f"<th>{e(c)}</th>" for c in cols)
        trs = []
        for loc, column, value, msg, fix in rows:
            cells = [loc, column, value, msg] + ([] if same_fix else [fix])
            trs.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        more = ""
        if len(items) > FIRST:
            more = f'<p class="more">{e(t["more"].format(n=num(len(items) - FIRST, lang)))}</p>'
        spread = ""
        if len(items) > 1 and bool((items.row > 0).all()):  # issue 16: runs, columns
            spans = group_findings(items, data_rows)
            spread = "; ".join(s.headline(lang, cells=not is_csv) for s in spans[:FIRST])
            spread = f' <span class="spread">{e(spread)}</span>'
        out.append(f'<div class="finding {sev.label}" id="{e(code)}">{head}{dl}'
                   f'<p><strong>{e(t["where"])}</strong>{spread}</p>'
                   f'<table><thead><tr>{thead}</tr>'
                   f"</thead><tbody>{''.join(trs)}</tbody></table>{more}</div>")
    return "\n".join(out)


def completeness_svg(f: FileReport, lang: str) -> str:
    """A horizontal bar chart (inline SVG) of the share of filled rows per field."""
    t = section("html", lang)
    headers = {c.field: c.header for c in f.columns if c.field}
    items = list(f.completeness.items())
    bar_h, gap, label_w, bar_w, right = 20, 8, 230, 440, 70
    width = label_w + bar_w + right
    height = len(items) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{e(t["chart_label"])}"><title>{e(t["chart_label"])}</title>']
    for n, (name, share) in enumerate(items):
        y = gap + n * (bar_h + gap)
        share = max(0.0, min(1.0, float(share)))
        colour = "#2e7d32" if share >= 0.98 else "#d4a72c" if share >= 0.9 else "#c0392b"
        label = name if headers.get(name) in (None, name) else f"{name} ({headers[name]})"
        if len(label) > 34:
            label = label[:33] + "…"
        parts.append(
            f'<g><text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" '
            f'font-size="13" fill="#1f2328">{e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="{bar_h}" fill="#eef1f4"/>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{bar_w * share:.1f}" '
            f'height="{bar_h}" fill="{colour}"><title>{e(name)}: {e(pct(share, lang))}</title>'
            f'</rect><text x="{label_w + bar_w + 6}" y="{y + bar_h - 5}" font-size="13" '
            f'fill="#1f2328">{e(pct(share, lang))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _kecamatan(f: FileReport, lang: str) -> str:
    t = section("html", lang)
    head = (f"<thead><tr><th>{e(t['kec'])}</th><th>{e(t['code'])}</th>"
            f"<th class='num'>{e(t['rows'])}</th><th class='num'>{e(t['rows_err'])}</th>"
            f"<th>{e(t['rate'])}</th><th class='num'>{e(t['complete'])}</th></tr></thead>")
    rows = []
    for k in f.kecamatan:
        n = int(k.get("rows") or 0)
        bad = int(k.get("rows_with_errors") or 0)
        rate = bad / n if n else 0.0
        bar = f'<span class="ratebar" style="width:{round(rate * 80)}px"></span> ' if rate else ""
        rows.append(
            f"<tr><td>{e(k.get('kecamatan'))}</td><td>{e(k.get('code') or '-')}</td>"
            f"<td class='num'>{e(num(n, lang))}</td><td class='num'>{e(num(bad, lang))}</td>"
            f"<td>{bar}{e(pct(rate, lang))}</td>"
            f"<td class='num'>{e(pct(float(k.get('completeness') or 0.0), lang))}</td></tr>")
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


def _skipped(f: FileReport, lang: str) -> str:
    t = section("html", lang)
    rows = "".join(f"<tr><td class='num'>{s.row}</td><td>{e(s.reason)}</td></tr>"
                   for s in f.skipped_rows[:50])
    more = ""
    if len(f.skipped_rows) > 50:
        more = f'<p class="more">{e(t["more"].format(n=num(len(f.skipped_rows) - 50, lang)))}</p>'
    note = f'<p class="sub">{e(t["reasons"])}</p>' if t["reasons"] else ""
    return (f"<h2>{e(t['skipped'])}</h2>{note}<table class='meta'><thead><tr><th class='num'>"
            f"{e(t['row'])}</th><th>{e(t['reason'])}</th></tr></thead><tbody>{rows}</tbody>"
            f"</table>{more}")
