"""Compare a table with its previous submission (issue 14).

Persons added / removed / changed, findings fixed / new / still open. Vectorised: set
operations on keyed fingerprints.

The result is the JSON ``changes`` block (CONTRACT.md)::

    {"previous": {"file", "data_date", "validated_at"},
     "persons": {"added", "removed", "changed"},
     "findings": {"fixed", "new", "open"},
     "summary": {rows / errors / error rate / completeness, before and now},
     "changed_fields": {"jenis": n, "wilayah": n, "nama": n, "lahir": n},
     "by_code": {CODE: {"fixed", "new", "open"}},
     "details": {"added": [{"row"}], "removed": [{"previous_row"}],
                 "changed": [{"row", "previous_row", "fields"}],
                 "new": [{"code", "row", "field"}], "fixed": [{"code", "previous_row", "field"}]}}

Rows are the spreadsheet rows of the new file (``previous_row`` of the previous one). No NIK, name
or other personal value appears: persons are located by row only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmkscheck.history.snapshot import Snapshot

CHANGE_FIELDS = ("jenis", "wilayah", "nama", "lahir")


def _rate(n: int, rows: int) -> float | None:
    return round(n / rows, 4) if rows else None


def _int(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def compare(now: Snapshot, before: Snapshot) -> dict[str, Any]:
    """The ``changes`` block of ``now`` against ``before`` (see the module docstring)."""
    added, removed, changed, fields = _persons(now.persons, before.persons)
    fixed, new, still, by_code = _findings(now.findings, before.findings)
    return {
        "previous": before.meta(),
        "persons": {"added": len(added), "removed": len(removed), "changed": len(changed)},
        "findings": {"fixed": len(fixed), "new": len(new), "open": still},
        "summary": {
            "rows": {"previous": before.rows, "now": now.rows},
            "errors": {"previous": before.errors, "now": now.errors},
            "error_rate": {"previous": _rate(before.rows_with_errors, before.rows),
                           "now": _rate(now.rows_with_errors, now.rows)},
            "completeness": {
                "previous": None if before.completeness is None else round(
                    before.completeness, 4),
                "now": None if now.completeness is None else round(now.completeness, 4)},
        },
        "changed_fields": fields,
        "by_code": by_code,
        "details": {
            "added": [{"row": _int(r)} for r in added],
            "removed": [{"previous_row": _int(r)} for r in removed],
            "changed": changed,
            "new": [{"code": c, "row": _int(r), "field": fl or None}
                    for c, r, fl in new.itertuples(index=False, name=None)],
            "fixed": [{"code": c, "previous_row": _int(r), "field": fl or None}
                      for c, r, fl in fixed.itertuples(index=False, name=None)],
        },
    }


def _first(persons: pd.DataFrame) -> pd.DataFrame:
    """One row per person (the first row of each fingerprint), indexed by fingerprint."""
    p = persons.copy()
    p["row"] = pd.to_numeric(p["row"], errors="coerce")
    return p.sort_values("row", kind="stable").drop_duplicates("fp").set_index("fp")


def _persons(now: pd.DataFrame, before: pd.DataFrame
             ) -> tuple[list, list, list[dict[str, Any]], dict[str, int]]:
    a, b = _first(now), _first(before)
    added = a.index.difference(b.index)
    removed = b.index.difference(a.index)
    both = a.index.intersection(b.index)
    x, y = a.loc[both], b.loc[both]
    diff = pd.DataFrame(index=both)
    for name, cols in (("wilayah", ("desa", "kecamatan")), ("nama", ("nama",)),
                       ("lahir", ("lahir",))):
        d = pd.Series(False, index=both)
        for c in cols:
            if c in x.columns and c in y.columns:
                d |= ~(x[c].fillna("").astype(str) == y[c].fillna("").astype(str))
        diff[name] = d
    # jenis: the set of (person, jenis) pairs, so a person listed under two jenis is compared
    # as a whole
    pairs = pd.merge(now[["fp", "jenis"]].fillna("").drop_duplicates(),
                     before[["fp", "jenis"]].fillna("").drop_duplicates(),
                     how="outer", on=["fp", "jenis"], indicator=True)
    moved = pairs.loc[pairs["_merge"] != "both", "fp"].unique()
    diff["jenis"] = diff.index.isin(moved)
    diff = diff[list(CHANGE_FIELDS)]
    hit = diff.any(axis=1)
    changed_idx = diff.index[hit]
    rows_now = a.loc[changed_idx, "row"]
    rows_before = b.loc[changed_idx, "row"]
    flags = diff.loc[changed_idx]
    changed = sorted(
        ({"row": _int(rn), "previous_row": _int(rb),
          "fields": [c for c in CHANGE_FIELDS if bool(flags.at[fp, c])]}
         for fp, rn, rb in zip(changed_idx, rows_now, rows_before, strict=True)),
        key=lambda d: (d["row"] is None, d["row"] or 0))
    counts = {c: int(diff.loc[changed_idx, c].sum()) for c in CHANGE_FIELDS}
    return (sorted(a.loc[added, "row"].tolist()), sorted(b.loc[removed, "row"].tolist()),
            changed, counts)


def _findings(now: pd.DataFrame, before: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, dict[str, int]]]:
    n = now.drop_duplicates("ident")
    b = before.drop_duplicates("ident")
    is_new = ~n["ident"].isin(b["ident"])
    is_fixed = ~b["ident"].isin(n["ident"])
    new = n.loc[is_new, ["code", "row", "field"]]
    fixed = b.loc[is_fixed, ["code", "row", "field"]]
    still = n.loc[~is_new]
    by_code: dict[str, dict[str, int]] = {}
    for label, frame in (("fixed", fixed), ("new", new), ("open", still)):
        for code, count in frame["code"].value_counts().items():
            by_code.setdefault(str(code), {"fixed": 0, "new": 0, "open": 0})[label] = int(count)
    return fixed, new, int(len(still)), dict(sorted(by_code.items()))


__all__ = ["CHANGE_FIELDS", "compare"]
