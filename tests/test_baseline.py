"""Baseline round trip: old findings dropped, new ones kept; moved rows and duplicates handled."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_ci_support import PEOPLE, hand_report, make_file_report, make_table, unreadable

from pmkscheck.baseline import (
    apply_baseline,
    build_baseline,
    load_baseline,
    record_keys,
    relative_name,
    write_baseline,
)
from pmkscheck.errors import UsageError
from pmkscheck.report import Report
from pmkscheck.settings import Settings

NEW = ("6472031111111111", "Orang Baru", "2030-05-05", "Fakir Miskin")  # DATE_FUTURE, new


def tuples(report):
    return {(i.code, i.row, i.field) for f in report.files for i in f.issues}


@pytest.fixture
def base(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "pmkscheck-baseline.json"
    n = write_baseline(hand_report(), target)
    assert n == 4  # 3 errors + 1 warning (the missing column); infos are not recorded
    return target


def test_same_data_leaves_only_infos(base):
    report = hand_report()
    report, dropped = apply_baseline(report, base)
    assert dropped == 4 and report.files[0].baselined == 4
    assert {i.severity.label for i in report.files[0].issues} == {"info"}
    assert int(report.exit_code) == 0


def test_new_finding_fails_old_one_does_not(base):
    report = hand_report(people=[*PEOPLE, NEW])
    report, _ = apply_baseline(report, base)
    assert {t for t in tuples(report) if t[0] != "JENIS_VARIANT"} == {
        ("DATE_FUTURE", 10, "tanggal_lahir")}
    assert int(report.exit_code) == 1


def test_moved_rows_are_still_baselined(base):
    moved = [PEOPLE[2], NEW, PEOPLE[4], PEOPLE[0], PEOPLE[3], PEOPLE[1]]
    report = hand_report(people=moved)
    before = {(i.code, i.row) for i in report.files[0].issues if i.severity.label == "error"}
    assert ("NIK_LENGTH", 10) in before and ("DATE_FUTURE", 5) in before  # new row numbers
    report, _ = apply_baseline(report, base)
    assert {t for t in tuples(report) if t[0] != "JENIS_VARIANT"} == {
        ("DATE_FUTURE", 6, "tanggal_lahir")}  # only the new person


def test_count_based_duplicates(base):
    # the same person three times: the baseline knew one NIK_DUPLICATE, now there are two
    people = [*PEOPLE, PEOPLE[4]]
    report = hand_report(people=people)
    dups = [i for i in report.files[0].issues if i.code == "NIK_DUPLICATE"]
    assert len(dups) == 2
    report, _ = apply_baseline(report, base)
    assert [i.code for i in report.files[0].issues].count("NIK_DUPLICATE") == 1


def test_fixed_value_then_broken_differently_is_new(base):
    people = list(PEOPLE)
    people[1] = ("64720317088", *PEOPLE[1][1:])  # still too short, but a different value
    report = hand_report(people=people)
    report, _ = apply_baseline(report, base)
    assert ("NIK_LENGTH", 6, "nik") in tuples(report)


def test_other_file_or_sheet_is_not_matched(base):
    for kw in ({"path": "data/paser.xlsx"}, {"sheet": "Lain"}):
        report = hand_report(**kw)
        assert apply_baseline(report, base)[1] == 0


def test_file_names_relative_to_baseline_folder(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    monkeypatch.chdir(repo)
    target = repo / "ci" / "baseline.json"
    write_baseline(hand_report(path="data/kutim.xlsx"), target)
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert {e["file"] for e in doc["findings"]} == {"data/kutim.xlsx"}  # outside ci/: cwd
    assert relative_name(repo / "ci" / "x.csv", repo / "ci") == "x.csv"
    # run from elsewhere with an absolute path: still the same file
    monkeypatch.chdir(tmp_path)
    report = hand_report(path=repo / "data" / "kutim.xlsx")
    assert apply_baseline(report, target)[1] == 0  # relative to ci/ it is ../data: not matched
    target2 = repo / "baseline.json"
    monkeypatch.chdir(repo)
    write_baseline(hand_report(path="data/kutim.xlsx"), target2)
    monkeypatch.chdir(tmp_path)
    assert apply_baseline(hand_report(path=repo / "data" / "kutim.xlsx"), target2)[1] == 4


def test_record_keys_mask_nik_or_hash_record():
    f = make_file_report(make_table())
    keys = record_keys(f, [5, 6, 7, 8, 9])
    assert keys[5] == "n:647203******0001"
    assert keys[6] == "n:647203******"  # 12 digits: masked, still a NIK
    assert keys[7].startswith("h:") and len(keys[7]) == 18  # no NIK: record hash
    assert keys[8] == keys[9]  # same NIK: same key, counts tell them apart


def test_baseline_file_holds_no_personal_data(base):
    text = base.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["kind"] == "pmkscheck-baseline" and doc["format"] == 1
    assert set(doc["findings"][0]) == {"file", "sheet", "code", "key", "count"}
    for person in PEOPLE:
        for value in person:
            if value and value != "Fakir Miskin":
                assert value not in text and value.upper() not in text
    assert "647203" not in text  # even masked NIKs are hashed


def test_sorted_and_stable(base):
    a = build_baseline(hand_report(), base)
    b = build_baseline(hand_report(people=[PEOPLE[4], *PEOPLE[:4]]), base)
    assert a["findings"] == sorted(a["findings"], key=lambda e: (e["file"], e["sheet"],
                                                                 e["code"], e["key"]))
    assert [e["code"] for e in a["findings"]] == [e["code"] for e in b["findings"]]


def test_unreadable_files_are_skipped(tmp_path):
    report = Report(files=[unreadable()], settings=Settings(write=False))
    assert write_baseline(report, tmp_path / "b.json") == 0
    assert apply_baseline(report, tmp_path / "b.json")[1] == 0


@pytest.mark.parametrize("content,code", [
    (None, "BASELINE_NOT_FOUND"),
    ("{not json", "BASELINE_INVALID"),
    ('{"tool": "pmkscheck", "files": []}', "BASELINE_INVALID"),
    ('{"kind": "pmkscheck-baseline", "format": 99, "findings": []}', "BASELINE_INVALID"),
    ('{"kind": "pmkscheck-baseline", "format": 1, "findings": [{"file": 1}]}',
     "BASELINE_INVALID"),
])
def test_bad_baseline_files(tmp_path, content, code):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_baseline(path)
    assert err.value.code == code


CSV_HEAD = "No,NIK,Nama,Jenis Kelamin,Tanggal Lahir,Desa,Kecamatan,Jenis PMKS\n"
OLD = "1,647203170880,Budi,L,1980-08-17,Sungai Pinang Dalam,Sungai Pinang,Fakir Miskin\n"
NEW_ROW = "2,6472031708800002,Ani,P,31/02/1980,Sungai Pinang Dalam,Sungai Pinang,Fakir Miskin\n"


def run_cli(*args, cwd):
    from test_ci_support import run_main

    code, out, err = run_main(*args, cwd=cwd)
    return subprocess.CompletedProcess(args, code, out, err)


def errors(stdout: str) -> set[tuple[str, int]]:
    doc = json.loads(stdout)
    return {(i["code"], i["row"]) for f in doc["files"] for i in f["issues"]
            if i["severity"] == "error"}


def test_cli_round_trip(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / ".git").mkdir()
    (data / "kutim.csv").write_text(CSV_HEAD + OLD, encoding="utf-8")
    r = run_cli("baseline", "data", "-o", "pmkscheck-baseline.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "pmkscheck-baseline.json").is_file()
    assert not (data / "kutim_pmkscheck").exists()  # baseline writes no reports
    r = run_cli("validate", "data", "--no-write", "--format", "json", "--baseline",
                "pmkscheck-baseline.json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["files"][0]["summary"]["baselined"] >= 1
    assert "temuan lama" in r.stderr
    # a new person with a bad date, inserted above the old one: only the new finding fails
    (data / "kutim.csv").write_text(CSV_HEAD + NEW_ROW + OLD.replace("1,", "2,", 1),
                                    encoding="utf-8")
    r = run_cli("validate", "data", "--no-write", "--format", "json", "--baseline",
                "pmkscheck-baseline.json", cwd=tmp_path)
    assert r.returncode == 1
    assert errors(r.stdout) and all(row == 2 for _, row in errors(r.stdout))
    r = run_cli("validate", "data", "--no-write", "--format", "json", cwd=tmp_path)
    assert ("NIK_LENGTH", 3) in errors(r.stdout)  # without the baseline, the old one is back
    r = run_cli("validate", "data", "--no-write", "--baseline", "missing.json", cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert Path(tmp_path / "pmkscheck-baseline.json").read_text(encoding="utf-8").count(
        "647203") == 0


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(len(PEOPLE) + 1)), keep=st.integers(1, len(PEOPLE) + 1))
def test_property_any_reordering_or_subset_is_fully_baselined(tmp_path_factory, order, keep):
    people = [*PEOPLE, NEW]
    target = tmp_path_factory.mktemp("b") / "baseline.json"
    write_baseline(hand_report(people=people), target)
    chosen = [people[i] for i in order[:keep]]
    report = hand_report(people=chosen)
    report, _ = apply_baseline(report, target)
    assert {i.severity.label for i in report.files[0].issues} <= {"info"}


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(len(PEOPLE))))
def test_property_a_new_person_is_always_reported(tmp_path_factory, order):
    target = tmp_path_factory.mktemp("b") / "baseline.json"
    write_baseline(hand_report(), target)
    people = [PEOPLE[i] for i in order]
    people.insert(order[0], NEW)
    report = hand_report(people=people)
    report, _ = apply_baseline(report, target)
    left = [(i.code, i.row) for i in report.files[0].issues if i.severity.label != "info"]
    new_row = 5 + people.index(NEW)
    assert left == [("DATE_FUTURE", new_row)]
