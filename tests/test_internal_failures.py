"""Internal failures name their cause and what to do, never a bare exception name (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pmkscheck.errors import InputError, internal_failure
from pmkscheck.read import csvread, read_file
from pmkscheck.read.isolate import read_isolated
from pmkscheck.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "kutim_pmks_2025.xlsx"
NIK = "6472035708750001"


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "a.csv"
    path.write_text(f"NIK,Nama,Desa\n{NIK},Siti Aminah,Swarga Bara\n", encoding="utf-8")
    return path


def _broken_reader(exc: BaseException):
    def read_text(*args: object) -> None:
        raise exc
    return read_text


@pytest.mark.parametrize("isolate", [True, False])
def test_a_missing_module_names_the_install_problem(tmp_path, monkeypatch, isolate):
    monkeypatch.setattr(csvread, "read_text", _broken_reader(
        ModuleNotFoundError("No module named 'pyarrow._csv'", name="pyarrow._csv")))
    settings = Settings()
    settings = replace(settings, limits=replace(settings.limits, isolate=isolate))
    with pytest.raises(InputError) as info:
        read_isolated(_csv(tmp_path), settings)
    assert info.value.code == "INPUT_INSTALL_BROKEN"
    assert info.value.params["module"] == "pyarrow._csv"
    assert Path(str(info.value.params["origin"])) == ROOT / "pmkscheck"


@pytest.mark.parametrize("isolate", [True, False])
def test_a_bug_names_type_message_and_place_without_cell_values(tmp_path, monkeypatch, isolate):
    monkeypatch.setattr(csvread, "read_text", _broken_reader(
        ValueError(f"invalid literal for int(): 'Siti Aminah' in {NIK}")))
    settings = Settings()
    settings = replace(settings, limits=replace(settings.limits, isolate=isolate))
    with pytest.raises(InputError) as info:
        read_isolated(_csv(tmp_path), settings)
    err = info.value
    assert err.code == "INPUT_INTERNAL_ERROR"
    assert str(err.params["error"]).startswith("ValueError: invalid literal for int(): '…' in ")
    assert "Siti" not in str(err.params) and NIK not in str(err.params)
    line = _broken_reader.__code__.co_firstlineno + 2  # the ``raise`` in read_text
    assert err.params["where"] == f"tests/test_internal_failures.py:{line} (read_text)"


def test_memory_names_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(csvread, "read_text", _broken_reader(MemoryError()))
    with pytest.raises(InputError) as info:
        read_file(_csv(tmp_path), Settings())
    assert info.value.code == "INPUT_TOO_LARGE"
    assert "memory-mb = 6144 MB" in str(info.value.params["reason"])


def test_internal_failure_without_traceback():
    err = internal_failure(KeyError("Budi"))
    assert (err.code, err.params["error"], err.params["where"]) == (
        "INPUT_INTERNAL_ERROR", "KeyError: '…'", "?")


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI with a reader library that cannot load (as in a broken install)."""
    shadow = tmp_path / "shadow" / "python_calamine"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError('No module named python_calamine._python_calamine',"
        " name='python_calamine._python_calamine')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    env.pop("PMKSCHECK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(SAMPLE),
                           "--no-write", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


def test_cli_broken_install_is_one_sentence_with_what_to_do(tmp_path):
    r = _run(tmp_path, "--lang", "en", "--format", "json")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "not installed correctly" in lines[0] and "pip install -e ." in lines[0]
    assert "python_calamine._python_calamine" in lines[0]
    text = _run(tmp_path / "id", "--lang", "id")
    assert text.returncode == 2 and "pip install -e ." in text.stdout + text.stderr
    assert "tidak terpasang dengan benar" in text.stdout + text.stderr


def test_a_library_that_does_not_fit_in_the_memory_limit_is_memory():
    err = internal_failure(ImportError("libarrow.so.2600: failed to map segment from shared "
                                       "object"), "a.xlsx", 64)
    assert err.code == "INPUT_READER_FAILED"
    assert "memory limit of 64 MB" in str(err.params["reason"])
