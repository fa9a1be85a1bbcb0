"""Findings at scale (issue 16): a list whose NIK and No. KK columns Excel destroyed.

    python benchmarks/destroyed.py [--rows 1000000] [--repeat 3] [--out benchmarks/results]

The most common defect is also the biggest: every NIK and No. KK cell stored as a number
(``6,40813E+15``), so every row carries two or three findings. This script writes a clean person
list of ``--rows`` records (``sample_data/synth.py``, no planted defects, ``;``-separated cp1252
as Indonesian Excel saves it) and the same list with both columns destroyed, then runs
``pmkscheck validate`` on each, ``--no-write --format json`` and with every output, interleaved
(clean, destroyed, clean, destroyed ...) so that the load of a shared machine hits both alike.
The fastest of ``--repeat`` runs counts (medians on a shared machine swing by half); peak memory is
the largest of the runs.

Targets (issue 16): destroyed / clean at most 1.5x for both runs, peak memory at most 2 GB.
Writes ``<out>/destroyed_<rows>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from run import machine, measure  # noqa: E402 - the benchmark's own measuring wrapper

TARGET_RATIO = 1.5
TARGET_MB = 2048
DESTROYED = "6,40813E+15"  # how Indonesian Excel shows a 16-digit number it kept 15 digits of


def make_files(rows: int, data: Path, log) -> tuple[Path, Path]:
    """``clean_<rows>.csv`` and ``destroyed_<rows>.csv`` (generated once, then reused)."""
    clean, destroyed = data / f"clean_{rows}.csv", data / f"destroyed_{rows}.csv"
    if clean.exists() and destroyed.exists():
        return clean, destroyed
    from sample_data import synth

    data.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    records, _ = synth.people(rows, district="6408", seed=16, defects=0.0)
    lay = synth.sheet_layout("csv", sex_words=False, sheet_name="PMKS 2025")
    written = synth.write_csv(clean, records, lay)
    log(f"clean {rows:,} rows written in {time.perf_counter() - t0:.0f} s")
    lines = clean.read_bytes().decode("cp1252").split("\r\n")
    header = written.header_row - 1
    names = [h.strip().lower() for h in lines[header].split(";")]
    targets = [i for i, h in enumerate(names) if h in ("nik", "no. kk", "no kk", "nomor kk")]
    if len(targets) != 2:
        raise SystemExit(f"NIK and No. KK columns not found in {names}")
    out = lines[: header + 1]
    for line in lines[header + 1:]:
        if not line:
            out.append(line)
            continue
        cells = line.split(";")
        for i in targets:
            cells[i] = DESTROYED
        out.append(";".join(cells))
    destroyed.write_bytes("\r\n".join(out).encode("cp1252"))
    return clean, destroyed


def run(args: argparse.Namespace) -> int:
    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    out = Path(args.out)
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    clean, destroyed = make_files(args.rows, Path(args.data), log)
    kinds = {"nowrite": ["--no-write"], "all": ["-o", str(raw / "destroyed.out")]}
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in range(args.repeat):
        for kind, extra in kinds.items():
            for name, path in (("clean", clean), ("destroyed", destroyed)):
                argv = [sys.executable, "-m", "pmkscheck", "validate", str(path), "--format",
                        "json", "--no-history", *extra]
                err = raw / f"destroyed.{name}.{kind}.stderr"
                res = measure(argv, stdout=raw / f"destroyed.{name}.{kind}.json", stderr=err,
                              env={"PMKSCHECK_TIMINGS": "1"})
                res["phases"] = phases(err)
                runs.setdefault((name, kind), []).append(res)
                log(f"[{r + 1}/{args.repeat}] {name:9} {kind:7} {res['wall']:7.1f} s "
                    f"{res['rss_mb']:7.0f} MB")
    best = {f"{n}.{k}": {"wall": min(x["wall"] for x in v), "rss_mb": max(x["rss_mb"] for x in v),
                         "runs": [round(x["wall"], 2) for x in v],
                         "phases": min(v, key=lambda x: x["wall"])["phases"]}
            for (n, k), v in runs.items()}
    findings = {}
    for name in ("clean", "destroyed"):
        doc = json.loads((raw / f"destroyed.{name}.nowrite.json").read_text(encoding="utf-8"))
        findings[name] = sum(len(f["issues"]) for f in doc["files"])
    ratio = {k: best[f"destroyed.{k}"]["wall"] / best[f"clean.{k}"]["wall"] for k in kinds}
    peak = max(v["rss_mb"] for v in best.values())
    doc = {"rows": args.rows, "repeat": args.repeat, "machine": machine(), "best": best,
           "findings": findings, "ratio": ratio, "peak_mb": peak,
           "targets": {"ratio_nowrite": ratio["nowrite"] <= TARGET_RATIO,
                       "ratio_all": ratio["all"] <= TARGET_RATIO,
                       "peak_memory": peak <= TARGET_MB}}
    (out / f"destroyed_{args.rows}.json").write_text(json.dumps(doc, indent=1))
    (out / f"destroyed_{args.rows}.md").write_text(markdown(doc), encoding="utf-8")
    sys.stdout.write(markdown(doc))
    return 0


def phases(stderr: Path) -> dict[str, float]:
    """The phase timings ``PMKSCHECK_TIMINGS=1`` printed (seconds; empty if none)."""
    for line in stderr.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith('[{"path"'):
            entry = json.loads(line)[0]
            return {k: round(v, 2) for k, v in entry.items()
                    if isinstance(v, float) and not k.startswith("peak")}
    return {}


def markdown(doc: dict) -> str:
    b = doc["best"]
    ok = {True: "met", False: "**not met**"}
    lines = [f"# Destroyed NIK/KK columns, {doc['rows']:,} rows (fastest of {doc['repeat']})", "",
             "| run | clean | destroyed | ratio (target <= 1.5) | peak MB clean / destroyed |",
             "|---|---:|---:|---:|---:|"]
    for kind, label in (("nowrite", "`--no-write`"), ("all", "every output")):
        c, d = b[f"clean.{kind}"], b[f"destroyed.{kind}"]
        lines.append(f"| {label} | {c['wall']:.1f} s | {d['wall']:.1f} s | "
                     f"{doc['ratio'][kind]:.2f} ({ok[doc['ratio'][kind] <= TARGET_RATIO]}) | "
                     f"{c['rss_mb']:.0f} / {d['rss_mb']:.0f} |")
    t = doc["targets"]
    names = list(dict.fromkeys(k for v in b.values() for k in v.get("phases", {})))
    if names:
        lines += ["", "Phases of the fastest runs (seconds, `PMKSCHECK_TIMINGS=1`):", "",
                  "| run | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
        for key in ("clean.nowrite", "destroyed.nowrite", "clean.all", "destroyed.all"):
            ph = b[key].get("phases", {})
            lines.append(f"| {key} | " + " | ".join(
                f"{ph[n]:.2f}" if n in ph else "—" for n in names) + " |")
    lines += ["", f"Findings: clean {doc['findings']['clean']:,}, destroyed "
              f"{doc['findings']['destroyed']:,}. Peak memory {doc['peak_mb']:.0f} MB "
              f"(target <= {TARGET_MB} MB: {ok[t['peak_memory']]}).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--data", default=str(HERE / "data"))
    p.add_argument("--out", default=str(HERE / "results"))
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
