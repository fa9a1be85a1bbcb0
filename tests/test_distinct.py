"""pmkscheck.distinct: distinct values without pandas' NUL trap (strings compared as C strings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck.distinct import factorize, unique

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]

NUL = chr(0)
texts = st.lists(st.one_of(st.none(), st.text(alphabet=["a", "b", NUL, " "], max_size=4)),
                 max_size=30)


def reference(values: list) -> tuple[list[int], list]:
    seen: dict = {}
    codes = []
    for v in values:
        if v is None:
            codes.append(-1)
            continue
        codes.append(seen.setdefault(v, len(seen)))
    return codes, list(seen)


def test_pandas_still_has_the_trap_this_module_avoids() -> None:
    # if pandas ever fixes it, the wrappers become a (cheap) no-op; this test tells us when
    values = np.array(["a" + NUL + "b", "a" + NUL + "c", "a"], dtype=object)
    assert len(pd.unique(values)) in (1, 3)
    assert len(unique(values)) == 3


@given(texts)
def test_factorize_matches_a_plain_dict(values: list) -> None:
    codes, uniques = factorize(values)
    want_codes, want_uniques = reference(values)
    assert codes.tolist() == want_codes
    assert uniques.tolist() == want_uniques


@given(texts)
def test_factorize_without_sentinel_and_unique(values: list) -> None:
    codes, uniques = factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    assert [None if pd.isna(u) else u for u in uniques.take(codes)] == values
    expected = list(dict.fromkeys(values))  # first appearance, None kept like pd.unique
    assert unique(values).tolist() == expected


def test_cells_that_differ_after_a_nul_stay_apart_end_to_end(tmp_path) -> None:
    """A NUL in a name must not make pmkscheck write another person's name in the cleaned file."""
    import csv
    import subprocess
    import sys

    src = (tmp_path / "nul.csv")
    lines = (ROOT / "sample_data" / "balikpapan_pmks.csv").read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("No;NIK;"))
    records = lines[header_at + 1: header_at + 7]
    names = ["SI" + NUL + "TI", "SI" + NUL + "XX", "SI", "SI" + NUL + "TI", "SITI", "SI" + NUL]
    out_lines = lines[: header_at + 1]
    for rec, name in zip(records, names, strict=True):
        cells = rec.split(";")
        cells[3] = name
        out_lines.append(";".join(cells))
    src.write_text("\n".join(out_lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(src), "-o", str(out),
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    [cleaned] = out.glob("*.bersih.csv")
    with cleaned.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=_delimiter(cleaned)))
    got = [r[next(k for k in r if k.lower() == "nama")] for r in rows]
    # control characters are removed in the cleaned copy, each cell from its own text
    assert got == ["SITI", "SIXX", "SI", "SITI", "SITI", "SI"]


def _delimiter(path) -> str:
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","
