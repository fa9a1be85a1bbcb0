"""One generic, table-driven test for every ``tests/cases/<CODE>.yaml`` file.

Format of a case file (one per code; the file name is the code)::

    code: NIK_LENGTH              # the code under test (must be in the rules catalogue)
    field: nik                    # the field the value goes in, and the issue's field
    kind: n                       # optional: cell kind of the tested cell (default text "s")
    schema: pmks-keluarga         # optional: the table's schema (default pmks-individu)
    context:                      # optional: other cells of the same row, for every case
      jenis_pmks: Fakir Miskin
    fail:                         # each value must produce (code, row, field) for its row
      - "640817570875001"
      - {value: "6408175708750001", context: {tanggal_lahir: "18-08-1975"}, kind: s,
         rows: [{nik: "6408175708750001"}]}
    pass:                         # each value must NOT produce the code on its row/field
      - "6408175708750001"
      - null                      # an empty cell
    as_of: 2024-12-31             # optional: the data date (--as-of) of every case of the file

An entry is a scalar (the cell text, ``null`` = empty) or a mapping with ``value`` and optional
``context`` (merged over the file's), ``kind`` and ``rows``: other records placed *before* the
tested one (for duplicates); such a case runs in a table of its own, with the tested record last.
All other cases of a file run together, one row each, in a single table (one normalise + check
run per file keeps the suite fast), so cases must not depend on each other: only the tested
code on the tested row and field is asserted. The reference date (the day of the check) is
2025-06-30; the data date is that day too unless the file gives ``as_of``. Every file
must have at least one ``fail`` entry; ``pass`` entries are optional but expected.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import check_issues, make_table, test_settings, triples

from pmkscheck.rules import catalogue

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for outcome in ("fail", "pass"):
            for n, case in enumerate(_cases(spec, outcome)):
                params.append(pytest.param(path.stem, outcome, n, spec, case,
                                           id=f"{path.stem}-{outcome}-{n}"))
    return params


def _record(spec: dict, case: dict) -> dict:
    context = {**(spec.get("context") or {}), **(case.get("context") or {})}
    return {**context, spec["field"]: case["value"]}


def _kinds(field: str, rows: list[dict], tested: dict[int, str]) -> dict[str, list[str]]:
    return {field: [tested.get(n, "s" if r.get(field) is not None else "")
                    for n, r in enumerate(rows)]}


def _run_alone(spec: dict, case: dict) -> set[tuple]:
    """A case with its own ``rows`` (duplicates) runs in a table of its own."""
    field = spec["field"]
    rows = [*(case.get("rows") or []), _record(spec, case)]
    kind = case.get("kind", spec.get("kind"))
    kinds = _kinds(field, rows, {} if kind is None else {len(rows) - 1: kind})
    table = make_table(rows, kinds=kinds, schema=spec.get("schema", "pmks-individu"))
    row = int(table.data["_row"].iloc[-1])
    return {(c, f) for c, r, f in triples(check_issues(table, _settings(spec))) if r == row}


def _settings(spec: dict):  # noqa: ANN202 - Settings
    """The suite's settings, with the file's data date (``as_of``) if it gives one."""
    return test_settings(as_of=spec["as_of"]) if spec.get("as_of") else test_settings()


@cache
def _batch(path: Path) -> dict[tuple[str, int], set[tuple]]:
    """Every case of a file without ``rows`` as one row of a single table (fast: one run)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    field = spec["field"]
    keys, rows, kinds = [], [], {}
    for outcome in ("fail", "pass"):
        for n, case in enumerate(_cases(spec, outcome)):
            if case.get("rows"):
                continue
            kind = case.get("kind", spec.get("kind"))
            if kind is not None:
                kinds[len(rows)] = kind
            keys.append((outcome, n))
            rows.append(_record(spec, case))
    if not rows:
        return {}
    table = make_table(rows, kinds=_kinds(field, rows, kinds),
                       schema=spec.get("schema", "pmks-individu"))
    found = triples(check_issues(table, _settings(spec)))
    row_of = dict(zip(keys, table.data["_row"].astype(int), strict=True))
    return {key: {(c, f) for c, r, f in found if r == row} for key, row in row_of.items()}


def _cases(spec: dict, outcome: str) -> list[dict]:
    return [entry if isinstance(entry, dict) and "value" in entry else {"value": entry}
            for entry in spec.get(outcome) or []]


@pytest.mark.parametrize(("name", "outcome", "index", "spec", "case"), _load())
def test_case(name, outcome, index, spec, case):
    code = spec["code"]
    assert name == code, f"{name}.yaml declares code {code}"
    assert code in catalogue(), f"{code} is not in the rules catalogue"
    path = CASES_DIR / f"{name}.yaml"
    found = _run_alone(spec, case) if case.get("rows") else _batch(path)[(outcome, index)]
    if outcome == "fail":
        assert (code, spec["field"]) in found, f"{case['value']!r} should give {code}; got {found}"
    else:
        assert (code, spec["field"]) not in found, f"{case['value']!r} should not give {code}"


def test_every_case_file_has_a_failing_case():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert spec.get("fail"), f"{path.name} has no failing case"
        assert set(spec) <= {"code", "field", "kind", "schema", "context", "fail",
                             "pass", "as_of"}, path.name
