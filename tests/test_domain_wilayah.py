"""Wilayah: round trip of every kecamatan/desa, codes, drift, BPS, old codes, fuzzy, checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck import reference
from pmkscheck.checks import findings_to_issues
from pmkscheck.checks.base import CheckContext, District
from pmkscheck.checks.wilayah import desa_in_kecamatan, kabupaten_matches, kecamatan_in_district
from pmkscheck.domain.wilayah import (
    DESA_DISPLAY,
    WilayahMatch,
    fold,
    match_desa,
    match_kabupaten,
    match_kecamatan,
)
from pmkscheck.domain.wilayah_named import find_kabkota
from pmkscheck.normalise import NormContext
from pmkscheck.normalise.wilayah import normalise_desa, normalise_kabupaten, normalise_kecamatan
from pmkscheck.schema import load_schema
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

SCHEMA = load_schema("pmks-individu")
KEC = reference.kecamatan()
DESA = reference.desa()
KAB = reference.kabupaten()


# --- reference data ------------------------------------------------------------------------------


def test_reference_counts_match_source_md():
    assert len(KAB) == 10 and len(KEC) == 105 and len(DESA) == 1038
    assert (DESA["jenis"] == "desa").sum() == 841 and (DESA["jenis"] == "kelurahan").sum() == 197
    assert tuple(KAB["kode"]) == reference.KALTIM_KABKOTA
    assert len(reference.desa_kode_lama()) == 21
    assert len(reference.bps_kecamatan()) == 103
    assert all(isinstance(c, str) for c in DESA["kode"])
    assert reference.kabupaten_name("6402") == "Kabupaten Kutai Kartanegara"
    assert reference.kabupaten_name("6404") is None
    per_kab = KEC.groupby("kode_kabupaten").size().to_dict()
    assert per_kab == {"6401": 10, "6402": 20, "6403": 13, "6407": 16, "6408": 18, "6409": 4,
                       "6411": 5, "6471": 6, "6472": 10, "6474": 3}


# --- round trips ---------------------------------------------------------------------------------


def test_every_kecamatan_name_matches_itself_exactly():
    for code, name in zip(KEC["kode"], KEC["nama"], strict=True):
        assert match_kecamatan(name) == WilayahMatch("exact", code, name), name


def test_every_kecamatan_code_and_dotted_code_matches():
    for code, name in zip(KEC["kode"], KEC["nama"], strict=True):
        dotted = f"{code[:2]}.{code[2:4]}.{code[4:]}"
        for text in (code, dotted, f"{code} {name}"):
            m = match_kecamatan(text)
            assert (m.code, m.official) == (code, name), text


def _shown(code, name):
    """The name pmkscheck shows: the snapshot's, or DESA_DISPLAY's (Sungai Siring)."""
    return DESA_DISPLAY.get(code, (name,))[0]


def test_every_desa_name_matches_itself_within_its_kecamatan():
    for code, name, kec in zip(DESA["kode"], DESA["nama"], DESA["kode_kecamatan"], strict=True):
        assert match_desa(name, kec) == WilayahMatch("exact", code, _shown(code, name)), (name, kec)


def test_every_desa_code_matches():
    for code, name in zip(DESA["kode"], DESA["nama"], strict=True):
        dotted = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
        assert (match_desa(code).code, match_desa(dotted).official) == (code, _shown(code, name))


def test_desa_without_kecamatan_unique_names_get_their_code():
    counts = DESA["nama"].map(lambda n: fold(n, "desa")).value_counts()
    for code, name in zip(DESA["kode"], DESA["nama"], strict=True):
        m = match_desa(name)
        assert m.official == _shown(code, name)
        assert m.code == (code if counts[fold(name, "desa")] == 1 else None), name


def test_every_kabupaten_matches_by_name_short_name_and_code():
    for code, name in zip(KAB["kode"], KAB["nama"], strict=True):
        short = name.removeprefix("Kabupaten ").removeprefix("Kota ")
        assert match_kabupaten(name) == WilayahMatch("exact", code, name)
        assert match_kabupaten(short.upper()).code == code
        assert match_kabupaten(code).code == code


_case = st.sampled_from([str.upper, str.lower, str.title])


@settings(max_examples=150, deadline=None)
@given(i=st.integers(0, len(KEC) - 1), case=_case,
       prefix=st.sampled_from(["", "Kec. ", "KECAMATAN ", "kec "]), spaces=st.integers(1, 3))
def test_kecamatan_case_prefix_spacing_map_to_official(i, case, prefix, spaces):
    code, name = KEC["kode"].iloc[i], KEC["nama"].iloc[i]
    text = prefix + case((" " * spaces).join(name.split()))
    m = match_kecamatan(text)
    assert (m.code, m.official) == (code, name)
    assert m.kind == ("exact" if " ".join(text.split()) == name else "variant")


@settings(max_examples=150, deadline=None)
@given(i=st.integers(0, len(DESA) - 1), case=_case,
       prefix=st.sampled_from(["", "Desa ", "Kel. ", "KELURAHAN ", "Ds. "]))
def test_desa_case_prefix_map_to_official(i, case, prefix):
    row = DESA.iloc[i]
    m = match_desa(prefix + case(row["nama"]), row["kode_kecamatan"])
    shown = DESA_DISPLAY.get(row["kode"], (row["nama"],))[0]  # 6472051004: "Sungai Siring"
    assert (m.code, m.official) == (row["kode"], shown)


# --- drift, fuzzy, unknown -----------------------------------------------------------------------


@pytest.mark.parametrize("text,code", [
    ("Pasir Belengkong", "640103"), ("Semboja", "640213"), ("Semboja Barat", "640220"),
    ("KONGBENG", "640808"), ("Sei Kunjang", "647206"), ("Sanga-Sanga", "640215"),
    ("Sangasanga", "640215"), ("Biduk Biduk", "640308"), ("Mahakam Hulu", None),
])
def test_kecamatan_name_drift(text, code):
    m = match_kecamatan(text)
    assert m.code == code
    if code:
        assert m.kind == "variant"


@pytest.mark.parametrize("text,suggestion", [
    ("Sangata Utara", "Sangatta Utara"), ("Tenggarong Sebrang", "Tenggarong Seberang"),
    ("Long Ikiss", "Long Ikis"), ("Samarinda Ilr", "Samarinda Ilir"),
    ("Balikpapn Timur", "Balikpapan Timur"),
    ("Muara Wahu", "Muara Wahau"),
])
def test_kecamatan_typo_is_suggested_not_mapped(text, suggestion):
    m = match_kecamatan(text)
    assert (m.kind, m.code, m.suggestion) == ("fuzzy", None, suggestion)


@pytest.mark.parametrize("text,suggestion", [
    ("Sangatta", "Sangatta Utara"), ("Samarinda", "Samarinda Ulu"), ("Jakarta", "-"),
    ("Surabaya", "-"), ("Kutai Timur", "-"),
])
def test_kecamatan_unknown_with_suggestion(text, suggestion):
    m = match_kecamatan(text)
    assert (m.kind, m.code, m.suggestion) == ("unknown", None, suggestion)


@pytest.mark.parametrize("text,kec,kind,suggestion", [
    ("Swarga Bar", "640804", "fuzzy", "Swarga Bara"),
    ("Singa Gewe", "640812", "fuzzy", "Singa Geweh"),
    ("Teluk Lingga", "640804", "exact", None),
    ("Zzyzx", "640804", "unknown", "-"),
])
def test_desa_fuzzy_and_unknown(text, kec, kind, suggestion):
    m = match_desa(text, kec)
    assert (m.kind, m.suggestion) == (kind, suggestion)


def test_desa_old_name_drift():
    m = match_desa("Ambarawang Laut", "640220")
    assert (m.kind, m.code, m.official) == ("variant", "6402201009", "Amborawang Laut")


def test_desa_kampung_prefix():
    assert match_desa("Kampung Barong Tongkok", "640707").code == "6407071001"
    assert match_desa("Kampung Baru", "640212").code == "6402122008"  # a real name, kept


@pytest.mark.parametrize(("text", "kec", "code", "name"), [
    ("Kampung Gunung Tabur", "640306", "6403061003", "Gunung Tabur"),  # Berau
    ("Kp. Gunung Tabur", "640306", "6403061003", "Gunung Tabur"),
    ("KAMPUNG MERABU", "640301", "6403012001", "Merabu"),
    ("Kampung Merabu", None, "6403012001", "Merabu"),  # unique in Kaltim
    ("Kp Barong Tongkok", "640707", "6407071001", "Barong Tongkok"),  # Kutai Barat
])
def test_kampung_is_how_berau_kutai_barat_and_mahakam_ulu_call_a_desa(text, kec, code, name):
    m = match_desa(text, kec)
    assert (m.code, m.official) == (code, name)
    assert m.kind == "exact"  # not a variant: no finding, the clean value is the desa name


def test_kampung_elsewhere_is_part_of_the_name():
    assert match_desa("Kp. Baru", "640212").code == "6402122008"  # Kampung Baru (Tabang)
    assert match_desa("Kampung Lama", "640213").official == "Kampung Lama"
    assert match_desa("Kampung Sangatta", "640804").kind != "exact"  # Kutai Timur: no kampung


@pytest.mark.parametrize("text", ["Sungai Siring", "Sungai Siring Pelita", "SEI SIRING",
                                  "Kel. Sungai Siring", "6472051004", "64.72.05.1004"])
def test_sungai_siring_both_names_accepted_shown_as_sungai_siring(text):
    m = match_desa(text, "647205")
    assert (m.code, m.official) == ("6472051004", "Sungai Siring")
    assert match_desa(text).code == "6472051004"
    if text in ("Sungai Siring", "Sungai Siring Pelita"):
        assert m.kind == "exact"


def test_same_desa_name_in_several_kecamatan_is_resolved_by_the_row_kecamatan():
    # "Kampung Baru" exists in Tabang, Penajam and Tenggarong
    codes = {kec: match_desa("Kampung Baru", kec).code for kec in ("640212", "640901", "640206")}
    assert codes == {"640212": "6402122008", "640901": "6409011006", "640206": "6402061008"}
    assert match_desa("Kampung Baru").code is None
    assert match_desa("Kampung Baru", district="6409").code == "6409011006"


# --- BPS and old codes ---------------------------------------------------------------------------


def test_bps_6402_is_kutai_barat_but_kemendagri_6402_is_kutai_kartanegara():
    assert match_kabupaten("6402").official == "Kabupaten Kutai Kartanegara"
    # BPS kecamatan 6402010 = Bongan in (BPS) Kutai Barat = Kemendagri 640712
    m = match_kecamatan("6402010")
    assert (m.kind, m.code, m.suggestion, m.official) == ("bps", None, "640712", "Bongan")


def test_every_bps_kecamatan_code_is_detected_never_mapped():
    bps = reference.bps_kecamatan()
    for kode_bps, kode_dagri in zip(bps["kode_bps"], bps["kode_dagri"], strict=True):
        m = match_kecamatan(kode_bps)
        assert (m.kind, m.code, m.suggestion) == ("bps", None, kode_dagri), kode_bps


@pytest.mark.parametrize("code,dagri", [("6404", "6408"), ("6405", "6403")])
def test_bps_only_kabupaten_codes(code, dagri):
    m = match_kabupaten(code)
    assert (m.kind, m.code, m.suggestion) == ("bps", None, dagri)


def test_kabupaten_code_in_a_bps_coded_sheet_is_reported_not_mis_mapped():
    table = _table(kecamatan=["6402010", "6402020"], kabupaten=["6402", "6401"])
    clean, derived, issues = _normalise(table)
    assert _tuples(issues) == [("WILAYAH_BPS_CODE", 5, "kecamatan"),
                               ("WILAYAH_BPS_CODE", 6, "kecamatan"),
                               ("WILAYAH_BPS_CODE", 5, "kabupaten"),
                               ("WILAYAH_NAME_VARIANT", 6, "kabupaten")]
    assert issues[2].params == {"kemendagri": "6407", "name": "Kabupaten Kutai Barat"}
    assert derived["kabupaten"].code.tolist() == [None, "6401"]  # 6401 = Paser in both


def test_bps_desa_code_is_detected():
    m = match_desa("6404040001")  # BPS kecamatan 6404040 = Sangatta Utara
    assert (m.kind, m.code, m.suggestion) == ("bps", None, "640804")


def test_every_old_desa_code_maps_to_its_2025_code():
    lama = reference.desa_kode_lama()
    for old, new, name in zip(lama["kode_lama"], lama["kode_2025"], lama["nama_2025"], strict=True):
        assert match_desa(old) == WilayahMatch("old", new, name, new)


def test_unknown_codes():
    assert match_kecamatan("640299").kind == "unknown"
    assert match_desa("6408999999").kind == "unknown"
    assert match_kabupaten("6501").kind == "unknown"  # Kaltara: not Kaltim
    assert match_kabupaten("9999").kind == "unknown"


# --- find_kabkota ----------------------------------------------------------------------


@pytest.mark.parametrize("text,codes", [
    ("PMKS_Kutim_2024", {"6408"}), ("data pmks kota samarinda", {"6472"}), ("rekap-bpn", {"6471"}),
    ("KABUPATEN KUTAI TIMUR", {"6408"}), ("6402_pmks", {"6402"}),
    ("PROVINSI KALIMANTAN TIMUR", set()), ("PPU 2023", {"6409"}), ("mahulu", {"6411"}),
    ("kubar-kukar", {"6407", "6402"}), ("2024", set()),
])
def test_find_kabkota(text, codes):
    assert find_kabkota(text) == codes


# --- normalisers and checks -----------------------------------------------------------------------


def _table(**columns) -> SourceTable:
    n = len(next(iter(columns.values())))
    data = pd.DataFrame({**columns, "_row": range(5, 5 + n)})
    letters = {f: chr(66 + i) for i, f in enumerate(columns)}
    return SourceTable(path=Path("t.xlsx"), format="xlsx", sheet="S", header_row=4, data=data,
                       letters=letters, headers={f: f for f in columns})


def _normalise(table, district=None):
    clean, derived, issues = {}, {}, []
    fns = {"kecamatan": normalise_kecamatan, "desa": normalise_desa,
           "kabupaten": normalise_kabupaten}
    for name in table.fields:
        ctx = NormContext(table, Settings(district=district), SCHEMA.field(name), district)
        result = fns[name](table.data[name], None, ctx)
        clean[name] = result.values
        derived.update(result.derived)
        issues += findings_to_issues(result.findings, table, None, (name,))
    return pd.DataFrame(clean, index=table.data.index), derived, issues


def _tuples(issues):
    return [(i.code, i.row, i.field) for i in issues]


def test_normalisers_clean_codes_and_findings():
    table = _table(
        kecamatan=["Sangatta Utara", "KEC. SANGATTA UTARA", "6404040", "Sangata Selatan", None,
                   "Jakarta", "64.08.12"],
        desa=["Swarga Bara", "swarga bara", "Teluk Lingga", "Singa Geweh", "6408122002", "Xyzzy",
              "Singa Gewe"],
        kabupaten=["Kabupaten Kutai Timur", "KUTIM", "6404", "Kab. Kutai Timur", None,
                   "Kab. Malinau", "6408"],
    )
    clean, derived, issues = _normalise(table)
    assert _tuples(issues) == [
        ("WILAYAH_NAME_VARIANT", 6, "kecamatan"), ("WILAYAH_BPS_CODE", 7, "kecamatan"),
        ("WILAYAH_FUZZY_MATCH", 8, "kecamatan"), ("WILAYAH_KECAMATAN_UNKNOWN", 10, "kecamatan"),
        ("WILAYAH_NAME_VARIANT", 11, "kecamatan"),
        ("WILAYAH_NAME_VARIANT", 6, "desa"), ("WILAYAH_OLD_CODE", 9, "desa"),
        ("WILAYAH_DESA_UNKNOWN", 10, "desa"), ("WILAYAH_FUZZY_MATCH", 11, "desa"),
        ("WILAYAH_NAME_VARIANT", 6, "kabupaten"), ("WILAYAH_BPS_CODE", 7, "kabupaten"),
        ("WILAYAH_NAME_VARIANT", 8, "kabupaten"), ("WILAYAH_KABUPATEN_UNKNOWN", 10, "kabupaten"),
        ("WILAYAH_NAME_VARIANT", 11, "kabupaten"),
    ]
    assert clean["kecamatan"].tolist() == [
        "Sangatta Utara", "Sangatta Utara", "6404040", "Sangata Selatan", None, "Jakarta",
        "Sangatta Selatan"]
    assert derived["kecamatan"].code.tolist() == [
        "640804", "640804", None, None, None, None, "640812"]
    assert derived["desa"].code.tolist() == [
        "6408042012", "6408042012", "6408041010", "6408121002", "6408121002", None, None]
    assert derived["kabupaten"].code.tolist() == ["6408", "6408", None, "6408", None, None, "6408"]
    params = {(i.code, i.row, i.field): dict(i.params) for i in issues}
    assert params[("WILAYAH_BPS_CODE", 7, "kecamatan")] == {"kemendagri": "640804",
                                                            "name": "Sangatta Utara"}
    assert params[("WILAYAH_BPS_CODE", 7, "kabupaten")] == {"kemendagri": "6408",
                                                            "name": "Kabupaten Kutai Timur"}
    assert params[("WILAYAH_OLD_CODE", 9, "desa")] == {"official": "Singa Geweh",
                                                       "code_2025": "6408121002"}
    assert params[("WILAYAH_FUZZY_MATCH", 8, "kecamatan")] == {"suggestion": "Sangatta Selatan"}
    assert params[("WILAYAH_FUZZY_MATCH", 11, "desa")] == {"suggestion": "Singa Geweh"}
    assert params[("WILAYAH_NAME_VARIANT", 6, "kabupaten")] == {"official": "Kabupaten Kutai Timur"}
    assert params[("WILAYAH_KECAMATAN_UNKNOWN", 10, "kecamatan")] == {"suggestion": "-"}


def _ctx(table, district=None):
    clean, derived, _ = _normalise(table)
    return CheckContext(table=table, clean=clean, derived=derived, settings=Settings(),
                        schema=SCHEMA, district=district)


KUTIM = District("6408", "Kabupaten Kutai Timur", "option")


def test_desa_not_in_kecamatan():
    table = _table(kecamatan=["Bengalon", "Sangatta Utara", "Tabang", "Bengalon"],
                   desa=["Swarga Bara", "Swarga Bara", "Tanjung Harapan", "Xyzzy"])
    ctx = _ctx(table)
    issues = findings_to_issues(desa_in_kecamatan.run(ctx), table, "WILAYAH_DESA_NOT_IN_KECAMATAN",
                                ("desa",))
    assert _tuples(issues) == [("WILAYAH_DESA_NOT_IN_KECAMATAN", 5, "desa"),
                               ("WILAYAH_DESA_NOT_IN_KECAMATAN", 7, "desa")]
    assert issues[0].params == {"kecamatan": "Bengalon", "kecamatan_of_desa": "Sangatta Utara"}
    # Tanjung Harapan exists in Samboja and Sebulu, not in Tabang
    assert issues[1].params["kecamatan_of_desa"] == "Samboja; Sebulu"


def test_kecamatan_outside_district():
    table = _table(kecamatan=["Sangatta Utara", "Palaran", "Xyz", None])
    ctx = _ctx(table, KUTIM)
    issues = findings_to_issues(kecamatan_in_district.run(ctx), table,
                                "WILAYAH_KECAMATAN_OTHER_DISTRICT", ("kecamatan",))
    assert _tuples(issues) == [("WILAYAH_KECAMATAN_OTHER_DISTRICT", 6, "kecamatan")]
    assert issues[0].params == {"kabupaten": "Kota Samarinda", "district": "Kabupaten Kutai Timur"}
    assert kecamatan_in_district.run(_ctx(table, None)) is None


def test_kabupaten_mismatch_with_district_and_with_kecamatan():
    table = _table(kecamatan=["Sangatta Utara", "Sangatta Utara", "Palaran"],
                   kabupaten=["Kutai Timur", "Kota Samarinda", "Kota Samarinda"])
    issues = findings_to_issues(kabupaten_matches.run(_ctx(table, KUTIM)), table,
                                "WILAYAH_KABUPATEN_MISMATCH", ("kabupaten",))
    assert _tuples(issues) == [("WILAYAH_KABUPATEN_MISMATCH", 6, "kabupaten"),
                               ("WILAYAH_KABUPATEN_MISMATCH", 7, "kabupaten")]
    assert issues[0].params == {"kabupaten": "Kota Samarinda", "expected": "Kabupaten Kutai Timur"}
    issues = findings_to_issues(kabupaten_matches.run(_ctx(table, None)), table,
                                "WILAYAH_KABUPATEN_MISMATCH", ("kabupaten",))
    assert _tuples(issues) == [("WILAYAH_KABUPATEN_MISMATCH", 6, "kabupaten")]


def test_large_column_is_matched_per_unique_value():
    n = 50_000
    pick = np.arange(n) % len(DESA)
    table = _table(kecamatan=KEC.set_index("kode")["nama"][DESA["kode_kecamatan"]].to_numpy()[pick],
                   desa=DESA["nama"].to_numpy()[pick])
    clean, derived, issues = _normalise(table)
    assert derived["kecamatan"].code.tolist() == DESA["kode_kecamatan"].to_numpy()[pick].tolist()
    assert derived["desa"].code.tolist() == DESA["kode"].to_numpy()[pick].tolist()
    assert issues == []


@pytest.mark.parametrize("text", ["Sungai Siring Pelita", "SUNGAI SIRING PELITA", "Sungai Siring",
                                  "Kel. Sungai Siring"])
def test_sungai_siring_by_either_name_is_shown_by_its_common_name(text):
    m = match_desa(text, "647205")
    assert (m.code, m.official) == ("6472051004", "Sungai Siring")
