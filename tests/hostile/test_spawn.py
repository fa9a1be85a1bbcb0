"""The isolated reader without fork (issue 12): a spawned interpreter, as on Windows.

``PMKSCHECK_ISOLATE=spawn`` forces that road here. The stand-in readers are module-level
functions: the spawned child imports them by name (it gets the parent's ``sys.path``), it cannot
see a monkeypatch. The samples are read through the spawned child and compared with an
in-process read; the CLI runs of the hostile corpus through it are in test_hostile_cli.py.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import corpus
import pytest

from pmkscheck.errors import InputError
from pmkscheck.read import isolate
from pmkscheck.settings import Limits, Settings

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(autouse=True)
def _spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMKSCHECK_ISOLATE", "spawn")
    monkeypatch.delenv("PMKSCHECK_DEBUG", raising=False)


def _settings(**limits: object) -> Settings:
    return Settings(limits=dataclasses.replace(Limits(), **limits))


# Stand-in readers (run in the spawned child).
def _pid(*a: object) -> int:
    return os.getpid()


def _abort(*a: object) -> None:
    os.abort()


def _segfault(*a: object) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _hang(*a: object) -> None:
    time.sleep(60)


def _hog(*a: object) -> None:
    blocks = []
    while True:
        blocks.append(bytearray(64 << 20))


def _refuse(path: Path, *a: object) -> None:
    raise InputError("INPUT_NO_TABLE", path, schema="s", expected="e", found="f")


def _bug(*a: object) -> None:
    raise KeyError("kolom")


def _noisy(*a: object) -> str:
    os.write(1, b"6408011708500001 on stdout\n")
    os.write(2, b"6408011708500001 on stderr\n")
    print("6408011708500001 printed")
    return "ok"


def _failed(path: Path, reader: object, **limits: object) -> str:
    with pytest.raises(InputError) as info:
        isolate.read_isolated(path, _settings(**limits), reader=reader)  # type: ignore[arg-type]
    assert info.value.code == "INPUT_READER_FAILED"
    return str(info.value.params["reason"])


def test_the_method_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isolate.isolation_method() == "spawn"
    monkeypatch.setenv("PMKSCHECK_ISOLATE", "fork")
    assert isolate.isolation_method() == ("fork" if hasattr(os, "fork") else "spawn")
    monkeypatch.delenv("PMKSCHECK_ISOLATE")
    assert isolate.isolation_method() == ("fork" if hasattr(os, "fork") else "spawn")
    monkeypatch.delattr(os, "fork", raising=False)  # a platform without fork
    assert isolate.isolation_method() == "spawn"


def test_reads_in_another_process(tmp_path: Path) -> None:
    pid = isolate.read_isolated(tmp_path / "x", _settings(), reader=_pid)  # type: ignore[arg-type]
    assert isinstance(pid, int) and pid != os.getpid()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_abort_and_segfault_are_reader_failed(tmp_path: Path) -> None:
    assert "SIGABRT" in _failed(tmp_path / "x.xlsx", _abort)
    assert "SIGSEGV" in _failed(tmp_path / "x.xlsx", _segfault)


def test_hung_reader_is_killed_at_the_time_limit(tmp_path: Path) -> None:
    t0 = time.monotonic()
    assert "time limit of 2 s" in _failed(tmp_path / "x.xlsx", _hang, timeout_s=2)
    assert time.monotonic() - t0 < 20


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")
def test_memory_limit_is_reader_failed(tmp_path: Path) -> None:
    assert "memory" in _failed(tmp_path / "x.xlsx", _hog, memory_mb=1024)


def test_input_errors_and_bugs_pass_through(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with pytest.raises(InputError) as info:
        isolate.read_isolated(path, _settings(), reader=_refuse)  # type: ignore[arg-type]
    assert (info.value.code, dict(info.value.params)) == (
        "INPUT_NO_TABLE", {"path": str(path), "schema": "s", "expected": "e", "found": "f"})
    with pytest.raises(KeyError):
        isolate.read_isolated(path, _settings(), reader=_bug)  # type: ignore[arg-type]


def test_child_output_never_reaches_ours(tmp_path: Path,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    assert isolate.read_isolated(tmp_path / "x", _settings(), reader=_noisy) == "ok"  # type: ignore[arg-type]
    out, err = capfd.readouterr()
    assert "6408011708500001" not in out + err


def test_crafted_file_is_one_clear_failure(tmp_path: Path) -> None:
    """A value far out in the middle of the sheet aborts calamine: contained in the child."""
    with pytest.raises(InputError) as info:
        isolate.read_guarded(corpus._cell_xfd_hidden(tmp_path), _settings())
    assert info.value.code == "INPUT_READER_FAILED"


@pytest.mark.parametrize("name", ["kutim_pmks_2025.xlsx", "bontang_pmks_bersih.xlsx",
                                  "samarinda_lansia_dtks.xlsx", "paser_pmks.ods",
                                  "balikpapan_pmks.csv"])
def test_samples_read_the_same_through_the_spawned_child(name: str) -> None:
    path = SAMPLES / name
    a = isolate.read_guarded(path, _settings(isolate=False))
    b = isolate.read_guarded(path, _settings())
    assert len(a.tables) == len(b.tables) >= 1
    for ta, tb in zip(a.tables, b.tables, strict=True):
        assert ta.data.equals(tb.data) and list(ta.data.dtypes) == list(tb.data.dtypes)
        assert ta.kinds.keys() == tb.kinds.keys()
        assert all(ta.kinds[k].equals(tb.kinds[k]) for k in ta.kinds)
        assert (ta.columns, ta.letters, ta.headers, ta.skipped_rows, ta.notices) == (
            tb.columns, tb.letters, tb.headers, tb.skipped_rows, tb.notices)
    assert [n.code for n in a.notices] == [n.code for n in b.notices]
