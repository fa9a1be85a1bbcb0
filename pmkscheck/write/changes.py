"""Stage ⑤ write: the annotated workbook's "Perubahan" sheet (issue 14).

The changes since the previous submission, one line per change, with a link to its row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmkscheck.report.changes import change_lines
from pmkscheck.text import section
from pmkscheck.write.sheets import SheetBuilder, sheet_ref, unique_sheet_name

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport
    from pmkscheck.settings import Settings


def changes_sheet(f: FileReport, settings: Settings, styles: Any, st: dict[Any, int],
                  data_sheet: str, taken: set[str]) -> tuple[str, str]:
    """The annotated workbook's "Perubahan" sheet: (sheet name, worksheet XML).

    One line per added or changed person and per new finding, located in this file (with a link
    to the row), then the removed persons and fixed findings with their previous row.
    """
    lang = settings.lang
    tt, ts = section("history", lang), section("changes_sheet", lang)
    name = unique_sheet_name(ts["name"], taken)
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
