"""District inference: each signal on its own, their priority, conflicts, unknown, --district."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from pmkscheck.domain.district import infer_district
from pmkscheck.normalise.records import WilayahCodes
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable


def _table(name="data.xlsx", title=(), sheet="Sheet1", n=4):
    data = pd.DataFrame({"_row": range(5, 5 + n)})
    return SourceTable(path=Path(name), format="xlsx", sheet=sheet, header_row=4, data=data,
                       title_lines=list(title))


def _run(table=None, nik=None, kec=None, kab=None, district=None):
    table = table or _table()
    n = len(table.data)
    clean = pd.DataFrame(index=table.data.index)
    derived = {}
    if nik is not None:
        clean["nik"] = pd.Series(nik, index=table.data.index, dtype=object)
    if kec is not None:
        derived["kecamatan"] = WilayahCodes(pd.Series(kec, index=table.data.index, dtype=object))
    if kab is not None:
        derived["kabupaten"] = WilayahCodes(pd.Series(kab, index=table.data.index, dtype=object))
    assert all(len(v) == n for v in derived.values())
    return infer_district(table, clean, derived, Settings(district=district))


def _codes(found):
    return [code for code, _ in found]


def test_no_signal_is_unknown():
    district, found = _run()
    assert district is None
    assert _codes(found) == ["DISTRICT_UNKNOWN"]


def test_option():
    district, found = _run(district="6408")
    assert (district.code, district.name, district.source) == (
        "6408", "Kabupaten Kutai Timur", "option")
    assert found == []


@pytest.mark.parametrize("name,code", [
    ("PMKS_Kutim_2024.xlsx", "6408"), ("data pmks kutai timur.xlsx", "6408"), ("smd.xlsx", "6472"),
    ("PMKS Samarinda 2025.xlsx", "6472"), ("bpn_2024.csv", "6471"), ("Balikpapan.xlsx", "6471"),
    ("kukar.xlsx", "6402"), ("ppu-2023.xlsx", "6409"), ("mahulu.xlsx", "6411"),
    ("kubar.ods", "6407"), ("berau.xlsx", "6403"), ("paser.xlsx", "6401"), ("bontang.xlsx", "6474"),
    ("6408_pmks.xlsx", "6408"),
])
def test_file_name(name, code):
    district, found = _run(_table(name=name))
    assert (district.code, district.source) == (code, "file_name")
    assert found == []


def test_sheet_name_when_file_name_is_silent():
    district, _ = _run(_table(name="rekap.xlsx", sheet="PMKS Kutim"))
    assert (district.code, district.source) == ("6408", "file_name")


def test_file_name_naming_two_districts_is_no_signal():
    district, found = _run(_table(name="kutim_vs_kukar.xlsx"))
    assert district is None and _codes(found) == ["DISTRICT_UNKNOWN"]


@pytest.mark.parametrize("lines,code", [
    (["DATA PMKS", "KABUPATEN KUTAI TIMUR", "TAHUN 2024"], "6408"),
    (["DINAS SOSIAL KOTA SAMARINDA"], "6472"),
    (["REKAP PPKS KAB. PENAJAM PASER UTARA PROVINSI KALIMANTAN TIMUR"], "6409"),
])
def test_title(lines, code):
    district, found = _run(_table(title=lines))
    assert (district.code, district.source) == (code, "title")
    assert found == []


def test_title_naming_only_the_province_is_no_signal():
    district, _ = _run(_table(title=["PROVINSI KALIMANTAN TIMUR"]))
    assert district is None


def test_wilayah_from_kecamatan_codes_majority():
    district, found = _run(kec=["640804", "640804", "647201", None])
    assert (district.code, district.source) == ("6408", "wilayah")
    assert found == []


def test_wilayah_kabupaten_column_first():
    district, _ = _run(kec=["647201"] * 4, kab=["6408", "6408", "6408", None])
    assert (district.code, district.source) == ("6408", "wilayah")


def test_wilayah_without_majority_is_no_signal():
    district, _ = _run(kec=["640804", "647201", "640101", "647401"])
    assert district is None


def test_nik_majority():
    niks = ["6408011708750001", "6408015708750002", "3201011708750003", "6472011708750004"]
    district, found = _run(nik=niks)
    assert (district.code, district.source) == ("6408", "nik")
    assert found == []


def test_priority_wilayah_over_title_over_file_name_over_nik():
    table = _table(name="kutim.xlsx", title=["KABUPATEN KUTAI TIMUR"])
    district, found = _run(table, kec=["640804"] * 4, nik=["6408011708750001"] * 4)
    assert (district.code, district.source) == ("6408", "wilayah")
    assert found == []


def test_conflicting_signals():
    table = _table(name="kutim.xlsx", title=["KOTA SAMARINDA"])
    district, found = _run(table, kec=["647201"] * 4)
    assert (district.code, district.source) == ("6472", "wilayah")
    assert _codes(found) == ["DISTRICT_CONFLICT"]
    params = found[0][1]
    assert params["source"] == "wilayah" and params["district"] == "Kota Samarinda"
    assert "file_name: 6408" in params["signals"] and "wilayah: 6472" in params["signals"]


def test_option_contradicted_by_the_data():
    district, found = _run(kec=["647201"] * 4, district="6408")
    assert (district.code, district.source) == ("6408", "option")
    assert _codes(found) == ["DISTRICT_CONFLICT"]


def test_nik_conflict():
    district, found = _run(_table(name="kutim.xlsx"), nik=["6472011708750001"] * 4)
    assert (district.code, district.source) == ("6408", "file_name")
    assert _codes(found) == ["DISTRICT_CONFLICT"]


def test_mahakam_ulu_niks_from_before_the_split_do_not_conflict():
    # Mahakam Ulu (6411) was split from Kutai Barat (6407) in 2013; older NIKs keep 6407.
    district, found = _run(kec=["641101"] * 4, nik=["6407011708750001"] * 4)
    assert (district.code, district.source) == ("6411", "wilayah")
    assert found == []


def test_option_not_in_kaltim_bps_code():
    district, found = _run(district="6404", kec=["640804"] * 4)
    assert _codes(found) == ["DISTRICT_OPTION_UNKNOWN"]
    assert found[0][1] == {"district": "6404", "kemendagri": "6408 Kabupaten Kutai Timur"}
    assert (district.code, district.source) == ("6408", "wilayah")


def test_option_not_in_kaltim_other_code():
    district, found = _run(district="3201")
    assert _codes(found) == ["DISTRICT_OPTION_UNKNOWN", "DISTRICT_UNKNOWN"]
    assert found[0][1]["kemendagri"] == "-"
    assert district is None


@pytest.mark.parametrize("pattern,expected", [
    (["6408011708750001"] * 2 + ["6472011708750001"] * 2 + ["6401011708750001", None]
     + ["3201011708750003"] * 3, None),
    (["6408011708750001"] * 5 + ["6472011708750001"] * 3 + ["3201011708750003"] * 2, "6408"),
])
def test_nik_prefix_majority_on_a_million_rows(pattern, expected):
    """The answer on a million rows (its time is measured by benchmarks/micro.py)."""
    n = 1_000_000
    niks = pd.Series(pattern * (n // len(pattern)), dtype=object)
    table = _table(n=len(niks))
    # with and without the NIK normaliser's analysis (only its kabkota is read)
    for derived in ({}, {"nik": SimpleNamespace(kabkota=niks.str[:4])}):
        district, _ = infer_district(table, pd.DataFrame({"nik": niks}), derived, Settings())
        assert (district.code if district else None) == expected
