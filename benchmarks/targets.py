"""The speed ratios of issue 16, measured as the issue asks: fastest of interleaved runs.

    python benchmarks/targets.py FILE [--rounds 5] [--frictionless-rounds 2] [--out MD]

On a shared machine a median swings by half; the fastest of several runs is what the program
costs when nothing else competes. Each round runs, one after the other, each a fresh process:

* the floor: the fastest raw read of the same file (fastexcel for xlsx, polars for CSV, as
  ``benchmarks/floor.py`` does it: just the cells in memory);
* ``pmkscheck validate --no-write --format json``;
* ``frictionless validate`` with ``benchmarks/pmks-individu.tableschema.json`` (every error),
  in the first ``--frictionless-rounds`` rounds only (a 1M-row CSV takes it minutes).

FILE is a benchmark file of ``benchmarks/run.py`` (its ``pmks_<n>.meta.json`` beside it gives
the header row). Prints a Markdown table, also written to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the measuring helpers of the main benchmark


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--frictionless-rounds", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    path: Path = args.file.resolve()
    fmt = path.suffix.lstrip(".")
    meta = json.loads(path.with_name(path.stem + ".meta.json").read_text())
    header_row = meta[f"{fmt}_header_row"]
    floor_reader = "fastexcel" if fmt == "xlsx" else "polars"
    commands = {
        f"floor ({floor_reader})": [sys.executable, str(HERE / "floor.py"), floor_reader,
                                    str(path), str(header_row - 1)],
        "pmkscheck --no-write": run.pmkscheck_cmd(path, "--no-write"),
        "frictionless": run.frictionless_cmd(path, header_row),
    }
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for i in range(args.rounds):
        for name, argv_ in commands.items():
            if name == "frictionless" and i >= args.frictionless_rounds:
                continue
            r = run.measure(argv_, ok=(0, 1))
            walls[name].append(r["wall"])
            cpus[name].append(r["cpu"])
            print(f"round {i + 1}: {name} {r['wall']:.2f} s", file=sys.stderr, flush=True)
    best = {k: min(v) for k, v in walls.items()}
    floor, ours, peer = (best[k] for k in commands)
    m = run.machine()
    lines = [
        f"# `{path.name}` ({meta['n']:,} rows): fastest of interleaved runs",
        "",
        f"Machine: {m.get('cpu', '?')}, {m['nproc']} cores, Python {m['python']}; load average "
        f"at the end {m.get('load_avg')}. Rounds: {args.rounds} (frictionless: "
        f"{min(args.rounds, args.frictionless_rounds)}).",
        "",
        "| run | fastest wall | every run (wall) | least CPU |",
        "|---|---:|---|---:|",
    ]
    for k in commands:
        lines.append(f"| {k} | {best[k]:.2f} s | {', '.join(f'{w:.2f}' for w in walls[k])} "
                     f"| {min(cpus[k]):.2f} s |")
    lines += ["", f"- pmkscheck / floor: **{ours / floor:.2f}x**",
              f"- frictionless / pmkscheck: **{peer / ours:.1f}x**"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
