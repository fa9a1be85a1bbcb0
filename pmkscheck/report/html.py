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
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck import __version__
from pmkscheck.atomic import atomic_open
from pmkscheck.issues import Issue, Severity
from pmkscheck.mask import mask_value, scrub
from pmkscheck.report import error_text
from pmkscheck.rules import fix as rule_fix
from pmkscheck.rules import message as rule_message
from pmkscheck.rules import rule

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

FIRST = 10  # locations shown per code

T: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan pemeriksaan data PMKS", "file": "Berkas", "sheet": "Lembar",
        "schema": "Skema", "district": "Kabupaten/kota", "header_row": "Baris judul",
        "date": "Tanggal pemeriksaan", "data_date": "Tanggal data (umur dihitung pada)",
        "format": "Format", "unknown": "tidak diketahui",
        "rows": "Baris data", "errors": "Galat", "warnings": "Peringatan", "infos": "Info",
        "rows_err": "Baris dengan galat", "of_rows": "dari baris data",
        "completeness": "Kelengkapan per kolom", "completeness_note":
            "Bagian baris yang kolomnya terisi. Hijau: 98% ke atas; kuning: 90-98%; merah: "
            "di bawah 90%.",
        "findings": "Temuan per kode", "none": "Tidak ada temuan. Data siap dikirim.",
        "what": "Apa yang diperiksa", "why": "Mengapa penting", "fix": "Cara memperbaiki",
        "where": "Lokasi pertama", "cell": "Sel", "row": "Baris", "column": "Kolom",
        "value": "Nilai", "message": "Pesan", "file_level": "seluruh berkas",
        "more": "... dan {n} lainnya (lihat berkas .catatan.xlsx atau .laporan.json).",
        "kecamatan": "Per kecamatan", "kec": "Kecamatan", "code": "Kode",
        "rate": "Tingkat galat", "complete": "Kelengkapan",
        "skipped": "Baris yang dilewati (bukan data)", "reason": "Alasan",
        "unreadable": "Berkas tidak dapat dibaca",
        "footer": "Dibuat oleh pmkscheck {version}. NIK dan No. KK disamarkan ({mask}). "
                  "Laporan ini tidak memuat tautan ke luar dan dapat dibuka tanpa internet.",
        "chart_label": "Diagram batang kelengkapan per kolom",
        "reasons": "blank=kosong, section=judul bagian, total=baris jumlah, "
                   "signature=tanda tangan, repeated_header=judul berulang, note=catatan",
        "count": "Jumlah", "severity": "Tingkat", "overview": "Ringkasan temuan",
        "meaning": "Arti",
    },
    "en": {
        "title": "PMKS data check report", "file": "File", "sheet": "Sheet", "schema": "Schema",
        "district": "District", "header_row": "Header row", "date": "Checked on",
        "data_date": "Data date (ages measured at)", "format": "Format", "unknown": "unknown",
        "rows": "Data rows", "errors": "Errors",
        "warnings": "Warnings", "infos": "Infos", "rows_err": "Rows with errors",
        "of_rows": "of data rows", "completeness": "Completeness per column",
        "completeness_note": "Share of rows with a value. Green: 98% or more; amber: 90-98%; "
                             "red: below 90%.",
        "findings": "Findings by code", "none": "No findings. The data is ready to send.",
        "what": "What it checks", "why": "Why it matters", "fix": "How to fix",
        "where": "First locations", "cell": "Cell", "row": "Row", "column": "Column",
        "value": "Value", "message": "Message", "file_level": "whole file",
        "more": "... and {n} more (see the .catatan.xlsx or .laporan.json file).",
        "kecamatan": "Per kecamatan", "kec": "Kecamatan", "code": "Code",
        "rate": "Error rate", "complete": "Completeness",
        "skipped": "Rows skipped (not data)", "reason": "Reason",
        "unreadable": "The file could not be read",
        "footer": "Made by pmkscheck {version}. NIK and No. KK are masked ({mask}). This report "
                  "has no outside links and opens without internet.",
        "chart_label": "Bar chart of completeness per column",
        "reasons": "", "count": "Count", "severity": "Severity", "overview": "Summary of findings",
        "meaning": "Meaning",
    },
}
SOURCE = {
    "id": {"option": "dari opsi --district", "file_name": "dari nama berkas",
           "title": "dari judul tabel", "wilayah": "dari kolom wilayah",
           "nik": "dari kode wilayah NIK"},
    "en": {"option": "from --district", "file_name": "from the file name",
           "title": "from the table title", "wilayah": "from the wilayah columns",
           "nik": "from the NIK region codes"},
}


DATE_SOURCE = {
    "id": {"option": "dari opsi --as-of", "config": "dari berkas konfigurasi",
           "title": "dari judul tabel", "sheet": "dari nama lembar",
           "table": "dari kolom tahun tabel",
           "file_name": "dari nama berkas",
           "today": "hari pemeriksaan: judul, lembar dan nama berkas tidak menyebut tanggal"},
    "en": {"option": "from --as-of", "config": "from the config file",
           "title": "from the table title", "sheet": "from the sheet name",
           "table": "from the table's year column",
           "file_name": "from the file name",
           "today": "the day of the check: no date in the title, sheet or file name"},
}


def data_date_text(data_date: object, lang: str) -> str:
    """``2024-12-31 (dari judul tabel)``, or ``-`` when the table has none (unreadable file)."""
    if data_date is None:
        return "-"
    source = getattr(data_date, "source", "")
    how = DATE_SOURCE.get(lang, DATE_SOURCE["id"]).get(source, source)
    return f"{data_date.date.isoformat()} ({how})"  # type: ignore[attr-defined]


def district_text(district: object, lang: str, unknown: str) -> str:
    """``6408 Kabupaten Kutai Timur (dari kode wilayah NIK)`` or ``unknown``."""
    if district is None:
        return unknown
    code, name, source = (getattr(district, k) for k in ("code", "name", "source"))
    how = SOURCE.get(lang, SOURCE["id"]).get(source, source)
    return f"{code} {name} ({how})"


SEV = {
    "id": {Severity.ERROR: "galat", Severity.WARNING: "peringatan", Severity.INFO: "info"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}


def e(text: object) -> str:
    """HTML-escape anything (``None`` -> empty)."""
    return "" if text is None else html.escape(str(text), quote=True)


def num(n: int | float, lang: str) -> str:
    """Thousands separators as the reader writes them (id: 1.250, en: 1,250)."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "id" else text


def pct(share: float, lang: str, digits: int = 1) -> str:
    """``0.992`` -> ``99,2%`` (id) / ``99.2%`` (en)."""
    text = f"{share * 100:.{digits}f}%"
    return text.replace(".", ",") if lang == "id" else text


def _css() -> str:
    return resources.files("pmkscheck.report").joinpath("templates/report.css").read_text(
        encoding="utf-8")


def render_html(report: Report | FileReport, settings: Settings) -> str:
    """The whole HTML document for a run (every file) or for one table."""
    from pmkscheck.report import FileReport

    files = [report] if isinstance(report, FileReport) else list(report.files)
    lang = settings.lang if settings.lang in T else "id"
    t = T[lang]
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


def write_html(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """Write the HTML report of one table (atomically; never over the input)."""
    from pmkscheck.report.excel import refuse_input

    refuse_input(Path(target), Path(f.path))
    text = render_html(f, settings)
    with atomic_open(Path(target), "w", protect=(f.path,), encoding="utf-8") as fh:
        fh.write(text)


# --------------------------------------------------------------------------------------------


def _file_section(f: FileReport, settings: Settings, lang: str) -> str:
    t = T[lang]
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
        from pmkscheck.history.view import html_changes

        out.append(html_changes(f, lang))
    out.append(f'<h2>{e(t["findings"])}</h2>')
    out.append(_findings(f, settings, lang))
    if f.skipped_rows:
        out.append(_skipped(f, lang))
    out.append("</section>")
    return "\n".join(out)


def _meta(f: FileReport, settings: Settings, lang: str) -> str:
    t = T[lang]
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
    t = T[lang]
    errors, warnings, infos = (f.count(s) for s in (Severity.ERROR, Severity.WARNING,
                                                    Severity.INFO))
    share = f.rows_with_errors / f.data_rows if f.data_rows else 0.0
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


def _groups(f: FileReport) -> tuple[dict[str, list[Issue]], list[str]]:
    groups: dict[str, list[Issue]] = defaultdict(list)
    for i in f.issues:
        groups[i.code].append(i)
    order = sorted(groups, key=lambda c: (-int(groups[c][0].severity), -len(groups[c]), c))
    return groups, order


def _overview(f: FileReport, lang: str) -> str:
    t = T[lang]
    if not f.issues:
        return f'<p class="okmsg">{e(t["none"])}</p>'
    groups, order = _groups(f)
    rows = []
    for code in order:
        sev = groups[code][0].severity
        try:
            title = rule(code).t("title", lang)
        except KeyError:
            title = ""
        rows.append(f'<tr><td><span class="badge {sev.label}">{e(SEV[lang][sev])}</span></td>'
                    f'<td><a href="#{e(code)}"><code>{e(code)}</code></a></td><td>{e(title)}</td>'
                    f"<td class='num'>{e(num(len(groups[code]), lang))}</td></tr>")
    return (f"<table><thead><tr><th>{e(t['severity'])}</th><th>{e(t['code'])}</th>"
            f"<th>{e(t['meaning'])}</th><th class='num'>{e(t['count'])}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _location(issue: Issue, is_csv: bool, lang: str) -> str:
    t = T[lang]
    if issue.row and issue.letter and not is_csv:
        return f"{issue.letter}{issue.row}"
    if issue.row:
        return str(issue.row) if is_csv else f"{t['row']} {issue.row}"
    if issue.letter and not is_csv:
        return f"{t['column']} {issue.letter}"
    return t["file_level"]


def _findings(f: FileReport, settings: Settings, lang: str) -> str:
    t = T[lang]
    if not f.issues:
        return f'<p class="okmsg">{e(t["none"])}</p>'
    is_csv = f.format in ("csv", "tsv")
    groups, order = _groups(f)
    out = []
    for code in order:
        items = groups[code]
        sev = items[0].severity
        try:
            r = rule(code)
            title, what, why = r.t("title", lang), r.t("what", lang), r.t("why", lang)
        except KeyError:
            title = what = why = ""
        rows = []
        fixes: list[str] = []
        for i in items[:FIRST]:
            params = {k: scrub(v, settings.mask) if isinstance(v, str) else v
                      for k, v in i.params.items()}
            try:
                msg, fix = rule_message(i, lang, params), rule_fix(i, lang, params)
            except KeyError:
                msg, fix = code, ""
            fixes.append(fix)
            value = mask_value(i.field, i.value, settings.mask, settings.lang)
            rows.append((_location(i, is_csv, lang), i.column or "", value or "", msg, fix))
        same_fix = len(set(fixes)) == 1
        head = (f'<div class="head"><span class="badge {sev.label}">{e(SEV[lang][sev])}</span>'
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
        out.append(f'<div class="finding {sev.label}" id="{e(code)}">{head}{dl}'
                   f'<p><strong>{e(t["where"])}</strong></p><table><thead><tr>{thead}</tr>'
                   f"</thead><tbody>{''.join(trs)}</tbody></table>{more}</div>")
    return "\n".join(out)


def completeness_svg(f: FileReport, lang: str) -> str:
    """A horizontal bar chart (inline SVG) of the share of filled rows per field."""
    t = T[lang]
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
    t = T[lang]
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
    t = T[lang]
    rows = "".join(f"<tr><td class='num'>{s.row}</td><td>{e(s.reason)}</td></tr>"
                   for s in f.skipped_rows[:50])
    more = ""
    if len(f.skipped_rows) > 50:
        more = f'<p class="more">{e(t["more"].format(n=num(len(f.skipped_rows) - 50, lang)))}</p>'
    note = f'<p class="sub">{e(t["reasons"])}</p>' if t["reasons"] else ""
    return (f"<h2>{e(t['skipped'])}</h2>{note}<table class='meta'><thead><tr><th class='num'>"
            f"{e(t['row'])}</th><th>{e(t['reason'])}</th></tr></thead><tbody>{rows}</tbody>"
            f"</table>{more}")
