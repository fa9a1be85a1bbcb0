"""Sample PMKS files and the synthetic-data generator they are made with (test data, no stage).

``sample_data/synth.py`` generates realistic, entirely synthetic records and workbooks;
``python sample_data/make_samples.py`` regenerates the shipped samples and, for each,
``expected/<file>.json`` with the planted defects. End-to-end tests use :func:`planted`.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

SAMPLES = ("kutim_pmks_2025.xlsx", "samarinda_lansia_dtks.xlsx", "balikpapan_pmks.csv",
           "bontang_pmks_bersih.xlsx", "paser_pmks.ods")


def path(name: str) -> Path:
    """Absolute path of a shipped sample file."""
    return HERE / name


def expected(name: str) -> dict:
    """The expected-defects document of a sample (``expected/<name>.json``)."""
    return json.loads((HERE / "expected" / f"{name}.json").read_text(encoding="utf-8"))


def planted(name: str, *, hidden: bool = False) -> set[tuple[str | None, int, str, str]]:
    """Planted defects of a sample as ``{(sheet, row, code, field)}`` (hidden sheets skipped)."""
    doc = expected(name)
    return {(s["sheet"], p["row"], p["code"], p["field"])
            for s in doc["sheets"] if hidden or not s["hidden"] for p in s["planted"]}
