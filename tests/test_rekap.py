"""Recap tables (issue 7): every shape, every planted defect located by (code, row, cell).

Recaps are written with openpyxl the way offices lay them out (title rows, merged jenis headers
over L | P sub-columns, a Jumlah column group and a Jumlah row); totals are computed from the
cells as written, so each planted defect produces exactly the findings listed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck import reference
from pmkscheck.pipeline import check_paths
from pmkscheck.rekap.counts import parse_count
from pmkscheck.settings import Settings
from pmkscheck.table import column_letter

JENIS = ["Anak Balita Telantar", "Anak Telantar", "Lanjut Usia Telantar", "Fakir Miskin"]
REKAP_CODES = None


def kecamatan(district: str = "6408") -> list[str]:
    kec = reference.kecamatan()
    return kec[kec["kode_kabupaten"] == district].sort_values("kode")["nama"].tolist()


def _num(v: object) -> float | None:
    value, status = parse_count(None if v is None else str(v), "n" if isinstance(v, int) else "s")
    return value if status in ("ok", "empty") else None


def _sum(values: list[object]) -> int:
    nums = [_num(v) for v in values]
    return 0 if any(n is None for n in nums) else int(sum(nums))


def write_wide(path: Path, rows: list[tuple[str, list[object]]], *, jenis: list[str] = JENIS,
               lp: bool = True, jenis_total: bool = False, row_total: bool = True,
               title: str = "REKAP PMKS KABUPATEN KUTAI TIMUR TAHUN 2025",
               wilayah_header: str = "Kecamatan", total_override: dict | None = None) -> dict:
    """A wide recap. ``rows``: (wilayah, one value per count cell of the jenis groups).

    Returns a map with ``row`` (data row numbers), ``total`` (Jumlah row), ``col`` ((jenis
    index or "J", sex) -> letter).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rekap"
    ws["A1"] = title
    sexes = (["L", "P"] + (["Jumlah"] if jenis_total else [])) if lp else [None]
    h1, h2 = 3, 4 if lp else 3
    ws.cell(h1, 1, "No")
    ws.cell(h1, 2, wilayah_header)
    if lp:
        ws.merge_cells(start_row=h1, start_column=1, end_row=h2, end_column=1)
        ws.merge_cells(start_row=h1, start_column=2, end_row=h2, end_column=2)
    col = 3
    cols: dict[tuple[object, str | None], int] = {}
    for j, name in enumerate(jenis):
        ws.cell(h1, col, name)
        if lp:
            ws.merge_cells(start_row=h1, start_column=col, end_row=h1,
                           end_column=col + len(sexes) - 1)
        for k, s in enumerate(sexes):
            if s:
                ws.cell(h2, col + k, s)
            cols[(j, s)] = col + k
        col += len(sexes)
    tot_sexes = (["L", "P", "L+P"] if lp else [None]) if row_total else []
    if row_total:
        ws.cell(h1, col, "Jumlah")
        if lp:
            ws.merge_cells(start_row=h1, start_column=col, end_row=h1, end_column=col + 2)
        for k, s in enumerate(tot_sexes):
            if s:
                ws.cell(h2, col + k, s)
            cols[("J", s)] = col + k
    first = h2 + 1
    n_cells = len(jenis) * len(sexes)
    for i, (name, values) in enumerate(rows):
        r = first + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, name)
        for k, v in enumerate(values[:n_cells]):
            ws.cell(r, 3 + k, v)
        if row_total:
            if lp:
                lsum = _sum([values[cols[(j, "L")] - 3] for j in range(len(jenis))])
                psum = _sum([values[cols[(j, "P")] - 3] for j in range(len(jenis))])
                ws.cell(r, cols[("J", "L")], lsum)
                ws.cell(r, cols[("J", "P")], psum)
                ws.cell(r, cols[("J", "L+P")], lsum + psum)
            else:
                ws.cell(r, cols[("J", None)], _sum(values[:n_cells]))
    total = first + len(rows)
    overrides = total_override or {}
    for (r, c), v in overrides.items():  # planted cell values: the Jumlah row follows them
        if r != total:
            ws.cell(r, c).value = v
    ws.cell(total, 2, "Jumlah")
    for c in range(3, max(cols.values()) + 1):
        ws.cell(total, c, _sum([ws.cell(first + i, c).value for i in range(len(rows))]))
    for (r, c), v in overrides.items():
        if r == total:
            ws.cell(r, c).value = v
    ws.cell(total + 2, 2, "Mengetahui,")
    ws.cell(total + 3, 2, "Kepala Dinas Sosial")
    wb.save(path)
    return {"row": [first + i for i in range(len(rows))], "total": total,
            "col": {k: column_letter(v - 1) for k, v in cols.items()}, "cols": cols}


def validate(path: Path, **kw) -> list:
    settings = Settings(write=False, reference_date=dt.date(2025, 7, 1), **kw)
    report = check_paths([str(path)], settings)
    assert len(report.files) == 1 and not report.files[0].error, report.files[0].error
    return report.files[0]


def triples(f, severities=("error", "warning")) -> set[tuple]:
    return {(i.code, i.row, i.cell) for i in f.issues if i.severity.label in severities}


def clean_rows(names: list[str], n: int, seed: int = 1) -> list[tuple[str, list[object]]]:
    return [(name, [(i * 7 + k * 3 + seed) % 9 for k in range(n)])
            for i, name in enumerate(names)]


# --------------------------------------------------------------------------- wide, district


def test_clean_wide_recap_has_no_findings(tmp_path):
    path = tmp_path / "kutim_rekap.xlsx"
    write_wide(path, clean_rows(kecamatan(), 8))
    f = validate(path)
    assert f.schema == "pmks-rekap"
    assert f.district is not None and f.district.code == "6408"
    assert f.data_rows == 18
    assert triples(f, ("error", "warning", "info")) == set()
    assert f.completeness == {"wilayah": 1.0}


def test_wide_planted_defects_are_each_located(tmp_path):
    names = kecamatan()
    rows = clean_rows(names, 8)
    missing = rows.pop(4)[0]  # one kecamatan left out
    rows.append((rows[2][0], [1] * 8))  # duplicate kecamatan
    rows.append(("Kecamatan Antah Berantah", [0] * 8))  # unknown
    rows.append(("Samarinda Ulu", [0] * 8))  # a kecamatan of Kota Samarinda
    rows[0][1][0] = "dua"
    rows[1][1][1] = "-"
    rows[3][1][2] = "12,5"
    rows[5][1][3] = -3
    rows[6][1][4] = "1.234"  # Indonesian thousands: accepted
    path = tmp_path / "kutim_rekap.xlsx"
    lay = write_wide(path, rows)
    # planted total defects: a Jumlah-row cell and a row's Jumlah (L+P) cell
    total_c = lay["cols"][(3, "L")]
    lay2 = write_wide(path, rows, total_override={
        (lay["total"], total_c): 999, (lay["row"][7], lay["cols"][("J", "L+P")]): 500})
    r, col, tot = lay2["row"], lay2["col"], lay2["total"]
    f = validate(path)
    expected = {
        ("REKAP_COUNT_INVALID", r[0], f"{col[(0, 'L')]}{r[0]}"),
        ("REKAP_COUNT_INVALID", r[1], f"{col[(0, 'P')]}{r[1]}"),
        ("REKAP_COUNT_INVALID", r[3], f"{col[(1, 'L')]}{r[3]}"),
        ("REKAP_COUNT_NEGATIVE", r[5], f"{col[(1, 'P')]}{r[5]}"),
        ("REKAP_COLUMN_TOTAL", tot, f"{col[(3, 'L')]}{tot}"),
        # the row's L+P cell disagrees with both the row's jenis cells and its own L + P
        ("REKAP_ROW_TOTAL", r[7], f"{col[('J', 'L+P')]}{r[7]}"),
        ("REKAP_SEX_SUM", r[7], f"{col[('J', 'L+P')]}{r[7]}"),
        ("REKAP_WILAYAH_DUPLICATE", r[-3], f"B{r[-3]}"),
        ("REKAP_WILAYAH_UNKNOWN", r[-2], f"B{r[-2]}"),
        ("REKAP_WILAYAH_OTHER_DISTRICT", r[-1], f"B{r[-1]}"),
        ("REKAP_WILAYAH_MISSING", None, None),
    }
    assert triples(f) == expected
    miss = [i for i in f.issues if i.code == "REKAP_WILAYAH_MISSING"]
    assert [i.params["wilayah"] for i in miss] == [missing]
    dup = next(i for i in f.issues if i.code == "REKAP_WILAYAH_DUPLICATE")
    assert dup.params["other_row"] == r[2]
    # the Jumlah row's total of the column holding "1.234" counts it as 1234
    other = next(i for i in f.issues if i.code == "REKAP_WILAYAH_OTHER_DISTRICT")
    assert other.params["other_district"] == "Kota Samarinda"


def test_unknown_wilayah_gets_a_suggestion(tmp_path):
    rows = clean_rows(kecamatan(), 8)
    rows[3] = ("Sangata Utaraa", rows[3][1])
    path = tmp_path / "kutim_rekap.xlsx"
    lay = write_wide(path, rows)
    f = validate(path)
    unknown = [i for i in f.issues if i.code == "REKAP_WILAYAH_UNKNOWN"]
    assert [(i.row, i.cell) for i in unknown] == [(lay["row"][3], f"B{lay['row'][3]}")]
    assert "Sangatta Utara" in unknown[0].params["suggestion"]


def test_jenis_headers_variant_unknown_duplicate(tmp_path):
    jenis = ["Anak Balita Terlantar", "Gepeng", "Lansia", "Anak Balita Telantar"]
    path = tmp_path / "kutim_rekap.xlsx"
    write_wide(path, clean_rows(kecamatan(), 8), jenis=jenis)
    f = validate(path)
    found = {(i.code, i.row, i.cell) for i in f.issues if i.code.startswith("REKAP_JENIS")}
    assert found == {("REKAP_JENIS_VARIANT", 3, "C3"), ("REKAP_JENIS_UNKNOWN", 3, "E3"),
                     ("REKAP_JENIS_VARIANT", 3, "G3"), ("REKAP_JENIS_DUPLICATE", 3, "I3")}
    gepeng = next(i for i in f.issues if i.code == "REKAP_JENIS_UNKNOWN")
    assert "Gelandangan" in gepeng.params["suggestions"]


def test_wide_with_jenis_jumlah_subcolumn_sex_sum(tmp_path):
    rows = clean_rows(kecamatan(), 12)
    for _, v in rows:  # each jenis: L, P, Jumlah = L + P
        for j in range(4):
            v[3 * j + 2] = v[3 * j] + v[3 * j + 1]
    rows[2][1][5] = rows[2][1][5] + 1  # jenis 1's Jumlah on the third row
    path = tmp_path / "kutim_rekap.xlsx"
    lay = write_wide(path, rows, jenis_total=True, row_total=False)
    f = validate(path)
    cell = f"{lay['col'][(1, 'Jumlah')]}{lay['row'][2]}"
    assert triples(f) == {("REKAP_SEX_SUM", lay["row"][2], cell)}
    i = next(i for i in f.issues if i.code == "REKAP_SEX_SUM")
    assert i.params["expected"] == rows[2][1][3] + rows[2][1][4]


# --------------------------------------------------------------------------- province


def test_province_recap_missing_and_unknown_kabkota(tmp_path):
    names = [reference.kabupaten_name(c) for c in reference.KALTIM_KABKOTA]
    rows = clean_rows(names[:-1], 4)  # Kota Bontang missing
    rows.append(("Kota Tarakan", [0, 0, 0, 0]))  # Kalimantan Utara since 2012
    path = tmp_path / "rekap_provinsi.xlsx"
    lay = write_wide(path, rows, lp=False, title="REKAP PMKS PROVINSI KALIMANTAN TIMUR",
                     wilayah_header="Kabupaten/Kota")
    f = validate(path)
    assert triples(f) == {("REKAP_WILAYAH_MISSING", None, None),
                          ("REKAP_WILAYAH_UNKNOWN", lay["row"][-1], f"B{lay['row'][-1]}")}
    miss = next(i for i in f.issues if i.code == "REKAP_WILAYAH_MISSING")
    assert miss.params["wilayah"] == "Kota Bontang"
    assert f.district is None


# --------------------------------------------------------------------------- long


def write_long(path: Path, rows: list[tuple[str | None, str, object, object, object]]) -> dict:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["REKAP PMKS KABUPATEN KUTAI TIMUR"])
    ws.append([])
    ws.append(["No", "Kecamatan", "Jenis PMKS", "L", "P", "Jumlah"])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    last = 3 + len(rows)
    ws.append([None, "Jumlah", None, *[_sum([ws.cell(r, c).value for r in range(4, last + 1)])
                                       for c in (4, 5, 6)]])
    wb.save(path)
    return {"row": list(range(4, last + 1)), "total": last + 1}


def test_long_recap_clean_and_defects(tmp_path):
    rows = []
    for i, name in enumerate(kecamatan()):
        for k, jenis in enumerate(JENIS[:2]):
            males, females = (i + k) % 5, (2 * i + k) % 4
            rows.append((name if k == 0 else None, jenis, males, females, males + females))
    path = tmp_path / "kutim_rekap_long.xlsx"
    write_long(path, rows)
    assert triples(validate(path), ("error", "warning", "info")) == set()
    rows[4] = (rows[4][0], rows[4][1], 3, 4, 8)  # L + P != Jumlah
    rows[7] = (rows[7][0], "Anak Hilang", *rows[7][2:])  # not a jenis PMKS
    rows.append((rows[0][0], rows[0][1], 0, 0, 0))  # the same kecamatan x jenis again
    lay = write_long(path, rows)
    r = lay["row"]
    f = validate(path)
    assert triples(f) == {("REKAP_SEX_SUM", r[4], f"F{r[4]}"),
                          ("REKAP_JENIS_UNKNOWN", r[7], f"C{r[7]}"),
                          ("REKAP_ROW_DUPLICATE", r[-1], f"B{r[-1]}")}


# --------------------------------------------------------------------------- compare


def test_compare_with_person_list(tmp_path):
    from sample_data.synth import people, write_xlsx

    recs, _ = people(60, district="6408", seed=5, defects=0, jenis=JENIS)
    person = tmp_path / "kutim_pmks.xlsx"
    write_xlsx(person, recs, layout="plain")
    names = kecamatan()
    codes = dict(zip(names, reference.kecamatan().set_index("nama").loc[names, "kode"],
                     strict=True))
    rows = []
    for name in names:
        values = []
        for j in JENIS:
            for s in ("L", "P"):
                values.append(sum(1 for x in recs if x["_kec"] == codes[name]
                                  and x["_jenis"] == j and x["_sex"] == s))
        rows.append((name, values))
    rows[0][1][0] += 2  # two people more than the list has
    path = tmp_path / "kutim_rekap.xlsx"
    lay = write_wide(path, rows)
    f = validate(path, compare_with=person)
    found = {(i.code, i.row, i.cell) for i in f.issues if i.code == "REKAP_COMPARE_MISMATCH"}
    assert found == {("REKAP_COMPARE_MISMATCH", lay["row"][0], f"C{lay['row'][0]}")}


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(("text", "kind", "value", "status"), [
    ("12", "s", 12, "ok"), ("1.234", "s", 1234, "ok"), ("1.234.567", "s", 1234567, "ok"),
    ("7", "n", 7, "ok"), (None, "", 0, "empty"),
    ("dua", "s", None, "invalid"), ("-", "s", None, "invalid"), ("12,5", "s", None, "invalid"),
    ("12.5", "s", None, "invalid"), ("12.5", "n", None, "invalid"),
    ("-3", "n", None, "negative"), ("-3", "s", None, "negative"), (None, "f", None, "formula"),
])
def test_parse_count(text, kind, value, status):
    got, why = parse_count(text, kind)
    assert why == status
    assert (got == value) if value is not None else got != got


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_round_trip(n):
    assert parse_count(f"{n:,}".replace(",", "."), "s") == (float(n), "ok")
    assert parse_count(str(n), "n") == (float(n), "ok")


def test_long_recap_as_csv_with_thousands(tmp_path):
    import csv

    names = kecamatan("6474")
    path = tmp_path / "rekap_bontang.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerows([["REKAP PMKS KOTA BONTANG"], [], ["Kecamatan", "Jenis PMKS", "L", "P",
                                                       "Jumlah"]])
        for n in names:
            w.writerow([n, "Fakir Miskin", "1.200", "3", "1.203"])
            w.writerow(["", "Lanjut Usia Telantar", "2", "2", "4"])
        w.writerow(["Jumlah", "", 1202 * len(names), 5 * len(names), 1207 * len(names) + 1])
    f = validate(path)
    assert f.schema == "pmks-rekap" and f.district.code == "6474"
    line = 3 + 2 * len(names) + 1
    assert triples(f) == {("REKAP_COLUMN_TOTAL", line, None)}  # CSV: line number, no cell
    assert next(i for i in f.issues if i.code == "REKAP_COLUMN_TOTAL").field == "jumlah"


def test_wide_recap_without_sex_columns_or_number_column(tmp_path):
    names = kecamatan("6474")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kecamatan", "Anak Telantar", "Fakir Miskin", "Jumlah"])
    for n in names:
        ws.append([n, 1, 2, 3])
    ws.append(["Total", len(names), 2 * len(names), 3 * len(names) + 2])
    ws.cell(3, 4, 4)  # second kecamatan: 1 + 2 != 4
    path = tmp_path / "bontang_rekap.xlsx"
    wb.save(path)
    f = validate(path)
    total = 2 + len(names)
    assert triples(f) == {("REKAP_ROW_TOTAL", 3, "D3"), ("REKAP_COLUMN_TOTAL", total,
                                                          f"D{total}")}


def test_cleaned_recap_and_empty_total_cell(tmp_path):
    rows = clean_rows(kecamatan(), 8)
    path = tmp_path / "kutim_rekap.xlsx"
    lay = write_wide(path, rows, total_override={(23, 3): None})  # Jumlah row C23 left empty
    settings = Settings(output_dir=tmp_path / "out", reference_date=dt.date(2025, 7, 1))
    f = check_paths([str(path)], settings).files[0]
    issue = next(i for i in f.issues if i.code == "REKAP_COLUMN_TOTAL")
    assert (issue.row, issue.cell, issue.params["value"]) == (lay["total"], "C23", "0")
    wb = openpyxl.load_workbook(f.outputs["clean"])
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["source_row", "wilayah", "kode_wilayah", "Anak Balita Telantar / L"]
    assert [c.value for c in ws[2]][:4] == [5, kecamatan()[0], "640801", rows[0][1][0]]
    assert ws.max_row == 1 + 18
