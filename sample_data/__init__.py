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
           "bontang_pmks_bersih.xlsx", "paser_pmks.ods", "samarinda_rekap_portal_2023.csv",
           "ppu_pmks_keadaan_2018.xlsx")


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


def compare(report: dict, name: str | dict, *, by_field: bool = False) -> dict[str, list]:
    """Planted defects of sample ``name`` (or an expected document) against a JSON report.

    Matches on ``(sheet, row, code)`` (and ``field`` when ``by_field``); the sheet is ignored for
    CSV. Returns ``{"found": [...], "missing": [...], "extra": [...]}`` where ``extra`` lists
    reported *errors and warnings* at rows without a planted defect (false positives on clean
    rows). Infos and file-level findings are never "extra".
    """
    doc = expected(name) if isinstance(name, str) else name
    csv_like = doc["format"] == "csv"

    def key(sheet: str | None, row: int, code: str, field: str | None) -> tuple:
        k = (None if csv_like else sheet, row, code)
        return (*k, field) if by_field else k

    want = {key(s["sheet"], p["row"], p["code"], p["field"]): p
            for s in doc["sheets"] if not s["hidden"] for p in s["planted"]}
    planted_rows = {(None if csv_like else s["sheet"], p["row"])
                    for s in doc["sheets"] for p in s["planted"]}
    planted_rows |= {(None if csv_like else s["sheet"], p["related_row"])
                     for s in doc["sheets"] for p in s["planted"] if "related_row" in p}
    got: dict[tuple, dict] = {}
    extra = []
    for f in report.get("files", []):
        sheet = f.get("sheet")
        for issue in f.get("issues", []):
            if issue.get("row") is None:
                continue
            got[key(sheet, issue["row"], issue["code"], issue.get("field"))] = issue
            if (issue.get("severity") in ("error", "warning")
                    and (None if csv_like else sheet, issue["row"]) not in planted_rows):
                extra.append({"sheet": sheet, "row": issue["row"], "code": issue["code"],
                              "field": issue.get("field"), "severity": issue.get("severity")})
    found = [dict(zip(("sheet", "row", "code"), k[:3], strict=True)) for k in want if k in got]
    missing = [dict(zip(("sheet", "row", "code"), k[:3], strict=True), field=want[k]["field"])
               for k in want if k not in got]
    return {"found": found, "missing": missing, "extra": extra}
