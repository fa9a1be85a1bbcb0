"""``--select`` / ``--ignore`` by code or group (CLI, config file and Python API)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import pmkscheck
from pmkscheck.checks import selected
from pmkscheck.rules import Rule, catalogue

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "kutim_pmks_2025.xlsx"


@pytest.fixture(scope="module")
def all_codes() -> set[str]:
    report = pmkscheck.validate(SAMPLE, write=False)
    codes = {i.code for f in report.files for i in f.issues}
    assert {"NIK", "DATE"} <= {c.split("_")[0] for c in codes}  # the sample plants both
    return codes


def codes_of(**options) -> set[str]:
    report = pmkscheck.validate(SAMPLE, write=False, **options)
    return {i.code for f in report.files for i in f.issues}


def test_select_and_ignore_by_group_and_code(all_codes):
    nik = {c for c in all_codes if c.startswith("NIK_")}
    assert codes_of(select=("NIK",)) == nik
    assert codes_of(select=("NIK", "DATE_FUTURE")) == nik | {"DATE_FUTURE"}
    assert codes_of(ignore=("NIK",)) == all_codes - nik
    assert codes_of(select=("NIK",), ignore=("NIK_LENGTH",)) == nik - {"NIK_LENGTH"}


def test_selected_matches_aliases(monkeypatch):
    cat = dict(catalogue())
    old = cat["NIK_LENGTH"]
    renamed = Rule(code="NIK_LENGTH", group="NIK", severity=old.severity, fields=old.fields,
                   aliases=("NIK_DIGITS",), text=old.text, example=old.example)
    cat["NIK_LENGTH"] = cat["NIK_DIGITS"] = renamed
    monkeypatch.setattr("pmkscheck.checks.catalogue", lambda: cat)
    assert selected("NIK_LENGTH", {"NIK_DIGITS"}, ())
    assert not selected("NIK_LENGTH", (), {"NIK_DIGITS"})
    assert not selected("DATE_FUTURE", {"NIK_DIGITS"}, ())


def run_cli(*args, cwd):
    from test_ci_support import run_main

    code, out, err = run_main(*args, cwd=cwd)
    return subprocess.CompletedProcess(args, code, out, err)


def test_cli_select_ignore(tmp_path, all_codes):
    shutil.copy(SAMPLE, tmp_path / "kutim.xlsx")
    (tmp_path / ".git").mkdir()
    r = run_cli("validate", "kutim.xlsx", "--no-write", "--format", "json",
                "--select", "nik,date", "--ignore", "NIK_LENGTH", cwd=tmp_path)
    got = {i["code"] for f in json.loads(r.stdout)["files"] for i in f["issues"]}
    want = {c for c in all_codes if c.split("_")[0] in ("NIK", "DATE")} - {"NIK_LENGTH"}
    assert got == want
    # the same from the config file; the command line adds nothing here
    (tmp_path / "pmkscheck.toml").write_text('select = ["NIK", "DATE"]\nignore = "NIK_LENGTH"\n',
                                             encoding="utf-8")
    r = run_cli("validate", "kutim.xlsx", "--no-write", "--format", "json", cwd=tmp_path)
    assert {i["code"] for f in json.loads(r.stdout)["files"] for i in f["issues"]} == want
    r = run_cli("validate", "kutim.xlsx", "--no-write", "--ignore", "NIK_LENGHT", cwd=tmp_path)
    assert r.returncode == 2 and "NIK_LENGHT" in r.stderr and r.stdout == ""
