"""Where the time of one ``pmkscheck validate --no-write`` goes: a pyinstrument profile.

    python benchmarks/profile.py FILE [--out PROFILE.txt] [--write]

Runs the pipeline in this process with the reader NOT isolated (a forked child would be invisible
to the profiler; isolation costs the transport of the table, which the benchmark's phase
``read`` includes), and prints the call tree (functions under 1 % of the time hidden), then the
phase timings. ``benchmarks/run.py --profile`` writes one for the 100k-row workbook and the 1M-row
CSV to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def profile(path: Path, write: bool = False) -> str:
    """Profile one validate run of ``path``; return the text report."""
    from pyinstrument import Profiler

    t0 = time.perf_counter()
    profiler = Profiler(interval=0.001)
    profiler.start()
    from pmkscheck import pipeline
    from pmkscheck.settings import Settings

    settings = Settings(write=write)
    settings = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits,
                                                                        isolate=False))
    report = pipeline.check_paths([str(path)], settings)
    profiler.stop()
    wall = time.perf_counter() - t0
    head = (f"# pmkscheck validate {'' if write else '--no-write '}{path.name}, in-process "
            f"(reader not isolated): {wall:.2f} s wall\n")
    phases = "".join(f"# phases: {f.timings}\n" for f in report.files)
    tree = profiler.output_text(unicode=False, color=False, show_all=False,
                                processor_options={"filter_threshold": 0.01})
    return head + phases + tree


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file", type=Path)
    p.add_argument("--out", type=Path)
    p.add_argument("--write", action="store_true", help="also write every output")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    text = profile(args.file, args.write)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
