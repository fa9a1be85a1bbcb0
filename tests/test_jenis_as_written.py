"""Issue 17: jenis PMKS as officers write them.

Written forms ("Name / ABBR", "Name, ABBR", "ABBR - Name", "Name (ABBR)"), the synonym table
(``reference/jenis_sinonim.csv``: matched by meaning, never by shared words), the child jenis
under 18 decided once the age is known, and suggestions ranked by meaning.
"""

from __future__ import annotations

import pytest
from conftest import check_issues, make_context, make_table, triples

from pmkscheck import reference
from pmkscheck.domain.jenis import (
    classify_jenis,
    match_jenis,
    match_jenis_for_age,
    official_names,
    suggestions,
)

OFFICIAL = official_names()
PD, ADK, KTK, AKTK = (OFFICIAL[n] for n in (9, 5, 19, 6))
LUT, GEL, KBA, KBS = (OFFICIAL[n] for n in (8, 11, 21, 22))


_ABBR = {no: abbr for no, abbr in zip(reference.jenis_pmks()["no"],
                                      reference.jenis_pmks()["singkatan"], strict=True) if abbr}


@pytest.mark.parametrize("no", sorted(_ABBR))
@pytest.mark.parametrize("form", ["{name} / {abbr}", "{name}, {abbr}", "{abbr} - {name}",
                                  "{name} ({abbr})", "{abbr}/{name}", "{abbr} : {name}"])
def test_every_written_form_of_name_and_abbreviation_is_one_jenis(no, form):
    text = form.format(name=OFFICIAL[no], abbr=_ABBR[no])
    m = classify_jenis(text)
    assert (m.kind, m.official) == ("variant", OFFICIAL[no]), text
    assert m.child_no is None  # written as the official name: no age-dependent mapping


MEANING = [
    # kinds of disability of UU 8/2016 and officers' words for them
    ("Disabilitas Fisik", PD), ("Disabilitas Intelektual", PD), ("Disabilitas Mental", PD),
    ("Disabilitas Sensorik", PD), ("Disabilitas Ganda", PD), ("Penyandang Disabilitas Netra", PD),
    ("Tuna Daksa", PD), ("Tunadaksa", PD), ("TUNA NETRA", PD), ("tuna-rungu", PD),
    ("Tuna Wicara", PD), ("Tuna Rungu Wicara", PD), ("Tuna Grahita", PD), ("ODGJ", PD),
    ("Orang dengan Gangguan Jiwa", PD), ("Cacat", PD), ("Penyandang Cacat", PD), ("Difabel", PD),
    ("Disabilitas Netra", PD), ("Cacat Fisik", PD), ("Tuna Daksa (Disabilitas Fisik)", PD),
    ("Anak Tuna Rungu", ADK), ("Anak Disabilitas Netra", ADK), ("Anak Cacat", ADK),
    ("Anak Berkebutuhan Khusus", ADK), ("Tuna Daksa Ringan", PD), ("Bisu Tuli", PD),
    ("Disabilitas Fisik dan Mental", PD), ("Tuna Rungu/Wicara", PD),
    # homelessness
    ("Tuna Wisma", GEL), ("Tunawisma", GEL), ("Gelandangan", GEL),
    # natural disasters of UU 24/2007; social disasters
    ("Korban Banjir", KBA), ("Banjir", KBA), ("Korban Gempa Bumi", KBA), ("Tsunami", KBA),
    ("Korban Tanah Longsor", KBA), ("Kebakaran Hutan", KBA), ("Korban Angin Puting Beliung", KBA),
    ("Kekeringan", KBA), ("Korban Letusan Gunung Api", KBA), ("Abrasi", KBA),
    ("Korban Bencana Banjir", KBA), ("Korban Banjir dan Tanah Longsor", KBA),
    ("Korban Gempa 2018", KBA),
    ("Korban Kebakaran Rumah", KBS), ("Korban Konflik Sosial", KBS), ("Kebakaran", KBS),
    # KDRT and violence
    ("KDRT", KTK), ("Korban KDRT", KTK), ("Kekerasan Dalam Rumah Tangga", KTK),
    ("Korban Penganiayaan", KTK), ("Pelecehan Seksual", KTK), ("Korban Kekerasan Seksual", KTK),
    ("Kekerasan Dalam Rumah Tangga (KDRT)", KTK),
    ("Anak Korban KDRT", AKTK), ("Anak Korban Kekerasan Seksual", AKTK),
    # Lanjut Usia and Lansia alike
    ("Lanjut Usia", LUT), ("Lansia", LUT), ("LANSIA TERLANTAR", LUT), ("Lansia Telantar", LUT),
]


@pytest.mark.parametrize(("text", "official"), MEANING)
def test_words_are_matched_by_meaning(text, official):
    assert match_jenis(text) == official


@pytest.mark.parametrize(("text", "child"), [
    ("Tuna Netra", ADK), ("ODGJ", ADK), ("Disabilitas Fisik", ADK), ("Penyandang Cacat", ADK),
    ("Difabel", ADK), ("KDRT", AKTK), ("Korban Kekerasan Seksual", AKTK),
    ("Korban Kekerasan", AKTK),
])
def test_disability_and_violence_words_are_the_child_jenis_under_18(text, child):
    adult = match_jenis(text)
    assert match_jenis_for_age(text, 9) == child
    assert match_jenis_for_age(text, 17) == child
    assert match_jenis_for_age(text, 18) == adult
    assert match_jenis_for_age(text, 60) == adult
    assert match_jenis_for_age(text, None) == adult


@pytest.mark.parametrize("text", ["Penyandang Disabilitas", "PD", "Penyandang Disabilitas (PD)",
                                  "Korban Tindak Kekerasan", "KTK", "Korban Banjir", "Lansia"])
def test_official_names_and_other_jenis_do_not_depend_on_age(text):
    assert match_jenis_for_age(text, 9) == match_jenis(text)


@pytest.mark.parametrize(("text", "options"), [
    ("Gepeng", (GEL, OFFICIAL[12])),  # kept: two jenis, never merged
    ("Gelandangan, Pengemis", (GEL, OFFICIAL[12])),
    ("Lansia Disabilitas", (LUT, PD)),
    ("Korban Banjir dan Kebakaran Rumah", (KBA, KBS)),
])
def test_values_naming_two_jenis_are_ambiguous(text, options):
    m = classify_jenis(text)
    assert (m.kind, m.options) == ("ambiguous", options)


@pytest.mark.parametrize("text", ["Tuna Aksara", "Tunaaksara", "Korban Pinjol", "Korban PHK",
                                  "Anak Putus Sekolah", "Anak Yatim Piatu Sekolah",
                                  "Masalah Sosial Lain", "Warga Kurang Mampu", "Pengangguran",
                                  "Warga Mampu"])
def test_no_suggestion_that_only_shares_tuna_korban_anak_or_sosial(text):
    m = classify_jenis(text)
    assert m.kind == "unknown"
    generic = {"tuna", "korban", "anak", "sosial", "masalah", "yang", "dengan"}
    words = set(text.lower().replace("tunaaksara", "tuna aksara").split()) - generic
    for name in m.options:
        # every suggestion shares a meaningful word (or a typo of one) with the value
        assert set(name.lower().split()) & words, (text, name)


@pytest.mark.parametrize(("text", "first"), [
    ("Lansia Miskin", LUT),              # a synonym inside the value ranks first
    ("Anak Tuna Netra Putus Sekolah", ADK),
    ("Korban Banjir Bandang Susulan", KBA),
    ("Korban Bencana", KBA),
    ("Penyalahgunaan Obat", OFFICIAL[17]),
    ("Lanjt Usa Tlntr", LUT),            # a bad typo still finds its jenis
])
def test_suggestions_are_ranked_by_meaning(text, first):
    m = classify_jenis(text)
    assert m.kind == "unknown"
    assert 1 <= len(m.options) <= 3
    assert m.options[0] == first


def test_suggestions_never_exceed_three():
    assert len(suggestions("Korban Orang Anak Telantar Miskin Jalanan")) <= 3


def test_synonym_table_is_consistent():
    table = reference.jenis_sinonim()
    assert len(table) >= 80
    assert set(table["no"]) <= set(OFFICIAL)
    assert table["sumber"].str.strip().astype(bool).all()  # every row has a source
    assert set(table["no_anak"].dropna()) == {5, 6}
    assert set(table.loc[table["no_anak"].notna(), "no"]) == {9, 19}
    for word, no in zip(table["kata"], table["no"], strict=True):
        assert match_jenis(word) == OFFICIAL[no], word


# --- child / adult at check time, through the normalisers and checks ---------------------------

ROWS = [  # reference date of the tests: 2025-06-30
    {"jenis_pmks": "Tuna Netra", "tanggal_lahir": "12-05-2016"},        # 9: ADK
    {"jenis_pmks": "Tuna Netra", "tanggal_lahir": "12-05-1980"},        # 45: PD
    {"jenis_pmks": "Korban KDRT", "tanggal_lahir": "01-01-2012"},       # 13: AKTK
    {"jenis_pmks": "Korban KDRT", "tanggal_lahir": "01-01-1990"},       # KTK
    {"jenis_pmks": "Tuna Rungu", "tanggal_lahir": None, "umur": "10"},  # umur only: ADK
    {"jenis_pmks": "Tuna Daksa", "tanggal_lahir": None},                # unknown age: PD
    {"jenis_pmks": "Penyandang Disabilitas", "tanggal_lahir": "01-01-2016"},  # as written
]


def test_child_rows_get_the_child_jenis_with_an_info_and_no_age_error():
    table = make_table(ROWS)
    ctx = make_context(table)
    assert ctx.clean["jenis_pmks"].tolist() == [ADK, PD, AKTK, KTK, ADK, PD, PD]
    assert ctx.jenis.no.tolist() == [5, 9, 6, 19, 5, 9, 9]
    found = triples(check_issues(table))
    child = {(r) for c, r, f in found if c == "JENIS_CHILD_BY_AGE"}
    variant = {(r) for c, r, f in found if c == "JENIS_VARIANT"}
    assert child == {5, 7, 9}
    assert variant == {6, 8, 10}
    assert not {c for c, r, f in found if c.startswith("JENIS_AGE")}


def test_child_by_age_params():
    issues = [i for i in check_issues(make_table(ROWS[:1])) if i.code == "JENIS_CHILD_BY_AGE"]
    assert [(i.row, i.field, i.params) for i in issues] == [
        (5, "jenis_pmks", {"official": ADK, "age": 9})]


def test_adult_written_as_a_child_jenis_is_still_an_age_error():
    found = triples(check_issues(make_table([
        {"jenis_pmks": "Anak Tuna Rungu", "tanggal_lahir": "01-01-1970"}])))
    assert ("JENIS_AGE_MISMATCH", 5, "jenis_pmks") in found


# --- end to end: the CLI on a workbook the test builds ------------------------------------------


def _run(*args: str):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_cli_jenis_as_written_and_sheet_named_by_a_synonym(tmp_path):
    import csv
    import json

    from builders import Sheet, fake_nik, write_xlsx

    header = ["No", "NIK", "No. KK", "Nama", "Tempat Lahir", "Tanggal Lahir", "L/P", "Alamat", "RT",
              "Desa", "Kecamatan"]
    kk = "6408041201100003"

    def person(n, dd, mm, yy, female=False):
        nik = fake_nik("640804", dd, mm, yy, n, female=female)
        return [n, nik, kk, f"Warga Uji {chr(64 + n)}", "Sangatta", f"{dd:02d}-{mm:02d}-"
                f"{(2000 if yy < 25 else 1900) + yy}", "P" if female else "L", "Jl. Uji", "01",
                "Swarga Bara", "Sangatta Utara"]

    path = write_xlsx(tmp_path / "kutim_pmks_2024.xlsx", {
        "PMKS": Sheet(rows=[["DATA PMKS KABUPATEN KUTAI TIMUR"], [], [*header, "Jenis PMKS"],
                            [*person(1, 1, 1, 48), "Lanjut Usia Telantar / LUT"],
                            [*person(2, 2, 2, 50), "Lansia"],
                            [*person(3, 3, 3, 16), "Tuna Daksa"],
                            [*person(4, 4, 4, 85, True), "KDRT"],
                            [*person(5, 5, 5, 12, True), "Korban KDRT"],
                            [*person(6, 6, 6, 70), "Korban Banjir"],
                            [*person(7, 7, 7, 70), "Tuna Aksara"]]),
        "TUNA NETRA": Sheet(rows=[["DATA PENYANDANG TUNA NETRA"], [], header,
                                  person(8, 8, 8, 15), person(9, 9, 9, 75)]),
    })
    r = _run("validate", str(path), "--format", "json", "-o", str(tmp_path / "out"))
    files = {f["sheet"]: f for f in json.loads(r.stdout)["files"]}
    got = {s: {(i["code"], i["row"]) for i in f["issues"] if i["row"]} for s, f in files.items()}
    assert got["PMKS"] == {
        ("JENIS_VARIANT", 4), ("JENIS_VARIANT", 5), ("JENIS_CHILD_BY_AGE", 6),
        ("JENIS_VARIANT", 7), ("JENIS_CHILD_BY_AGE", 8), ("JENIS_VARIANT", 9),
        ("JENIS_UNKNOWN", 10)}
    unknown = next(i for i in files["PMKS"]["issues"] if i["code"] == "JENIS_UNKNOWN")
    assert "Tuna Susila" not in unknown["message"]  # shares only "tuna"
    assert got["TUNA NETRA"] == {("JENIS_CHILD_BY_AGE", 4)}
    assert any(i["code"] == "JENIS_FROM_SHEET" for i in files["TUNA NETRA"]["issues"])
    clean = next((tmp_path / "out").glob("*TUNA-NETRA*.csv"))
    with clean.open(encoding="utf-8-sig", newline="") as fh:
        assert [row["jenis_pmks"] for row in csv.DictReader(fh)] == [ADK, PD]
    clean = next((tmp_path / "out").glob("*PMKS*.csv"))
    with clean.open(encoding="utf-8-sig", newline="") as fh:
        assert [row["jenis_pmks"] for row in csv.DictReader(fh)] == [
            LUT, LUT, ADK, KTK, AKTK, KBA, "Tuna Aksara"]
