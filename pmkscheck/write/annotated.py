"""Stage ④ write: the annotated workbook (``<stem>.catatan.xlsx``) data officers open in Excel.

A copy of the input workbook, its formatting kept, where every problem cell is filled by severity
(red error, amber warning, light blue info) and carries one comment listing its findings and how
to fix them, in the user's language. Two sheets come first: "Ringkasan" (summary: file, sheet,
schema, district, date, rows, completeness per field, counts per code) and "Daftar Masalah" (every
finding, one per row, with a link that jumps to the cell).

How it is written (chosen by measurement, see the module notes in the report of issue 4): the
xlsx/xlsm input is never loaded into an object model. Every zip part is copied unchanged except

* the target sheet, whose ``<c>`` style index ``s=`` is rewritten for flagged cells only (cells and
  rows that do not exist yet are inserted in order);
* ``styles.xml``, which gains a few fills/fonts and one cloned ``<xf>`` per (original style,
  severity), so a flagged cell keeps its number format, font, border and alignment;
* ``workbook.xml`` / relationships / content types, for the two new sheets and the comments
  (a ``comments`` part plus the legacy VML drawing Excel and LibreOffice need to show them).

100 000 rows with 5 % flagged cells take about a second, where openpyxl load+save takes half a
minute. CSV, TSV, ODS and XLS input is first turned into a minimal xlsx (values at their original
row and column, so cells line up with every report), then annotated the same way.

No formula is written anywhere: new cells hold inline text or numbers, and text starting with
``= + - @``, tab or CR carries Excel's ``quotePrefix`` flag. Formulas already in the user's own
workbook are kept as they are (it is their file). Every value and message parameter shown is
masked per ``settings.mask``. A macro-enabled input (xlsm) loses its VBA project in the copy, which
is saved as a plain ``.xlsx``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.atomic import atomic_path, refuse_input
from pmkscheck.issues import Severity
from pmkscheck.text import section
from pmkscheck.write.basebook import build_base_workbook
from pmkscheck.write.notes import Plan, comments_xml, plan_annotations, vml_xml
from pmkscheck.write.ooxml import (
    AFTER_LEGACY,
    CT_COMMENTS,
    CT_VML,
    CT_WB,
    CT_WB_MACRO,
    CT_WORKSHEET,
    MAX_COMMENTS,
    NS_MAIN,
    NS_REL,
    REL_COMMENTS,
    REL_STYLES,
    REL_VML,
    REL_WORKSHEET,
    Unpatchable,
    add_default,
    add_override,
    add_relationships,
    ensure_ns,
    insert_child,
    parse_attrs,
    relationships,
    rels_path,
    resolve_part,
    tag_prefix,
    unescape,
    unique_id,
    unique_part,
    x,
)
from pmkscheck.write.sheetpatch import PatchedSheet, patch_sheet, read_part, stream_sheet
from pmkscheck.write.sheets import (
    list_sheet,
    sheet_ref,
    sheet_styles,
    summary_sheet,
    unique_sheet_name,
)
from pmkscheck.write.styles import Styles

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

# --------------------------------------------------------------------------------------------
# entry point


def write_annotated(f: FileReport, report: Report, settings: Settings, target: Path) -> None:
    """Write the annotated copy of ``f``'s workbook to ``target`` (atomically; input untouched).

    Args:
        f: the table's report (``f.table`` is needed for CSV/ODS/XLS input).
        report: the whole run (unused; part of the writer signature).
        settings: language and masking.
        target: the ``.xlsx`` file to write.
    """
    refuse_input(Path(target), Path(f.path))
    plan = plan_annotations(f, settings)
    with atomic_path(Path(target), protect=(f.path,)) as tmp:
        fmt = (f.format or "").lower()
        done = False
        if fmt in ("xlsx", "xlsm") and f.sheet:
            try:
                patch_workbook(Path(f.path), f.sheet, tmp, plan, f, settings)
                done = True
            except Exception:  # noqa: BLE001 - XML we cannot patch: rebuild from the data
                done = False
        if not done:
            base = tmp.with_name(tmp.name + ".base")
            try:
                sheet = build_base_workbook(f, base)
                patch_workbook(base, sheet, tmp, plan, f, settings, rebuilt=True)
            finally:
                base.unlink(missing_ok=True)


def patch_workbook(src: Path, sheet: str, dst: Path, plan: Plan, f: FileReport,
                   settings: Settings, rebuilt: bool = False) -> None:
    """Copy ``src`` to ``dst`` with the flags, comments and the two new sheets added."""
    t = section("workbook", settings.lang)
    with zipfile.ZipFile(src) as zin:
        names = set(zin.namelist())
        changed: dict[str, str | bytes | PatchedSheet] = {}
        dropped: set[str] = set()

        def read(name: str) -> str:
            return zin.read(name).decode("utf-8")

        ct = read("[Content_Types].xml")
        root_rels = read("_rels/.rels")
        wb_part = next((r["Target"] for r in relationships(root_rels)
                        if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
        wb_part = wb_part.lstrip("/")
        wb_rels_part = rels_path(wb_part)
        wb = read(wb_part)
        if NS_MAIN not in wb:
            raise Unpatchable("not a transitional SpreadsheetML workbook")
        wb_rels = read(wb_rels_part)
        rels = relationships(wb_rels)
        rel_by_id = {r.get("Id"): r for r in rels}
        wp = tag_prefix(wb, "workbook")
        wb, rp = ensure_ns(wb, "workbook", "r", NS_REL)
        sheets = []
        for raw in re.findall(rf"<{re.escape(wp)}sheet\b([^>]*?)/?>", wb):
            a = parse_attrs(raw)
            rid = next((v for k, v in a.items() if k.endswith(":id")), None)
            sheets.append((unescape(a.get("name", "")), a.get("sheetId", "0"), rid))
        sheet_part = None
        for name, _sid, rid in sheets:
            if name == sheet and rid in rel_by_id:
                sheet_part = resolve_part(wb_part, rel_by_id[rid]["Target"])
        if sheet_part is None or sheet_part not in names:
            raise Unpatchable(f"sheet {sheet!r} not found")
        taken = {s[0] for s in sheets}
        summary_name = unique_sheet_name(t["summary"], taken)
        taken.add(summary_name)
        problems_name = unique_sheet_name(t["list"], taken)

        # styles
        styles_part = next((resolve_part(wb_part, r["Target"]) for r in rels
                            if r.get("Type") == REL_STYLES), None)
        styles = Styles(read(styles_part) if styles_part and styles_part in names else None)
        if styles_part is None or styles_part not in names:
            styles_part = "xl/styles.xml"
            rid = unique_id({r.get("Id", "") for r in rels}, "rIdPmksStyles")
            wb_rels = add_relationships(wb_rels, [(rid, REL_STYLES, "styles.xml")])
            ct = add_override(ct, "/" + styles_part,
                               "application/vnd.openxmlformats-officedocument.spreadsheetml."
                               "styles+xml")

        # the data sheet: fills
        flags: dict[int, dict[int, Severity]] = defaultdict(dict)
        for (row, col), note in plan.notes.items():
            flags[row][col] = note.severity
        patched = patch_sheet(read_part(zin, sheet_part), flags, styles)

        # comments
        sheet_rels_part = rels_path(sheet_part)
        sheet_rels = read(sheet_rels_part) if sheet_rels_part in names else None
        srels = relationships(sheet_rels) if sheet_rels else []
        notes_sorted = [plan.notes[k] for k in sorted(plan.notes)][:MAX_COMMENTS]
        if notes_sorted:
            existing_c = next((resolve_part(sheet_part, r["Target"]) for r in srels
                               if r.get("Type") == REL_COMMENTS), None)
            existing_v = next((resolve_part(sheet_part, r["Target"]) for r in srels
                               if r.get("Type") == REL_VML), None)
            blocks = [int(b) for v in names if v.endswith(".vml")
                      for d in re.findall(r'data="([\d,\s]+)"', zin.read(v).decode(
                          "utf-8", "replace")) for b in re.findall(r"\d+", d)]
            first_block = max(blocks, default=0) + 1
            if existing_c and existing_c in names and existing_v and existing_v in names:
                cxml, done = comments_xml(notes_sorted, plan, settings.lang, read(existing_c))
                shown = [n for n in notes_sorted if (n.row, n.col) in done]
                vml = zin.read(existing_v).decode("utf-8", "replace")
                changed[existing_c] = cxml
                changed[existing_v] = vml_xml(shown, plan, settings.lang, first_block, vml)
            else:
                cpart = unique_part(names, "xl/comments_pmkscheck{}.xml")
                vpart = unique_part(names, "xl/drawings/vmlDrawing_pmkscheck{}.vml")
                cxml, _ = comments_xml(notes_sorted, plan, settings.lang)
                changed[cpart] = cxml
                changed[vpart] = vml_xml(notes_sorted, plan, settings.lang, first_block)
                ids = {r.get("Id", "") for r in srels}
                cid, vid = unique_id(ids, "rIdPmks"), unique_id(ids, "rIdPmks")
                sheet_rels = add_relationships(sheet_rels, [
                    (cid, REL_COMMENTS, posixpath.relpath(cpart, posixpath.dirname(sheet_part))),
                    (vid, REL_VML, posixpath.relpath(vpart, posixpath.dirname(sheet_part)))])
                changed[sheet_rels_part] = sheet_rels
                ct = add_override(ct, "/" + cpart, CT_COMMENTS)
                if not re.search(r'Extension="vml"', ct, re.I):
                    ct = add_default(ct, "vml", CT_VML)
                sp = patched.p
                patched.head, srp = ensure_ns(patched.head, "worksheet", "r", NS_REL)
                if re.search(rf"<{re.escape(sp)}legacyDrawing\b", patched.tail):
                    raise Unpatchable("legacy drawing without comments")
                patched.tail = insert_child(patched.tail, sp,
                                           f'<{sp}legacyDrawing {srp}:id="{vid}"/>',
                                           AFTER_LEGACY, "worksheet")
        changed[sheet_part] = patched

        # the new sheets
        st = sheet_styles(styles)
        plist, last, notes = list_sheet(f, plan, settings, styles, st, sheet)
        if len(plan.notes) > MAX_COMMENTS:
            notes.append(t["few_comments"].format(n=MAX_COMMENTS))
        if rebuilt:
            notes = [t["copied"].format(fmt=(f.format or "?").upper()), *notes]
        psum = summary_sheet(f, plan, settings, styles, st, sheet, problems_name, notes)
        extra: list[tuple[str, str]] = []  # issue 14: further new sheets, after these two
        if getattr(f, "compared", False):
            from pmkscheck.history.view import changes_sheet

            taken.add(problems_name)
            extra.append(changes_sheet(f, settings, styles, st, sheet, taken))
        changed[styles_part] = styles.render()
        sum_part = unique_part(names, "xl/worksheets/pmkscheck_summary{}.xml")
        list_part = unique_part(names, "xl/worksheets/pmkscheck_problems{}.xml")
        changed[sum_part], changed[list_part] = psum, plist
        ids = {r.get("Id", "") for r in rels}
        sid, lid = unique_id(ids, "rIdPmks"), unique_id(ids, "rIdPmks")
        wb_rels = add_relationships(wb_rels, [
            (sid, REL_WORKSHEET, posixpath.relpath(sum_part, posixpath.dirname(wb_part))),
            (lid, REL_WORKSHEET, posixpath.relpath(list_part, posixpath.dirname(wb_part)))])
        ct = add_override(ct, "/" + sum_part, CT_WORKSHEET)
        ct = add_override(ct, "/" + list_part, CT_WORKSHEET)
        max_id = max((int(s[1]) for s in sheets if s[1].isdigit()), default=0)
        wpe = re.escape(wp)
        new_sheets = (f'<{wp}sheet name="{x(summary_name)}" sheetId="{max_id + 1}" '
                      f'{rp}:id="{sid}"/><{wp}sheet name="{x(problems_name)}" '
                      f'sheetId="{max_id + 2}" {rp}:id="{lid}"/>')
        for n, (extra_name, extra_xml) in enumerate(extra, start=3):
            part = unique_part(names | set(changed), "xl/worksheets/pmkscheck_extra{}.xml")
            changed[part] = extra_xml
            eid = unique_id({r.get("Id", "") for r in rels} | {sid, lid}, "rIdPmksX")
            wb_rels = add_relationships(wb_rels, [
                (eid, REL_WORKSHEET, posixpath.relpath(part, posixpath.dirname(wb_part)))])
            ct = add_override(ct, "/" + part, CT_WORKSHEET)
            new_sheets += (f'<{wp}sheet name="{x(extra_name)}" sheetId="{max_id + n}" '
                           f'{rp}:id="{eid}"/>')
        m = re.search(rf"<{wpe}sheets\b[^>]*>", wb)
        if m is None:
            raise Unpatchable("no <sheets>")
        wb = wb[: m.end()] + new_sheets + wb[m.end():]
        wb = re.sub(r'(\blocalSheetId=")(\d+)(")',
                    lambda mm: f"{mm.group(1)}{int(mm.group(2)) + 2 + len(extra)}{mm.group(3)}",
                    wb)
        wb = re.sub(rf"<{wpe}workbookView\b[^>]*?/?>", lambda mm: re.sub(
            r'\s(?:activeTab|firstSheet)="\d+"', "", mm.group(0)).replace(
            "workbookView", 'workbookView activeTab="0"', 1), wb)
        fdb = (f'<{wp}definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">'
               f"{x(sheet_ref(problems_name, f'$A$1:$I${last}'))}</{wp}definedName>")
        if re.search(rf"<{wpe}definedNames\b[^>]*/>", wb):
            wb = re.sub(rf"<{wpe}definedNames\b[^>]*/>", f"<{wp}definedNames>{fdb}"
                        f"</{wp}definedNames>", wb, count=1)
        elif re.search(rf"<{wpe}definedNames\b", wb):
            wb = re.sub(rf"(<{wpe}definedNames\b[^>]*>)", lambda mm: mm.group(1) + fdb, wb,
                        count=1)
        else:
            end = re.search(rf"</{wpe}sheets\s*>", wb)
            if end is None:
                raise Unpatchable("unterminated <sheets>")
            wb = wb[: end.end()] + f"<{wp}definedNames>{fdb}</{wp}definedNames>" + wb[end.end():]

        # macros do not travel into the .xlsx copy
        if CT_WB_MACRO in ct:
            ct = ct.replace(CT_WB_MACRO, CT_WB)
            for r in rels:
                if r.get("Type", "").endswith("/vbaProject"):
                    wb_rels = re.sub(rf'<(?:\w+:)?Relationship\b[^>]*Id="{re.escape(r["Id"])}"'
                                     r"[^>]*/>", "", wb_rels)
            dropped |= {n for n in names if n.startswith("xl/vbaProject")}
            ct = re.sub(r'<Override\b[^>]*PartName="/xl/vbaProject[^"]*"[^>]*/>', "", ct)
        # other sheets must not stay "selected" together with the summary tab
        for _name, _sid, rid in sheets:
            part = resolve_part(wb_part, rel_by_id[rid]["Target"]) if rid in rel_by_id else None
            if part and part != sheet_part and part in names and part.endswith(".xml"):
                data = zin.read(part)
                head = data[:8192]
                if b"tabSelected" in head:
                    changed[part] = re.sub(rb'\stabSelected="(?:1|true)"', b"", head) + data[8192:]
        changed[wb_part] = wb
        changed[wb_rels_part] = wb_rels
        changed["[Content_Types].xml"] = ct

        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            written = set()
            for info in zin.infolist():
                if info.filename in dropped or info.filename in written:
                    continue
                written.add(info.filename)
                data = changed.pop(info.filename, None)
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                if isinstance(data, PatchedSheet):
                    stream_sheet(zout, zi, data)
                    continue
                if data is None:
                    data = zin.read(info.filename)
                elif isinstance(data, str):
                    data = data.encode("utf-8")
                zout.writestr(zi, data, compresslevel=1)
            # new parts: content types first is not required, but keep a stable order
            for name in sorted(changed):
                data = changed[name]
                if isinstance(data, PatchedSheet):
                    stream_sheet(zout, zipfile.ZipInfo(name), data)
                else:
                    zout.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
