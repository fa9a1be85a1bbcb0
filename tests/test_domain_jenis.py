"""Jenis PMKS: matching (DOMAIN.md variants, Gepeng, PSKS, typos), normaliser, age/sex checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkscheck import reference
from pmkscheck.checks import findings_to_issues
from pmkscheck.checks.base import CheckContext
from pmkscheck.checks.jenis import age_vs_jenis, sex_vs_jenis
from pmkscheck.domain.jenis import (
    PRESETS,
    classify_ages,
    classify_jenis,
    match_jenis,
    official_names,
    suggestions,
)
from pmkscheck.normalise import NormContext
from pmkscheck.normalise.jenis import normalise_jenis
from pmkscheck.normalise.records import PERSON, PersonFacts
from pmkscheck.schema import load_schema
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

SCHEMA = load_schema("pmks-individu")
OFFICIAL = official_names()

# DOMAIN.md's table: every variant seen -> official name.
DOMAIN_VARIANTS = [
    ("ABT", 1), ("Anak Balita Terlantar", 1),
    ("AT", 2), ("Anak Terlantar", 2),
    ("ABH", 3), ("Anak Nakal", 3),
    ("AJ", 4), ("Anjal", 4),
    ("ADK", 5), ("Anak Cacat", 5),
    ("AKTK", 6),
    ("AMPK", 7),
    ("Lansia Terlantar", 8), ("LUT", 8), ("Lanjut Usia Terlantar", 8),
    ("PD", 9), ("Penyandang Cacat", 9),
    ("TS", 10), ("WTS", 10),
    ("BWBLP", 15), ("Eks Narapidana", 15),
    ("ODHA", 16),
    ("Korban Perdagangan Orang", 18),
    ("KTK", 19),
    ("PMBS", 20),
    ("KBA", 21), ("KBS", 22),
    ("PRSE", 23), ("WRSE", 23),
    ("Keluarga Fakir Miskin", 24),
    ("KBSP", 25), ("KAT", 26),
]

FORMS = [
    ("PRSE (Perempuan Rawan Sosial Ekonomi)", 23),
    ("Perempuan Rawan Sosial Ekonomi (PRSE)", 23),
    ("Lansia Terlantar (LUT)", 8),
    ("Lanjut Usia Telantar [LUT]", 8),
    ("LUT - Lanjut Usia Telantar", 8),
    ("PMKS Lanjut Usia Telantar", 8),
    ("PPKS Anak Jalanan", 4),
    ("Jenis PMKS: Anak Jalanan", 4),
    ("8. Lanjut Usia Telantar", 8),
    ("8) Lanjut Usia Telantar", 8),
    ("08 - Lanjut Usia Telantar", 8),
    ("  lanjut   usia  TELANTAR ", 8),
    ("ANAK YANG BERHADAPAN DENGAN HUKUM", 3),
    ("Anak yg berhadapan dgn hukum", 3),
    ("Orang Dengan HIV/AIDS (ODHA)", 16),
    ("orang dengan hiv-aids", 16),
    ("Korban Penyalagunaan NAPZA", 17),  # typo from DOMAIN.md
    ("Korban Trafiking", 18),
    ("Lanjut Usia Terlantarr", 8),
    ("Komunitas Adat Terpencl", 26),
]

PSKS = ["TKSK", "Karang Taruna", "TAGANA", "LKS", "PSM", "Pekerja Sosial",
        "Pekerja Sosial Masyarakat", "Taruna Siaga Bencana", "Lembaga Kesejahteraan Sosial",
        "Karang Taruna Desa Sukamaju", "PSKS"]


@pytest.mark.parametrize("no,name", sorted(OFFICIAL.items()))
def test_official_name_is_exact(no, name):
    assert classify_jenis(name).kind == "exact"
    assert classify_jenis(name).no == no


def test_twenty_six_types():
    assert sorted(OFFICIAL) == list(range(1, 27))
    assert len(set(OFFICIAL.values())) == 26


@pytest.mark.parametrize("text,no", DOMAIN_VARIANTS)
def test_domain_variants_map_to_official(text, no):
    m = classify_jenis(text)
    assert (m.kind, m.no, m.official) == ("variant", no, OFFICIAL[no])
    assert match_jenis(text) == OFFICIAL[no]


def test_every_abbreviation_and_variant_in_the_data_file_maps_to_its_row():
    table = reference.jenis_pmks()
    for no, abbr, variants in zip(table["no"], table["singkatan"], table["varian"], strict=True):
        for text in [abbr, *variants.split("|")]:
            if text:
                assert match_jenis(text) == OFFICIAL[no], text


@pytest.mark.parametrize("text,no", FORMS)
def test_written_forms(text, no):
    assert match_jenis(text) == OFFICIAL[no]


@pytest.mark.parametrize("text", ["Gepeng", "GEPENG", "Gelandangan/Pengemis",
                                  "Gelandangan dan Pengemis", "Gelandangan & Pengemis",
                                  "Gepeng (Gelandangan Pengemis)"])
def test_gepeng_is_ambiguous_never_mapped(text):
    m = classify_jenis(text)
    assert m.kind == "ambiguous"
    assert m.options == ("Gelandangan", "Pengemis")
    assert match_jenis(text) is None


def test_name_and_abbreviation_of_different_types_are_ambiguous():
    m = classify_jenis("Anak Telantar (ABT)")
    assert m.kind == "ambiguous"
    assert set(m.options) == {"Anak Telantar", "Anak Balita Telantar"}


@pytest.mark.parametrize("text", PSKS)
def test_psks_are_not_pmks(text):
    assert classify_jenis(text).kind == "psks"
    assert match_jenis(text) is None


@pytest.mark.parametrize("text,expected", [
    ("Penyalahgunaan Obat", ("Korban Penyalahgunaan NAPZA",)),
    ("Miskin", ("Fakir Miskin",)),
    ("Lansia Miskin", ("Lanjut Usia Telantar", "Fakir Miskin")),
    ("Orang Terlantar", ("Anak Telantar", "Lanjut Usia Telantar", "Anak Balita Telantar")),
    ("Korban Bencana", None),  # "Korban Banjir" is now Korban Bencana Alam (synonym table)
    ("Warga Kurang Mampu", ()),
    ("xyz", ()),
])
def test_unknown_values_get_the_closest_official_names(text, expected):
    m = classify_jenis(text)
    assert m.kind == "unknown"
    assert len(m.options) <= 3
    assert set(m.options) <= set(OFFICIAL.values())
    if expected is not None:
        assert m.options[: len(expected)] == expected
    else:
        assert m.options


def test_suggestion_for_typo_below_the_mapping_threshold():
    # too far to map, close enough to suggest
    assert classify_jenis("Lanjt Usa Tlntr").kind == "unknown"
    assert suggestions("Lanjt Usa Tlntr")[0] == "Lanjut Usia Telantar"


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty(text):
    assert classify_jenis(text).kind == "empty"


_case = st.sampled_from([str.upper, str.lower, str.title, lambda s: s])


@settings(max_examples=200, deadline=None)
@given(no=st.integers(1, 26), case=_case, spaces=st.integers(1, 3),
       prefix=st.sampled_from(["", "PMKS ", "PPKS ", "{no}. ", "{no}) "]),
       terlantar=st.booleans())
def test_any_casing_spacing_prefix_maps_back(no, case, spaces, prefix, terlantar):
    name = OFFICIAL[no]
    if terlantar:
        name = name.replace("Telantar", "Terlantar")
    text = prefix.format(no=no) + case((" " * spaces).join(name.split()))
    assert match_jenis(text) == OFFICIAL[no]


# --- normaliser --------------------------------------------------------------------------------


def _table(**columns) -> SourceTable:
    n = len(next(iter(columns.values())))
    data = pd.DataFrame({**columns, "_row": range(5, 5 + n)})
    letters = {f: chr(66 + i) for i, f in enumerate(columns)}
    return SourceTable(path=Path("t.xlsx"), format="xlsx", sheet="S", header_row=4, data=data,
                       letters=letters, headers={f: f for f in columns})


def _issues(found, table, code=None, fields=("jenis_pmks",)):
    return [(i.code, i.row, i.field) for i in findings_to_issues(found, table, code, fields)]


def test_normaliser_clean_values_codes_and_findings():
    values = ["Lanjut Usia Telantar", "Lansia Terlantar (LUT)", "Gepeng", "TKSK",
              "Warga Kurang Mampu", None, "lanjut usia telantar"]
    table = _table(jenis_pmks=values)
    result = normalise_jenis(table.data["jenis_pmks"], None,
                             NormContext(table, Settings(), SCHEMA.field("jenis_pmks")))
    assert result.values.tolist() == [
        "Lanjut Usia Telantar", "Lanjut Usia Telantar", "Gepeng", "TKSK", "Warga Kurang Mampu",
        None, "Lanjut Usia Telantar"]
    assert result.derived["jenis_pmks"].no.tolist() == [8, 8, pd.NA, pd.NA, pd.NA, pd.NA, 8]
    assert str(result.derived["jenis_pmks"].no.dtype) == "Int64"
    issues = findings_to_issues(result.findings, table, None, ("jenis_pmks",))
    assert [(i.code, i.row, i.field) for i in issues] == [
        ("JENIS_VARIANT", 6, "jenis_pmks"),
        ("JENIS_AMBIGUOUS", 7, "jenis_pmks"),
        ("JENIS_IS_PSKS", 8, "jenis_pmks"),
        ("JENIS_UNKNOWN", 9, "jenis_pmks"),
        ("JENIS_VARIANT", 11, "jenis_pmks"),
    ]
    by_row = {i.row: i for i in issues}
    assert by_row[6].params == {"official": "Lanjut Usia Telantar"}
    assert by_row[7].params == {"options": "Gelandangan; Pengemis"}
    assert by_row[9].params["suggestions"] == "-"  # nothing close to "Warga Kurang Mampu"
    assert by_row[6].letter == "B" and by_row[6].value == "Lansia Terlantar (LUT)"


def test_jenis_from_the_sheet_name_is_mapped_without_a_finding_per_row():
    table = _table(jenis_pmks=["LANSIA TERLANTAR"] * 3)
    table.sheet_jenis = "LANSIA TERLANTAR"
    result = normalise_jenis(table.data["jenis_pmks"], None,
                             NormContext(table, Settings(), SCHEMA.field("jenis_pmks")))
    assert result.values.tolist() == ["Lanjut Usia Telantar"] * 3
    assert result.derived["jenis_pmks"].no.tolist() == [8] * 3
    assert _issues(result.findings, table) == []


# --- age and sex -------------------------------------------------------------------------------

AGE_CASES = [
    # jenis no, age, preset, expected code
    (2, 12, "permensos-2012", None),
    (2, 6, "permensos-2012", None),
    (2, 18, "permensos-2012", None),
    (2, 19, "permensos-2012", "JENIS_AGE_EDGE"),
    (2, 5, "permensos-2012", "JENIS_AGE_EDGE"),  # legacy band 5-17
    (2, 25, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (2, 18, "dinsos-kaltim-legacy", "JENIS_AGE_EDGE"),  # permensos 6-18
    (2, 20, "dinsos-kaltim-legacy", "JENIS_AGE_MISMATCH"),
    (1, 5, "permensos-2012", None),
    (1, 5, "dinsos-kaltim-legacy", "JENIS_AGE_EDGE"),
    (1, 6, "permensos-2012", "JENIS_AGE_EDGE"),
    (1, 8, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (3, 11, "permensos-2012", "JENIS_AGE_EDGE"),
    (3, 9, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (3, 18, "permensos-2012", "JENIS_AGE_EDGE"),
    (4, 3, "permensos-2012", None),
    (4, 3, "dinsos-kaltim-legacy", "JENIS_AGE_EDGE"),  # in permensos band (< 18)
    (8, 60, "permensos-2012", None),
    (8, 95, "permensos-2012", None),
    (8, 59, "permensos-2012", "JENIS_AGE_EDGE"),
    (8, 45, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (9, 0, "permensos-2012", None),  # Penyandang Disabilitas: unverified, never checked
    (9, 99, "permensos-2012", None),
    (16, 3, "permensos-2012", None),  # ODHA: unverified
    (24, 1, "permensos-2012", None),
    (15, 17, "permensos-2012", "JENIS_AGE_EDGE"),
    (15, 10, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (23, 17, "permensos-2012", "JENIS_AGE_EDGE"),
    (23, 60, "permensos-2012", "JENIS_AGE_EDGE"),
    (23, 70, "permensos-2012", "JENIS_AGE_MISMATCH"),
    (23, 30, "dinsos-kaltim-legacy", None),
]


@pytest.mark.parametrize("no,age,preset,expected", AGE_CASES)
def test_classify_ages(no, age, preset, expected):
    out = classify_ages(pd.Series([no], dtype="Int64"), pd.Series([age], dtype="Int64"), preset)
    assert out["code"].iloc[0] == expected


def test_presets_cover_settings():
    from pmkscheck.settings import AGE_PRESETS

    assert set(PRESETS) == set(AGE_PRESETS)


def _context(jenis, ages, sexes=None, preset="permensos-2012"):
    cols = {"jenis_pmks": jenis}
    if sexes is not None:
        cols["jenis_kelamin"] = sexes
    table = _table(**cols)
    result = normalise_jenis(table.data["jenis_pmks"], None,
                             NormContext(table, Settings(), SCHEMA.field("jenis_pmks")))
    clean = pd.DataFrame({"jenis_pmks": result.values}, index=table.data.index)
    if sexes is not None:
        clean["jenis_kelamin"] = sexes
    derived = {**result.derived, PERSON: PersonFacts(age=pd.Series(ages, dtype="Int64"))}
    ctx = CheckContext(table=table, clean=clean, derived=derived,
                       settings=Settings(age_preset=preset), schema=SCHEMA)
    return table, ctx


def test_age_check_rows_and_params():
    table, ctx = _context(["Anak Telantar", "AT", "Lansia", "Penyandang Disabilitas", "Gepeng",
                           "Anak Telantar"], [45, 19, 70, 3, 30, None])
    issues = findings_to_issues(age_vs_jenis.run(ctx), table, None, ("jenis_pmks",))
    assert [(i.code, i.row, i.field) for i in issues] == [
        ("JENIS_AGE_MISMATCH", 5, "jenis_pmks"), ("JENIS_AGE_EDGE", 6, "jenis_pmks")]
    assert issues[0].params == {"age": 45, "band": "6-18", "jenis": "Anak Telantar",
                                "preset": "permensos-2012", "source": "Umur"}  # no age source


def test_age_check_uses_the_preset():
    table, ctx = _context(["Anak Balita Telantar"] * 2, [5, 7], preset="dinsos-kaltim-legacy")
    issues = findings_to_issues(age_vs_jenis.run(ctx), table, None, ("jenis_pmks",))
    assert [(i.code, i.row) for i in issues] == [("JENIS_AGE_EDGE", 5), ("JENIS_AGE_MISMATCH", 6)]
    assert issues[0].params["band"] == "≤ 4"


def test_age_check_without_age_is_skipped():
    table, ctx = _context(["Anak Telantar"], [45])
    del ctx.derived[PERSON]
    assert age_vs_jenis.run(ctx) is None


def test_sex_check_prse_male_only():
    jenis = ["PRSE", "Perempuan Rawan Sosial Ekonomi", "Fakir Miskin", "WRSE", "PRSE"]
    table, ctx = _context(jenis, [30] * 5, sexes=["L", "P", "L", None, "L"])
    issues = findings_to_issues(sex_vs_jenis.run(ctx), table, "JENIS_SEX_MISMATCH", ("jenis_pmks",))
    assert [(i.code, i.row, i.field) for i in issues] == [
        ("JENIS_SEX_MISMATCH", 5, "jenis_pmks"), ("JENIS_SEX_MISMATCH", 9, "jenis_pmks")]


_BANDS = reference.jenis_pmks().set_index("no")


@settings(max_examples=100, deadline=None)
@given(no=st.integers(1, 26), age=st.integers(0, 110),
       preset=st.sampled_from(sorted(PRESETS)))
def test_age_inside_own_band_is_never_flagged(no, age, preset):
    bands = _BANDS
    lo_col, hi_col = PRESETS[preset]
    lo, hi = bands.at[no, lo_col], bands.at[no, hi_col]
    out = classify_ages(pd.Series([no], dtype="Int64"), pd.Series([age], dtype="Int64"), preset)
    inside = (pd.isna(lo) or age >= lo) and (pd.isna(hi) or age <= hi)
    if inside:
        assert out["code"].iloc[0] is None
    else:
        assert out["code"].iloc[0] in ("JENIS_AGE_EDGE", "JENIS_AGE_MISMATCH")
