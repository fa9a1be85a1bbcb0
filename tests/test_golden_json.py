"""Golden JSON reports of the shipped samples (issue 13: behaviour is recorded before and after
any redesign).

Each sample is checked through the Python API with the test suite's fixed reference date, and the
whole JSON document (timings and absolute paths left out) is compared with
``tests/golden/json_<sample>.json``. After an intended change, regenerate with
``UPDATE_GOLDEN=1 python -m pytest tests/test_golden_json.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import test_settings

from pmkscheck.pipeline import check_paths
from pmkscheck.report.json_report import dumps

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SAMPLES = sorted(p.name for p in (ROOT / "sample_data").iterdir()
                 if p.suffix.lower() in (".xlsx", ".xls", ".ods", ".csv"))


def _report(name: str) -> str:
    settings = test_settings(write=False, format="json", progress=False)
    old = Path.cwd()
    os.chdir(ROOT)  # paths in the report relative to the repository, as a user would type them
    try:
        report = check_paths([f"sample_data/{name}"], settings)
    finally:
        os.chdir(old)
    doc = json.loads(dumps(report))
    for f in doc["files"]:
        f.pop("timings", None)
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_json_matches_golden(name: str) -> None:
    text = _report(name)
    path = GOLDEN / f"json_{name}.json"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it")
    assert text == path.read_text(encoding="utf-8")


def test_golden_covers_every_sample() -> None:
    """A new sample without its golden file fails above; a golden without a sample fails here."""
    stale = {p.name[len("json_"):-len(".json")] for p in GOLDEN.glob("json_*.json")} - set(SAMPLES)
    assert not stale, f"golden files without a sample: {sorted(stale)}"
