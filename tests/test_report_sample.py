"""A small messy sample shared by the report tests (annotated workbook, HTML, terminal).

``sample_workbook(path)`` writes a formatted xlsx with openpyxl (title rows, a styled header on
row 4, records on rows 5-14, a date column with a number format); ``sample_report(path)`` builds
the ``FileReport`` the pipeline would produce for it, by hand, so the report tests do not depend
on the reader or the checks.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pmkscheck.issues import District, Issue, Severity
from pmkscheck.report import FileReport, Report
from pmkscheck.rules import rule
from pmkscheck.settings import Settings
from pmkscheck.table import ROW, Column, SkippedRow, SourceTable

SHEET = "Data PMKS 'Kutim' 2024"
HEADERS = ["No", "N I K", "Nama", "L/P", "Tgl. Lahir", "Kecamatan", "Jenis PMKS", "Hobi"]
FIELDS = ["no", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kecamatan", "jenis_pmks", None]
NIK = "6408015708750001"
RECORDS = [
    ["1", NIK, "Siti Aminah", "P", "1975-08-17", "Sangatta Utara", "Lanjut Usia Terlantar", ""],
    ["2", "640801570875", "Budi", "L", "1980-01-02", "Sangatta Utara", "Fakir Miskin", ""],
    ["3", "6408016101900002", "=HYPERLINK(\"x\")", "X", "1990-01-21", "Sangata Utara",
     "Fakir Miskin", "catur"],
    ["4", NIK, "Ani", "P", "2031-05-05", "Bengalon", "Anak Terlantar", ""],
    ["5", "6408010101850003", "Dedi", "L", "1985-01-01", "Bengalon", "Gelandangan", ""],
    ["6", "", "Rina", "P", "1999-09-09", "Bengalon", "Penyandang Disabilitas", ""],
    ["7", "6408014505000004", "Wati", "P", "2000-05-05", "Rantau Pulung", "Fakir Miskin", ""],
    ["8", "6408011212120005", "Joko", "L", "2012-12-12", "Rantau Pulung", "Anak Jalanan", ""],
    ["9", "6408010303030006", "Tono", "L", "2003-03-03", "Rantau Pulung", "Pengemis", ""],
    ["10", "6408012020200007", "+628123", "P", "", "Sangatta Utara", "Lansia", ""],
]
FIRST_ROW = 5
HEADER_ROW = 4


def issue(code: str, row: int | None = None, field: str | None = None, value: str | None = None,
          **params: object) -> Issue:
    """An issue as the runner makes it (severity from the catalogue, letter/header from FIELDS)."""
    letter = column = None
    if field is not None:
        idx = FIELDS.index(field)
        letter, column = chr(65 + idx), HEADERS[idx]
    return Issue(code=code, severity=rule(code).severity, row=row, field=field, column=column,
                 letter=letter, value=value, params=params)


def sample_issues() -> list[Issue]:
    """Findings of the sample, sorted as the pipeline sorts them."""
    found = [
        issue("DISTRICT_CONFLICT", district="6408", signals="nik, title", source="nik"),
        Issue(code="COLUMN_UNKNOWN", severity=Severity.INFO, row=None, field=None, column="Hobi",
              letter="H", params={"header": "Hobi"}),
        issue("NIK_LENGTH", 6, "nik", "640801570875", length=12),
        issue("NIK_DUPLICATE", 8, "nik", NIK, other_row=5),
        issue("NIK_DUPLICATE", 5, "nik", NIK, other_row=8),
        issue("SEX_INVALID", 7, "jenis_kelamin", "X"),
        issue("WILAYAH_FUZZY_MATCH", 7, "kecamatan", "Sangata Utara", suggestion="Sangatta Utara"),
        issue("DATE_FUTURE", 8, "tanggal_lahir", "2031-05-05", date="2031-05-05",
              today="2026-11-29"),
        issue("NIK_BIRTHDATE_MISMATCH", 8, "nik", NIK),
        issue("NIK_MISSING", 10, "nik", None),
        issue("VALUE_MISSING", 14, "tanggal_lahir", None),
        issue("JENIS_VARIANT", 14, "jenis_pmks", "Lansia", official="Lanjut Usia Terlantar"),
        issue("NAME_HAS_DIGITS", 14, "nama", "+628123"),
    ]
    found.sort(key=Issue.sort_key)
    return found


def sample_workbook(path: Path) -> Path:
    """Write the messy sample workbook (formatted, like an office's file)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2024"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Dinas Sosial"
    thin = Side(style="thin", color="FF000000")
    for c, h in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=h)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = PatternFill("solid", fgColor="FF305496")
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for r, rec in enumerate(RECORDS, start=FIRST_ROW):
        for c, v in enumerate(rec, start=1):
            if v == "":
                continue
            cell = ws.cell(row=r, column=c)
            if c == 5:
                cell.value = dt.date.fromisoformat(v)
                cell.number_format = "DD/MM/YYYY"
            elif c == 3 and v.startswith("="):
                cell.value = v
                cell.data_type = "s"
            else:
                cell.value = v
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    ws["C5"].font = Font(italic=True, color="FF00B050")
    ws["G6"].comment = Comment("catatan petugas", "Petugas")
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 20
    wb.create_sheet("Lain")["A1"] = "sheet lain"
    wb.save(path)
    return path


def sample_table(path: Path, fmt: str = "xlsx", sheet: str | None = SHEET) -> SourceTable:
    """The SourceTable the reader would produce for the sample."""
    cols: dict[str, list] = {f: [] for f in FIELDS if f}
    cols["_col_Hobi"] = []
    for rec in RECORDS:
        for f, v in zip(FIELDS, rec, strict=True):
            cols[f or "_col_Hobi"].append(v or None)
    data = pd.DataFrame(cols)
    data[ROW] = list(range(FIRST_ROW, FIRST_ROW + len(RECORDS)))
    columns = [Column(header=h, field=f, letter=chr(65 + i), index=i)
               for i, (h, f) in enumerate(zip(HEADERS, FIELDS, strict=True))]
    return SourceTable(
        path=path, format=fmt, sheet=sheet, header_row=HEADER_ROW, data=data, columns=columns,
        letters={f: chr(65 + i) for i, f in enumerate(FIELDS) if f},
        headers={f: HEADERS[i] for i, f in enumerate(FIELDS) if f},
        skipped_rows=[SkippedRow(row=15, reason="total", text="Jumlah")],
        title_lines=["DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2024"], schema="pmks-individu",
    )


def big_sample(folder: Path, n: int) -> tuple[Report, FileReport]:
    """The sample workbook with ``n`` data rows (a NIK in B) and every 20th NIK flagged.

    Shared by the annotated-workbook test and ``benchmarks/micro.py`` (which times it).
    """
    rows = "".join(
        f'<row r="{HEADER_ROW + 1 + r}"><c r="A{HEADER_ROW + 1 + r}" t="inlineStr"><is><t>{r}'
        f'</t></is></c><c r="B{HEADER_ROW + 1 + r}" s="1" t="inlineStr"><is><t>64080101'
        f"</t></is></c></row>" for r in range(n))
    src = sample_workbook(folder / "big.xlsx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(folder / "b.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>",
                              b"<sheetData>" + rows.encode() + b"</sheetData>", data, flags=re.S)
            zout.writestr(item, data)
    return sample_report(folder / "b.xlsx", data_rows=n, issues=[
        issue("NIK_LENGTH", HEADER_ROW + 1 + r, "nik", "1", length=1) for r in range(0, n, 20)])


def sample_report(path: Path, fmt: str = "xlsx", sheet: str | None = SHEET,
                  lang: str = "id", mask: str = "partial",
                  **changes: Any) -> tuple[Report, FileReport]:
    """(Report, FileReport) for the sample, as the pipeline would build them.

    ``changes``: FileReport fields that differ from the sample (reports are frozen).
    """
    table = sample_table(path, fmt, sheet)
    settings = Settings(lang=lang, mask=mask, reference_date=dt.date(2026, 11, 29))
    f = FileReport(
        path=path, format=fmt, sheet=sheet, schema="pmks-individu", header_row=HEADER_ROW,
        data_rows=len(RECORDS), district=District("6408", "Kabupaten Kutai Timur", "nik"),
        columns=list(table.columns), skipped_rows=list(table.skipped_rows),
        issues=sample_issues(),
        completeness={"no": 1.0, "nik": 0.9, "nama": 1.0, "jenis_kelamin": 1.0,
                      "tanggal_lahir": 0.9, "kecamatan": 1.0, "jenis_pmks": 1.0},
        kecamatan=[
            {"kecamatan": "Bengalon", "code": "64.08.04", "rows": 3, "rows_with_errors": 2,
             "completeness": 0.95},
            {"kecamatan": "Rantau Pulung", "code": "64.08.17", "rows": 3,
             "rows_with_errors": 0, "completeness": 1.0},
            {"kecamatan": "Sangata Utara", "code": None, "rows": 1, "rows_with_errors": 1,
             "completeness": 1.0},
            {"kecamatan": "Sangatta Utara", "code": "64.08.01", "rows": 3,
             "rows_with_errors": 1, "completeness": 0.97},
        ],
        table=table,
    )
    f = replace(f, **changes)
    return Report(files=[f], settings=settings), f


def test_sample_is_consistent(tmp_path: Path) -> None:
    """Every sample finding has a catalogue entry and points inside the table."""
    report, f = sample_report(tmp_path / "x.xlsx")
    rows = set(f.table.data[ROW])
    for i in f.issues:
        assert rule(i.code).code
        assert i.row is None or i.row in rows
    assert f.count(Severity.ERROR) == 7
    assert report.exit_code == 1


SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.mark.parametrize("name", ["kutim_pmks_2025.xlsx", "balikpapan_pmks.csv",
                                  "paser_pmks.ods", "samarinda_lansia_dtks.xlsx"])
def test_outputs_agree_on_the_shipped_samples(tmp_path: Path, name: str) -> None:
    """End to end: every finding sits on its cell in the annotated workbook and in its list,
    and the HTML and terminal show every code with its first locations."""
    import io

    from openpyxl import load_workbook

    from pmkscheck.pipeline import check_paths
    from pmkscheck.report import terminal

    src = SAMPLES / name
    if not src.exists():
        pytest.skip(f"{name} not shipped")
    settings = Settings(output_dir=tmp_path, reference_date=dt.date(2026, 11, 29))
    report = check_paths([str(src)], settings)
    assert report.files and not any(f.error for f in report.files)
    buf = io.StringIO()
    terminal.render(report, settings, buf, width=80)
    shown = buf.getvalue()
    for f in report.files:
        wb = load_workbook(f.outputs["annotated"])
        is_csv = f.format in ("csv", "tsv")
        data = wb[f.sheet] if f.sheet else wb[wb.sheetnames[2]]
        letter_of = {c.header: c.letter for c in f.columns}
        listed = [(r[0], r[4]) for r in
                  wb[wb.sheetnames[1]].iter_rows(min_row=2, values_only=True)]
        assert listed == [(i.row, i.code) for i in f.issues]
        placed = 0
        for i in f.issues:
            letter = i.letter or letter_of.get(i.column)
            if i.row and letter:
                note = data[f"{letter}{i.row}"].comment
                assert note is not None and i.code in note.text, (i.code, i.row, letter)
                placed += 1
        if is_csv:  # CSV findings carry no letter: placed by their column header
            assert placed and placed == sum(1 for i in f.issues if i.row and i.column)
        page = Path(f.outputs["html"]).read_text(encoding="utf-8")
        for code in f.code_counts():
            assert f'id="{code}"' in page and code in shown
            first = next(i for i in f.issues if i.code == code)
            if first.row and first.letter and not is_csv:
                assert f"<td>{first.letter}{first.row}</td>" in page
                assert f"{first.letter}{first.row}" in shown
