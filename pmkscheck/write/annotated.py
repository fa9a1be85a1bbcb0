"""Stage ④ write: the annotated workbook (``<stem>.catatan.xlsx``) data officers open in Excel.

A copy of the input workbook, its formatting kept, where every problem cell is filled by severity
(red error, amber warning, light blue info) and carries one comment listing its findings and how
to fix them, in the user's language. Two sheets come first: "Ringkasan" (summary: file, sheet,
schema, district, date, rows, completeness per field, counts per code) and "Daftar Masalah" (every
finding, one per row, with a link that jumps to the cell).

How it is written (chosen by measurement, see the module notes in the report of issue 4): the
xlsx/xlsm input is never loaded into an object model. Every zip part is copied unchanged except

* the target sheet, whose ``<c>`` style index ``s=`` is rewritten for flagged cells only (cells and
  rows that do not exist yet are inserted in order); it is read in blocks, once to find the edits
  and once while it is written, never held whole (:mod:`pmkscheck.write.sheetpatch`);
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.atomic import refuse_input
from pmkscheck.memory import release_memory
from pmkscheck.text import section
from pmkscheck.write.basebook import build_base_workbook
from pmkscheck.write.changes import changes_sheet
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
from pmkscheck.write.sheetpatch import PatchedSheet, patch_sheet, stream_sheet
from pmkscheck.write.sheets import (
    StreamedSheet,
    list_sheet,
    sheet_ref,
    sheet_styles,
    summary_sheet,
    unique_sheet_name,
)
from pmkscheck.write.styles import Styles
from pmkscheck.write.xlsx import open_package, save_path

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport, Report
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
    release_memory()  # the plan's temporaries (a million findings) before the sheet is patched
    with save_path(Path(target), protect=(f.path,)) as tmp:
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


@dataclass
class _Package:
    """The input package while it is patched: the parts read once, the parts changed so far."""

    zin: zipfile.ZipFile
    names: set[str]  # part names; new part names are added as they are taken
    ct: str  # [Content_Types].xml
    wb_part: str  # xl/workbook.xml (wherever the root relationships put it)
    wb: str
    wb_rels: str
    rels: list[dict[str, str]]  # the workbook's relationships as read
    wp: str  # namespace prefix of the workbook's elements
    rp: str  # prefix of the relationships namespace in the workbook (declared if missing)
    sheets: list[tuple[str, str, str | None]]  # (name, sheetId, r:id) in workbook order
    changed: dict[str, str | bytes | PatchedSheet | StreamedSheet] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)

    def read(self, name: str) -> str:
        """A part as text."""
        return self.zin.read(name).decode("utf-8")

    def target(self, base_part: str, rels: list[dict[str, str]], rel_type: str) -> str | None:
        """The part ``base_part`` relates to with ``rel_type`` (first one), if any."""
        return next((resolve_part(base_part, r["Target"]) for r in rels
                     if r.get("Type") == rel_type), None)

    def sheet_part(self, rid: str | None) -> str | None:
        """The worksheet part of a ``<sheet r:id>``."""
        rel = {r.get("Id"): r for r in self.rels}.get(rid)
        return resolve_part(self.wb_part, rel["Target"]) if rel else None


def patch_workbook(src: Path, sheet: str, dst: Path, plan: Plan, f: FileReport,
                   settings: Settings, rebuilt: bool = False) -> None:
    """Copy ``src`` to ``dst`` with the flags, comments and the two new sheets added.

    Every step below edits the package's XML as text (see the module docstring); a shape it
    does not handle raises :class:`Unpatchable` and the caller rebuilds the data instead.
    """
    with zipfile.ZipFile(src) as zin:
        pkg = _open_package(zin)
        data_part = _data_sheet_part(pkg, sheet)
        styles, styles_part = _styles(pkg)
        patched = _flag_cells(pkg, data_part, plan, styles)
        _add_comments(pkg, data_part, patched, plan, settings.lang)
        pkg.changed[data_part] = patched
        new, last = _new_sheets(pkg, f, plan, settings, styles, sheet, rebuilt)
        pkg.changed[styles_part] = styles.render()  # after the new sheets took their styles
        _add_sheets(pkg, new)
        _add_filter_name(pkg, problems=new[1][0], last=last)
        _drop_macros(pkg)
        _unselect_other_sheets(pkg, data_part)
        pkg.changed[pkg.wb_part] = pkg.wb
        pkg.changed[rels_path(pkg.wb_part)] = pkg.wb_rels
        pkg.changed["[Content_Types].xml"] = pkg.ct
        _write_package(pkg, dst)


def _open_package(zin: zipfile.ZipFile) -> _Package:
    """Read the content types, the workbook, its relationships and its list of sheets."""
    read = lambda name: zin.read(name).decode("utf-8")  # noqa: E731 - before pkg exists
    ct = read("[Content_Types].xml")
    wb_part = next((r["Target"] for r in relationships(read("_rels/.rels"))
                    if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
    wb_part = wb_part.lstrip("/")
    wb = read(wb_part)
    if NS_MAIN not in wb:
        raise Unpatchable("not a transitional SpreadsheetML workbook")
    wb_rels = read(rels_path(wb_part))
    wp = tag_prefix(wb, "workbook")
    wb, rp = ensure_ns(wb, "workbook", "r", NS_REL)
    sheets = []
    for raw in re.findall(rf"<{re.escape(wp)}sheet\b([^>]*?)/?>", wb):
        a = parse_attrs(raw)
        rid = next((v for k, v in a.items() if k.endswith(":id")), None)
        sheets.append((unescape(a.get("name", "")), a.get("sheetId", "0"), rid))
    return _Package(zin, set(zin.namelist()), ct, wb_part, wb, wb_rels, relationships(wb_rels),
                    wp, rp, sheets)


def _data_sheet_part(pkg: _Package, sheet: str) -> str:
    """The worksheet part of the sheet named ``sheet`` (the last one of that name)."""
    part = None
    for name, _sid, rid in pkg.sheets:
        if name == sheet and pkg.sheet_part(rid) is not None:
            part = pkg.sheet_part(rid)
    if part is None or part not in pkg.names:
        raise Unpatchable(f"sheet {sheet!r} not found")
    return part


def _styles(pkg: _Package) -> tuple[Styles, str]:
    """The workbook's styles (a styles part is added if it has none) and their part name."""
    part = pkg.target(pkg.wb_part, pkg.rels, REL_STYLES)
    if part is not None and part in pkg.names:
        return Styles(pkg.read(part)), part
    part = "xl/styles.xml"
    rid = unique_id({r.get("Id", "") for r in pkg.rels}, "rIdPmksStyles")
    pkg.wb_rels = add_relationships(pkg.wb_rels, [(rid, REL_STYLES, "styles.xml")])
    pkg.ct = add_override(pkg.ct, "/" + part, "application/vnd.openxmlformats-officedocument."
                          "spreadsheetml.styles+xml")
    return Styles(None), part


def _flag_cells(pkg: _Package, data_part: str, plan: Plan, styles: Styles) -> PatchedSheet:
    """The data sheet with every planned cell filled by its worst severity."""
    return patch_sheet(lambda: pkg.zin.open(data_part), plan.flags, styles)


def _add_comments(pkg: _Package, data_part: str, patched: PatchedSheet, plan: Plan,
                  lang: str) -> None:
    """One comment per planned cell: into the sheet's comments part, or a new one.

    A sheet that already has comments keeps them (ours are added to its comments part and VML
    drawing); otherwise a comments part and a VML drawing are created and related to the sheet.
    """
    notes = [plan.notes[k] for k in sorted(plan.notes)][:MAX_COMMENTS]
    if not notes:
        return
    srels_part = rels_path(data_part)
    srels_xml = pkg.read(srels_part) if srels_part in pkg.names else None
    srels = relationships(srels_xml) if srels_xml else []
    old_comments = pkg.target(data_part, srels, REL_COMMENTS)
    old_vml = pkg.target(data_part, srels, REL_VML)
    blocks = [int(b) for v in pkg.names if v.endswith(".vml")
              for d in re.findall(r'data="([\d,\s]+)"', pkg.zin.read(v).decode(
                  "utf-8", "replace")) for b in re.findall(r"\d+", d)]
    first_block = max(blocks, default=0) + 1  # VML shape ids must not clash across drawings
    if old_comments and old_vml and old_comments in pkg.names and old_vml in pkg.names:
        cxml, done = comments_xml(notes, plan, lang, pkg.read(old_comments))
        shown = [n for n in notes if (n.row, n.col) in done]
        vml = pkg.zin.read(old_vml).decode("utf-8", "replace")
        pkg.changed[old_comments] = cxml
        pkg.changed[old_vml] = vml_xml(shown, plan, lang, first_block, vml)
        return
    cpart = unique_part(pkg.names, "xl/comments_pmkscheck{}.xml")
    vpart = unique_part(pkg.names, "xl/drawings/vmlDrawing_pmkscheck{}.vml")
    pkg.changed[cpart], _ = comments_xml(notes, plan, lang)
    pkg.changed[vpart] = vml_xml(notes, plan, lang, first_block)
    ids = {r.get("Id", "") for r in srels}
    cid, vid = unique_id(ids, "rIdPmks"), unique_id(ids, "rIdPmks")
    folder = posixpath.dirname(data_part)
    pkg.changed[srels_part] = add_relationships(srels_xml, [
        (cid, REL_COMMENTS, posixpath.relpath(cpart, folder)),
        (vid, REL_VML, posixpath.relpath(vpart, folder))])
    pkg.ct = add_override(pkg.ct, "/" + cpart, CT_COMMENTS)
    if not re.search(r'Extension="vml"', pkg.ct, re.I):
        pkg.ct = add_default(pkg.ct, "vml", CT_VML)
    sp = patched.p
    patched.head, srp = ensure_ns(patched.head, "worksheet", "r", NS_REL)
    if re.search(rf"<{re.escape(sp)}legacyDrawing\b", patched.tail):
        raise Unpatchable("legacy drawing without comments")
    patched.tail = insert_child(patched.tail, sp, f'<{sp}legacyDrawing {srp}:id="{vid}"/>',
                                AFTER_LEGACY, "worksheet")


def _new_sheets(pkg: _Package, f: FileReport, plan: Plan, settings: Settings, styles: Styles,
                data_sheet: str, rebuilt: bool) -> tuple[list[tuple[str, str | StreamedSheet]],
                                                         int]:
    """(name, xml) of the summary, the problem list and any further sheet; the list's last row."""
    t = section("workbook", settings.lang)
    taken = {s[0] for s in pkg.sheets}
    summary_name = unique_sheet_name(t["summary"], taken)
    taken.add(summary_name)
    problems_name = unique_sheet_name(t["list"], taken)
    st = sheet_styles(styles)
    plist, last, notes = list_sheet(f, plan, settings, styles, st, data_sheet)
    if plan.note_count > MAX_COMMENTS:
        notes.append(t["few_comments"].format(n=MAX_COMMENTS))
    if rebuilt:
        notes = [t["copied"].format(fmt=(f.format or "?").upper()), *notes]
    psum = summary_sheet(f, plan, settings, styles, st, data_sheet, problems_name, notes)
    new: list[tuple[str, str | StreamedSheet]] = [(summary_name, psum), (problems_name, plist)]
    if f.compared:  # issue 14: the changes since the previous submission, after these two
        taken.add(problems_name)
        new.append(changes_sheet(f, settings, styles, st, data_sheet, taken))
    return new, last


def _add_sheets(pkg: _Package, new: list[tuple[str, str | StreamedSheet]]) -> None:
    """Add the new sheets first in the workbook (parts, relationships, content types, ``<sheet>``).

    Sheet-scoped defined names move along (``localSheetId`` is a sheet's position).
    """
    ids = {r.get("Id", "") for r in pkg.rels}
    max_id = max((int(s[1]) for s in pkg.sheets if s[1].isdigit()), default=0)
    patterns = ["xl/worksheets/pmkscheck_summary{}.xml", "xl/worksheets/pmkscheck_problems{}.xml"]
    entries = []
    for n, (name, xml) in enumerate(new):
        if n < len(patterns):
            part, rid = unique_part(pkg.names, patterns[n]), unique_id(ids, "rIdPmks")
        else:
            part = unique_part(pkg.names | set(pkg.changed), "xl/worksheets/pmkscheck_extra{}.xml")
            rid = unique_id(ids, "rIdPmksX")
        pkg.changed[part] = xml
        pkg.wb_rels = add_relationships(pkg.wb_rels, [
            (rid, REL_WORKSHEET, posixpath.relpath(part, posixpath.dirname(pkg.wb_part)))])
        pkg.ct = add_override(pkg.ct, "/" + part, CT_WORKSHEET)
        entries.append(f'<{pkg.wp}sheet name="{x(name)}" sheetId="{max_id + n + 1}" '
                       f'{pkg.rp}:id="{rid}"/>')
    m = re.search(rf"<{re.escape(pkg.wp)}sheets\b[^>]*>", pkg.wb)
    if m is None:
        raise Unpatchable("no <sheets>")
    wb = pkg.wb[: m.end()] + "".join(entries) + pkg.wb[m.end():]
    pkg.wb = re.sub(r'(\blocalSheetId=")(\d+)(")',
                    lambda mm: f"{mm.group(1)}{int(mm.group(2)) + len(new)}{mm.group(3)}", wb)


def _add_filter_name(pkg: _Package, problems: str, last: int) -> None:
    """The problem list's autofilter range (``_xlnm._FilterDatabase``; it is the 2nd sheet)."""
    wp, wpe = pkg.wp, re.escape(pkg.wp)
    fdb = (f'<{wp}definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">'
           f"{x(sheet_ref(problems, f'$A$1:$I${last}'))}</{wp}definedName>")
    wb = pkg.wb
    if re.search(rf"<{wpe}definedNames\b[^>]*/>", wb):
        wb = re.sub(rf"<{wpe}definedNames\b[^>]*/>", f"<{wp}definedNames>{fdb}"
                    f"</{wp}definedNames>", wb, count=1)
    elif re.search(rf"<{wpe}definedNames\b", wb):
        wb = re.sub(rf"(<{wpe}definedNames\b[^>]*>)", lambda mm: mm.group(1) + fdb, wb, count=1)
    else:
        end = re.search(rf"</{wpe}sheets\s*>", wb)
        if end is None:
            raise Unpatchable("unterminated <sheets>")
        wb = wb[: end.end()] + f"<{wp}definedNames>{fdb}</{wp}definedNames>" + wb[end.end():]
    pkg.wb = wb


def _drop_macros(pkg: _Package) -> None:
    """Macros do not travel into the ``.xlsx`` copy: drop the VBA project and its references."""
    if CT_WB_MACRO not in pkg.ct:
        return
    pkg.ct = pkg.ct.replace(CT_WB_MACRO, CT_WB)
    for r in pkg.rels:
        if r.get("Type", "").endswith("/vbaProject"):
            pkg.wb_rels = re.sub(rf'<(?:\w+:)?Relationship\b[^>]*Id="{re.escape(r["Id"])}"'
                                 r"[^>]*/>", "", pkg.wb_rels)
    pkg.dropped |= {n for n in pkg.names if n.startswith("xl/vbaProject")}
    pkg.ct = re.sub(r'<Override\b[^>]*PartName="/xl/vbaProject[^"]*"[^>]*/>', "", pkg.ct)


def _unselect_other_sheets(pkg: _Package, data_part: str) -> None:
    """The summary opens first: no other tab stays active or selected together with it."""
    pkg.wb = re.sub(rf"<{re.escape(pkg.wp)}workbookView\b[^>]*?/?>", lambda mm: re.sub(
        r'\s(?:activeTab|firstSheet)="\d+"', "", mm.group(0)).replace(
        "workbookView", 'workbookView activeTab="0"', 1), pkg.wb)
    for _name, _sid, rid in pkg.sheets:
        part = pkg.sheet_part(rid)
        if part and part != data_part and part in pkg.names and part.endswith(".xml"):
            data = pkg.zin.read(part)
            head = data[:8192]
            if b"tabSelected" in head:
                pkg.changed[part] = re.sub(rb'\stabSelected="(?:1|true)"', b"", head) + data[8192:]


def _write_package(pkg: _Package, dst: Path) -> None:
    """Every part in its original order (changed ones replaced), then the new parts by name."""
    changed = dict(pkg.changed)
    with open_package(dst, compresslevel=1) as zout:
        written = set()
        for info in pkg.zin.infolist():
            if info.filename in pkg.dropped or info.filename in written:
                continue
            written.add(info.filename)
            data = changed.pop(info.filename, None)
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(data, (PatchedSheet, StreamedSheet)):
                stream_sheet(zout, zi, data)
                continue
            if data is None:
                data = pkg.zin.read(info.filename)
            elif isinstance(data, str):
                data = data.encode("utf-8")
            zout.writestr(zi, data, compresslevel=1)
        for name in sorted(changed):
            data = changed[name]
            if isinstance(data, (PatchedSheet, StreamedSheet)):
                stream_sheet(zout, zipfile.ZipInfo(name), data)
            else:
                zout.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
