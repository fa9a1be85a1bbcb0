"""Signature and approval blocks under a table (issue 17), whatever column they sit in.

Layout cases build a grid from rows and ask which rows are records and which are skipped (and
why); the end-to-end cases run the CLI on workbooks and a CSV built here with the block in the
NIK column and in column A. An 18-digit NIP is never read as a NIK; real records below or among
the block's lines are kept.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from builders import fake_nik, write_csv, write_xlsx

from pmkscheck.read import read_file
from pmkscheck.read.rows import is_signature_text
from pmkscheck.settings import Settings

HEADER = ["No", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Alamat", "Desa",
          "Kecamatan", "Jenis PMKS"]
W = len(HEADER)


def person(n: int, **over: object) -> list[object]:
    row = [n, fake_nik(serial=n), f"Warga {n}", "L", "17-08-1975", "Jl. Pramuka",
           "Sungai Pinang Dalam", "Sungai Pinang", "Fakir Miskin"]
    for key, value in over.items():
        row[HEADER.index(key)] = value
    return row


def at(col: int, *texts: str) -> list[list[object]]:
    """One block line per text, each in column ``col`` (0 = A)."""
    return [[None] * col + [t] + [None] * (W - col - 1) for t in texts]


BLOCK = ("Samarinda, 31 Desember 2024", "Mengetahui,", "Kepala Dinas Sosial Kota Samarinda",
         "", "", "Drs. H. Ahmad, M.Si", "Pembina Utama Muda", "NIP. 19680512 199403 1 007")


def classify(tmp_path, rows, name="t.xlsx"):
    path = write_xlsx(tmp_path / name, {"Data": [["DATA PMKS KOTA SAMARINDA"], HEADER, *rows]})
    (table,) = read_file(path, Settings()).tables
    return (table.data["_row"].tolist(),
            {s.row: s.reason for s in table.skipped_rows})


def lines(block: tuple[str, ...], col: int) -> list[list[object]]:
    return [[None] * W if not t else row for t, row in zip(block, at(col, *block), strict=True)]


@pytest.mark.parametrize("col", range(W), ids=[f"col{c}" for c in range(W)])
def test_block_skipped_in_any_column(tmp_path, col):
    rows = [person(1), person(2), person(3), [None] * W, *lines(BLOCK, col)]
    records, skipped = classify(tmp_path, rows)
    assert records == [3, 4, 5]
    signature = sorted(r for r, why in skipped.items() if why == "signature")
    assert signature == [7, 8, 9, 12, 13, 14]


@pytest.mark.parametrize("nip", ["196805121994031007", "19680512 199403 1 007",
                                 "NIP 196805121994031007", "NIP: 19680512 199403 1 007"])
def test_nip_in_the_nik_column_is_never_a_nik(tmp_path, nip):
    rows = [person(1), person(2), *at(2, "Drs. H. Ahmad, M.Si"), *at(1, nip)]
    records, skipped = classify(tmp_path, rows)
    assert records == [3, 4]
    assert skipped == {5: "signature", 6: "signature"}


def test_side_by_side_signers(tmp_path):
    rows = [person(1), [None] * W,
            [None, "Mengetahui,", None, None, None, None, "Yang membuat,", None, None],
            [None, "Kepala Dinas Sosial", None, None, None, None, "Kasi Data dan Informasi",
             None, None],
            [None, "Drs. H. Ahmad, M.Si", None, None, None, None, "Budi Santoso", None, None],
            [None, "NIP. 19680512 199403 1 007", None, None, None, None,
             "NIP. 19850101 201001 1 002", None, None]]
    records, skipped = classify(tmp_path, rows)
    assert records == [3]
    assert [skipped.get(r) for r in (5, 6, 7, 8)] == ["signature"] * 4


def test_real_records_after_a_block_are_kept(tmp_path):
    rows = [person(1), *at(1, "Mengetahui,", "Kepala Dinas Sosial"), person(2), person(3)]
    records, skipped = classify(tmp_path, rows)
    assert records == [3, 6, 7]
    assert skipped == {4: "signature", 5: "signature"}


def test_a_full_row_is_data_even_with_a_signature_word(tmp_path):
    # a person called "Mengetahui" would be strange, but a full set of fields is a record
    rows = [person(1), *at(1, "Mengetahui,"), person(2, Nama="Mengetahui"),
            person(3, NIK="6472031708750")]
    records, _ = classify(tmp_path, rows)
    assert records == [3, 5, 6]


def test_sparse_rows_with_kepala_keluarga_or_ttl_are_not_a_block(tmp_path):
    header = [*HEADER, "Hubungan Keluarga"]
    rows = [[*person(1), "Kepala Keluarga"],
            [None, None, "Siti", None, None, None, None, None, None, "Kepala Keluarga"],
            [None, None, "Rina", None, "Samarinda, 17 Agustus 1975", None, None, None, None,
             None],
            [None, None, "Budi", None, None, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "k.xlsx", {"Data": [header, *rows]})
    (table,) = read_file(path, Settings()).tables
    assert table.data["_row"].tolist() == [2, 3, 4, 5]


def test_no_data_yet_no_block(tmp_path):
    # a marker above the first record starts no block: the records below stay records
    rows = [*at(8, "Dinas Sosial"), person(1), person(2)]
    records, _ = classify(tmp_path, rows)
    assert records == [4, 5]


@pytest.mark.parametrize(("text", "expected"), [
    ("Mengetahui,", True), ("Menyetujui", True), ("Yang membuat,", True),
    ("Kepala Dinas Sosial Kab. Kutai Timur", True), ("Kasi Rehabilitasi Sosial", True),
    ("a.n. Kepala Dinas", True), ("Plt. Kepala Bidang", True), ("Pembina Utama Muda", True),
    ("Penata Tk. I", True), ("NIP. 19680512 199403 1 007", True), ("196805121994031007", True),
    ("Drs. H. Ahmad, M.Si", True), ("HJ. SITI AMINAH, S.Sos., M.AP", True),
    ("RAHMAT, S.E., M.M.", True), ("Samarinda, 31 Desember 2024", True),
    ("Tanjung Redeb,      Januari 2025", True), ("SUHARTO, S.Kep., Ns.", True),
    ("M. Yusuf, S.Pd.I", True), ("ANDI SURYADI, S.STP, M.Si", True), ("Pengelola Data", True),
    ("Pekerja Sosial", True), ("( ttd )", True), ("An. Kepala Dinas Sosial", True),
    ("Pekerja Migran Bermasalah Sosial", False), ("Samarinda, Sungai Kunjang", False),
    ("Jl. Merdeka, Gg. Mawar", False),
    ("Kepala Keluarga", False), ("6472031708750001", False), ("Budi Santoso", False),
    ("H. Abdullah", False), ("Long Ikis, Paser", False), ("Jl. Pramuka", False),
])
def test_signature_text(text, expected):
    assert is_signature_text(text) is expected


def _cli(path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(path),
                           "--no-write", "--format", "json"], capture_output=True, text=True)
    return json.loads(proc.stdout)["files"][0]


def _nik_codes(f: dict) -> set[tuple[str, int]]:
    return {(i["code"], i["row"]) for i in f["issues"] if i["field"] == "nik"}


@pytest.mark.parametrize(("col", "fmt"), [(1, "xlsx"), (0, "xlsx"), (1, "csv"), (0, "csv")])
def test_cli_person_list_with_block(tmp_path, col, fmt):
    rows = [["DATA PMKS KOTA SAMARINDA"], HEADER, person(1), person(2), person(3),
            [None] * W, *lines(BLOCK, col)]
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "p.xlsx", {"Data": rows})
    else:
        path = write_csv(tmp_path / "p.csv", [[("" if v is None else v) for v in r]
                                              for r in rows])
    f = _cli(path)
    assert f["data_rows"] == 3
    assert not {r for _, r in _nik_codes(f) if r and r > 5}  # no NIK finding on the block
    reasons = {s["row"]: s["reason"] for s in f["skipped_rows"]}
    assert [reasons.get(r) for r in (7, 8, 9, 12, 13, 14)] == ["signature"] * 6
    assert not [i for i in f["issues"] if i["code"] == "NIK_MISSING"]


def test_prefilter_never_drops_signature_text():
    from hypothesis import given
    from hypothesis import strategies as st

    from pmkscheck.read.rows import signature_texts

    samples = ["Mengetahui,", "( Mengetahui )", "NIP. 19680512 199403 1 007", "Plh. Kadis",
               "Drs. H. Ahmad, M.Si", "Budi, S.Sos", "Samarinda, 31 Desember 2024", "Kasi PDI",
               "Tanjung Redeb,   Januari 2025", "Juru Muda", "Penata Tk. I", "u.b. Sekretaris",
               "Budi", "Jl. Pramuka", "Kepala Keluarga", "6472031708750001", ""]
    expect = [is_signature_text(t, alone=False) for t in samples]
    assert signature_texts(samples, None, alone=False).tolist() == expect

    @given(st.lists(st.text(alphabet=st.sampled_from(list("aDinMsNIP.,:( )0123456789")),
                            max_size=30), max_size=20))
    def same(texts):
        assert signature_texts(texts, None, alone=True).tolist() == [
            is_signature_text(t) for t in texts]

    same()


def test_block_under_sparse_records(tmp_path):
    # records with only NIK and name in a wide table: the NIP under them is still no record
    rows = [[1, fake_nik(serial=1), "Siti"] + [None] * (W - 3),
            [2, fake_nik(serial=2), "Budi"] + [None] * (W - 3),
            *at(1, "Mengetahui,", "Kepala Dinas Sosial"), *at(2, "Drs. H. Ahmad, M.Si"),
            *at(1, "NIP. 19680512 199403 1 007")]
    records, skipped = classify(tmp_path, rows)
    assert records == [3, 4]
    assert skipped == {5: "signature", 6: "signature", 7: "signature", 8: "signature"}


def test_a_record_with_signature_like_alamat_starts_no_block(tmp_path):
    # a homeless person housed at the Dinas Sosial, no NIK: a sparse record, not a signature
    rows = [person(1), [None, None, "Tono", None, None, "Dinas Sosial Kota Samarinda", None,
                        None, "Gelandangan"],
            [None, None, "Sari", None, None, None, None, None, "Gelandangan"], person(4)]
    records, _ = classify(tmp_path, rows)
    assert records == [3, 4, 5, 6]


def test_pre_numbered_template_rows_under_the_block(tmp_path):
    rows = [person(1), [2, "Mengetahui,", None, None, None, None, None, None, None],
            [3, None, "Kepala Dinas Sosial", None, None, None, None, None, None],
            [4, "NIP. 19680512 199403 1 007", None, None, None, None, None, None, None]]
    records, skipped = classify(tmp_path, rows)
    assert records == [3]
    assert skipped == {4: "signature", 5: "signature", 6: "signature"}
