"""The pandera helper process (issue 16: start-up time of a small file).

pandera runs in a forked helper for one small file; the findings must be the very ones of an
in-process run, the CLI process must not import pandera itself, and any failure of the helper
falls back to this process. No wall clock is asserted here (benchmarks/small.py measures).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pmkscheck import processes

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper needs fork")

ROOT = Path(__file__).resolve().parents[1]

ROWS = [
    "NIK;Nama;Jenis Kelamin;Umur;Jenis PMKS;Kecamatan",
    "6408014101800001;Siti Aminah;P;45;Lanjut Usia Terlantar;Sangatta Utara",
    "6408014101800002;;P;dua;Lanjut Usia Terlantar;Sangatta Utara",
    "6408014101800003;Budi;L;12,5;Penyandang Disabilitas;Sangatta Selatan",
    "6408014101800004;Ani;P;70 th?;Fakir Miskin;Sangatta Utara",
    "6408014101800005;;L;007;Fakir Miskin;Sangatta Utara",
]

# Runs the CLI in a fresh interpreter; at exit it reports on stderr (last line, JSON) whether
# this process imported pandera, started a helper and left it running (Linux: /proc).
SCRIPT = """
import atexit, json, os, sys, time
from pmkscheck import processes
started = []
start_for = processes.start_for
def spy(*args):
    ok = start_for(*args)
    if ok:
        started.append(processes._STATE["pid"])
    return ok
processes.start_for = spy
def alive(pid):
    for _ in range(200):  # killed at the end of the file; give the kernel time to finish it
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in "ZX":
                    return False
        except OSError:
            return False
        time.sleep(0.01)
    return True
def report():
    sys.stderr.write("\\n" + json.dumps({"pandera": "pandera" in sys.modules,
                                          "helper": bool(started),
                                          "alive": any(alive(p) for p in started)}) + "\\n")
atexit.register(report)
from pmkscheck.cli import main
main(sys.argv[1:])
"""


def _small(tmp_path: Path) -> Path:
    path = tmp_path / "kutim_kecil.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def _run(path: Path, **env: str) -> tuple[dict, dict]:
    e = {k: v for k, v in os.environ.items() if k not in ("PMKSCHECK_ISOLATE",)}
    e.update(env)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, "validate", str(path), "--no-write", "--no-history",
         "--format", "json", "--as-of", "2025-06-30"],
        capture_output=True, text=True, env=e, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    report = json.loads(out.stdout)
    for f in report["files"]:
        f.pop("summary", None)  # timings
    return report, json.loads(out.stderr.strip().splitlines()[-1])


def test_helper_run_finds_what_an_in_process_run_finds(tmp_path):
    path = _small(tmp_path)
    helped, parent = _run(path)
    alone, parent_alone = _run(path, PMKSCHECK_ISOLATE="spawn")  # no helper on this road
    codes = {i["code"] for i in helped["files"][0]["issues"]}
    assert {"VALUE_MISSING", "VALUE_NOT_INTEGER"} <= codes
    assert helped == alone
    assert parent == {"pandera": False, "helper": True, "alive": False}  # pandera in the helper
    assert parent_alone["pandera"] is True and not parent_alone["helper"]


def _values() -> tuple:
    from pmkscheck.schema import load_schema

    schema = load_schema("pmks-individu")
    present = ["nik", "nama", "umur"]
    values = {"nama": np.array(["Ani", None], dtype=object),
              "umur": np.array(["45", "dua", "12,5", None], dtype=object)}
    return schema, present, values


def test_a_dead_helper_falls_back_to_this_process(tmp_path, monkeypatch):
    from pmkscheck.schema.to_pandera import failures

    schema, present, values = _values()
    expected = failures(schema, present, values)
    assert list(expected) == ["nama", "umur"]
    monkeypatch.setattr(processes, "HIDES", "not.imported")  # as pandera in a fresh CLI
    monkeypatch.setattr(processes, "_STATE", {})
    assert processes.start_for([_small(tmp_path)], True, 60)
    try:
        assert processes.running()
        os.kill(processes._STATE["pid"], signal.SIGKILL)
        got = processes.call(failures, schema, present, values)
        assert not processes.running()  # ended, and the call ran here
    finally:
        processes.stop()
    assert got.keys() == expected.keys()
    for name in got:
        for code in got[name]:
            np.testing.assert_array_equal(got[name][code], expected[name][code])


def test_a_live_helper_answers(tmp_path, monkeypatch):
    from pmkscheck.schema.to_pandera import failures

    schema, present, values = _values()
    expected = failures(schema, present, values)
    monkeypatch.setattr(processes, "HIDES", "not.imported")
    monkeypatch.setattr(processes, "_STATE", {})
    assert processes.start_for([_small(tmp_path)], True, 60)
    try:
        pid = processes._STATE["pid"]
        got = processes.call(failures, schema, present, values)
        assert processes.running() and processes._STATE["pid"] == pid  # it answered
    finally:
        processes.stop()
    assert not processes.running()
    for _ in range(500):  # reaped by a later call once the kernel is done with it
        processes.stop()
        if pid not in processes._PENDING:
            break
        time.sleep(0.01)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, not a zombie
    assert {n: {c: list(v) for c, v in d.items()} for n, d in got.items()} == {
        n: {c: list(v) for c, v in d.items()} for n, d in expected.items()}


@pytest.mark.parametrize("case", ["two files", "large", "not isolated", "spawn", "pandera in",
                                  "second time", "missing"])
def test_no_helper(case, tmp_path, monkeypatch):
    small = _small(tmp_path)
    paths = [small]
    isolate = True
    monkeypatch.setattr(processes, "HIDES", "not.imported")
    monkeypatch.setattr(processes, "_STATE", {})
    if case == "two files":
        paths = [small, small]
    elif case == "large":
        big = tmp_path / "besar.csv"
        big.write_bytes(small.read_bytes() * (processes.HELPER_MAX_BYTES // 300 + 1))
        paths = [big]
    elif case == "not isolated":
        isolate = False
    elif case == "spawn":
        monkeypatch.setenv("PMKSCHECK_ISOLATE", "spawn")
    elif case == "pandera in":
        monkeypatch.setattr(processes, "HIDES", "pandas")
    elif case == "second time":
        processes._STATE["used"] = True
    elif case == "missing":
        paths = [tmp_path / "nothing.xlsx"]
    assert processes.start_for(paths, isolate, 60) is False
    assert not processes.running()


def test_failures_of_columns_of_different_lengths():
    """All columns are validated in one padded frame; the padding never shows."""
    from pmkscheck.schema.to_pandera import failures

    schema, present, values = _values()
    values["nama"] = np.array(["Ani", None, "Budi", None, None, "Siti"], dtype=object)
    got = failures(schema, present, values)
    assert {n: {c: v.tolist() for c, v in d.items()} for n, d in got.items()} == {
        "nama": {"VALUE_MISSING": [1, 3, 4], "VALUE_NOT_INTEGER": []},
        "umur": {"VALUE_MISSING": [], "VALUE_NOT_INTEGER": [1, 2]},
    }
    assert failures(schema, present, {"umur": np.array(["1", None], dtype=object)}) == {}
