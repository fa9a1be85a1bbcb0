"""Stage ④ report: the changes since the previous submission (issue 14) in the report views.

The lines every view shows (terminal, HTML report, the workbook's "Perubahan" sheet). Read
from ``FileReport.changes``, filled by :mod:`pmkscheck.history.run`; no personal data is ever
shown (rows and counts only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmkscheck.text import section

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport

FIRST = 12


def _rows(items: list[dict[str, Any]], key: str, lang: str) -> str:
    rows = [str(d[key]) for d in items if d.get(key) is not None]
    text = ", ".join(rows[:FIRST])
    if len(rows) > FIRST:
        text += " " + section("history", lang)["more"].format(n=len(rows) - FIRST)
    return text


def change_lines(f: FileReport, lang: str) -> list[str]:
    """The short changes section as plain lines (terminal, workbook summary)."""
    tt = section("history", lang)
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
