"""benchmarks/run.py cannot rot: the whole harness at a tiny size (no frictionless, no naive).

No timing is asserted: the test checks that every measurement ran, the findings comparison
across formats and sizes passed, and the report files have their tables.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_tiny_size(tmp_path):
    out, data = tmp_path / "results", tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "150,300",
         "--repeat", "1", "--no-frictionless", "--no-naive", "--out", str(out),
         "--data", str(data)],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((out / "latest.json").read_text())
    assert [(r["rows"], r["format"]) for r in doc["results"]] == [
        (150, "xlsx"), (150, "csv"), (300, "xlsx"), (300, "csv")]
    for r in doc["results"]:
        assert r["nowrite"]["wall"] > 0 and r["nowrite"]["rss_mb"] > 0
        assert {"read", "normalise", "check"} <= set(r["nowrite"]["phases"])
        assert any(k.startswith("write_") for k in r["all"]["phases"])
        assert any(name.endswith(".bersih.xlsx") for name in r["all"]["outputs"])
        assert r["floor"]["reader"] in ("calamine", "fastexcel", "polars", "pyarrow")
        assert r["findings"] > 0  # ~5 % planted defects
    assert doc["findings_identical"] is True, doc["findings_problems"]
    md = (out / "latest.md").read_text()
    assert "| xlsx | 300 |" in md and "Targets (issue 6)" in md
    # the cache is reused: a second run generates nothing
    meta = json.loads((data / "pmks_300.meta.json").read_text())
    assert len(meta["xlsx_rows"]) == 300 == len(meta["csv_rows"])


def test_findings_comparison_catches_a_difference(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from collections import Counter

    a = Counter({(0, "NIK_LENGTH", "nik"): 1, (3, "DATE_INVALID", "tanggal_lahir"): 1})
    b = Counter({(0, "NIK_LENGTH", "nik"): 1})
    assert run.compare("x", a, "c", b) == ["only in x: (3, 'DATE_INVALID', 'tanggal_lahir') x1"]
    assert run.compare("x", a, "c", a) == []


def test_micro_and_destroyed_benchmarks_run(tmp_path):
    """benchmarks/micro.py and destroyed.py cannot rot either (tiny sizes, one run)."""
    micro = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "micro.py"), "--repeat",
                            "1"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert micro.returncode in (0, 1), micro.stderr[-3000:]
    lines = [line for line in micro.stdout.splitlines() if "budget" in line]
    assert len(lines) == 3, micro.stderr[-3000:]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "destroyed.py"), "--rows", "200", "--repeat",
         "1", "--out", str(tmp_path / "results"), "--data", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((tmp_path / "results" / "destroyed_200.json").read_text())
    assert doc["findings"]["destroyed"] >= 2 * 200 > doc["findings"]["clean"]
    assert set(doc["ratio"]) == {"nowrite", "all"}
