"""Record the JSON report of a corpus, and compare two recordings (issue 13).

Before a redesign moves code around, record what pmkscheck answers on every sample, the hostile
corpus and a generated corpus of a few thousand messy rows; after it, record again and compare.
Differences must be listed and justified.

    python scripts/record_reports.py record OUT_DIR        # build the corpus, write OUT_DIR/*.json
    python scripts/record_reports.py compare OLD_DIR NEW_DIR

The generated corpus is deterministic (fixed seeds). Reports are produced with a fixed reference
date through the Python API; timings are removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
REFERENCE_DATE = date(2025, 6, 30)


def build_corpus(folder: Path) -> list[Path]:
    """Samples + hostile corpus (fast cases) + generated messy files; returns the inputs."""
    from hostile import corpus

    from sample_data import synth

    inputs = sorted(p for p in (ROOT / "sample_data").iterdir()
                    if p.suffix.lower() in (".xlsx", ".xls", ".ods", ".csv"))
    hostile = folder / "hostile"
    hostile.mkdir(parents=True)
    for case in corpus.cases():
        if case.slow or case.klass == "filesystem":
            continue
        sub = hostile / case.name
        sub.mkdir()
        try:
            inputs.append(case.build(sub))
        except OSError:  # a case the platform cannot build
            continue
    gen = folder / "generated"
    gen.mkdir()
    for n, (district, layout) in enumerate([("6408", "office"), ("6472", "office_split"),
                                            ("6403", "dtks"), ("6401", "plain")]):
        records, _ = synth.people(1500, district=district, seed=100 + n, defects=0.3,
                                  noise=0.3)
        inputs.append(synth.write_xlsx(gen / f"messy_{district}_{layout}.xlsx", records,
                                       layout).path)
    records, _ = synth.people(1500, district="6471", seed=200, defects=0.3, noise=0.3)
    inputs.append(synth.write_csv(gen / "messy_6471.csv", records).path)
    return inputs


def record(out: Path) -> None:
    """Write one JSON report per input of the corpus into ``out``."""
    from pmkscheck.pipeline import check_paths
    from pmkscheck.report.json_report import dumps
    from pmkscheck.settings import Settings

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pmkscheck-corpus-"))
    try:
        for path in build_corpus(work):
            settings = Settings(reference_date=REFERENCE_DATE, write=False, format="json",
                                progress=False, use_history=False)
            doc = json.loads(dumps(check_paths([str(path)], settings)))
            for f in doc["files"]:
                f.pop("timings", None)
                f["path"] = Path(f["path"]).name
            name = path.relative_to(work).as_posix() if work in path.parents else path.name
            target = out / (name.replace("/", "__") + ".json")
            text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
            for form in {str(work), str(work.resolve())}:  # the corpus folder differs per run
                text = text.replace(form, "<corpus>")
            target.write_text(text, encoding="utf-8")
            print(f"{target.name}: {sum(len(f['issues']) for f in doc['files'])} findings")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _summary(doc: dict) -> dict:
    out = {}
    for f in doc["files"]:
        key = f"{f['path']}[{f.get('sheet')}]"
        out[key] = {"data_rows": f.get("data_rows"), "error": (f.get("error") or {}).get("code"),
                    "by_code": f.get("summary", {}).get("by_code", {})}
    return out


def compare(old: Path, new: Path) -> int:
    """Print what differs between two recordings; exit status 1 if anything does."""
    names = sorted({p.name for p in old.glob("*.json")} | {p.name for p in new.glob("*.json")})
    differ = 0
    for name in names:
        a, b = old / name, new / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'new' if b.exists() else 'old'}")
            differ += 1
            continue
        da, db = json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8"))
        if da == db:
            continue
        differ += 1
        sa, sb = _summary(da), _summary(db)
        print(f"{name}:")
        for key in sorted(set(sa) | set(sb)):
            x, y = sa.get(key), sb.get(key)
            if x == y:
                continue
            if x is None or y is None:
                print(f"  {key}: {'added' if x is None else 'removed'}")
                continue
            for field in ("data_rows", "error"):
                if x[field] != y[field]:
                    print(f"  {key} {field}: {x[field]} -> {y[field]}")
            codes = set(x["by_code"]) | set(y["by_code"])
            for code in sorted(codes):
                if x["by_code"].get(code, 0) != y["by_code"].get(code, 0):
                    print(f"  {key} {code}: {x['by_code'].get(code, 0)} -> "
                          f"{y['by_code'].get(code, 0)}")
        if sa == sb:
            print("  (same counts; messages, cells or other fields differ)")
    print(f"{differ} of {len(names)} reports differ")
    return 1 if differ else 0


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.cmd == "record":
        record(args.out)
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
