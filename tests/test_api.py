"""Python API: ``pmkscheck.validate(path, ...)`` returns the Report whose ``to_dict()`` is exactly
the ``--format json`` document; ``--version`` and shell completion work."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pmkscheck
from pmkscheck.report import Report

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name,options", [
    ("kutim_pmks_2025.xlsx", {}),
    ("balikpapan_pmks.csv", {"lang": "en", "mask": "full", "fail_on": "warning"}),
])
def test_api_equals_cli_json(tmp_path, monkeypatch, name, options):
    shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / ".git").mkdir()  # no config file from above
    args = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    r = run_cli("validate", name, "--no-write", "--format", "json", *args, cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PMKSCHECK_LANG", raising=False)
    report = pmkscheck.validate(name, write=False, **options)
    assert isinstance(report, Report)
    assert report.to_dict() == json.loads(r.stdout)
    assert int(report.exit_code) == r.returncode
    assert report.files[0].issues, "the sample has planted findings"
    assert {p.name for p in tmp_path.iterdir()} == {".git", name}  # nothing written


def test_api_accepts_settings_and_baseline(tmp_path, monkeypatch):
    from pmkscheck.baseline import write_baseline

    shutil.copy(SAMPLES / "balikpapan_pmks.csv", tmp_path / "b.csv")
    monkeypatch.chdir(tmp_path)
    report = pmkscheck.validate("b.csv", settings=pmkscheck.Settings(write=False))
    write_baseline(report, tmp_path / "baseline.json")
    again = pmkscheck.validate("b.csv", write=False, baseline=tmp_path / "baseline.json")
    assert again.files[0].baselined > 0
    assert {i.severity.label for i in again.files[0].issues} <= {"info"}
    assert int(again.exit_code) == 0


def test_version_and_completion(tmp_path):
    r = run_cli("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"pmkscheck {pmkscheck.__version__}"
    # Typer detects the user's shell from the parent processes (shellingham); under pytest and
    # CI that parent may be no shell at all, so name the shell explicitly, as a user may.
    import os

    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "--show-completion", "bash"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "complete " in r.stdout and "pmkscheck" in r.stdout
    r = run_cli("--help", cwd=tmp_path)
    assert "--install-completion" in r.stdout


def test_completion_completes_commands_and_options(tmp_path):
    import os

    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "_PMKSCHECK_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(cword)}
        r = subprocess.run([sys.executable, "-m", "pmkscheck"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    assert complete("pmkscheck val", 1) == ["validate"]
    assert complete("pmkscheck validate --fa", 2) == ["--fail-on"]
    assert "--baseline" in complete("pmkscheck validate --", 2)
