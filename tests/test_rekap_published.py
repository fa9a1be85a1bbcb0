"""Recap tables as districts and portals publish them (issue 17), and no re-open (issue 12).

* a jenis header in any written form is that jenis' count column; a header that matches nothing
  is one finding on its header cell and never switches off the total checks;
* a recap of one jenis (named by the title, the sheet or the file name) whose columns are
  breakdowns (age bands, education levels, KK / jiwa, L / P) is a recap of that jenis;
* the long form of open-data portals (Satu Data / CKAN: ``kode_kabupaten_kota,
  nama_kabupaten_kota, tahun, jenis_pmks, jumlah, satuan``) is a recap, one row per jenis;
* the recap checks work on the grid the isolated reader handed over: the parent never parses
  the file again.

Every file is built here; each case plants its defect and names the finding it must produce.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pmkscheck import reference
from pmkscheck.domain.jenis import match_jenis
from pmkscheck.pipeline import check_paths
from pmkscheck.rekap.shape import is_breakdown, unit_family
from pmkscheck.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def kecamatan(district: str) -> list[str]:
    kec = reference.kecamatan()
    return kec[kec["kode_kabupaten"] == district].sort_values("kode")["nama"].tolist()


SAMARINDA = kecamatan("6472")


def validate(path: Path, **kw):
    settings = Settings(write=False, reference_date=dt.date(2025, 7, 1), **kw)
    report = check_paths([str(path)], settings)
    assert len(report.files) == 1 and not report.files[0].error, report.files[0].error
    return report.files[0]


def found(f, severities=("error", "warning")) -> set[tuple]:
    return {(i.code, i.cell) for i in f.issues if i.severity.label in severities}


def cli_json(path: Path) -> dict:
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(path), "--no-write",
                        "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


# --------------------------------------------------------------------------- wide: jenis headers


def write_wide(path: Path, headers: list[str], *, lp: bool = True, jenis_row: bool = False,
               bad_total: bool = False, bad_column: int | None = None) -> dict:
    """A wide recap of Samarinda: one column group per header (L | P under it when ``lp``),
    a Jumlah group, a Jumlah row. ``jenis_row`` adds a "Jenis PMKS" row merged over every
    group (three header rows). ``bad_total`` makes the third kecamatan's Jumlah one too many;
    ``bad_column`` makes the Jumlah row's cell of that header's first column five too many.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rekap"
    ws["A1"] = "REKAP PMKS KOTA SAMARINDA TAHUN 2024"
    top = 3
    rows = [top, top + 1] if jenis_row else [top]
    sub = rows[-1] + 1 if lp else None
    last_header = sub or rows[-1]
    for c, text in ((1, "No"), (2, "Kecamatan")):
        ws.cell(top, c, text)
        ws.merge_cells(start_row=top, start_column=c, end_row=last_header, end_column=c)
    width = 2 if lp else 1
    col = 3
    starts = []
    for h in headers:
        ws.cell(rows[-1], col, h)
        if lp:
            ws.merge_cells(start_row=rows[-1], start_column=col, end_row=rows[-1],
                           end_column=col + 1)
            ws.cell(sub, col, "L")
            ws.cell(sub, col + 1, "P")
        starts.append(col)
        col += width
    if jenis_row:
        ws.cell(top, 3, "Jenis PMKS")
        ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=col - 1)
    total_col = col
    ws.cell(top, total_col, "Jumlah")
    ws.merge_cells(start_row=top, start_column=total_col, end_row=rows[-1],
                   end_column=total_col + (2 if lp else 0))
    if lp:
        for k, s in enumerate(("L", "P", "L+P")):
            ws.cell(sub, total_col + k, s)
    first = last_header + 1
    n_counts = width * len(headers)
    for i, name in enumerate(SAMARINDA):
        r = first + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, name)
        values = [(i + 2 * k) % 7 for k in range(n_counts)]
        for k, v in enumerate(values):
            ws.cell(r, 3 + k, v)
        extra = 1 if bad_total and i == 2 else 0
        if lp:
            ls, ps = sum(values[0::2]), sum(values[1::2])
            ws.cell(r, total_col, ls)
            ws.cell(r, total_col + 1, ps)
            ws.cell(r, total_col + 2, ls + ps + extra)
        else:
            ws.cell(r, total_col, sum(values) + extra)
    total = first + len(SAMARINDA)
    ws.cell(total, 2, "Jumlah")
    for c in range(3, total_col + (3 if lp else 1)):
        ws.cell(total, c, sum(ws.cell(first + i, c).value for i in range(len(SAMARINDA))))
    if bad_column is not None:
        ws.cell(total, starts[bad_column]).value += 5
    wb.save(path)
    letters = [openpyxl.utils.get_column_letter(c) for c in starts]
    last = openpyxl.utils.get_column_letter(total_col + (2 if lp else 0))
    return {"header_row": rows[-1], "letters": letters, "first": first, "total": total,
            "total_letter": last}


# Written forms of the same jenis (issue 17): each is that jenis' count column.
WRITTEN_FORMS = [
    ("Lanjut Usia Telantar, LUT", "Lanjut Usia Telantar"),
    ("KBA - Korban Bencana Alam", "Korban Bencana Alam"),
    ("Penyandang Disabilitas (PD)", "Penyandang Disabilitas"),
    ("Lansia Terlantar", "Lanjut Usia Telantar"),
    ("ABH", "Anak yang Berhadapan dengan Hukum"),
    ("PRSE", "Perempuan Rawan Sosial Ekonomi"),
    ("Korban Bencana Alam/KBA", "Korban Bencana Alam"),
    ("ANAK TERLANTAR", "Anak Telantar"),
    ("Anak Telantar / AT", "Anak Telantar"),
]


@pytest.mark.parametrize(("header", "official"), WRITTEN_FORMS)
def test_jenis_header_in_any_written_form_is_that_jenis(tmp_path, header, official):
    path = tmp_path / "samarinda_rekap.xlsx"
    lay = write_wide(path, [header, "Fakir Miskin"])
    f = validate(path)
    assert f.data_rows == len(SAMARINDA)
    assert not [i for i in f.issues if i.code == "REKAP_JENIS_UNKNOWN"]
    assert found(f) == set()
    variant = [i for i in f.issues if i.code == "REKAP_JENIS_VARIANT"]
    if header != official:
        assert [(i.cell, i.params["official"]) for i in variant] == [
            (f"{lay['letters'][0]}{lay['header_row']}", official)]
    assert match_jenis(header) == official


@pytest.mark.parametrize("unknown", ["Anak Hilang", "Jenis PMKS Lainnya", "Warga Kurang Mampu",
                                     "Gepeng"])
@pytest.mark.parametrize("lp", [True, False])
def test_unknown_header_is_one_finding_and_totals_still_checked(tmp_path, unknown, lp):
    path = tmp_path / "samarinda_rekap.xlsx"
    lay = write_wide(path, ["Anak Telantar", unknown, "Fakir Miskin"], lp=lp, bad_total=True,
                     bad_column=1)
    f = validate(path)
    bad_row = lay["first"] + 2
    assert found(f) == {
        ("REKAP_JENIS_UNKNOWN", f"{lay['letters'][1]}{lay['header_row']}"),
        ("REKAP_ROW_TOTAL", f"{lay['total_letter']}{bad_row}"),
        ("REKAP_COLUMN_TOTAL", f"{lay['letters'][1]}{lay['total']}"),
    } | ({("REKAP_SEX_SUM", f"{lay['total_letter']}{bad_row}")} if lp else set())
    assert f.data_rows == len(SAMARINDA)  # counts are never read as jenis names


def test_multi_row_merged_header_jenis_pmks_over_names_over_lp(tmp_path):
    path = tmp_path / "samarinda_rekap.xlsx"
    lay = write_wide(path, ["Anak Balita Telantar", "Lanjut Usia Telantar, LUT",
                            "Penyandang Disabilitas (PD)"], jenis_row=True, bad_total=True,
                     bad_column=2)
    f = validate(path)
    bad_row = lay["first"] + 2
    assert f.header_row == lay["header_row"] + 1
    assert found(f) == {("REKAP_ROW_TOTAL", f"{lay['total_letter']}{bad_row}"),
                        ("REKAP_SEX_SUM", f"{lay['total_letter']}{bad_row}"),
                        ("REKAP_COLUMN_TOTAL", f"{lay['letters'][2]}{lay['total']}")}
    variants = {i.params["official"] for i in f.issues if i.code == "REKAP_JENIS_VARIANT"}
    assert variants == {"Lanjut Usia Telantar", "Penyandang Disabilitas"}


# --------------------------------------------------------------------------- one jenis, breakdowns


@pytest.mark.parametrize(("text", "expected"), [
    ("<6 Tahun", True), ("6-12 Tahun", True), ("13 - 18 Th", True), ("60+", True),
    ("> 60 Tahun", True), ("60 Tahun ke atas", True), ("Usia 0-5", True), ("SD", True),
    ("SMP/MTs", True), ("SMA/SMK", True), ("Tidak Sekolah", True), ("Perguruan Tinggi", True),
    ("KK", True), ("Jumlah KK", True), ("Jumlah Jiwa", True), ("Keluarga", True),
    ("Anak Hilang", False), ("Lansia", False), ("Fakir Miskin", False), ("Gepeng", False),
    ("Kecamatan", False),
])
def test_breakdown_headers(text, expected):
    assert is_breakdown(text) is expected


@pytest.mark.parametrize(("text", "family"), [
    ("orang", "orang"), ("Jiwa", "orang"), ("KK", "kk"), ("keluarga", "kk"),
    ("Rumah Tangga", "kk"), ("unit", "unit"), (None, ""),
])
def test_unit_families(text, family):
    assert unit_family(text) == family


def write_one_jenis(path: Path, headers: list[str], values: list[int], *,
                    title: str | None, sheet: str = "Sheet1", total: bool = True,
                    bad_row: int | None = None, number_header: str = "#") -> dict:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    ws.append([number_header, "Kecamatan", *headers, *(["Jumlah"] if total else [])])
    header_row = ws.max_row
    for i, name in enumerate(SAMARINDA):
        extra = 1 if bad_row == i else 0
        ws.append([i + 1, name, *values, *([sum(values) + extra] if total else [])])
    n = len(SAMARINDA)
    ws.append([None, "Jumlah", *[v * n for v in values],
               *([sum(values) * n + (1 if bad_row is not None else 0)] if total else [])])
    wb.save(path)
    return {"header_row": header_row, "first": header_row + 1}


BREAKDOWNS = [
    ["<6 Tahun", "6-12 Tahun", "13-18 Tahun"],
    ["Anak (<18)", "Dewasa (18-59)", "Lansia (60+)"],
    ["SD", "SMP", "SMA"],
    ["Tidak Sekolah", "SD/MI", "SMP/MTs", "SMA/SMK"],
    ["60-69 Tahun", "70-79 Tahun", "80+"],
]


@pytest.mark.parametrize("headers", BREAKDOWNS)
@pytest.mark.parametrize(("title", "sheet", "name"), [
    ("REKAP ANAK TELANTAR MENURUT KELOMPOK UMUR KOTA SAMARINDA 2024", "Sheet1", "rekap.xlsx"),
    (None, "LANSIA TERLANTAR", "rekap.xlsx"),
    (None, "Sheet1", "Rekap Anak Telantar Samarinda 2024.xlsx"),
    ("DATA PENYANDANG DISABILITAS PER KECAMATAN", "Sheet1", "rekap.xlsx"),
])
def test_one_jenis_breakdown_recap_good(tmp_path, headers, title, sheet, name):
    path = tmp_path / name
    write_one_jenis(path, headers, [1, 2, 3, 4][: len(headers)], title=title, sheet=sheet)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == len(SAMARINDA)
    assert f.district is not None and f.district.code == "6472"
    assert found(f, ("error", "warning", "info")) == set()  # "#" is the running number


@pytest.mark.parametrize("headers", BREAKDOWNS)
def test_one_jenis_breakdown_recap_bad_total(tmp_path, headers):
    path = tmp_path / "rekap.xlsx"
    lay = write_one_jenis(path, headers, [1, 2, 3, 4][: len(headers)], bad_row=3,
                          title="DATA ANAK TELANTAR KOTA SAMARINDA")
    f = validate(path)
    col = openpyxl.utils.get_column_letter(3 + len(headers))
    total = lay["first"] + len(SAMARINDA)
    assert found(f) == {("REKAP_ROW_TOTAL", f"{col}{lay['first'] + 3}")}
    assert total == lay["first"] + len(SAMARINDA)


def test_breakdown_headers_without_any_jenis_named_are_still_not_unknown_jenis(tmp_path):
    path = tmp_path / "rekap.xlsx"
    write_one_jenis(path, ["<6 Tahun", "6-12 Tahun"], [1, 2], title="REKAP PER KECAMATAN")
    f = validate(path)
    assert not [i for i in f.issues if i.code == "REKAP_JENIS_UNKNOWN"]


def test_file_name_only_title_kk_and_jiwa(tmp_path):
    path = tmp_path / "Fakir Miskin per Kecamatan Samarinda 2024.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kecamatan", "Jumlah KK", "Jumlah Jiwa"])
    for i, name in enumerate(SAMARINDA):
        ws.append([name, 10 + i, 31 + 3 * i])
    wb.save(path)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == len(SAMARINDA) and f.header_row == 1
    assert f.district.code == "6472"
    assert found(f, ("error", "warning", "info")) == set()  # KK and jiwa are not added up
    doc = cli_json(path)
    assert doc["files"][0]["data_rows"] == len(SAMARINDA)


def test_same_table_naming_no_jenis_anywhere_is_still_refused(tmp_path):
    path = tmp_path / "rekap per kecamatan 2024.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kecamatan", "Jumlah KK", "Jumlah Jiwa"])
    for i, name in enumerate(SAMARINDA):
        ws.append([name, 10 + i, 31 + 3 * i])
    wb.save(path)
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(path), "--no-write"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr


# --------------------------------------------------------------------------- portal long form


PORTAL_HEADER = ["id", "kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
                 "nama_kabupaten_kota", "jenis_pmks", "jumlah", "satuan", "tahun"]


def portal_rows(code: object = 6472, name: object = "KOTA SAMARINDA", year: int = 2023,
                n_jenis: int = 18) -> list[list[object]]:
    names = reference.jenis_pmks()["nama"].tolist()[:n_jenis]
    rows = []
    for i, jenis in enumerate(names):
        unit = "KK" if jenis in ("Fakir Miskin", "Keluarga Bermasalah Sosial Psikologis") \
            else "ORANG"
        rows.append([i + 1, 64, "KALIMANTAN TIMUR", code, name, jenis.upper(), 7 * i + 2,
                     unit, year])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_portal_long_form_csv_is_a_recap_one_row_per_jenis(tmp_path):
    path = tmp_path / "jumlah_pmks_kota_samarinda.csv"
    rows = portal_rows(n_jenis=26)
    write_csv(path, PORTAL_HEADER, rows)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == 26
    assert f.district.code == "6472" and f.district.source == "wilayah"
    assert found(f) == set()
    assert f.table.period_hint == "2023"
    doc = cli_json(path)
    assert doc["files"][0]["data_rows"] == 26


def test_portal_long_form_xlsx_with_kategori_and_mixed_satuan(tmp_path):
    path = tmp_path / "data_ppks.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["kode_provinsi", "nama_provinsi", "kode_kabupaten_kota", "nama_kabupaten_kota",
              "tahun", "kategori", "jumlah", "satuan"]
    ws.append(header)
    body = portal_rows(n_jenis=26)[11:]  # 15 jenis, Fakir Miskin and KBSP counted in KK
    assert len(body) == 15
    for r in body:
        ws.append([r[1], r[2], r[3], r[4], r[8], r[5], r[6], r[7]])
    ws.append([64, "KALIMANTAN TIMUR", 6472, "KOTA SAMARINDA", 2023, "FAKIR MISKIN", 120,
               "JIWA"])  # the same jenis in persons: not a duplicate of its KK row
    wb.save(path)
    f = validate(path)
    assert f.data_rows == 16 and found(f) == set()
    assert f.table.period_hint == "2023"
    clean = f.clean
    assert set(clean["satuan"]) == {"ORANG", "KK", "JIWA"}


@pytest.mark.parametrize(("code", "name", "district"), [
    (6472, "KOTA SAMARINDA", "6472"),
    (6404, "KUTAI TIMUR", "6408"),  # BPS code, Kemendagri 6408
    (6408, "KAB. KUTAI TIMUR", "6408"),  # Kemendagri code
    (6402, "KUTAI BARAT", "6407"),  # 6402: Kutai Barat for BPS, Kutai Kartanegara for Kemendagri
    (6402, "KUTAI KARTANEGARA", "6402"),
    (6404, None, "6408"),  # a BPS-only code, no name
    (6407, None, "6407"),  # a Kemendagri-only code, no name
])
def test_portal_district_from_bps_or_kemendagri_code(tmp_path, code, name, district):
    path = tmp_path / "pmks.csv"
    if name is None:
        header = [h for h in PORTAL_HEADER if h != "nama_kabupaten_kota"]
        rows = [[v for k, v in enumerate(r) if k != 4] for r in portal_rows(code, name)]
    else:
        header, rows = PORTAL_HEADER, portal_rows(code, name)
    write_csv(path, header, rows)
    f = validate(path)
    assert f.data_rows == len(rows)
    assert f.district is not None and f.district.code == district
    assert found(f) == set()  # a district's own figures: the other nine are not asked for


@pytest.mark.parametrize("system", ["kode_bps", "kode_dagri"])
def test_province_portal_with_bps_or_kemendagri_codes_only(tmp_path, system):
    bps = reference.bps_kabkota()
    bps = bps[bps["kode_dagri"].str.startswith("64")]
    path = tmp_path / "pmks_kaltim.csv"
    rows = [[code, jenis, 5, "orang", 2022] for code in bps[system]
            for jenis in ("Anak Telantar", "Lanjut Usia Telantar")]
    rows.pop(0)  # the first kab/kota lacks Anak Telantar: coverage is per kab/kota
    write_csv(path, ["kode_kabupaten_kota", "jenis_pmks", "jumlah", "satuan", "tahun"], rows)
    f = validate(path)
    assert f.data_rows == len(rows) and f.district is None
    assert found(f) == set()
    assert f.completeness == {"wilayah": 1.0}
    rows = [r for r in rows if str(r[0]) != str(bps[system].iloc[-1])]  # Bontang left out
    write_csv(path, ["kode_kabupaten_kota", "jenis_pmks", "jumlah", "satuan", "tahun"], rows)
    f = validate(path)
    miss = [i for i in f.issues if i.code == "REKAP_WILAYAH_MISSING"]
    assert [i.params["wilayah"] for i in miss] == ["Kota Bontang"]


def test_portal_long_form_defects(tmp_path):
    path = tmp_path / "pmks.csv"
    rows = portal_rows()
    rows[3][6] = "dua"  # line 5: not a count
    rows[5][5] = "ANAK HILANG"  # line 7: not a jenis PMKS
    rows.append([99, 64, "KALIMANTAN TIMUR", 6472, "KOTA SAMARINDA", rows[0][5], 4, "ORANG",
                 2023])  # the same jenis and satuan twice
    write_csv(path, PORTAL_HEADER, rows)
    f = validate(path)
    assert {(i.code, i.row) for i in f.issues if i.severity.label in ("error", "warning")} == {
        ("REKAP_COUNT_INVALID", 5), ("REKAP_JENIS_UNKNOWN", 7),
        ("REKAP_ROW_DUPLICATE", len(rows) + 1)}


def test_portal_kecamatan_level(tmp_path):
    path = tmp_path / "pmks_kecamatan.csv"
    header = ["kode_kabupaten_kota", "nama_kabupaten_kota", "kode_kecamatan", "nama_kecamatan",
              "jenis_pmks", "jumlah", "satuan", "tahun"]
    kec = reference.kecamatan()
    kec = kec[kec["kode_kabupaten"] == "6472"].sort_values("kode")
    rows = []
    for code, name in zip(kec["kode"], kec["nama"], strict=True):
        for jenis, unit in (("Lanjut Usia Telantar", "orang"), ("Fakir Miskin", "KK")):
            rows.append([6472, "KOTA SAMARINDA", code, name.upper(), jenis, 3, unit, 2024])
    rows.pop()  # the last kecamatan lacks Fakir Miskin: fine; coverage is per kecamatan
    write_csv(path, header, rows)
    f = validate(path)
    assert f.data_rows == len(rows) and f.district.code == "6472"
    assert found(f) == set()
    assert f.completeness == {"wilayah": 1.0}


def test_long_total_row_never_adds_persons_and_families(tmp_path):
    path = tmp_path / "pmks.csv"
    write_csv(path, ["Kecamatan", "Jenis PMKS", "Jumlah", "Satuan"], [
        *[[k, "Fakir Miskin", 2, "KK"] for k in SAMARINDA],
        *[["", "Lanjut Usia Telantar", 3, "Jiwa"] for _ in SAMARINDA[:1]],
        ["Jumlah", "", 2 * len(SAMARINDA), "KK"],  # the KK total: right
        ["Jumlah", "", 999, "Jiwa"],  # the jiwa total: wrong (3)
    ])
    f = validate(path)
    line = 1 + len(SAMARINDA) + 1 + 2
    assert {(i.code, i.row) for i in f.issues if i.severity.label == "error"} == {
        ("REKAP_COLUMN_TOTAL", line)}
    issue = next(i for i in f.issues if i.code == "REKAP_COLUMN_TOTAL")
    assert issue.params["expected"] == 3


# --------------------------------------------------------------------------- no re-open


def test_recap_checks_never_open_the_file_again(tmp_path, monkeypatch):
    from pmkscheck.pipeline import check_table
    from pmkscheck.read.isolate import read_guarded
    from pmkscheck.schema import load_schema

    path = tmp_path / "samarinda_rekap.xlsx"
    lay = write_wide(path, ["Anak Telantar", "Fakir Miskin"], bad_total=True)
    settings = Settings(write=False, reference_date=dt.date(2025, 7, 1))
    result = read_guarded(path, settings)
    path.unlink()  # nothing left to open

    def refuse(*_a, **_k):
        raise AssertionError("the recap path opened the input again")

    monkeypatch.setattr("pmkscheck.read.workbook.Workbook.__init__", refuse)
    monkeypatch.setattr("pmkscheck.read.csvread.read_text", refuse)
    table = result.tables[0]
    report = check_table(table, settings, load_schema("pmks-rekap"), [])
    assert report.data_rows == len(SAMARINDA)
    assert ("REKAP_ROW_TOTAL", f"{lay['total_letter']}{lay['first'] + 2}") in found(report)


def test_portal_rows_per_sex_and_year_are_not_duplicates(tmp_path):
    path = tmp_path / "pmks_samarinda_2021_2023.csv"
    header = ["nama_kabupaten_kota", "tahun", "jenis_pmks", "jenis_kelamin", "jumlah", "satuan"]
    rows = [["Kota Samarinda", year, jenis, sex, "12.0", "orang"]  # a data export's "12.0"
            for year in (2021, 2022, 2023) for jenis in ("Anak Telantar", "Pengemis")
            for sex in ("LAKI-LAKI", "PEREMPUAN")]
    rows.append(["Kota Samarinda", 2023, "Pengemis", "PEREMPUAN", 3, "orang"])  # twice
    write_csv(path, header, rows)
    f = validate(path)
    assert f.data_rows == len(rows)
    assert {(i.code, i.row) for i in f.issues if i.severity.label == "error"} == {
        ("REKAP_ROW_DUPLICATE", len(rows) + 1)}
    assert f.table.period_hint == "2023"


# --------------------------------------------------------------------------- transposed


def write_transposed(path: Path, heads: list[str], *, parent: bool = True,
                     bad_total: bool = False) -> dict:
    """One row per jenis, one column per kecamatan (under a merged "Kecamatan" when
    ``parent``), a Jumlah column and a Jumlah row."""
    jenis = ["Anak Telantar", "Lanjut Usia Telantar", "Fakir Miskin", "Penyandang Disabilitas"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["REKAP PMKS KOTA BONTANG 2024"])
    ws.append([])
    n = len(heads)
    if parent:
        ws.append(["No", "Jenis PMKS", "Kecamatan", *[None] * (n - 1), "Jumlah"])
        ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=2 + n)
        for c in (1, 2, 3 + n):
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
        ws.append([None, None, *heads, None])
    else:
        ws.append(["No", "Jenis PMKS", *heads, "Jumlah"])
    first = ws.max_row + 1
    for i, j in enumerate(jenis):
        values = [(i + k) % 4 for k in range(n)]
        ws.append([i + 1, j, *values, sum(values) + (1 if bad_total and i == 1 else 0)])
    ws.append([None, "Jumlah", *[sum(ws.cell(first + i, c).value for i in range(len(jenis)))
                                 for c in range(3, 4 + n)]])
    wb.save(path)
    return {"header_row": first - 1, "first": first,
            "total_letter": openpyxl.utils.get_column_letter(3 + n)}


BONTANG = kecamatan("6474")


@pytest.mark.parametrize("parent", [True, False])
def test_transposed_recap_jenis_rows_kecamatan_columns(tmp_path, parent):
    path = tmp_path / "rekap_bontang.xlsx"
    write_transposed(path, BONTANG, parent=parent)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == 4
    assert f.district.code == "6474"
    assert found(f, ("error", "warning", "info")) == set()
    assert f.completeness == {"wilayah": 1.0}


def test_transposed_recap_defects_on_header_cells(tmp_path):
    path = tmp_path / "rekap_bontang.xlsx"
    heads = [*BONTANG[:-1], "Samarinda Ulu", "Kecamatan Antah"]  # last one missing
    lay = write_transposed(path, heads, parent=False, bad_total=True)
    f = validate(path)
    h = lay["header_row"]
    assert found(f) == {
        ("REKAP_WILAYAH_OTHER_DISTRICT", f"E{h}"), ("REKAP_WILAYAH_UNKNOWN", f"F{h}"),
        ("REKAP_WILAYAH_MISSING", None),
        ("REKAP_ROW_TOTAL", f"{lay['total_letter']}{lay['first'] + 1}")}
    miss = next(i for i in f.issues if i.code == "REKAP_WILAYAH_MISSING")
    assert miss.params["wilayah"] == BONTANG[-1]


# --------------------------------------------------------------------------- one row per jenis


@pytest.mark.parametrize(("title", "name", "district"), [
    ("REKAPITULASI DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2024", "rekap.xlsx", "6408"),
    (None, "rekap_pmks_kutim_2024.xlsx", "6408"),
    ("REKAP PMKS PROVINSI KALIMANTAN TIMUR", "rekap.xlsx", None),
])
def test_one_row_per_jenis_for_the_whole_district(tmp_path, title, name, district):
    jenis = ["Anak Balita Telantar", "Anak Telantar / AT", "Lansia Terlantar", "Fakir Miskin",
             "Anak Hilang"]
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    ws.append(["No", "Jenis PMKS", "L", "P", "Jumlah"])
    first = ws.max_row + 1
    for i, j in enumerate(jenis):
        ws.append([i + 1, j, i + 1, 2 * i, 3 * i + 1 + (1 if i == 2 else 0)])
    ws.append([None, "Jumlah", 15, 20, 36])
    path = tmp_path / name
    wb.save(path)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == len(jenis)
    assert (f.district.code if f.district else None) == district
    bad = {(i.code, i.cell) for i in f.issues if i.severity.label == "error"}
    unknown = {c for c, _ in bad} & {"REKAP_JENIS_UNKNOWN"}
    assert bad - {("REKAP_JENIS_UNKNOWN", f"B{first + 1}")} == {
        ("REKAP_SEX_SUM", f"E{first + 2}"), ("REKAP_JENIS_UNKNOWN", f"B{first + 4}")}
    assert unknown  # "Anak Hilang" at least; "Anak Telantar / AT" too until the matcher reads it


def test_kk_and_jiwa_columns_are_counts_not_a_person_list(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DATA FAKIR MISKIN KOTA SAMARINDA 2024"])
    ws.append([])
    ws.append(["No", "Kecamatan", "KK", "Jiwa"])
    for i, n in enumerate(SAMARINDA):
        ws.append([i + 1, n, 10 + i, 30 + i])
    path = tmp_path / "rekap.xlsx"
    wb.save(path)
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.data_rows == len(SAMARINDA)
    assert found(f, ("error", "warning", "info")) == set()


def test_one_jenis_age_bands_over_lp(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ANAK TERLANTAR"
    ws.append(["REKAP ANAK TELANTAR KOTA BONTANG"])
    ws.append([])
    ws.append(["No", "Kecamatan", "0-5 Tahun", None, "6-18 Tahun", None, "Jumlah", None, None])
    ws.append([None, None, "L", "P", "L", "P", "L", "P", "L+P"])
    for rng in ("A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:I3"):
        ws.merge_cells(rng)
    for i, n in enumerate(BONTANG):
        ws.append([i + 1, n, 1, 2, 3, 4, 4, 6, 10 + (1 if i == 1 else 0)])
    path = tmp_path / "rekap.xlsx"
    wb.save(path)
    f = validate(path)
    assert f.data_rows == len(BONTANG)
    assert found(f, ("error", "warning", "info")) == {("REKAP_ROW_TOTAL", "I6"),
                                                       ("REKAP_SEX_SUM", "I6")}


@pytest.mark.parametrize("header", ["Jumlah (KK)", "KK (Kepala Keluarga)", "Jml KK"])
def test_family_counts_are_not_added_to_persons(tmp_path, header):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["No", "Kecamatan", "Anak Telantar", "Lanjut Usia Telantar", header, "Jumlah"])
    for i, n in enumerate(BONTANG):
        ws.append([i + 1, n, 2, 3, 40, 5 + (1 if i == 0 else 0)])
    path = tmp_path / "rekap_bontang.xlsx"
    wb.save(path)
    f = validate(path)
    assert found(f) == {("REKAP_ROW_TOTAL", "F2")}  # 2 + 3, the 40 families stay apart
