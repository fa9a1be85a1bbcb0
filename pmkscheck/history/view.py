"""How the history is shown (issue 14).

The "changes" section of the terminal and HTML reports, and the
``pmkscheck history`` command (text, JSON, an offline HTML page with an inline-SVG chart per
kab/kota). Stage ④ report; no personal data is ever shown (rows and counts only).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pmkscheck import reference

if TYPE_CHECKING:
    from pmkscheck.report import FileReport
    from pmkscheck.settings import Settings

T = {
    "id": {
        "changes": "Perubahan sejak kiriman sebelumnya", "first": "Kiriman pertama: belum ada "
        "kiriman sebelumnya kab/kota ini untuk dibandingkan.",
        "previous": "Dibanding", "validated": "diperiksa", "data_date": "data per",
        "persons": "Orang", "added": "bertambah", "removed": "berkurang", "changed": "berubah",
        "findings": "Temuan", "fixed": "diperbaiki", "new": "baru", "open": "masih ada",
        "fields": {"jenis": "jenis PMKS", "wilayah": "desa/kecamatan", "nama": "nama",
                   "lahir": "tanggal lahir"},
        "rows_added": "Baris orang yang bertambah", "rows_changed": "Baris orang yang berubah",
        "more": "+{n} lagi", "history": "Riwayat kiriman per kabupaten/kota",
        "empty": "Belum ada kiriman yang tercatat di riwayat {path}.",
        "file": "Berkas", "date": "Data per", "at": "Diperiksa", "rows": "Baris",
        "rate": "Tingkat galat", "complete": "Kelengkapan", "trend": "Tren",
        "better": "membaik", "worse": "memburuk", "same": "tetap", "one": "satu kiriman",
        "store": "Riwayat", "chart": "Tingkat galat (merah) dan kelengkapan (hijau) per kiriman",
        "footer": "Dibuat oleh pmkscheck. Tidak memuat NIK, No. KK atau nama; dapat dibuka "
                  "tanpa internet.",
    },
    "en": {
        "changes": "Changes since the previous submission", "first": "First submission: no "
        "earlier submission of this district to compare with.",
        "previous": "Compared with", "validated": "checked", "data_date": "data as of",
        "persons": "Persons", "added": "added", "removed": "removed", "changed": "changed",
        "findings": "Findings", "fixed": "fixed", "new": "new", "open": "still open",
        "fields": {"jenis": "jenis PMKS", "wilayah": "desa/kecamatan", "nama": "name",
                   "lahir": "birth date"},
        "rows_added": "Rows of added persons", "rows_changed": "Rows of changed persons",
        "more": "+{n} more", "history": "Submissions per district",
        "empty": "No submission recorded yet in the history {path}.",
        "file": "File", "date": "Data as of", "at": "Checked", "rows": "Rows",
        "rate": "Error rate", "complete": "Completeness", "trend": "Trend",
        "better": "better", "worse": "worse", "same": "unchanged", "one": "one submission",
        "store": "History", "chart": "Error rate (red) and completeness (green) per submission",
        "footer": "Made by pmkscheck. Holds no NIK, No. KK or name; opens without internet.",
    },
}
FIRST = 12


def t(lang: str) -> dict[str, Any]:
    """The texts in ``lang`` (Indonesian by default)."""
    return T.get(lang, T["id"])


def _rows(items: list[dict[str, Any]], key: str, lang: str) -> str:
    rows = [str(d[key]) for d in items if d.get(key) is not None]
    text = ", ".join(rows[:FIRST])
    if len(rows) > FIRST:
        text += " " + t(lang)["more"].format(n=len(rows) - FIRST)
    return text


def change_lines(f: FileReport, lang: str) -> list[str]:
    """The short changes section as plain lines (terminal, workbook summary)."""
    tt = t(lang)
    c = f.changes
    if c is None:
        return [tt["first"]]
    prev = c["previous"]
    out = [f"{tt['previous']}: {prev['file']} ({tt['data_date']} {prev['data_date'] or '-'}, "
           f"{tt['validated']} {prev['validated_at']})"]
    p, fi = c["persons"], c["findings"]
    out.append(f"{tt['persons']}: {p['added']} {tt['added']}, {p['removed']} {tt['removed']}, "
               f"{p['changed']} {tt['changed']}")
    fields = ", ".join(f"{tt['fields'][k]} {n}" for k, n in c.get("changed_fields", {}).items()
                       if n)
    if fields:
        out[-1] += f" ({fields})"
    out.append(f"{tt['findings']}: {fi['fixed']} {tt['fixed']}, {fi['new']} {tt['new']}, "
               f"{fi['open']} {tt['open']}")
    details = c.get("details", {})
    if details.get("added"):
        out.append(f"{tt['rows_added']}: {_rows(details['added'], 'row', lang)}")
    if details.get("changed"):
        out.append(f"{tt['rows_changed']}: {_rows(details['changed'], 'row', lang)}")
    return out


def render_terminal_changes(console: Any, f: FileReport, lang: str) -> None:
    """Print the changes section of one table (only when history was consulted)."""
    from rich.text import Text

    if not f.compared or f.error:
        return
    console.print(Text(t(lang)["changes"], style="bold"))
    for line in change_lines(f, lang):
        console.print(Text("  " + line), overflow="fold")


def e(text: object) -> str:
    """HTML-escape (``None`` -> empty)."""
    return "" if text is None else html.escape(str(text), quote=True)


def html_changes(f: FileReport, lang: str) -> str:
    """The HTML report's section on the changes (empty when history was not consulted)."""
    if not f.compared or f.error:
        return ""
    tt = t(lang)
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


# ------------------------------------------------------------------------- pmkscheck history


def _trend(items: list[dict[str, Any]], lang: str) -> str:
    tt = t(lang)
    if len(items) < 2:
        return tt["one"]
    a, b = items[-2], items[-1]
    ra, rb = _rate(a), _rate(b)
    if ra is None or rb is None:
        return "-"
    if rb < ra - 0.001:
        return tt["better"]
    if rb > ra + 0.001:
        return tt["worse"]
    return tt["same"]


def _rate(s: dict[str, Any]) -> float | None:
    return round(s["rows_with_errors"] / s["rows"], 4) if s.get("rows") else None


def grouped(subs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Submissions per kab/kota code (``?`` for unknown), oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for s in subs:
        out.setdefault(s["district"] or "?", []).append(s)
    return out


def _name(code: str) -> str:
    return reference.kabupaten_name(code) or code


def public(s: dict[str, Any]) -> dict[str, Any]:
    """One submission as ``pmkscheck history --format json`` lists it."""
    return {"district": s["district"], "district_name": _name(s["district"] or "?")
            if s["district"] else None, "file": s["file"], "sheet": s["sheet"],
            "schema": s["schema"], "sha256": s["sha256"], "data_date": s["data_date"],
            "validated_at": s["validated_at"], "rows": s["rows"], "errors": s["errors"],
            "warnings": s["warnings"], "rows_with_errors": s["rows_with_errors"],
            "error_rate": _rate(s), "completeness": None if s["completeness"] is None
            else round(s["completeness"], 4)}


def history_command(settings: Settings, fmt: str, output: Path | None, out: TextIO) -> None:
    """``pmkscheck history``: list the store (text or JSON), optionally write the HTML page."""
    from pmkscheck.errors import UsageError
    from pmkscheck.history.store import open_store, store_path, submissions

    path = store_path(settings.history, True)
    if path is None:
        raise UsageError("HISTORY_UNUSABLE", path="PMKSCHECK_HISTORY",
                         reason="off; --history PATH")
    subs: list[dict[str, Any]] = []
    with open_store(path, create=False) as store:
        if store is not None:
            subs = submissions(store, settings.district)
    items = [public(s) for s in subs]
    if output is not None:
        from pmkscheck.atomic import atomic_open

        Path(output).parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(Path(output), "w", encoding="utf-8") as fh:
            fh.write(history_html(items, settings.lang, path))
    if fmt == "json":
        out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    _history_text(items, settings.lang, path, out, output)


def _pct(x: float | None, lang: str) -> str:
    if x is None:
        return "-"
    text = f"{100 * x:.1f}%"
    return text.replace(".", ",") if lang == "id" else text


def _history_text(items: list[dict[str, Any]], lang: str, path: Path, out: TextIO,
                  page: Path | None) -> None:
    from rich.table import Table

    from pmkscheck.report.terminal import make_console

    tt = t(lang)
    console = make_console(out)
    if not items:
        console.print(tt["empty"].format(path=path))
        return
    console.print(f"{tt['store']}: {path}")
    for code, group in grouped(items).items():
        table = Table(title=f"{code} {_name(code)} - {tt['trend']}: {_trend(group, lang)}",
                      title_justify="left", pad_edge=False)
        for h in (tt["date"], tt["file"], tt["rows"], tt["rate"], tt["complete"], tt["at"]):
            table.add_column(h, overflow="fold")
        for s in group:
            table.add_row(s["data_date"] or "-", s["file"], str(s["rows"]),
                          _pct(s["error_rate"], lang), _pct(s["completeness"], lang),
                          (s["validated_at"] or "")[:16].replace("T", " "))
        console.print(table)
    if page is not None:
        console.print(str(page))


def trend_svg(group: list[dict[str, Any]], lang: str, width: int = 320,
              height: int = 90) -> str:
    """A small inline-SVG line chart: error rate (red) and completeness (green), 0-100 %."""
    n = len(group)
    pad = 8

    def xy(i: int, v: float) -> str:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = pad + (height - 2 * pad) * (1 - v)
        return f"{x:.1f},{y:.1f}"

    lines = []
    for key, colour in (("error_rate", "#c0392b"), ("completeness", "#27ae60")):
        pts = [(i, s[key]) for i, s in enumerate(group) if s.get(key) is not None]
        if not pts:
            continue
        coords = " ".join(xy(i, v) for i, v in pts)
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{coords}"/>')
        lines.extend(f'<circle cx="{xy(i, v).split(",")[0]}" cy="{xy(i, v).split(",")[1]}" '
                     f'r="3" fill="{colour}"><title>{e(group[i]["data_date"] or "")} '
                     f'{e(_pct(v, lang))}</title></circle>' for i, v in pts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{e(t(lang)["chart"])}">'
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fafafa" '
            f'stroke="#ddd"/>{"".join(lines)}</svg>')


CSS = ("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
       "margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
       "th{background:#ddebf7}.sub{color:#666}")


def history_html(items: list[dict[str, Any]], lang: str, path: Path) -> str:
    """The offline HTML page of ``pmkscheck history -o``: a table and a chart per kab/kota."""
    tt = t(lang)
    body = [f"<h1>{e(tt['history'])}</h1>", f'<p class="sub">{e(tt["chart"])}</p>']
    if not items:
        body.append(f"<p>{e(tt['empty'].format(path=path))}</p>")
    for code, group in grouped(items).items():
        body.append(f"<h2>{e(code)} {e(_name(code))} &middot; {e(tt['trend'])}: "
                    f"{e(_trend(group, lang))}</h2>")
        body.append(trend_svg(group, lang))
        head = "".join(f"<th>{e(h)}</th>" for h in (tt["date"], tt["file"], tt["rows"],
                                                    tt["rate"], tt["complete"], tt["at"]))
        rows = "".join(
            f"<tr><td>{e(s['data_date'] or '-')}</td><td>{e(s['file'])}</td>"
            f"<td>{e(s['rows'])}</td><td>{e(_pct(s['error_rate'], lang))}</td>"
            f"<td>{e(_pct(s['completeness'], lang))}</td>"
            f"<td>{e((s['validated_at'] or '')[:16].replace('T', ' '))}</td></tr>"
            for s in group)
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head><meta charset="utf-8">'
            f"<title>{e(tt['history'])}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + f"\n<footer class=\"sub\">{e(tt['footer'])}</footer>\n"
            "</body>\n</html>\n")


__all__ = ["change_lines", "history_command", "history_html", "html_changes",
           "render_terminal_changes", "trend_svg"]


SHEET = {"id": "Perubahan", "en": "Changes"}
SHEET_T = {
    "id": {"row": "Baris", "cell": "Sel", "what": "Perubahan", "code": "Kode",
           "prev_row": "Baris di kiriman sebelumnya", "added": "orang bertambah",
           "removed": "orang berkurang (tidak ada lagi di berkas ini)",
           "changed": "orang berubah: {fields}", "new": "temuan baru",
           "fixed": "temuan diperbaiki",
           "note": "Baris = baris di lembar data berkas ini; klik Sel untuk melompat ke "
                   "baris itu."},
    "en": {"row": "Row", "cell": "Cell", "what": "Change", "code": "Code",
           "prev_row": "Row in the previous submission", "added": "person added",
           "removed": "person removed (no longer in this file)",
           "changed": "person changed: {fields}", "new": "new finding", "fixed": "finding fixed",
           "note": "Row = row of this file's data sheet; click Cell to jump to it."},
}


def changes_sheet(f: FileReport, settings: Settings, styles: Any, st: dict[Any, int],
                  data_sheet: str, taken: set[str]) -> tuple[str, str]:
    """The annotated workbook's "Perubahan" sheet: (sheet name, worksheet XML).

    One line per added or changed person and per new finding, located in this file (with a link
    to the row), then the removed persons and fixed findings with their previous row.
    """
    from pmkscheck.write.sheets import SheetBuilder, sheet_ref
    from pmkscheck.write.sheets import unique_sheet_name as _sheet_name

    lang = settings.lang if settings.lang in SHEET else "id"
    tt, ts = t(lang), SHEET_T[lang]
    name = _sheet_name(SHEET[lang], taken)
    b = SheetBuilder(styles, text_style=st["text"], quote_style=st["quote"])
    b.widths = {0: 10, 1: 10, 2: 50, 3: 30, 4: 16}
    b.add([tt["changes"]], st["title"])
    for line in change_lines(f, lang):
        b.add([line], st["plain"])
    if f.changes is None:
        return name, b.render()
    b.add([ts["note"]], st["wrapnote"])
    b.n += 1
    b.add([ts["row"], ts["cell"], ts["what"], ts["code"], ts["prev_row"]], st["head"])
    d = f.changes.get("details", {})
    fields = tt["fields"]
    lines: list[tuple[int | None, str, str, int | None]] = []
    lines += [(x["row"], ts["added"], "", None) for x in d.get("added", [])]
    lines += [(x["row"], ts["changed"].format(fields=", ".join(fields[k] for k in x["fields"])),
               "", x["previous_row"]) for x in d.get("changed", [])]
    lines += [(x["row"], ts["new"], x["code"], None) for x in d.get("new", [])]
    lines.sort(key=lambda v: (v[0] is None, v[0] or 0))
    lines += [(None, ts["removed"], "", x["previous_row"]) for x in d.get("removed", [])]
    lines += [(None, ts["fixed"], x["code"], x["previous_row"]) for x in d.get("fixed", [])]
    for row, what, code, prev in lines:  # one line per change (not per data row)
        cell = f"A{row}" if row else ""
        n = b.add([row, cell, what, code, prev],
                  [st["num"], st["link"] if row else st["text"], st["text"], st["text"],
                   st["num"]])
        if row:
            b.links.append((f"B{n}", sheet_ref(data_sheet, cell), cell))
    return name, b.render(freeze=0)
