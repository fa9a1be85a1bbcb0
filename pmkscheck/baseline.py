"""Baseline: record today's findings so CI fails only on *new* ones (legacy data tolerated).

Stage ④ report (between the checks and the reporters). ``pmkscheck baseline FILES -o
baseline.json`` writes the file; ``validate --baseline baseline.json`` drops every finding recorded
there, so a repository with old, not-yet-cleaned data fails only on findings that are new.

A finding is matched by ``(file, sheet, code, key)``, never by row number alone:

- ``file`` is the path relative to the baseline file's folder (else to the current folder),
  written with ``/``, so the baseline works on every machine and after a checkout elsewhere;
- ``key`` is a short SHA-256 of: the field, the masked value of the finding and the *record key*:
  the row's NIK masked (``647203******0001``) when the row has one, else a hash of the row's
  normalised record (every cleaned field except ``no``). A row moved up or down keeps its key;
  file-level findings hash their (masked) parameters instead;
- matching is count-based: a baseline entry seen twice absorbs two equal findings, a third is new.

Only errors and warnings are recorded (infos never fail a run and stay reported). The file holds
no personal data in clear: keys are hashes of already-masked text.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkscheck import __version__, distinct
from pmkscheck.atomic import atomic_open
from pmkscheck.errors import UsageError
from pmkscheck.issues import Issue, Severity
from pmkscheck.mask import mask_id, mask_value, scrub
from pmkscheck.table import ROW

if TYPE_CHECKING:
    import pandas as pd

    from pmkscheck.report import FileReport, Report

FORMAT = 1
KIND = "pmkscheck-baseline"
RECORDED = (Severity.ERROR, Severity.WARNING)
EXCLUDED_FIELDS = ("no",)  # the running number changes when rows move
_SEP = "\x1f"

Entry = tuple[str, str, str, str]  # (file, sheet, code, key)


@dataclass
class Baseline:
    """A loaded baseline: counts per ``(file, sheet, code, key)``.

    Attributes:
        path: the baseline file.
        root: the folder file names are relative to (the baseline file's folder).
        counts: how many findings each entry absorbs.
    """

    path: Path
    root: Path
    counts: Counter[Entry] = field(default_factory=Counter)

    def __len__(self) -> int:
        return sum(self.counts.values())


def relative_name(path: Path, root: Path, cwd: Path | None = None) -> str:
    """``path`` relative to ``root`` (else to ``cwd``, else as given), with ``/`` separators."""
    p = Path(path)
    full = (p if p.is_absolute() else (cwd or Path.cwd()) / p).resolve()
    for base in (root, cwd or Path.cwd()):
        try:
            return full.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return full.as_posix()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record_keys(f: FileReport, rows: Iterable[int]) -> dict[int, str]:
    """Row number -> record key for the given rows (vectorised over the rows asked for).

    The masked NIK when the row has one (10+ digits), else ``"h:"`` + a hash of the row's
    normalised record. Without the table (hand-built reports) the row number is the fallback.
    """
    import pandas as pd

    wanted = sorted({int(r) for r in rows})
    if not wanted:
        return {}
    if f.table is None or ROW not in f.table.data.columns:
        return {r: f"row:{r}" for r in wanted}
    data = f.table.data
    by_row = pd.Series(data.index, index=data[ROW].astype("int64"))
    by_row = by_row[~by_row.index.duplicated()]
    labels = by_row.reindex(wanted).dropna()
    if labels.empty:
        return {r: f"row:{r}" for r in wanted}
    idx = pd.Index(labels.to_numpy())
    clean = f.clean if f.clean is not None else data.drop(columns=[ROW])
    clean = clean.reindex(idx)
    nik = _nik_series(clean, data.reindex(idx))
    cols = [c for c in clean.columns if c not in EXCLUDED_FIELDS and c != ROW]
    if cols:
        joined = clean[cols[0]].astype(object).where(clean[cols[0]].notna(), "").astype(str)
        for c in cols[1:]:
            part = clean[c].astype(object).where(clean[c].notna(), "").astype(str)
            joined = joined + _SEP + part
    else:
        joined = pd.Series("", index=idx)
    uniq = distinct.unique(joined.to_numpy(dtype=object))
    hashes = {u: "h:" + _digest(u) for u in uniq}  # once per unique record
    content = joined.map(hashes)
    key = nik.where(nik.notna(), content)
    key.index = labels.index  # row numbers
    out = {int(r): str(k) for r, k in key.items()}
    for r in wanted:
        out.setdefault(r, f"row:{r}")
    return out


def _nik_series(clean: pd.DataFrame, raw: pd.DataFrame) -> pd.Series:
    """Masked NIK per row (normalised value first, raw as read second), ``None`` if absent."""
    import pandas as pd

    nik = pd.Series(None, index=clean.index, dtype=object)
    for frame in (clean, raw):
        if "nik" in frame.columns:
            nik = nik.where(nik.notna(), frame["nik"].astype(object))
    digits = nik.astype(object).where(nik.notna(), "").astype(str).str.replace(
        r"\D", "", regex=True)
    uniq = distinct.unique(digits.to_numpy(dtype=object))
    masked = {d: ("n:" + (mask_id(d, "partial") or "")) if len(d) >= 10 else None for d in uniq}
    return digits.map(masked)


def finding_keys(f: FileReport, root: Path, cwd: Path | None = None) -> list[Entry | None]:
    """One ``(file, sheet, code, key)`` per issue of ``f`` (``None`` for infos: not recorded)."""
    name = relative_name(f.path, root, cwd)
    sheet = f.sheet or ""
    rows = [i.row for i in f.issues if i.row is not None and i.severity in RECORDED]
    records = record_keys(f, rows)
    out: list[Entry | None] = []
    for issue in f.issues:
        if issue.severity not in RECORDED:
            out.append(None)
            continue
        out.append((name, sheet, issue.code, _issue_key(issue, records)))
    return out


def _issue_key(issue: Issue, records: dict[int, str]) -> str:
    value = mask_value(issue.field, issue.value, "partial") or ""
    if issue.row is None:
        params = {k: scrub(str(v), "partial") for k, v in sorted(issue.params.items())}
        material = _SEP.join(["file", issue.field or "", value,
                              json.dumps(params, ensure_ascii=False, sort_keys=True)])
    else:
        material = _SEP.join(["row", issue.field or "", value, records.get(issue.row, "")])
    return _digest(material)


def build_baseline(report: Report, target: Path, cwd: Path | None = None) -> dict[str, Any]:
    """The baseline document for ``report`` as it would be written to ``target``."""
    root = Path(target).resolve().parent
    counts: Counter[Entry] = Counter()
    for f in report.files:
        if f.error:
            continue
        counts.update(k for k in finding_keys(f, root, cwd) if k is not None)
    findings = [
        {"file": file, "sheet": sheet, "code": code, "key": key, "count": n}
        for (file, sheet, code, key), n in sorted(counts.items())
    ]
    return {"tool": "pmkscheck", "kind": KIND, "format": FORMAT, "version": __version__,
            "findings": findings}


def write_baseline(report: Report, target: Path, cwd: Path | None = None) -> int:
    """Write the baseline of ``report`` to ``target`` (atomically); returns findings recorded."""
    doc = build_baseline(report, target, cwd)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(target, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return sum(e["count"] for e in doc["findings"])


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; :class:`UsageError` (exit 2) if missing or not a baseline."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("BASELINE_NOT_FOUND", path=str(path))
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError("BASELINE_INVALID", path=str(path),
                         problem=type(exc).__name__) from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise UsageError("BASELINE_INVALID", path=str(path), problem=f"kind != {KIND}")
    if doc.get("format") != FORMAT:
        raise UsageError("BASELINE_INVALID", path=str(path),
                         problem=f"format {doc.get('format')!r} != {FORMAT}")
    counts: Counter[Entry] = Counter()
    try:
        for e in doc["findings"]:
            entry = (str(e["file"]), str(e.get("sheet") or ""), str(e["code"]), str(e["key"]))
            counts[entry] += int(e.get("count", 1))
    except (KeyError, TypeError, ValueError):
        raise UsageError("BASELINE_INVALID", path=str(path), problem="findings") from None
    return Baseline(path=path, root=path.resolve().parent, counts=counts)


def apply_baseline(report: Report, baseline: Baseline | Path | str,
                   cwd: Path | None = None) -> tuple[Report, int]:
    """Drop every finding the baseline records (count-based).

    Returns a new report and how many findings were dropped: each :class:`FileReport` with
    findings is replaced by one without those findings and with ``baselined`` set to its own
    count (reports are not changed once built).
    """
    if not isinstance(baseline, Baseline):
        baseline = load_baseline(Path(baseline))
    remaining = Counter(baseline.counts)
    total = 0
    files = []
    for f in report.files:
        if f.error or not f.issues:
            files.append(f)
            continue
        keys = finding_keys(f, baseline.root, cwd)
        kept = [True] * len(keys)
        for n, key in enumerate(keys):
            if key is not None and remaining[key] > 0:
                remaining[key] -= 1
                kept[n] = False
        dropped = kept.count(False)
        files.append(replace(f, issues=f.issues.take(kept), baselined=f.baselined + dropped))
        total += dropped
    return replace(report, files=tuple(files)), total


__all__ = ["Baseline", "apply_baseline", "build_baseline", "finding_keys", "load_baseline",
           "record_keys", "relative_name", "write_baseline"]
