"""pmkscheck's speed benchmark (issue 6): whole processes, medians, ratios to the floor and peers.

    python benchmarks/run.py [--sizes 10000,100000,1000000] [--repeat 3] [--quick]
                             [--no-frictionless] [--no-naive] [--out benchmarks/results]
                             [--profile]

Data: realistic person lists from ``sample_data/synth.py`` (Kutai Timur, ~5 % planted defects,
15 columns, three title rows), as xlsx and as a ``;``-separated cp1252 CSV, cached under
``benchmarks/data/`` (gitignored; generating 1M rows takes a few minutes once). The smaller
files are prefixes of the larger ones (same seed).

Measured per file, each run a fresh process (peak RSS from ``getrusage(RUSAGE_CHILDREN)`` of a
one-shot wrapper process, so every run has its own peak), median of ``--repeat`` runs:

* ``pmkscheck validate --no-write --format json`` (with ``PMKSCHECK_TIMINGS=1``: phases);
* ``pmkscheck validate --format json -o DIR``: every output (JSON, cleaned xlsx + csv,
  annotated workbook, HTML report);
* the floor: the fastest raw read of the same file (python-calamine ``to_python()``, polars,
  fastexcel; CSV: polars, pyarrow) -- the fastest reader's median counts;
* ``frictionless validate`` with ``benchmarks/pmks-individu.tableschema.json`` (every error:
  ``--limit-errors`` lifted; at most two runs; xlsx only up to 100k rows);
* the naive stack (``benchmarks/naive.py``: pandas+openpyxl read, pandera, openpyxl writes),
  xlsx at <= 100k rows only, one run.

Findings must not depend on the container or the size: for each size the xlsx and the CSV
findings, mapped to record numbers, must be the same multiset of (record, code, field); and a
smaller file's findings must be those of the larger file's first records (codes that compare a
record with later records, ``*_DUPLICATE*``, may only add findings in the larger file). A
difference is printed and makes the exit status 1.

Writes ``<out>/latest.md`` (tables + machine) and ``<out>/latest.json``; raw outputs go to
``<out>/raw/`` (gitignored). ``--quick``: 10k and 100k, one run each, no naive stack.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCHEMA = HERE / "pmks-individu.tableschema.json"
DISTRICT = "6408"
SEED = 2025
DEFECTS = 0.05
DATA_VERSION = 1  # bump when the generated files change shape


# ----------------------------------------------------------------------------------------------
# one measured process
# ----------------------------------------------------------------------------------------------


def _measure_child(argv: list[str]) -> int:
    """Wrapper mode: run ``argv``, print wall/CPU/peak RSS of it (and its children) as JSON."""
    env = os.environ.copy()
    out_path = env.pop("BENCH_STDOUT", None)
    err_path = env.pop("BENCH_STDERR", None)
    with open(out_path or os.devnull, "wb") as out, open(err_path or os.devnull, "wb") as err:
        t0 = time.perf_counter()
        rc = subprocess.call(argv, stdout=out, stderr=err, env=env)
        wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                      "rss_mb": ru.ru_maxrss / 1024}))
    return 0


def measure(argv: list[str], stdout: Path | None = None, stderr: Path | None = None,
            env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)) -> dict:
    """Run ``argv`` once in a fresh wrapper process; returns rc, wall, cpu, rss_mb."""
    e = os.environ.copy()
    e.update(env or {})
    if stdout:
        e["BENCH_STDOUT"] = str(stdout)
    if stderr:
        e["BENCH_STDERR"] = str(stderr)
    res = subprocess.run([sys.executable, __file__, "_measure", "--", *argv], env=e,
                         capture_output=True, text=True, check=True)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    if data["rc"] not in ok:
        tail = stderr.read_text(errors="replace")[-2000:] if stderr and stderr.exists() else ""
        raise RuntimeError(f"{' '.join(argv)} exited {data['rc']}\n{tail}")
    return data


def repeated(argv: list[str], repeat: int, **kw) -> dict:
    """Median wall/cpu and max peak RSS over ``repeat`` runs (each run a fresh process)."""
    runs = [measure(argv, **kw) for _ in range(repeat)]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "runs": [round(r["wall"], 3) for r in runs],
    }


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------


def layout():
    from sample_data import synth

    # 15 columns (the CSV layout's), three title lines, L/P as letters, no sections or totals
    return synth.sheet_layout("csv", sex_words=False, sheet_name="PMKS 2025")


def ensure_data(sizes: list[int], data_dir: Path, log) -> dict[int, dict]:
    """Generate (or reuse) ``pmks_<n>.xlsx``/``.csv`` + ``.meta.json`` for every size."""
    data_dir.mkdir(parents=True, exist_ok=True)
    meta: dict[int, dict] = {}
    missing = []
    for n in sizes:
        m = data_dir / f"pmks_{n}.meta.json"
        if m.exists():
            d = json.loads(m.read_text())
            if d.get("version") == DATA_VERSION and all(
                    (data_dir / d[k]).exists() for k in ("xlsx", "csv")):
                meta[n] = d
                continue
        missing.append(n)
    if missing:
        sys.path.insert(0, str(ROOT))
        from sample_data import synth

        top = max(missing)
        log(f"generating {top:,} records (seed {SEED}, {DEFECTS:.0%} defects) ...")
        t0 = time.perf_counter()
        records, _expected = synth.people(top, district=DISTRICT, seed=SEED, defects=DEFECTS)
        log(f"  records in {time.perf_counter() - t0:.0f} s")
        lay = layout()
        for n in sorted(missing):
            recs = records[:n]
            xlsx, csvf = data_dir / f"pmks_{n}.xlsx", data_dir / f"pmks_{n}.csv"
            t0 = time.perf_counter()
            wx = synth.write_xlsx(xlsx, recs, lay, engine="raw")
            wc = synth.write_csv(csvf, recs, lay)
            log(f"  wrote {n:,}-row xlsx + csv in {time.perf_counter() - t0:.0f} s")
            d = {"version": DATA_VERSION, "n": n, "xlsx": xlsx.name, "csv": csvf.name,
                 "xlsx_header_row": wx.header_row, "csv_header_row": wc.header_row,
                 "xlsx_rows": wx.rows, "csv_rows": wc.rows,
                 "defects": sum(1 for r in recs if r["_defect"])}
            (data_dir / f"pmks_{n}.meta.json").write_text(json.dumps(d))
            meta[n] = d
        del records
    return meta


# ----------------------------------------------------------------------------------------------
# findings: the same data gives the same findings
# ----------------------------------------------------------------------------------------------


def findings(report_path: Path, rows: list[int]) -> tuple[Counter, Counter]:
    """(record, code, field) of row-level findings; (code, field) of file-level ones."""
    doc = json.loads(report_path.read_text(encoding="utf-8"))
    record_of = {r: i for i, r in enumerate(rows)}
    per_record: Counter = Counter()
    file_level: Counter = Counter()
    for f in doc["files"]:
        for i in f["issues"]:
            if i["row"] is None:
                file_level[(i["code"], i["field"])] += 1
            else:
                per_record[(record_of.get(i["row"], f"row {i['row']}"), i["code"],
                            i["field"])] += 1
    return per_record, file_level


def compare(name_a: str, a: Counter, name_b: str, b: Counter, limit: int = 10) -> list[str]:
    out = []
    for key, cnt in ((a - b) + (b - a)).items():
        side = name_a if a[key] > b[key] else name_b
        out.append(f"only in {side}: {key} x{cnt}")
    return sorted(out)[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


def cross_record(code: str) -> bool:
    return "DUPLICATE" in code


# ----------------------------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------------------------


def pmkscheck_cmd(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pmkscheck", "validate", str(path), "--format", "json",
            "--fail-on", "never", "--quiet", *extra]


def frictionless_cmd(path: Path, header_row: int) -> list[str]:
    exe = shutil.which("frictionless")
    argv = [exe] if exe else [sys.executable, "-m", "frictionless"]
    argv += ["validate", "--trusted", "--json", "--schema", str(SCHEMA), "--header-rows",
             str(header_row), "--limit-errors", "1000000000", str(path)]
    if path.suffix == ".csv":
        argv += ["--encoding", "cp1252"]
    return argv


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    data_dir = Path(args.data)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    meta = ensure_data(args.sizes, data_dir, log)
    results: list[dict] = []
    problems: list[str] = []
    sources = [Path(m) for m in args.merge]
    if args.append and (out / "latest.json").exists():
        sources.append(out / "latest.json")
    for src in sources:
        old = json.loads(src.read_text())
        now = {(n, f) for n in args.sizes for f in args.formats}
        results += [r for r in old["results"] if (r["rows"], r["format"]) not in now
                    and (r["rows"], r["format"]) not in {(x["rows"], x["format"]) for x in results}]
        problems += [p for p in old.get("findings_problems", []) if p not in problems
                     and not any(f"{n} rows" in p or f" {n} " in p for n in args.sizes)]
    results.sort(key=lambda r: (r["rows"], r["format"] != "xlsx"))
    finding_sets: dict[tuple[int, str], tuple[Counter, Counter]] = {}
    for n in args.sizes:
        m = meta[n]
        repeat = args.repeat if n <= 100_000 or not args.repeat_large else args.repeat_large
        for fmt in args.formats:
            path = data_dir / m[fmt]
            header_row = m[f"{fmt}_header_row"]
            rows = m[f"{fmt}_rows"]
            tag = f"{n}.{fmt}"
            res: dict = {"rows": n, "format": fmt, "bytes": path.stat().st_size,
                         "repeat": repeat}
            log(f"[{tag}] pmkscheck --no-write")
            report = raw / f"{tag}.json"
            timings = raw / f"{tag}.timings.txt"
            res["nowrite"] = repeated(pmkscheck_cmd(path, "--no-write"), repeat,
                                      stdout=report, stderr=timings,
                                      env={"PMKSCHECK_TIMINGS": "1"})
            res["nowrite"]["phases"] = _phases(timings)
            finding_sets[(n, fmt)] = findings(report, rows)
            res["findings"] = sum(finding_sets[(n, fmt)][0].values()) + sum(
                finding_sets[(n, fmt)][1].values())
            if fmt in args.all_formats:
                log(f"[{tag}] pmkscheck, every output")
                outdir = raw / f"{tag}.out"
                shutil.rmtree(outdir, ignore_errors=True)
                res["all"] = repeated(pmkscheck_cmd(path, "-o", str(outdir)), repeat,
                                      stdout=raw / f"{tag}.all.json",
                                      stderr=raw / f"{tag}.all.timings.txt",
                                      env={"PMKSCHECK_TIMINGS": "1"})
                res["all"]["phases"] = _phases(raw / f"{tag}.all.timings.txt")
                res["all"]["outputs"] = sorted(p.name for p in outdir.iterdir()) \
                    if outdir.exists() else []
            readers = ("calamine", "fastexcel", "polars") if fmt == "xlsx" else \
                ("polars", "pyarrow")
            floors = {}
            for how in readers:
                log(f"[{tag}] floor: {how}")
                try:
                    floors[how] = repeated(
                        [sys.executable, str(HERE / "floor.py"), how, str(path),
                         str(header_row - 1)], repeat, ok=(0,),
                        stderr=raw / f"{tag}.floor.{how}.err")
                except RuntimeError as exc:
                    log(f"  {how} failed: {str(exc).splitlines()[0]}")
            res["floors"] = floors
            if floors:
                best = min(floors, key=lambda k: floors[k]["wall"])
                res["floor"] = {"reader": best, **floors[best]}
            if args.frictionless and (fmt == "csv" or n <= 100_000):
                # the 1M-row xlsx takes frictionless minutes (issue 6: 137 s) and no target uses it
                log(f"[{tag}] frictionless validate")
                res["frictionless"] = repeated(
                    frictionless_cmd(path, header_row), max(1, min(repeat, 2)),
                    stdout=raw / f"{tag}.frictionless.json",
                    stderr=raw / f"{tag}.frictionless.err")
            if args.naive and fmt == "xlsx" and n <= 100_000:
                log(f"[{tag}] naive stack")
                res["naive"] = repeated(
                    [sys.executable, str(HERE / "naive.py"), str(path), str(header_row),
                     str(raw / f"{tag}.naive")], 1, ok=(0,), stderr=raw / f"{tag}.naive.err")
            results.append(res)
            results.sort(key=lambda r: (r["rows"], r["format"] != "xlsx"))
            log(f"[{tag}] " + _summary_line(res))
            _write(out, args, results, problems)  # keep what we have
        for fmt in ("xlsx", "csv"):  # the other format's report from an earlier run
            if (n, fmt) not in finding_sets and (raw / f"{n}.{fmt}.json").exists():
                finding_sets[(n, fmt)] = findings(raw / f"{n}.{fmt}.json", m[f"{fmt}_rows"])
        if (n, "xlsx") not in finding_sets or (n, "csv") not in finding_sets:
            continue
        a, b = finding_sets[(n, "xlsx")], finding_sets[(n, "csv")]
        for what, x, y in (("per record", a[0], b[0]), ("file level", a[1], b[1])):
            diff = compare(f"{n}.xlsx", x, f"{n}.csv", y)
            if diff:
                problems.append(f"{n} rows, xlsx vs csv, {what}: " + "; ".join(diff))
    # sizes vs sizes: every size with a report, this run's or an earlier one's (raw/)
    sizes = sorted({r["rows"] for r in results} | set(args.sizes))
    for n in sizes:
        for fmt in ("xlsx", "csv"):
            mf = data_dir / f"pmks_{n}.meta.json"
            if (n, fmt) not in finding_sets and (raw / f"{n}.{fmt}.json").exists() \
                    and mf.exists():
                rows = json.loads(mf.read_text())[f"{fmt}_rows"]
                finding_sets[(n, fmt)] = findings(raw / f"{n}.{fmt}.json", rows)
    for small, big in zip(sizes, sizes[1:], strict=False):
        for fmt in ("xlsx", "csv"):
            if (small, fmt) not in finding_sets or (big, fmt) not in finding_sets:
                continue
            s = finding_sets[(small, fmt)][0]
            b = Counter({k: v for k, v in finding_sets[(big, fmt)][0].items()
                         if isinstance(k[0], int) and k[0] < small})
            missing = s - b
            extra = Counter({k: v for k, v in (b - s).items() if not cross_record(k[1])})
            diff = compare(f"{small}.{fmt}", missing, f"{big}.{fmt}", extra)
            if diff:
                problems.append(f"{fmt}, {small} vs first {small} records of {big}: "
                                + "; ".join(diff))
    _write(out, args, results, problems)
    for p in problems:
        log("FINDINGS DIFFER: " + p)
    log(f"wrote {out / 'latest.md'} and {out / 'latest.json'}")
    return 1 if problems else 0


def _phases(path: Path) -> dict[str, float]:
    """Phase timings printed by PMKSCHECK_TIMINGS=1 (last run), summed over tables."""
    phases: dict[str, float] = {}
    if not path.exists():
        return phases
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            phases = {}
            for f in doc:
                for k, v in f.items():
                    if not isinstance(v, (int, float)) or k == "rows":
                        continue
                    if k.startswith("peak_mb"):  # peak memory: the largest, not a sum
                        phases[k] = max(phases.get(k, 0.0), float(v))
                    else:
                        phases[k] = phases.get(k, 0.0) + float(v)
    return phases


def _summary_line(r: dict) -> str:
    bits = [f"no-write {r['nowrite']['wall']:.2f}s/{r['nowrite']['rss_mb']:.0f}MB"]
    if "all" in r:
        bits.append(f"all {r['all']['wall']:.2f}s/{r['all']['rss_mb']:.0f}MB")
    if "floor" in r:
        bits.append(f"floor {r['floor']['wall']:.2f}s ({r['floor']['reader']})")
    if "frictionless" in r:
        bits.append(f"frictionless {r['frictionless']['wall']:.2f}s")
    if "naive" in r:
        bits.append(f"naive {r['naive']['wall']:.2f}s")
    return ", ".join(bits)


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------


def machine() -> dict:
    info: dict = {"python": platform.python_version(), "platform": platform.platform(),
                  "nproc": os.cpu_count()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines()
                            if ln.startswith("model name")), "?")
    except OSError:
        info["cpu"] = platform.processor() or "?"
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        info["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    from importlib import metadata

    versions = {}
    for pkg in ("pmkscheck", "pandas", "numpy", "pyarrow", "pandera", "python-calamine",
                "openpyxl", "xlsxwriter", "polars", "fastexcel", "frictionless"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    info["versions"] = versions
    return info


def ratios(results: list[dict]) -> dict:
    """Target ratios of issue 6, per (rows, format); ``*_cpu``: the same on CPU seconds."""
    by = {(r["rows"], r["format"]): r for r in results}
    out: dict = {}
    pairs = (("nowrite_over_floor", "nowrite", "floor"),
             ("frictionless_over_nowrite", "frictionless", "nowrite"),
             ("frictionless_over_all", "frictionless", "all"),
             ("naive_over_all", "naive", "all"))
    for (n, fmt), r in by.items():
        d: dict = {}
        for name, top, bottom in pairs:
            if top in r and bottom in r:
                d[name] = r[top]["wall"] / r[bottom]["wall"]
                d[name + "_cpu"] = r[top]["cpu"] / max(r[bottom]["cpu"], 1e-9)
        out[f"{n}.{fmt}"] = d
    sizes = sorted({n for n, _ in by})
    for fmt in ("xlsx", "csv"):
        for lo, hi in zip(sizes, sizes[1:], strict=False):
            if (lo, fmt) in by and (hi, fmt) in by:
                k = math.log(hi / lo)
                for what in ("nowrite", "all"):
                    if what not in by[(lo, fmt)] or what not in by[(hi, fmt)]:
                        continue
                    for unit, suffix in (("wall", ""), ("cpu", "_cpu")):
                        a, b = by[(lo, fmt)][what][unit], by[(hi, fmt)][what][unit]
                        out.setdefault("growth" + suffix, {})[
                            f"{what}.{fmt}.{lo}->{hi}"] = math.log(b / a) / k
    return out


def targets(results: list[dict], rat: dict) -> list[tuple[str, str, bool | None, str, bool | None]]:
    """Each target of issue 6: (what, measured, met?, measured on CPU, met on CPU?)."""
    by = {(r["rows"], r["format"]): r for r in results}
    rows = []

    def ratio(what: str, key: str, name: str, ok, fmt: str) -> None:
        wall, cpu = rat.get(key, {}).get(name), rat.get(key, {}).get(name + "_cpu")
        rows.append((what, "not measured" if wall is None else fmt.format(wall),
                     None if wall is None else ok(wall),
                     "—" if cpu is None else fmt.format(cpu), None if cpu is None else ok(cpu)))

    def value(what: str, v, ok, fmt: str) -> None:
        rows.append((what, "not measured" if v is None else fmt.format(v),
                     None if v is None else ok(v), "—", None))

    ratio("100k xlsx --no-write <= 2x floor", "100000.xlsx", "nowrite_over_floor",
          lambda v: v <= 2, "{:.2f}x")
    ratio("100k xlsx --no-write >= 6x faster than frictionless", "100000.xlsx",
          "frictionless_over_nowrite", lambda v: v >= 6, "{:.1f}x")
    ratio("100k xlsx every output faster than frictionless (validation only)", "100000.xlsx",
          "frictionless_over_all", lambda v: v > 1, "{:.1f}x")
    ratio("100k xlsx every output >= 5x faster than naive stack", "100000.xlsx",
          "naive_over_all", lambda v: v >= 5, "{:.1f}x")
    ratio("1M xlsx --no-write <= 2x floor", "1000000.xlsx", "nowrite_over_floor",
          lambda v: v <= 2, "{:.2f}x")
    r = by.get((1_000_000, "xlsx"))
    value("1M xlsx --no-write peak memory <= 2 GB", r["nowrite"]["rss_mb"] / 1024 if r else None,
          lambda v: v <= 2, "{:.2f} GB")
    mem = machine().get("memory_gb") or 1e9
    value("1M xlsx every output finishes without swapping (peak RSS vs RAM)",
          r["all"]["rss_mb"] / 1024 if r and "all" in r else None, lambda v: v < mem,
          "{:.2f} GB")
    ratio("1M csv --no-write >= 8x faster than frictionless", "1000000.csv",
          "frictionless_over_nowrite", lambda v: v >= 8, "{:.1f}x")
    for what in ("nowrite", "all"):
        key = f"{what}.xlsx.100000->1000000"
        wall, cpu = rat.get("growth", {}).get(key), rat.get("growth_cpu", {}).get(key)
        rows.append((f"linear growth: xlsx {what} exponent 100k->1M (<= 1.15)",
                     "not measured" if wall is None else f"{wall:.2f}",
                     None if wall is None else wall <= 1.15,
                     "—" if cpu is None else f"{cpu:.2f}", None if cpu is None else cpu <= 1.15))
    return rows


def _write(out: Path, args: argparse.Namespace, results: list[dict], problems: list[str]) -> None:
    rat = ratios(results)
    mach = machine()
    doc = {"machine": mach, "repeat": args.repeat, "repeat_large": args.repeat_large,
           "results": results, "ratios": rat,
           "targets": [{"target": t, "measured": v, "met": ok, "measured_cpu": vc,
                        "met_cpu": okc} for t, v, ok, vc, okc in targets(results, rat)],
           "findings_identical": not problems, "findings_problems": problems}
    (out / "latest.json").write_text(json.dumps(doc, indent=1))
    (out / "latest.md").write_text(markdown(doc))


def _mb(x: dict | None) -> str:
    return "—" if not x else f"{x['rss_mb']:.0f}"


def _s(x: dict | None, key: str = "wall") -> str:
    return "—" if not x else f"{x[key]:.2f} s"


def markdown(doc: dict) -> str:
    m = doc["machine"]
    lines = [
        "## Benchmark (`python benchmarks/run.py`)",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('nproc')} cores, {m.get('memory_gb', '?')} GB RAM, "
        f"Python {m['python']}, {m['platform']}; load average at the end "
        f"{m.get('load_avg', '?')}. "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "Whole processes, wall time, median of the runs given per file (frictionless: at most 2, "
        "naive stack: 1); peak RSS is the largest of the runs. Data: `sample_data/synth.py` "
        "person lists (Kutai Timur, 15 columns, 3 title rows, ~5 % planted defects).",
        "",
        "| file | rows | runs | pmkscheck --no-write | peak MB | pmkscheck, every output | peak MB "
        "| floor (reader) | frictionless | naive stack | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in doc["results"]:
        fl = r.get("floor")
        al = r.get("all")
        lines.append(
            f"| {r['format']} | {r['rows']:,} | {r.get('repeat', doc['repeat'])} "
            f"| {_s(r['nowrite'])} | {r['nowrite']['rss_mb']:.0f} "
            f"| {_s(al)} | {_mb(al)} "
            f"| {_s(fl)} ({fl['reader'] if fl else '—'}) | {_s(r.get('frictionless'))} "
            f"| {_s(r.get('naive'))} | {r['findings']:,} |")
    lines += ["", "Phases of pmkscheck (seconds, from `PMKSCHECK_TIMINGS=1`, every-output run, or "
              "--no-write where that was not measured):",
              "", "| file | rows | " + " | ".join(PHASES) + " |",
              "|---|---:|" + "---:|" * len(PHASES)]
    for r in doc["results"]:
        ph = (r.get("all") or r["nowrite"]).get("phases", {})
        lines.append(f"| {r['format']} | {r['rows']:,} | "
                     + " | ".join(f"{ph[p]:.2f}" if p in ph else "—" for p in PHASES) + " |")
    lines += ["", "Peak memory of the two processes of a `--no-write` run (MB; the reader runs in "
              "an isolated child process that ends before the checks start):", "",
              "| file | rows | reader (child) | checks (parent) |", "|---|---:|---:|---:|"]
    for r in doc["results"]:
        ph = r["nowrite"].get("phases", {})
        lines.append(f"| {r['format']} | {r['rows']:,} | "
                     + " | ".join(f"{ph[p]:.0f}" if p in ph else "—"
                                  for p in ("peak_mb_reader", "peak_mb")) + " |")
    lines += ["", "CPU seconds (user+sys, median) — less sensitive to other load on the machine:",
              "", "| file | rows | --no-write | every output | floor | frictionless |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in doc["results"]:
        lines.append(f"| {r['format']} | {r['rows']:,} | {_s(r['nowrite'], 'cpu')} "
                     f"| {_s(r.get('all'), 'cpu')} | {_s(r.get('floor'), 'cpu')} "
                     f"| {_s(r.get('frictionless'), 'cpu')} |")
    lines += ["", "Targets (issue 6), ratios measured in the same run (wall time, as the issue "
              "states them; and the same ratio on CPU seconds):", "",
              "| target | measured (wall) | met | measured (CPU) | met (CPU) |",
              "|---|---:|:---:|---:|:---:|"]
    yes = {True: "yes", False: "**no**", None: "—"}
    for t in doc["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {yes[t['met']]} "
                     f"| {t.get('measured_cpu', '—')} | {yes[t.get('met_cpu')]} |")
    for key, label in (("growth", "wall"), ("growth_cpu", "CPU")):
        growth = doc["ratios"].get(key, {})
        if growth:
            lines += ["", f"Growth exponents on {label} time (log(t_big/t_small)/log(size ratio);"
                      " 1.0 = linear): "
                      + ", ".join(f"{k} {v:.2f}" for k, v in sorted(growth.items())) + "."]
    lines += ["", "Findings identical across formats and sizes: "
              + ("yes" if doc["findings_identical"] else "**no** — " + " / ".join(
                  doc["findings_problems"])), ""]
    return "\n".join(lines)


PHASES = ("read", "normalise", "check", "write_clean", "write_clean_csv", "write_annotated",
          "write_html", "write_report")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        return _measure_child(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000,1000000",
                   type=lambda s: [int(x) for x in s.split(",") if x])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--repeat-large", type=int, default=None,
                   help="runs per measurement above 100k rows (default: --repeat)")
    p.add_argument("--quick", action="store_true",
                   help="10k and 100k rows, one run each, no naive stack")
    p.add_argument("--no-frictionless", dest="frictionless", action="store_false")
    p.add_argument("--no-naive", dest="naive", action="store_false")
    p.add_argument("--append", action="store_true",
                   help="keep the results of other sizes from <out>/latest.json")
    p.add_argument("--merge", action="append", default=[], metavar="JSON",
                   help="also report the results of other sizes from this latest.json")
    p.add_argument("--formats", default="xlsx,csv", type=lambda s: s.split(","))
    p.add_argument("--all-formats", default="xlsx,csv", type=lambda s: s.split(","),
                   help="formats whose every-output run is measured")
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--profile", action="store_true",
                   help="also write pyinstrument profiles (benchmarks/profile.py) of the 100k "
                        "xlsx and the largest csv run to <out>/profile_*.txt")
    p.add_argument("--data", default=str(HERE / "data"))
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.naive = [10_000, 100_000], 1, False
    if args.frictionless and not (shutil.which("frictionless") or _has("frictionless")):
        print("frictionless not installed (pip install -e '.[bench]'); skipping it",
              file=sys.stderr)
        args.frictionless = False
    sys.path.insert(0, str(ROOT))
    rc = run(args)
    if args.profile:
        profiles(args.sizes, Path(args.data), Path(args.out))
    return rc


def profiles(sizes: list[int], data: Path, out: Path) -> None:
    """Write in-process pyinstrument profiles (benchmarks/profile.py) of the largest runs."""
    wanted = [("xlsx", n) for n in sizes if n <= 100_000][-1:] + [("csv", max(sizes))]
    for fmt, n in wanted:
        src = data / f"pmks_{n}.{fmt}"
        dest = out / f"profile_{fmt}_{n}.txt"
        if src.exists():
            subprocess.run([sys.executable, str(HERE / "profile.py"), str(src), "--out",
                            str(dest)], stdout=subprocess.DEVNULL, check=False)
            print(f"wrote {dest}", file=sys.stderr)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
