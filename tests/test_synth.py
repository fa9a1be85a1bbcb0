"""The synthetic-data generator (sample_data/synth.py): invariants of clean records, exactly one
planted defect per defect record, and written files that read back at the declared rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sample_data import synth  # noqa: E402

DISTRICTS = ["6401", "6402", "6403", "6407", "6408", "6409", "6411", "6471", "6472", "6474"]

# Official bands (Permensos 8/2012, inclusive completed years) and the legacy Dinsos bands.
BANDS = {
    "Anak Balita Telantar": (0, 5), "Anak Telantar": (6, 18),
    "Anak yang Berhadapan dengan Hukum": (12, 17), "Anak Jalanan": (0, 17),
    "Anak dengan Kedisabilitasan": (0, 17),
    "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah": (0, 17),
    "Anak yang Memerlukan Perlindungan Khusus": (6, 18), "Lanjut Usia Telantar": (60, 150),
    "Bekas Warga Binaan Lembaga Pemasyarakatan": (19, 150),
    "Perempuan Rawan Sosial Ekonomi": (18, 59),
}
LEGACY = {"Anak Balita Telantar": (0, 4), "Anak Telantar": (5, 17), "Anak Jalanan": (5, 17)}

_MONTHS = {m: i + 1 for i, m in enumerate(synth.BULAN)}


def parse_written_date(v: object) -> dt.date:
    """The generator's date styles, read back (day first, never month first)."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{2})[-/](\d{2})[-/](\d{4})", s):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", s):
        return dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    raise ValueError(s)


def nik_birth(nik: str) -> tuple[int, int, int, str]:
    """(day, month, yy, sex) encoded in a NIK."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    return (day - 40, month, yy, "P") if day > 40 else (day, month, yy, "L")


def assert_clean(rec: dict, dist: synth.District, other_prefixes: tuple[str, ...] = ()) -> None:
    nik = rec["nik"]
    assert isinstance(nik, str) and re.fullmatch(r"\d{16}", nik), nik
    assert nik == rec["_nik"]
    assert nik[:6] in dist.kecamatan or nik[:6] in other_prefixes
    assert nik[12:] != "0000"
    day, month, yy, sex = nik_birth(nik)
    birth = rec["_birth"]
    assert (day, month, yy) == (birth.day, birth.month, birth.year % 100)
    assert sex == rec["_sex"] == rec["jenis_kelamin"]
    assert parse_written_date(rec["tanggal_lahir"]) == birth
    assert birth <= synth.REF_DATE
    kk = rec["no_kk"]
    assert re.fullmatch(r"\d{16}", kk) and kk[:6] in dist.kecamatan and kk[12:] != "0000"
    assert dt.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8])) <= synth.REF_DATE
    # wilayah: names as in the reference, desa inside its kecamatan
    assert rec["kecamatan"] == dist.kecamatan[rec["_kec"]]
    assert (rec["_desa"], rec["desa"]) in dist.desa[rec["_kec"]]
    assert rec["jenis_pmks"] == rec["_jenis"] and rec["jenis_pmks"] in synth.JENIS
    for when in (synth.REF_DATE, synth.REF_DATE.replace(year=synth.REF_DATE.year + 2)):
        age = synth.age_at(birth, when)
        for bands in (BANDS, LEGACY):
            lo, hi = bands.get(rec["_jenis"], (0, 150))
            assert lo <= age <= hi, (rec["_jenis"], age, when)
    if rec["_jenis"] == "Perempuan Rawan Sosial Ekonomi":
        assert rec["_sex"] == "P"
    assert rec["nama"] and re.fullmatch(r"[A-Za-z' ]+", rec["nama"]) and len(rec["nama"]) >= 3
    for key in ("rt", "rw"):
        assert rec[key] is None or re.fullmatch(r"\d{1,3}", rec[key])
        assert rec[key] is None or int(rec[key]) > 0


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kutim() -> tuple[list[dict], list[synth.Expected]]:
    return synth.people(3000, "6408", seed=7, defects=0.1)


def test_clean_records_are_valid_and_consistent(kutim) -> None:
    recs, _ = kutim
    dist = synth.district("6408")
    clean = [r for r in recs if r["_defect"] is None]
    assert len(clean) > 2500
    for rec in clean:
        assert_clean(rec, dist)
    niks = [r["nik"] for r in clean]
    assert len(set(niks)) == len(niks)


def test_every_defect_record_has_exactly_one_expected(kutim) -> None:
    recs, expected = kutim
    by_row = Counter(e.row_index for e in expected)
    assert all(n == 1 for n in by_row.values())
    defect_rows = {r["_index"] for r in recs if r["_defect"] is not None}
    assert set(by_row) == defect_rows
    for e in expected:
        assert (e.code, e.field) == synth.DEFECTS[recs[e.row_index]["_defect"]]
    # rotation: a 10% rate over 3000 records plants every kind, evenly
    counts = Counter(e.code for e in expected)
    assert set(counts) == {c for c, _ in synth.DEFECTS.values()}
    assert max(counts.values()) <= 3 * min(counts.values())
    assert 0.07 < len(expected) / len(recs) < 0.13


def _planted(recs: list[dict], expected: list[synth.Expected], code: str) -> list[dict]:
    return [recs[e.row_index] for e in expected if e.code == code]


# What each planted defect looks like in the record (and that the rest of the record is intact).
DEFECT_SHAPES = {
    "NIK_EXCEL_NUMBER": lambda r: (
        isinstance(r["nik"], int) and str(r["nik"])[:15] == r["_nik"][:15]
        and str(r["nik"]).endswith("0") and r["_nik"][12:15] != "000"
    ) or (isinstance(r["nik"], str) and re.fullmatch(r"\d[,.]\d{5}E\+15", r["nik"]) is not None
          and abs(float(r["nik"].replace(",", ".")) - int(r["_nik"])) <= 5e9),
    "NIK_LENGTH": lambda r: len(r["nik"]) in (15, 17) and r["nik"][:15] == r["_nik"][:15],
    "NIK_BIRTHDATE_INVALID": lambda r: r["nik"][8:10] == "13",
    "NIK_SERIAL_ZERO": lambda r: r["nik"][12:] == "0000" and r["nik"][:12] == r["_nik"][:12],
    "NIK_BIRTHDATE_MISMATCH": lambda r: r["nik"] == r["_nik"]
    and parse_written_date(r["tanggal_lahir"]) != r["_birth"]
    and nik_birth(r["nik"])[3] == r["jenis_kelamin"],
    "NIK_SEX_MISMATCH": lambda r: nik_birth(r["nik"])[3] != r["jenis_kelamin"]
    and nik_birth(r["nik"])[:3] == (r["_birth"].day, r["_birth"].month, r["_birth"].year % 100)
    and parse_written_date(r["tanggal_lahir"]) == r["_birth"],
    "NIK_MISSING": lambda r: r["nik"] is None and r["_jenis"] not in synth.UNDOCUMENTED_JENIS,
    "NIK_MISSING_UNDOCUMENTED": lambda r: r["nik"] is None
    and r["jenis_pmks"] in synth.UNDOCUMENTED_JENIS,
    "KK_LENGTH": lambda r: len(r["no_kk"]) == 15,
    "DATE_INVALID": lambda r: _invalid_date(r["tanggal_lahir"]),
    "DATE_FUTURE": lambda r: parse_written_date(r["tanggal_lahir"]) > dt.date(2030, 1, 1),
    "SEX_INVALID": lambda r: r["jenis_kelamin"] not in ("L", "P")
    and r["_jenis"] != "Perempuan Rawan Sosial Ekonomi",
    "JENIS_UNKNOWN": lambda r: r["jenis_pmks"] not in synth.JENIS,
    "JENIS_VARIANT": lambda r: r["jenis_pmks"] in synth.JENIS_VARIANTS[r["_jenis"]],
    "JENIS_AGE_MISMATCH": lambda r: not (
        BANDS[r["jenis_pmks"]][0] - 3 <= synth.age_at(r["_birth"]) <= BANDS[r["jenis_pmks"]][1] + 3)
    and nik_birth(r["nik"])[:3] == (r["_birth"].day, r["_birth"].month, r["_birth"].year % 100),
    "JENIS_SEX_MISMATCH": lambda r: r["jenis_pmks"] == "Perempuan Rawan Sosial Ekonomi"
    and r["jenis_kelamin"] == "L" and nik_birth(r["nik"])[3] == "L"
    and 18 < synth.age_at(r["_birth"]) < 59,
    "WILAYAH_KECAMATAN_UNKNOWN": lambda r: r["kecamatan"] not in
    synth.district(r["_kec"][:4]).kecamatan.values(),
    "WILAYAH_DESA_NOT_IN_KECAMATAN": lambda r: r["desa"] not in
    {n for _, n in synth.district(r["_kec"][:4]).desa[r["_kec"]]}
    and any(r["desa"] in {n for _, n in lst}
            for lst in synth.district(r["_kec"][:4]).desa.values()),
    "NAME_PLACEHOLDER": lambda r: r["nama"] == "-",
    "VALUE_MISSING": lambda r: r["nama"] is None,
    "RT_RW_INVALID": lambda r: not re.fullmatch(r"\d{1,3}", r["rt"]),
}


def _invalid_date(v: object) -> bool:
    try:
        parse_written_date(v)
    except ValueError:
        return True
    return False


def test_defect_catalogue_is_covered_by_shapes() -> None:
    assert set(DEFECT_SHAPES) | {"NIK_DUPLICATE"} == {c for c, _ in synth.DEFECTS.values()}


@pytest.mark.parametrize("code", sorted(DEFECT_SHAPES))
def test_planted_defect_has_its_shape(kutim, code: str) -> None:
    recs, expected = kutim
    planted = _planted(recs, expected, code)
    assert planted, code
    for rec in planted:
        assert DEFECT_SHAPES[code](rec), (code, {k: v for k, v in rec.items() if k != "_loc"})


def test_nik_duplicate_copies_a_clean_person(kutim) -> None:
    recs, expected = kutim
    dups = [e for e in expected if e.code == "NIK_DUPLICATE"]
    assert dups
    for e in dups:
        rec, src = recs[e.row_index], recs[e.related]
        assert e.related < e.row_index and src["_defect"] is None
        assert rec["nik"] == src["nik"] and rec["jenis_pmks"] == src["jenis_pmks"]
        assert rec["_birth"] == src["_birth"] and rec["jenis_kelamin"] == src["jenis_kelamin"]
        assert parse_written_date(rec["tanggal_lahir"]) == rec["_birth"]


def test_defects_touch_only_their_field(kutim) -> None:
    """Wilayah, RT, name and KK defects leave the rest of the record clean."""
    recs, expected = kutim
    dist = synth.district("6408")
    for e in expected:
        rec = recs[e.row_index]
        if e.field in ("desa", "kecamatan", "rt", "nama") or e.code == "KK_LENGTH":
            clean = dict(rec)
            clean.update(kecamatan=dist.kecamatan[rec["_kec"]], desa=rec["_desa_name"],
                         rt=rec["_loc"][4], nama=rec["nama"] or "Pengganti",
                         no_kk=rec["_kk"])
            if clean["nama"] == "-":
                clean["nama"] = "Pengganti"
            assert_clean(clean, dist)


def test_same_seed_same_records() -> None:
    a = synth.people(200, "6472", seed=3, defects=0.2)
    b = synth.people(200, "6472", seed=3, defects=0.2)
    c = synth.people(200, "6472", seed=4, defects=0.2)
    assert a == b
    assert a[0] != c[0]


def test_fixed_jenis_plants_no_jenis_column_defect() -> None:
    recs, expected = synth.people(600, "6472", seed=5, defects=0.3, jenis=synth.LUT)
    assert {r["_jenis"] for r in recs} == {synth.LUT}
    assert all(r["jenis_pmks"] == synth.LUT for r in recs)
    codes = {e.code for e in expected}
    assert not codes & {"JENIS_UNKNOWN", "JENIS_VARIANT", "JENIS_SEX_MISMATCH"}
    assert "JENIS_AGE_MISMATCH" in codes
    with pytest.raises(ValueError):
        synth.people(1, "6472", jenis="Lansia Terlantar")


def test_kinds_restricts_planted_defects() -> None:
    recs, expected = synth.people(300, "6474", seed=1, defects=0.5,
                                  kinds=["nik_length", "kk_length"])
    assert {e.code for e in expected} == {"NIK_LENGTH", "KK_LENGTH"}
    with pytest.raises(ValueError):
        synth.people(1, "6474", kinds=["no_such_defect"])


def test_make_nik_and_kk() -> None:
    assert synth.make_nik("640801", dt.date(1975, 8, 17), "P", 3) == "6408015708750003"
    assert synth.make_nik("640801", dt.date(1975, 8, 17), "L", 3) == "6408011708750003"
    assert synth.make_kk("647201", dt.date(2012, 3, 9), 45) == "6472010903120045"
    assert synth.age_at(dt.date(1965, 7, 2), dt.date(2025, 7, 1)) == 59
    assert synth.age_at(dt.date(1965, 7, 1), dt.date(2025, 7, 1)) == 60


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DISTRICTS), st.integers(0, 10**6),
       st.sampled_from([None, synth.LUT, synth.PRSE, "Fakir Miskin", synth.ABT]))
def test_clean_records_any_district_any_seed(code: str, seed: int, jenis: str | None) -> None:
    recs, expected = synth.people(40, code, seed=seed, jenis=jenis)
    assert expected == []
    dist = synth.district(code)
    for rec in recs:
        assert_clean(rec, dist)


def test_reference_counts() -> None:
    assert sum(len(synth.district(c).kecamatan) for c in DISTRICTS) == 105
    assert sum(len(v) for c in DISTRICTS for v in synth.district(c).desa.values()) == 1038
    with pytest.raises(ValueError):
        synth.district("6404")


# --------------------------------------------------------------------------------------------
# written files
# --------------------------------------------------------------------------------------------


def _col(layout: synth.Layout, field: str) -> int:
    return [f for f, _ in layout.columns].index(field) + 1


@pytest.mark.parametrize("layout", ["plain", "office", "office_split", "dtks"])
def test_xlsx_reads_back_at_declared_rows(tmp_path: Path, layout: str) -> None:
    jenis = synth.LUT if layout == "dtks" else None
    recs, expected = synth.people(150, "6408", seed=9, defects=0.2, jenis=jenis)
    written = synth.write_xlsx(tmp_path / "t.xlsx", recs, layout)
    lay = synth.LAYOUTS[layout]
    ws = openpyxl.load_workbook(written.path).active
    assert ws.title == lay.sheet_name
    c_nik, c_nama = _col(lay, "nik"), _col(lay, "nama")
    assert len(set(written.rows)) == len(recs)
    assert min(written.rows) > written.header_row
    for rec, row in zip(recs, written.rows, strict=True):
        cell = ws.cell(row, c_nik)
        if isinstance(rec["nik"], int):
            assert cell.data_type == "n" and int(cell.value) == rec["nik"]
        elif rec["nik"] is None:
            assert cell.value is None
        else:
            assert cell.data_type == "s" and cell.value == rec["nik"]
        nama = ws.cell(row, c_nama).value
        assert (nama or "").casefold() == (rec["nama"] or "").casefold()
        if "tanggal_lahir" in dict(lay.columns):
            value = ws.cell(row, _col(lay, "tanggal_lahir")).value
            if isinstance(rec["tanggal_lahir"], dt.date):
                assert value.date() == rec["tanggal_lahir"]
            else:
                assert value == rec["tanggal_lahir"]
    # header cells where the layout says
    headers = dict(lay.columns)
    top = written.header_row - (1 if lay.group else 0)  # merged vertically: value in the top cell
    assert ws.cell(top, c_nik).value == headers["nik"]
    # planted rows map to the declared spreadsheet rows
    for item in synth.expected_rows(expected, written.rows):
        assert written.header_row < item["row"] <= ws.max_row


def test_office_layout_structure(tmp_path: Path) -> None:
    recs, _ = synth.people(60, "6408", seed=2, defects=0.0)
    written = synth.write_xlsx(tmp_path / "o.xlsx", recs, "office")
    ws = openpyxl.load_workbook(written.path).active
    assert ws["A1"].value == "DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2025"
    assert written.header_row == 5
    assert ws.cell(4, 7).value == "ALAMAT" and ws.cell(5, 7).value == "Jalan"
    assert "G4:K4" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(6, c).value for c in range(1, 4)] == [1, 2, 3]  # column numbers
    # section rows sit right above the first record of each jenis
    first = {}
    for rec, row in zip(recs, written.rows, strict=True):
        first[rec["_jenis"]] = min(first.get(rec["_jenis"], 10**9), row)
    for jenis, row in first.items():
        assert ws.cell(row - 1, 1).value.endswith(jenis.upper())
    last = max(written.rows)
    assert ws.cell(last + 1, 1).value == "JUMLAH"
    texts = [c.value for r in ws.iter_rows(min_row=last + 2) for c in r if c.value]
    assert texts[0].startswith("Sangatta, ") and texts[-1].startswith("NIP. ")
    ttl = ws.cell(written.rows[0], 6).value
    assert ttl.startswith(recs[0]["tempat_lahir"] + ", ")


def test_workbook_with_hidden_sheet(tmp_path: Path) -> None:
    a, _ = synth.people(20, "6472", seed=1, jenis=synth.LUT)
    b, _ = synth.people(10, "6472", seed=2, jenis=synth.LUT)
    ws = synth.write_workbook(tmp_path / "w.xlsx", [
        synth.Sheet(a, "dtks", "LANSIA TERLANTAR", jenis=synth.LUT),
        synth.Sheet(b, "dtks", "Lama", hidden=True)])
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert wb.sheetnames == ["LANSIA TERLANTAR", "Lama"]
    assert wb["Lama"].sheet_state == "hidden"
    assert "Jenis PMKS" not in [c.value for c in wb["LANSIA TERLANTAR"][ws[0].header_row]]
    assert wb["LANSIA TERLANTAR"].cell(ws[0].rows[3], 3).value == a[3]["nik"]


def test_csv_reads_back_at_declared_lines(tmp_path: Path) -> None:
    recs, expected = synth.people(120, "6471", seed=4, defects=0.3,
                                  kinds=["nik_excel_number", "nik_length", "date_invalid"])
    written = synth.write_csv(tmp_path / "t.csv", recs)
    raw = (tmp_path / "t.csv").read_bytes()
    assert b"\r\n" in raw
    lines = raw.decode("cp1252").split("\r\n")
    header = next(csv.reader([lines[written.header_row - 1]], delimiter=";"))
    assert header[1] == "NIK"
    for rec, line_no in zip(recs, written.rows, strict=True):
        cells = next(csv.reader([lines[line_no - 1]], delimiter=";"))
        if isinstance(rec["nik"], int):
            assert re.fullmatch(r"6,47\d{3}E\+15", cells[1])
        else:
            assert cells[1] == (rec["nik"] or "")
        assert cells[3] == (rec["nama"] or "")
        assert parse_written_date(cells[6]) == parse_written_date(rec["tanggal_lahir"]) \
            if not _invalid_date(rec["tanggal_lahir"]) else cells[6] == rec["tanggal_lahir"]
    assert {e.code for e in expected} == {"NIK_EXCEL_NUMBER", "NIK_LENGTH", "DATE_INVALID"}


def test_ods_reads_back_at_declared_rows(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    recs, _ = synth.people(30, "6401", seed=8, defects=0.3)
    written = synth.write_ods(tmp_path / "t.ods", [synth.Sheet(recs, "office_split")])[0]
    rows = CalamineWorkbook.from_path(str(tmp_path / "t.ods")).get_sheet_by_name(
        written.sheet).to_python(skip_empty_area=False)
    lay = synth.LAYOUTS["office_split"]
    assert rows[written.header_row - 2][_col(lay, "tempat_lahir") - 1] == "Tempat/Tgl Lahir"
    assert rows[written.header_row - 1][_col(lay, "tanggal_lahir") - 1] == "Tanggal"
    for rec, row in zip(recs, written.rows, strict=True):
        got = rows[row - 1][_col(lay, "nik") - 1]
        if isinstance(rec["nik"], int):
            assert int(got) == rec["nik"]
        else:
            assert got == (rec["nik"] or "")


# --------------------------------------------------------------------------------------------
# shipped samples
# --------------------------------------------------------------------------------------------


def test_shipped_samples_match_the_generator(tmp_path: Path, monkeypatch) -> None:
    """``make_samples.py`` output equals what is committed (expected JSON and the planted cells)."""
    import importlib

    sys.path.insert(0, str(ROOT / "sample_data"))
    make_samples = importlib.import_module("make_samples")
    monkeypatch.setattr(make_samples, "HERE", tmp_path)
    make_samples.main([])
    shipped = ROOT / "sample_data" / "expected"
    for fresh in sorted((tmp_path / "expected").glob("*.json")):
        assert json.loads(fresh.read_text()) == json.loads((shipped / fresh.name).read_text()), \
            f"{fresh.name}: run python sample_data/make_samples.py and commit"
    for name in ("kutim_pmks_2025.xlsx", "samarinda_lansia_dtks.xlsx", "bontang_pmks_bersih.xlsx",
                 "balikpapan_pmks.csv", "paser_pmks.ods"):
        assert (ROOT / "sample_data" / name).stat().st_size < 200 * 1024


def test_kutim_sample_plants_every_code() -> None:
    from sample_data import planted

    codes = {code for _, _, code, _ in planted("kutim_pmks_2025.xlsx")}
    assert codes == {c for c, _ in synth.DEFECTS.values()}
    assert planted("bontang_pmks_bersih.xlsx") == set()
    wb = openpyxl.load_workbook(ROOT / "sample_data" / "kutim_pmks_2025.xlsx")
    ws = wb.active
    for _, row, code, _ in planted("kutim_pmks_2025.xlsx"):
        if code == "NIK_EXCEL_NUMBER":
            cell = ws.cell(row, 2)
            assert cell.data_type == "n" or re.fullmatch(r"6[,.]408\d\dE\+15", cell.value)
        elif code in ("NIK_MISSING", "NIK_MISSING_UNDOCUMENTED"):
            assert ws.cell(row, 2).value is None
        else:
            assert ws.cell(row, 2).data_type == "s"


@pytest.mark.parametrize("layout", ["plain", "office", "dtks"])
def test_raw_engine_writes_the_same_cells(tmp_path: Path, layout: str) -> None:
    from python_calamine import CalamineWorkbook

    jenis = synth.LUT if layout == "dtks" else None
    recs, _ = synth.people(120, "6472", seed=6, defects=0.3, jenis=jenis)
    a = synth.write_xlsx(tmp_path / "a.xlsx", recs, layout)
    b = synth.write_xlsx(tmp_path / "b.xlsx", recs, layout, engine="raw")
    assert a.rows == b.rows and a.header_row == b.header_row

    def cells(p: Path) -> list:
        return CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python(
            skip_empty_area=False)

    assert cells(a.path) == cells(b.path)
    wa, wb = (openpyxl.load_workbook(p).active for p in (a.path, b.path))
    assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb.merged_cells.ranges))
    assert wa.freeze_panes == wb.freeze_panes
    for rec, row in zip(recs, b.rows, strict=True):
        cell = wb.cell(row, _col(synth.LAYOUTS[layout], "nik"))
        assert cell.data_type == ("n" if isinstance(rec["nik"], int) else "s" if rec["nik"]
                                  else "n")
        if isinstance(rec["nik"], str):
            assert cell.number_format == "@"


def test_raw_engine_hidden_sheet(tmp_path: Path) -> None:
    a, _ = synth.people(5, "6474", seed=1)
    synth.write_workbook(tmp_path / "h.xlsx", [synth.Sheet(a, "plain", "Data & Info"),
                                               synth.Sheet(a, "plain", "Lama", hidden=True)],
                         engine="raw")
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    assert wb.sheetnames == ["Data & Info", "Lama"]
    assert wb["Lama"].sheet_state == "hidden"
    with pytest.raises(ValueError):
        synth.write_workbook(tmp_path / "x.xlsx", [synth.Sheet(a)], engine="nope")


def _canonical(rec: dict, dist: synth.District) -> dict:
    """Undo the cosmetic noise the way a checker's normalisers would."""
    out = dict(rec)
    out["nik"] = re.sub(r"\D", "", rec["nik"])
    out["nama"] = " ".join(rec["nama"].split())
    out["jenis_kelamin"] = rec["jenis_kelamin"].upper()
    official = {j.casefold(): j for j in synth.JENIS}
    out["jenis_pmks"] = official[rec["jenis_pmks"].casefold()]
    kec = re.sub(r"^(kec\.|kecamatan)\s+", "", rec["kecamatan"], flags=re.I)
    out["kecamatan"] = {n.casefold(): n for n in dist.kecamatan.values()}[kec.casefold()]
    desa = re.sub(r"^(kel\.|kelurahan|desa|ds\.)\s+", "", rec["desa"], flags=re.I)
    out["desa"] = {n.casefold(): n for _, n in dist.desa[rec["_kec"]]}[desa.casefold()]
    t = rec["tanggal_lahir"]
    if isinstance(t, str):
        short = {m.casefold(): i + 1 for i, m in enumerate(
            ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"])}
        if m := re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", t):
            out["tanggal_lahir"] = f"{m[1]}-{m[2]}-{m[3]}"
        elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", t):
            month = short.get(m[2].casefold()) or _MONTHS[m[2].capitalize()]
            out["tanggal_lahir"] = f"{int(m[1]):02d}-{month:02d}-{m[3]}"
    return out


def test_noise_is_cosmetic_only() -> None:
    recs, expected = synth.people(800, "6402", seed=21, noise=1.0)
    assert expected == []
    dist = synth.district("6402")
    assert {r["_noise"] for r in recs} == set(synth.NOISE)
    changed = 0
    for rec in recs:
        canon = _canonical(rec, dist)
        changed += canon != rec
        assert_clean(canon, dist, other_prefixes=tuple(synth._MIGRANT_PREFIX))
        assert canon["nik"] == rec["_nik"]
    migrants = [r for r in recs if r["_noise"] == "nik_migrant"]
    assert migrants and all(r["nik"][:2] != "64" for r in migrants)
    niks = [r["_nik"] for r in recs]
    assert len(set(niks)) == len(niks)
    assert changed > 700
    clean, _ = synth.people(50, "6402", seed=21)
    assert all(r["_noise"] is None for r in clean)


def test_corpus_writes_one_file_per_district(tmp_path: Path) -> None:
    import importlib

    sys.path.insert(0, str(ROOT / "sample_data"))
    make_samples = importlib.import_module("make_samples")
    files = make_samples.corpus(tmp_path, rows=60, defects=0.3, noise=0.3)
    assert len(files) == 10 and {p.suffix for p in files} == {".xlsx", ".csv", ".ods"}
    for p in files:
        doc = json.loads((tmp_path / "expected" / f"{p.name}.json").read_text())
        sheet = doc["sheets"][0]
        assert sheet["data_rows"] == 60 and sheet["planted"]
        rows = [e["row"] for e in sheet["planted"]]
        assert all(sheet["first_data_row"] <= r <= sheet["last_data_row"] for r in rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DISTRICTS), st.integers(0, 10**6), st.sampled_from([None, synth.LUT]))
def test_defects_any_district_any_seed(code: str, seed: int, jenis: str | None) -> None:
    recs, expected = synth.people(80, code, seed=seed, defects=0.5, jenis=jenis)
    assert len({e.row_index for e in expected}) == len(expected)
    assert {e.row_index for e in expected} == {r["_index"] for r in recs if r["_defect"]}
    dist = synth.district(code)
    for e in expected:
        rec = recs[e.row_index]
        if e.code != "NIK_DUPLICATE":
            assert DEFECT_SHAPES[e.code](rec), (e.code, rec["_index"])
    for rec in recs:
        if rec["_defect"] is None:
            assert_clean(rec, dist)
