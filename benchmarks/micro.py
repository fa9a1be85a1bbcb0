"""Timings that used to be assertions in unit tests (issue 13: wall clocks belong here).

    python benchmarks/micro.py [--repeat 5]

Each case runs ``--repeat`` times in this process; the fastest run is printed next to the budget
the old test asserted. Unit tests keep asserting *what* these produce; this script says *how
fast*, on the machine it runs on. Exit status 1 if a case is over its budget.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="pmkscheck-micro-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def district_on_a_million_rows() -> Callable[[], object]:
    import pandas as pd
    from test_district import _table

    from pmkscheck.domain.district import infer_district
    from pmkscheck.settings import Settings

    pattern = ["6408011708750001"] * 5 + ["6472011708750001"] * 3 + ["3201011708750003"] * 2
    niks = pd.Series(pattern * 100_000, dtype=object)
    table = _table(n=len(niks))
    frame = pd.DataFrame({"nik": niks})
    return lambda: infer_district(table, frame, {}, Settings())


def two_million_character_name() -> Callable[[], object]:
    from test_long_values import long_name_csv

    folder = _folder()
    src = long_name_csv(folder)
    argv = [sys.executable, "-m", "pmkscheck", "validate", str(src), "-o", str(folder / "out"),
            "--format", "json", "--no-history"]
    return lambda: subprocess.run(argv, capture_output=True, check=False, timeout=600)


def annotated_workbook_20k_rows() -> Callable[[], object]:
    from test_report_sample import big_sample

    from pmkscheck.write.annotated import write_annotated

    folder = _folder()
    report, f = big_sample(folder, 20_000)
    out = folder / "big.catatan.xlsx"
    return lambda: write_annotated(f, report, report.settings, out)


CASES: dict[str, tuple[Callable[[], Callable[[], object]], float]] = {
    "district inferred from 1,000,000 NIKs": (district_on_a_million_rows, 5.0),
    "2,000,000-character name, every output": (two_million_character_name, 120.0),
    "annotated workbook, 20,000 rows, 1,000 notes": (annotated_workbook_20k_rows, 6.0),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    over = 0
    for name, (setup, budget) in CASES.items():
        run = setup()
        best = min(_timed(run) for _ in range(args.repeat))
        flag = "ok" if best <= budget else "OVER"
        over += best > budget
        print(f"{name:45} {best:8.2f} s  (budget {budget:g} s: {flag})")
    return 1 if over else 0


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
