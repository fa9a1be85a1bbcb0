"""How the history is shown (issue 14).

The "changes" section of the terminal and HTML reports, and the
``pmkscheck history`` command (text, JSON, an offline HTML page with an inline-SVG chart per
kab/kota). Stage ④ report; no personal data is ever shown (rows and counts only).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pmkscheck import reference
from pmkscheck.atomic import atomic_open
from pmkscheck.errors import UsageError
from pmkscheck.history.store import open_store, store_path, submissions
from pmkscheck.report.console import make_console
from pmkscheck.text import section

if TYPE_CHECKING:
    from pmkscheck.settings import Settings


def t(lang: str) -> Mapping[str, Any]:
    """The texts of the history views in ``lang`` (the catalogue's ``history`` section)."""
    return section("history", lang)


def e(text: object) -> str:
    """HTML-escape (``None`` -> empty)."""
    return "" if text is None else html.escape(str(text), quote=True)


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


__all__ = ["history_command", "history_html", "trend_svg"]
