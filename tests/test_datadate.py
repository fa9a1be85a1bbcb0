"""The data date (issue 17): ages are measured at the date the list describes, not the day of the
check. Parser tables for title rows and file names; the order option > config > title > file name
> today; end to end through the CLI, with the JSON ``data_date`` block and every report stating it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import fake_nik, write_csv, write_xlsx
from conftest import make_table, test_settings

from pmkscheck.domain.datadate import from_file_name, from_text, from_title, resolve
from pmkscheck.errors import UsageError
from pmkscheck.settings import DataDate, Settings, parse_as_of

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.mark.parametrize(("title", "want"), [
    ("KEADAAN PER 31 DESEMBER 2024", D(2024, 12, 31)),
    ("Data PMKS Keadaan per 31-12-2024", D(2024, 12, 31)),
    ("Per 30/06/2025", D(2025, 6, 30)),
    ("Kondisi per 17 Agustus 2023", D(2023, 8, 17)),
    ("Keadaan s.d. 30 September 2024", D(2024, 9, 30)),
    ("Per tanggal 2024-11-30", D(2024, 11, 30)),
    ("Posisi Juni 2025", D(2025, 6, 30)),
    ("POSISI JUNI-2025", D(2025, 6, 30)),
    ("Keadaan Bulan Februari 2024", D(2024, 2, 29)),
    ("Bulan Agustus Tahun 2024", D(2024, 8, 31)),
    ("Per Des. 2024", D(2024, 12, 31)),
    ("Posisi Agt 2024", D(2024, 8, 31)),
    ("Posisi Sept 2024", D(2024, 9, 30)),
    ("Keadaan Nopember 2023", D(2023, 11, 30)),
    ("Periode Januari s.d. Juni 2025", D(2025, 6, 30)),
    ("Periode Januari 2025 s/d Juni 2025", D(2025, 6, 30)),
    ("Periode 1 Januari 2024 sampai 31 Desember 2024", D(2024, 12, 31)),
    ("Periode Juli - Desember 2024", D(2024, 12, 31)),
    ("Semester II 2024", D(2024, 12, 31)),
    ("Semester I Tahun 2025", D(2025, 6, 30)),
    ("DATA PMKS SEMESTER 1 2025", D(2025, 6, 30)),
    ("Triwulan III 2024", D(2024, 9, 30)),
    ("Triwulan I 2025", D(2025, 3, 31)),
    ("TW IV 2024", D(2024, 12, 31)),
    ("Semester III 2024", D(2024, 12, 31)),  # no third semester: the year still counts
    ("Tahun 2024", D(2024, 12, 31)),
    ("TAHUN 2023-2024", D(2024, 12, 31)),
    ("DATA PMKS 2024", D(2024, 12, 31)),
    ("DATA PMKS KABUPATEN KUTAI TIMUR TAHUN 2025", D(2025, 12, 31)),
    ("Rekapitulasi PMKS per Kecamatan Tahun 2024", D(2024, 12, 31)),
    ("Keadaan per 31 Desember 2024, dicetak 5 Januari 2025", D(2024, 12, 31)),
    ("Data Lansia Telantar Tahun 2024 sesuai Permensos Nomor 8 Tahun 2012", D(2024, 12, 31)),
    ("KEADAAN S/D DESEMBER 2024", D(2024, 12, 31)),
    ("Keadaan Akhir Tahun 2024", D(2024, 12, 31)),
    ("Posisi 31.12.2024", D(2024, 12, 31)),
    ("Per 31/12/24", D(2024, 12, 31)),
    ("Bulan : Juni 2025", D(2025, 6, 30)),
    ("Periode : Januari - Juni 2025", D(2025, 6, 30)),
    ("TW. III 2024", D(2024, 9, 30)),
    ("Triwulan ke-3 2024", D(2024, 9, 30)),
    ("Kuartal 2 2025", D(2025, 6, 30)),
    ("Caturwulan II 2024", D(2024, 8, 31)),
    ("DATA PMKS KAB. BERAU TH. 2024", D(2024, 12, 31)),
    ("JANUARI - DESEMBER 2024", D(2024, 12, 31)),  # a line that is only a period
    ("31 Desember 2024", D(2024, 12, 31)),
    ("Periode 2024/2025", D(2025, 12, 31)),
    ("TAHUN 2024 KEADAAN PER 30 JUNI 2024", D(2024, 6, 30)),  # the most specific keyword
    ("Keadaan per: 2024-12-31 00:00:00", D(2024, 12, 31)),  # a date cell read as ISO
    ("Posisi Peb 2025", D(2025, 2, 28)),
])
def test_title_line_gives_the_end_of_its_period(title, want):
    assert from_text(title) == want


@pytest.mark.parametrize("title", [
    "",
    "DINAS SOSIAL KABUPATEN KUTAI TIMUR",
    "LANJUT USIA TELANTAR",
    "Sesuai Perda Nomor 2 Tahun 2024",
    "Berdasarkan Permensos No. 8 Tahun 2012",
    "Perda 2/2024 tentang Penyelenggaraan Kesejahteraan Sosial",
    "UU No. 11 Th. 2009 tentang Kesejahteraan Sosial",
    "Jl. Jend. Sudirman No. 12, Samarinda 75123",
    "Telp. (0541) 2024567",
    "Samarinda, 5 Januari 2025",  # a place and date (signature style), not a data date
    "DATA PMKS 1875",  # no list is that old
    "Keadaan per 31 Februari",  # no year
    "Nomor: 12/05/24",
    "DATA PMKS KOTA SAMARINDA",
])
def test_title_line_without_a_data_date(title):
    assert from_text(title) is None


def test_title_rows_keyword_beats_plain_title_and_day_beats_year():
    assert from_title(["DATA PMKS TAHUN 2024", "KEADAAN PER 30 JUNI 2024"]) == D(2024, 6, 30)
    assert from_title(["DATA PMKS 2024", "Samarinda, 5 Januari 2025"]) == D(2024, 12, 31)
    assert from_title(["DATA PMKS KOTA SAMARINDA", "", "Posisi Maret 2025"]) == D(2025, 3, 31)
    assert from_title([]) is None


@pytest.mark.parametrize(("name", "want"), [
    ("kutim_pmks_2024.xlsx", D(2024, 12, 31)),
    ("PMKS Des 2024.xlsx", D(2024, 12, 31)),
    ("pmks_2025-06.csv", D(2025, 6, 30)),
    ("PMKS 06-2025.xlsx", D(2025, 6, 30)),
    ("pmks_20241231.xlsx", D(2024, 12, 31)),
    ("data pmks 31-12-2024.xlsx", D(2024, 12, 31)),
    ("PMKS Semester I 2025.xlsx", D(2025, 6, 30)),
    ("Fakir Miskin per Kecamatan Samarinda 2024.xlsx", D(2024, 12, 31)),
    ("kutim 2025 (final).xlsx", D(2025, 12, 31)),
    ("6408_2024.csv", D(2024, 12, 31)),
    ("PMKS Juni 2025 revisi.xlsx", D(2025, 6, 30)),
    (Path("data/2019/kutim_pmks_2024.xlsx"), D(2024, 12, 31)),  # the file, not its folder
])
def test_file_name_gives_a_data_date(name, want):
    assert from_file_name(name) == want


@pytest.mark.parametrize("name", ["kutim_pmks.xlsx", "6408_pmks.xlsx", "pmks (1).xlsx",
                                  "pmks_6408011708750001.csv", "laporan_v2.xlsx"])
def test_file_name_without_a_data_date(name):
    assert from_file_name(name) is None


def _table(title: list[str], path: str = "test.xlsx"):
    table = make_table([{"nama": "SITI"}])
    table.title_lines = title
    table.path = Path(path)
    return table


def test_resolution_order_option_config_title_file_name_today():
    s = test_settings()  # the day of the check is 2025-06-30
    title = ["KEADAAN PER 31 DESEMBER 2024"]
    opt = resolve(_table(title, "pmks_2023.xlsx"), test_settings(as_of=D(2020, 1, 1)))
    assert opt == DataDate(D(2020, 1, 1), "option")
    cfg = resolve(_table(title), test_settings(as_of=D(2020, 1, 1), as_of_source="config"))
    assert cfg == DataDate(D(2020, 1, 1), "config")
    assert resolve(_table(title, "pmks_2023.xlsx"), s) == DataDate(D(2024, 12, 31), "title")
    assert resolve(_table([], "pmks_2023.xlsx"), s) == DataDate(D(2023, 12, 31), "file_name")
    assert resolve(_table(["DINAS SOSIAL"], "pmks.xlsx"), s) == DataDate(D(2025, 6, 30), "today")


def test_sheet_name_comes_after_the_title_and_before_the_file_name():
    s = test_settings()
    table = _table([], "pmks_2023.xlsx")
    table.sheet = "Des 2024"
    assert resolve(table, s) == DataDate(D(2024, 12, 31), "sheet")
    table.title_lines = ["KEADAAN PER 30 JUNI 2024"]
    assert resolve(table, s) == DataDate(D(2024, 6, 30), "title")
    table.title_lines, table.sheet = [], "Sheet1"
    assert resolve(table, s) == DataDate(D(2023, 12, 31), "file_name")


def test_portal_year_column_after_the_title():
    s = test_settings()
    table = _table([], "pmks_2020.csv")
    table.period_hint = "2023"  # a recap's "tahun" column, as the recap reader states it
    assert resolve(table, s) == DataDate(D(2023, 12, 31), "table")
    table.title_lines = ["REKAP PMKS KEADAAN PER 30 JUNI 2023"]
    assert resolve(table, s) == DataDate(D(2023, 6, 30), "title")


def test_a_date_from_title_or_file_name_is_never_after_the_day_of_the_check():
    s = test_settings()  # 2025-06-30
    assert resolve(_table(["DATA PMKS TAHUN 2025"]), s) == DataDate(D(2025, 6, 30), "title")
    assert resolve(_table([], "pmks_2026.xlsx"), s) == DataDate(D(2025, 6, 30), "file_name")


def test_settings_today_is_the_data_date_and_check_date_the_day_of_the_check():
    s = test_settings(data_date=DataDate(D(2020, 12, 31), "title"))
    assert (s.today, s.check_date) == (D(2020, 12, 31), D(2025, 6, 30))
    assert test_settings(as_of=D(2021, 3, 1)).today == D(2021, 3, 1)
    assert test_settings().today == D(2025, 6, 30)


@pytest.mark.parametrize("text", ["31/12/2024", "2024-13-01", "2024-02-30", "kemarin", "2024",
                                  "2024-12-31x", ""])
def test_bad_as_of_is_a_usage_error(text):
    with pytest.raises(UsageError) as err:
        parse_as_of(text)
    assert err.value.code == "USAGE_BAD_DATE"


def test_as_of_after_the_day_of_the_check_is_a_usage_error():
    with pytest.raises(UsageError):
        Settings(as_of=D(2025, 7, 1), reference_date=D(2025, 6, 30)).validate()
    Settings(as_of=D(2025, 6, 30), reference_date=D(2025, 6, 30)).validate()


def test_config_key_as_of(tmp_path):
    from pmkscheck.config import load_settings

    (tmp_path / "pmkscheck.toml").write_text('as-of = "2024-12-31"\n', encoding="utf-8")
    s = load_settings({}, cwd=tmp_path)
    assert (s.as_of, s.as_of_source) == (D(2024, 12, 31), "config")
    s = load_settings({"as_of": "2023-06-30"}, cwd=tmp_path)  # the command line wins
    assert (s.as_of, s.as_of_source) == (D(2023, 6, 30), "option")
    (tmp_path / "pmkscheck.toml").write_text('as-of = "31-12-2024"\n', encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_settings({}, cwd=tmp_path)
    assert err.value.code == "CONFIG_INVALID_VALUE"


# --- end to end -----------------------------------------------------------------------------

HEADER = ["No", "NIK", "No. KK", "Nama", "L/P", "Tempat Lahir", "Tanggal Lahir", "Alamat",
          "Desa", "Kecamatan", "Kabupaten", "Jenis PMKS"]
KK = "6408040101200001"


def _row(no: int, nik: str, name: str, sex: str, birth: str, jenis: str) -> list[object]:
    return [no, nik, KK, name, sex, "Sangatta", birth, "Jl. Mawar", "Sangatta Utara",
            "Sangatta Utara", "Kutai Timur", jenis]


def _people() -> list[list[object]]:
    return [
        # 59 on 31-12-2020 (60 today): too young for Lanjut Usia Telantar at the data date
        _row(1, fake_nik("640804", 1, 6, 61, 1), "SUPARMAN", "L", "01-06-1961",
             "Lanjut Usia Telantar"),
        # 16 on 31-12-2020 (over 18 today): still a child at the data date
        _row(2, fake_nik("640804", 1, 3, 4, 2, female=True), "SITI AMINAH", "P", "01-03-2004",
             "Anak Telantar"),
        # 70 at the data date: right either way
        _row(3, fake_nik("640804", 17, 8, 50, 3), "MUHAMMAD YUSUF", "L", "17-08-1950",
             "Lanjut Usia Telantar"),
        # born after the data date but before the day of the check: a warning
        _row(4, fake_nik("640804", 10, 3, 21, 4), "BAYU", "L", "10-03-2021",
             "Penyandang Disabilitas"),
    ]


def _write(path: Path) -> Path:
    rows = [["DATA PMKS KABUPATEN KUTAI TIMUR"], ["KEADAAN PER 31 DESEMBER 2020"], [],
            HEADER, *_people()]
    if path.suffix == ".csv":
        return write_csv(path, rows)
    return write_xlsx(path, {"PMKS": rows})


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _json(path: Path, *extra: str) -> dict:
    r = _run("validate", str(path), "--no-write", "--format", "json", "--no-config", *extra)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["files"][0]


def _codes_by_row(f: dict) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for i in f["issues"]:
        if i["row"] is not None and i["severity"] in ("error", "warning"):
            out.setdefault(i["row"], set()).add(i["code"])
    return out


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_ages_at_the_data_date_of_the_title(tmp_path, suffix):
    f = _json(_write(tmp_path / f"kutim_pmks{suffix}"))
    assert f["data_date"] == {"date": "2020-12-31", "source": "title"}
    by_row = _codes_by_row(f)
    first = 5  # title, title, blank, header
    assert by_row.get(first, set()) & {"JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE"}, by_row
    assert not by_row.get(first + 1), by_row  # the child is 16 at the data date
    assert not by_row.get(first + 2), by_row
    assert by_row.get(first + 3) == {"DATE_AFTER_DATA_DATE"}, by_row
    assert "DATE_FUTURE" not in str(by_row)


def test_as_of_overrides_the_title(tmp_path):
    path = _write(tmp_path / "kutim_pmks.xlsx")
    f = _json(path, "--as-of", "2025-12-31")
    assert f["data_date"] == {"date": "2025-12-31", "source": "option"}
    by_row = _codes_by_row(f)
    assert not by_row.get(5, set()) & {"JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE"}  # 64 in 2025
    assert by_row.get(6, set()) & {"JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE"}  # 21 in 2025
    assert "DATE_AFTER_DATA_DATE" not in by_row.get(8, set())


def test_bad_as_of_exits_2_with_one_sentence(tmp_path):
    path = _write(tmp_path / "kutim_pmks.xlsx")
    for bad in ("31-12-2020", "2020-02-30", "2999-01-01"):
        r = _run("validate", str(path), "--no-write", "--no-config", "--as-of", bad)
        assert r.returncode == 2, r.stdout
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and "Traceback" not in r.stderr and bad in r.stderr
        assert "--as-of" in r.stderr


def test_data_date_from_the_file_name_and_today(tmp_path):
    rows = [HEADER, _people()[2]]
    f = _json(write_csv(tmp_path / "pmks_2023-06.csv", rows))
    assert f["data_date"] == {"date": "2023-06-30", "source": "file_name"}
    f = _json(write_csv(tmp_path / "pmks.csv", rows))
    assert f["data_date"] == {"date": dt.date.today().isoformat(), "source": "today"}


def test_every_report_states_the_data_date(tmp_path):
    import openpyxl

    path = _write(tmp_path / "kutim_pmks.xlsx")
    out = tmp_path / "out"
    r = _run("validate", str(path), "-o", str(out), "--no-config", "--lang", "en")
    assert r.returncode == 0, r.stderr  # warnings only
    assert "data date: 2020-12-31 (from the table title)" in " ".join(r.stdout.split())
    doc = json.loads((out / "kutim_pmks.laporan.json").read_text(encoding="utf-8"))
    assert doc["files"][0]["data_date"] == {"date": "2020-12-31", "source": "title"}
    html = (out / "kutim_pmks.laporan.html").read_text(encoding="utf-8")
    assert "Data date (ages measured at)" in html and "2020-12-31 (from the table title)" in html
    wb = openpyxl.load_workbook(next(out.glob("*.catatan.xlsx")), read_only=True)
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "2020-12-31 (from the table title)" in cells


def test_json_data_date_block_golden(tmp_path):
    """The block exactly as CONTRACT.md shows it: two keys, ISO date, source word."""
    f = _json(_write(tmp_path / "kutim_pmks.xlsx"))
    assert json.dumps(f["data_date"], sort_keys=True) == (
        '{"date": "2020-12-31", "source": "title"}')


def test_sample_keadaan_per_a_past_date_is_clean_at_its_data_date_only():
    """The shipped sample "KEADAAN PER 31 DESEMBER 2018": ages right at that date only."""
    import sample_data

    path = ROOT / "sample_data" / "ppu_pmks_keadaan_2018.xlsx"
    doc = json.loads(_run("validate", str(path), "--no-write", "--format", "json", "-q",
                          "--no-config").stdout)
    assert doc["files"][0]["data_date"] == {"date": "2018-12-31", "source": "title"}
    result = sample_data.compare(doc, "ppu_pmks_keadaan_2018.xlsx")
    assert not result["missing"] and not result["extra"], result
    late = json.loads(_run("validate", str(path), "--no-write", "--format", "json", "-q",
                           "--no-config", "--as-of", "2025-06-30").stdout)
    extra = sample_data.compare(late, "ppu_pmks_keadaan_2018.xlsx")["extra"]
    assert {e["code"] for e in extra} & {"JENIS_AGE_MISMATCH", "JENIS_AGE_EDGE"}


def test_recap_tables_state_their_data_date_too(tmp_path):
    path = tmp_path / "Rekap PMKS Triwulan III 2024.xlsx"
    r = _run("template", "--district", "6408", "--kind", "rekap", "-o", str(path))
    assert r.returncode == 0, r.stderr
    f = _json(path)
    assert f["schema"] == "pmks-rekap"
    assert f["data_date"] == {"date": "2024-09-30", "source": "file_name"}
