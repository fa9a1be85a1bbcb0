"""The annotated workbook (pmkscheck.write.annotated): fills, comments, links, kept formatting.

The sample (tests/test_report_sample.py) is a formatted xlsx with title rows, a styled header,
a date column, a user's own comment and a formula-looking text; its FileReport is built by hand.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_report_sample import (
    HEADER_ROW,
    HEADERS,
    NIK,
    RECORDS,
    SHEET,
    big_sample,
    issue,
    sample_report,
    sample_workbook,
)

from pmkscheck.issues import Issue, Severity
from pmkscheck.table import column_index
from pmkscheck.write.annotated import write_annotated
from pmkscheck.write.sheets import sheet_ref
from pmkscheck.write.styles import FILL, Styles


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _placed(i: Issue) -> str | None:
    """Where the workbook shows a finding (header cell for column findings)."""
    if i.row and i.letter:
        return f"{i.letter}{i.row}"
    if i.letter:
        return f"{i.letter}{HEADER_ROW}"
    return None


def _expected_cells(issues: list[Issue]) -> dict[str, tuple[Severity, set[str]]]:
    cells: dict[str, tuple[Severity, set[str]]] = {}
    for i in issues:
        ref = _placed(i)
        if ref is None:
            continue
        sev, codes = cells.get(ref, (i.severity, set()))
        cells[ref] = (max(sev, i.severity), codes | {i.code})
    return cells


@pytest.fixture
def annotated(tmp_path: Path):
    src = sample_workbook(tmp_path / "kutim.xlsx")
    before = _sha(src)
    report, f = sample_report(src)
    out = tmp_path / "kutim.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    assert _sha(src) == before, "the input file must never change"
    return src, out, f


def test_sheets_order_and_data_kept(annotated) -> None:
    src, out, _ = annotated
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Daftar Masalah", SHEET, "Lain"]
    assert wb.active.title == "Ringkasan"
    orig = load_workbook(src)[SHEET]
    ws = wb[SHEET]
    for row in orig.iter_rows():
        for cell in row:
            assert ws[cell.coordinate].value == cell.value, cell.coordinate
    assert wb["Lain"]["A1"].value == "sheet lain"


def test_every_flagged_cell_has_fill_and_comment(annotated) -> None:
    _, out, f = annotated
    ws = load_workbook(out)[SHEET]
    expected = _expected_cells(f.issues)
    assert {"B5", "B6", "B8", "D7", "F7", "E8", "B10", "E14", "C14", "G14", "H4"} <= set(expected)
    for ref, (sev, codes) in expected.items():
        cell = ws[ref]
        assert cell.fill.fill_type == "solid", ref
        assert cell.fill.fgColor.rgb == FILL[sev], ref
        assert cell.comment is not None, ref
        for code in codes:
            assert code in cell.comment.text, (ref, code)
    # B8 carries two findings in one comment, the worse one decides the colour
    assert {"NIK_DUPLICATE", "NIK_BIRTHDATE_MISMATCH"} <= expected["B8"][1]
    assert ws["B8"].fill.fgColor.rgb == FILL[Severity.ERROR]
    flagged = set(expected)
    for row in ws.iter_rows(min_row=1, max_row=15, max_col=8):
        for cell in row:
            if cell.coordinate not in flagged and cell.coordinate != "G6":
                assert cell.comment is None, cell.coordinate
                assert cell.fill.fgColor.rgb not in FILL.values(), cell.coordinate


def test_formatting_of_cells_kept(annotated) -> None:
    _, out, _ = annotated
    ws = load_workbook(out)[SHEET]
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["B4"].font.b and ws["B4"].fill.fgColor.rgb == "FF305496"  # header untouched
    assert ws["H4"].font.b and ws["H4"].font.color.rgb == "FFFFFFFF"  # flagged header keeps font
    assert ws["C5"].font.i and ws["C5"].font.color.rgb == "FF00B050"
    assert ws["E9"].number_format == "DD/MM/YYYY"
    assert ws["E8"].number_format == "DD/MM/YYYY"  # flagged: fill added, format kept
    assert ws["B6"].border.top.style == "thin"  # flagged: border kept
    assert ws.column_dimensions["B"].width == 22
    assert ws["G6"].comment.text == "catatan petugas"  # the user's own comment stays
    assert ws["E14"].value is None  # an empty flagged cell stays empty


def test_problem_list_links_every_finding(annotated) -> None:
    _, out, f = annotated
    ws = load_workbook(out)["Daftar Masalah"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(f.issues)
    got = [(r[0], r[1], r[4]) for r in rows]
    assert got == [(i.row, i.letter, i.code) for i in f.issues]
    for n, i in enumerate(f.issues, start=2):
        cell = ws[f"D{n}"]
        ref = _placed(i)
        if ref is None:
            assert cell.hyperlink is None
        else:
            assert cell.value == ref
            assert cell.hyperlink.location == sheet_ref(SHEET, ref)
    assert sheet_ref(SHEET, "B6") == "'Data PMKS ''Kutim'' 2024'!B6"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:I{len(f.issues) + 1}"


def test_summary_sheet_counts(annotated) -> None:
    _, out, f = annotated
    ws = load_workbook(out)["Ringkasan"]
    values = [r for r in ws.iter_rows(values_only=True)]
    labels = {r[0]: r[1] for r in values if r[0]}
    assert labels["Baris data"] == 10
    assert labels["Galat"] == 7 and labels["Peringatan"] == 4 and labels["Info"] == 2
    assert labels["Skema"] == "pmks-individu"
    assert labels["Kabupaten/kota"].startswith("6408 ")
    counts: dict[str, int] = {}
    for r in values:  # the per-code table comes first; file-level findings are listed after it
        if r[0] in f.code_counts():
            counts.setdefault(r[0], r[3])
    assert counts == dict(f.code_counts())
    assert {r[0]: r[3] for r in values if r[0] == "nik"} == {"nik": 0.9}


def test_no_formulas_and_formula_text_neutralised(annotated) -> None:
    _, out, _ = annotated
    wb = load_workbook(out)
    for name in ("Ringkasan", "Daftar Masalah"):
        for row in wb[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, (name, cell.coordinate)
    assert wb[SHEET]["C7"].data_type == "s"


def test_identifiers_masked_everywhere(annotated) -> None:
    _, out, _ = annotated
    wb = load_workbook(out)
    for name in ("Ringkasan", "Daftar Masalah"):
        for row in wb[name].iter_rows(values_only=True):
            assert not any(isinstance(v, str) and NIK in v for v in row)
    for row in wb[SHEET].iter_rows():
        for cell in row:
            if cell.comment is not None:
                assert NIK not in cell.comment.text
    assert wb[SHEET]["B5"].value == NIK  # the data itself is the user's, unchanged


def test_english_comments(tmp_path: Path) -> None:
    src = sample_workbook(tmp_path / "k.xlsx")
    report, f = sample_report(src, lang="en")
    out = tmp_path / "k.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Summary", "Problems"]
    assert "Fix:" in wb[SHEET]["B6"].comment.text


def test_workbook_without_comments(tmp_path: Path) -> None:
    from openpyxl import Workbook

    src = tmp_path / "plain.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for c, h in enumerate(["No", "N I K"], start=1):
        ws.cell(HEADER_ROW, c, h)
    ws.cell(5, 2, "123")
    wb.save(src)
    report, f = sample_report(src)
    f = dataclasses.replace(f, issues=[issue("NIK_LENGTH", 5, "nik", "123", length=3),
                                       issue("NIK_MISSING", 9, "nik")])  # row 9: not in sheet
    out = tmp_path / "plain.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    ws = load_workbook(out)[SHEET]
    assert ws["B5"].value == "123" and "NIK_LENGTH" in ws["B5"].comment.text
    assert ws["B9"].value is None and "NIK_MISSING" in ws["B9"].comment.text
    assert ws["B9"].fill.fgColor.rgb == FILL[Severity.ERROR]


def test_no_findings(tmp_path: Path) -> None:
    src = sample_workbook(tmp_path / "ok.xlsx")
    report, f = sample_report(src)
    f = dataclasses.replace(f, issues=[])
    out = tmp_path / "ok.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    wb = load_workbook(out)
    assert wb["Daftar Masalah"].max_row == 1
    assert wb[SHEET]["B6"].comment is None


def _write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["DATA PMKS KABUPATEN KUTAI TIMUR"])
        w.writerow(["Dinas Sosial"])
        w.writerow([])
        w.writerow(["No", "N I K", "Nama", "L/P", "Tgl. Lahir", "Kecamatan", "Jenis PMKS",
                    "Hobi"])
        for rec in RECORDS:
            w.writerow(rec)


def test_csv_input_rebuilt_at_original_rows(tmp_path: Path) -> None:
    src = tmp_path / "kutim.csv"
    _write_csv(src)
    before = _sha(src)
    report, f = sample_report(src, fmt="csv", sheet=None)
    f = dataclasses.replace(f, issues=[dataclasses.replace(i, letter=None)
                                       for i in f.issues])  # CSV: no letters
    out = tmp_path / "kutim.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    assert _sha(src) == before
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Daftar Masalah", "kutim"]
    ws = wb["kutim"]
    assert ws["B4"].value == "N I K" and ws["A1"].value == "DATA PMKS KABUPATEN KUTAI TIMUR"
    assert ws["B5"].value == NIK and ws["B5"].data_type == "s"  # ID stays text
    assert ws["C7"].value == '=HYPERLINK("x")' and ws["C7"].data_type == "s"
    assert ws["C7"].quotePrefix and ws["C14"].quotePrefix  # "=..." and "+628123"
    with_letters = [dataclasses.replace(i, letter=chr(65 + HEADERS.index(i.column)))
                    if i.column else i for i in f.issues]
    assert len(_expected_cells(with_letters)) == 11
    for ref, (sev, codes) in _expected_cells(with_letters).items():
        assert ws[ref].fill.fgColor.rgb == FILL[sev], ref
        assert all(code in ws[ref].comment.text for code in codes), ref
    links = wb["Daftar Masalah"]
    assert links["D4"].hyperlink.location == "'kutim'!" + links["D4"].value
    notes = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]]
    assert any(str(n).startswith("Berkas asli berformat CSV") for n in notes)


def test_ods_input_rebuilt(tmp_path: Path) -> None:
    pytest.importorskip("odf")
    import pandas as pd

    src = tmp_path / "kutim.ods"
    rows = [["DATA PMKS"], [], [], ["No", "N I K", "Nama"]] + [r[:3] for r in RECORDS]
    pd.DataFrame(rows).to_excel(src, engine="odf", sheet_name="PMKS", header=False, index=False)
    report, f = sample_report(src, fmt="ods", sheet="PMKS")
    f = dataclasses.replace(f, issues=[issue("NIK_LENGTH", 6, "nik", "640801570875", length=12)])
    out = tmp_path / "kutim.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    ws = load_workbook(out)["PMKS"]
    assert ws["B4"].value == "N I K" and ws["C5"].value == "Siti Aminah"
    assert "NIK_LENGTH" in ws["B6"].comment.text


def test_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = sample_workbook(tmp_path / "kutim.xlsx")
    report, f = sample_report(src)
    with pytest.raises(PermissionError):
        write_annotated(f, report, report.settings, src)


def test_col_index() -> None:
    assert [column_index(c) for c in ("A", "Z", "AA", "AB", "XFD")] == [0, 25, 26, 27, 16383]


def test_big_file_keeps_every_comment_and_cell(tmp_path: Path) -> None:
    """20 000 rows with 5 % flagged cells: every note written, every other cell kept as it was.

    Its speed (a second or two; openpyxl load+save: ~10x more) is measured by
    ``benchmarks/micro.py``, not asserted here.
    """
    import re
    import zipfile

    n = 20_000
    report, f = big_sample(tmp_path, n)
    out = tmp_path / "big.catatan.xlsx"
    write_annotated(f, report, report.settings, out)  # its time: benchmarks/micro.py
    with zipfile.ZipFile(out) as z:
        comments = [n for n in z.namelist() if "comment" in n and n.endswith(".xml")]
        text = b"".join(z.read(n) for n in comments)
        assert text.count(b"<comment ") == n // 20 + 1  # + the user's own note on G6
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert len(re.findall(r"<c r=.B\d+. s=.1. t=.inlineStr.><is><t>64080101", sheet)) == n - n // 20
    flagged = re.findall(r'<c r="B(\d+)" t="inlineStr" s="(\d+)"', sheet)
    assert [int(r) for r, _ in flagged] == [i.row for i in f.issues]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_it(annotated, tmp_path: Path) -> None:
    """A second consumer: LibreOffice converts every sheet (the data sheet included)."""
    _, out, _ = annotated
    outdir = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-user",
                    "--convert-to", "ods", "--outdir", str(outdir), str(out)],
                   check=True, capture_output=True, timeout=120)
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(outdir / (out.stem + ".ods")))
    assert wb.sheet_names == ["Ringkasan", "Daftar Masalah", SHEET, "Lain"]
    grid = wb.get_sheet_by_name(SHEET).to_python()
    assert any(NIK in map(str, row) for row in grid)


def test_xlsm_copy_drops_macros(tmp_path: Path) -> None:
    """A macro-enabled input becomes a plain .xlsx copy: VBA project and its type removed."""
    import zipfile

    plain = sample_workbook(tmp_path / "plain.xlsx")
    src = tmp_path / "kutim.xlsm"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/'
                    b'vnd.ms-office.vbaProject"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http:'
                                    b'//schemas.microsoft.com/office/2006/relationships/vbaProject"'
                                    b' Target="vbaProject.bin"/></Relationships>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake")
    report, f = sample_report(src, fmt="xlsm")
    out = tmp_path / "kutim.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert "xl/vbaProject.bin" not in names and "vbaProject" not in rels
    assert "macroEnabled" not in ct
    ws = load_workbook(out)[SHEET]
    assert ws["B4"].fill.fgColor.rgb == "FF305496"  # patched in place, formatting kept
    assert "NIK_LENGTH" in ws["B6"].comment.text


def test_unpatchable_xml_falls_back_to_rebuilt_data(tmp_path: Path) -> None:
    """A sheet part the patcher cannot read still gives an annotated workbook (from the data)."""
    import zipfile

    plain = sample_workbook(tmp_path / "plain.xlsx")
    src = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # a legacy drawing without comments
                data = data.replace(b"</worksheet>", b'<legacyDrawing xmlns:r="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships" '
                                    b'r:id="rIdX"/></worksheet>')
            if item.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                continue
            zout.writestr(item, data)
    report, f = sample_report(src)
    out = tmp_path / "odd.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    ws = load_workbook(out)[SHEET]
    assert ws["B5"].value == NIK and "NIK_DUPLICATE" in ws["B5"].comment.text
    assert ws["B6"].fill.fgColor.rgb == FILL[Severity.ERROR]


def _styles() -> Styles:
    return Styles(None)


def test_patch_sheet_rows_and_cells_without_references() -> None:
    """The slow path: rows/cells without r=, a missing row, a prefixed namespace."""
    from pmkscheck.write.sheetpatch import patch_sheet

    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<x:sheetViews><x:sheetView tabSelected="1" workbookViewId="0"/></x:sheetViews>'
           "<x:sheetData><x:row><x:c t=\"inlineStr\"><x:is><x:t>a</x:t></x:is></x:c></x:row>"
           '<x:row><x:c s="0"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>'
           '<x:row r="5"><x:c r="C5"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    styles = _styles()
    flags = {2: {1: Severity.ERROR}, 4: {0: Severity.WARNING}, 5: {0: Severity.INFO,
                                                                   2: Severity.ERROR}}
    out = patch_sheet(xml, flags, styles).text()
    err, warn, info = (styles.flagged(0, s) for s in (Severity.ERROR, Severity.WARNING,
                                                       Severity.INFO))
    assert 'tabSelected' not in out
    assert f'<x:c r="B2" s="{err}"><x:v>2</x:v></x:c>' in out  # second cell of row 2
    assert f'<x:row r="4"><x:c r="A4" s="{warn}"/></x:row><x:row r="5">' in out  # row inserted
    assert f'<x:c r="A5" s="{info}"/><x:c r="C5" s="{err}"><x:v>3</x:v></x:c>' in out
    assert out.count("<x:row") == 4


def test_patch_sheet_fast_path_keeps_other_rows_byte_identical() -> None:
    from pmkscheck.write.sheetpatch import patch_sheet

    rows = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}" s="3"><v>{r}</v></c></row>'
                   for r in range(1, 200))
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"<sheetData>{rows}</sheetData><pageMargins/></worksheet>")
    styles = _styles()
    patched = patch_sheet(xml, {7: {0: Severity.ERROR}, 150: {1: Severity.WARNING}}, styles)
    assert len(patched.edits) == 2  # only the two flagged rows are rewritten
    out = patched.text()
    assert out.replace(f's="{styles.flagged(3, Severity.ERROR)}"', 's="3"', 1).replace(
        f'<c r="B150" s="{styles.flagged(0, Severity.WARNING)}"/>', "") == xml


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_package_is_well_formed(tmp_path: Path, fmt: str) -> None:
    """Every part parses as XML, has a content type, and every relationship target exists."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    if fmt == "xlsx":
        src = sample_workbook(tmp_path / "k.xlsx")
        report, f = sample_report(src)
    else:
        src = tmp_path / "k.csv"
        _write_csv(src)
        report, f = sample_report(src, fmt="csv", sheet=None)
    out = tmp_path / "k.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert len(names) == len(z.namelist()), "duplicate zip entries"
        ct = ET.fromstring(z.read("[Content_Types].xml"))
        ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        defaults = {d.get("Extension").lower() for d in ct.iter(f"{ns}Default")}
        overrides = {o.get("PartName") for o in ct.iter(f"{ns}Override")}
        for name in names:
            data = z.read(name)
            if name.endswith((".xml", ".rels", ".vml")):
                ET.fromstring(data)  # well-formed
            assert "/" + name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
        for o in overrides:
            assert o.lstrip("/") in names, o
        for rels in (n for n in names if n.endswith(".rels")):
            base = posixpath.dirname(posixpath.dirname(rels))
            for rel in ET.fromstring(z.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(base, target))
                assert path in names, (rels, target)


def test_xls_input_rebuilt_with_types(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    src = tmp_path / "lama.xls"
    book = xlwt.Workbook()
    ws = book.add_sheet("PMKS")
    ws.write(0, 0, "DATA PMKS")
    for c, h in enumerate(["No", "N I K", "Nama", "Umur"]):
        ws.write(3, c, h)
    ws.write(4, 0, 1)
    ws.write(4, 1, "640801570875")
    ws.write(4, 2, "@Budi")
    ws.write(4, 3, 44.5)
    book.save(str(src))
    report, f = sample_report(src, fmt="xls", sheet="PMKS")
    f = dataclasses.replace(f, issues=[issue("NIK_LENGTH", 5, "nik", "640801570875", length=12)])
    out = tmp_path / "lama.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    ws2 = load_workbook(out)["PMKS"]
    assert ws2["A1"].value == "DATA PMKS" and ws2["B4"].value == "N I K"
    assert ws2["A5"].value == 1 and ws2["D5"].value == 44.5  # numbers stay numbers
    assert ws2["C5"].value == "@Budi" and ws2["C5"].quotePrefix
    assert "NIK_LENGTH" in ws2["B5"].comment.text


def test_comment_cap_keeps_fills_and_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pmkscheck.write.annotated as excel

    monkeypatch.setattr(excel, "MAX_COMMENTS", 3)
    src = sample_workbook(tmp_path / "k.xlsx")
    report, f = sample_report(src)
    out = tmp_path / "k.catatan.xlsx"
    write_annotated(f, report, report.settings, out)
    wb = load_workbook(out)
    ws = wb[SHEET]
    cells = _expected_cells(f.issues)
    commented = [ref for ref in cells if ws[ref].comment is not None]
    assert len(commented) == 3
    assert all(ws[ref].fill.fgColor.rgb == FILL[sev] for ref, (sev, _) in cells.items())
    assert wb["Daftar Masalah"].max_row == len(f.issues) + 1
    notes = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]]
    assert any(str(n).startswith("Catatan hanya dipasang pada 3 sel") for n in notes)
