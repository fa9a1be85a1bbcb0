"""Province view of a batch (issue 7): folder of district files, cross-district NIKs, outputs.

The folder holds generated person lists of three districts (one NIK planted in two of them, one
other in all three), a recap, and a file that cannot be read; the batch goes on past it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest
from test_rekap import clean_rows, kecamatan, write_wide

from pmkscheck.checks.batch import nik_in_two_districts
from pmkscheck.pipeline import check_paths
from pmkscheck.province import file_score
from pmkscheck.settings import Settings


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from sample_data.synth import people, write_xlsx

    folder = tmp_path_factory.mktemp("kiriman") / "kiriman"
    folder.mkdir()
    kutim, _ = people(40, district="6408", seed=1, defects=0)
    smd, _ = people(40, district="6472", seed=2, defects=0)
    btg, _ = people(30, district="6474", seed=3, defects=0)
    smd[5] = {**smd[5], "nik": kutim[3]["nik"]}  # in Kutai Timur and Samarinda
    btg[7] = {**btg[7], "nik": kutim[10]["nik"]}  # in all three
    smd[9] = {**smd[9], "nik": kutim[10]["nik"]}
    rows = {
        "kutim": write_xlsx(folder / "kutim_pmks.xlsx", kutim, layout="plain").rows,
        "smd": write_xlsx(folder / "samarinda_pmks.xlsx", smd, layout="plain").rows,
        "btg": write_xlsx(folder / "bontang_pmks.xlsx", btg, layout="plain").rows,
    }
    (folder / "paser_pmks.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    write_wide(folder / "kutim_rekap.xlsx", clean_rows(kecamatan(), 8))
    smd_rows = clean_rows(kecamatan("6472"), 8)
    smd_rows[1][1][0] = "dua"
    rows["smd_rekap"] = write_wide(folder / "samarinda_rekap.xlsx", smd_rows[:-1],
                                   title="REKAP PMKS KOTA SAMARINDA")
    settings = Settings(output_dir=folder.parent / "out", reference_date=dt.date(2025, 7, 1))
    report = check_paths([str(folder)], settings)
    return folder, report, rows


def _by_name(report, name):
    return next(f for f in report.files if f.path.name == name)


def test_batch_goes_on_past_an_unreadable_file(batch):
    _, report, _ = batch
    assert len(report.files) == 6
    assert _by_name(report, "paser_pmks.xlsx").error is not None
    assert sum(1 for f in report.files if not f.error) == 5
    assert _by_name(report, "kutim_rekap.xlsx").schema == "pmks-rekap"


def test_nik_in_two_districts_names_both_files_and_rows(batch):
    _, report, rows = batch
    found = {}
    for f in report.files:
        for i in f.issues:
            if i.code == "PROVINCE_NIK_IN_TWO_DISTRICTS":
                found[(f.path.name, i.row)] = (i.params["other_file"], i.params["other_row"],
                                               i.cell)
    k, s, b = rows["kutim"], rows["smd"], rows["btg"]
    assert set(found) == {("kutim_pmks.xlsx", k[3]), ("samarinda_pmks.xlsx", s[5]),
                          ("kutim_pmks.xlsx", k[10]), ("samarinda_pmks.xlsx", s[9]),
                          ("bontang_pmks.xlsx", b[7])}
    assert found[("samarinda_pmks.xlsx", s[5])][:2] == ("kutim_pmks.xlsx", k[3])
    assert found[("kutim_pmks.xlsx", k[3])][:2] == ("samarinda_pmks.xlsx", s[5])
    assert found[("kutim_pmks.xlsx", k[10])][0] in ("samarinda_pmks.xlsx", "bontang_pmks.xlsx")
    assert found[("kutim_pmks.xlsx", k[3])][2].startswith("B")  # the NIK cell


def test_recap_defects_located_in_the_batch(batch):
    _, report, rows = batch
    f = _by_name(report, "samarinda_rekap.xlsx")
    lay = rows["smd_rekap"]
    r = lay["row"][1]
    last = kecamatan("6472")[-1]
    assert {(i.code, i.row, i.cell) for i in f.issues if i.severity.label == "error"} == {
        ("REKAP_COUNT_INVALID", r, f"C{r}"), ("REKAP_WILAYAH_MISSING", None, None)}
    assert next(i for i in f.issues if i.code == "REKAP_WILAYAH_MISSING").params[
        "wilayah"] == last


def test_district_summary_and_missing(batch):
    _, report, _ = batch
    summary = report.province
    by_code = {d.code: d for d in summary.districts}
    assert by_code["6408"].files == 2 and by_code["6408"].rows == 40  # people, not recap rows
    assert by_code["6472"].files == 2 and by_code["6474"].files == 1
    assert by_code["6401"].unreadable == 1 and by_code["6401"].score == 0.0
    assert {d.code for d in summary.missing} == {"6402", "6403", "6407", "6409", "6411", "6471"}
    assert 0 < by_code["6472"].score <= 100
    assert ("PROVINCE_NIK_IN_TWO_DISTRICTS", 2) in by_code["6472"].top


def test_outputs_written(batch):
    folder, report, _ = batch
    out = folder.parent / "out"
    assert report.province.outputs == {"xlsx": str(out / "provinsi.xlsx"),
                                       "html": str(out / "provinsi.html")}
    wb = openpyxl.load_workbook(out / "provinsi.xlsx")
    assert wb.sheetnames == ["Ringkasan", "NIK ganda", "Berkas"]
    assert wb["NIK ganda"].max_row == 1 + 5
    assert wb["Ringkasan"].max_row == 1 + 10
    page = (out / "provinsi.html").read_text(encoding="utf-8")
    assert "Kota Samarinda" in page and "Belum ada berkas" in page
    nik = next(f for f in report.files if f.path.name == "kutim_pmks.xlsx").clean["nik"].iloc[0]
    assert nik not in page  # NIKs are masked


def test_score_formula():
    from pathlib import Path

    from pmkscheck.issues import Issue, Severity
    from pmkscheck.report import FileReport

    f = FileReport(path=Path("x.xlsx"), data_rows=10, completeness={"nik": 1.0, "nama": 0.5},
                   issues=[Issue("NIK_LENGTH", Severity.ERROR, row=3),
                           Issue("NIK_LENGTH", Severity.ERROR, row=3),
                           Issue("DATE_FUTURE", Severity.WARNING, row=4),
                           Issue("COLUMN_MISSING", Severity.ERROR)])
    assert file_score(f) == pytest.approx(100 * (0.5 * 0.9 + 0.2 * 0.9 + 0.3 * 0.75) - 5)
    assert file_score(FileReport(path=Path("y.xlsx"), error="INPUT_CORRUPT")) == 0.0


def test_no_duplicates_within_one_district_only():
    assert nik_in_two_districts([]).empty


def test_cli_folder_json_and_terminal(batch, tmp_path):
    folder, _, _ = batch
    proc = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(folder),
                           "--no-write", "--format", "json"], capture_output=True, text=True)
    doc = json.loads(proc.stdout)
    assert len(doc["files"]) == 6 and proc.returncode == 2
    text = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(folder),
                           "-o", str(tmp_path)], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "", "PYTHONPATH": "",
                               "PMKSCHECK_HISTORY": "off"}).stdout
    assert "Ringkasan provinsi" in text and "Kab/kota tanpa berkas" in text
    assert (tmp_path / "provinsi.xlsx").is_file()


def test_province_outputs_never_overwrite_an_input(batch, tmp_path):
    import shutil

    from pmkscheck.errors import UsageError

    folder, _, _ = batch
    shutil.copy(folder / "kutim_pmks.xlsx", tmp_path / "provinsi.xlsx")
    shutil.copy(folder / "samarinda_pmks.xlsx", tmp_path / "smd.xlsx")
    before = (tmp_path / "provinsi.xlsx").read_bytes()
    with pytest.raises(UsageError):
        check_paths([str(tmp_path)], Settings(output_dir=tmp_path))
    assert (tmp_path / "provinsi.xlsx").read_bytes() == before
