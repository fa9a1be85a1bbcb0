"""Issue 16: the cleaned-file writers at 1M rows, lean on memory, write the same bytes.

The cleaned table is not copied (``clean_frame`` hands the normalised columns over as they are);
xlsxfast keeps one narrow code per row and column (int8/int16/int32 by the number of distinct
values) and writes integer columns block by block from their values; ``row_summary`` reads
findings in row order without sorting or hashing them. Each part is checked against what it
replaced: xlsxwriter cell by cell, the same sheet for any block size, a plain loop for the row
summary.
"""

from __future__ import annotations

import types
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_xlsxfast import calamine_rows, cells, fast, xlsxwriter_reference

import pmkscheck
from pmkscheck.issuetable import IssueTable
from pmkscheck.write.clean import clean_frame, row_summary, write_clean_csv


def _sheet(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml") + zf.read("xl/sharedStrings.xml")


def mixed_frame(n: int = 700) -> pd.DataFrame:
    i = np.arange(n)
    nullable = pd.array(np.where(i % 7 == 3, None, i * 1_000_003 - 10**9), dtype="Int64")
    nullable[200:300] = pd.NA  # a whole block without a cell in this column
    flags = pd.array(np.where(i % 5 == 0, None, i % 3 == 0), dtype="boolean")
    return pd.DataFrame({
        "source_row": i + 5,
        "besar": i * -(10**12),  # negative, wide numbers
        "nullable": nullable,
        "flag": i % 2 == 0,
        "flag_na": flags,
        "nik": np.where(i % 11 == 0, None, [f"64080{j % 300:011d}" for j in i]),  # int16 codes
        "rt": np.where(i % 4 == 0, "=1", np.where(i % 4 == 1, None, "007")).astype(object),
        "campur": np.array([j if j % 3 == 0 else f"t{j % 150}" for j in i], dtype=object),
    })


def test_integer_columns_and_narrow_codes_match_xlsxwriter(tmp_path):
    frame = mixed_frame()
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx", block_rows=64)
    assert cells(tmp_path / "fast.xlsx") == cells(tmp_path / "ref.xlsx")
    assert calamine_rows(tmp_path / "fast.xlsx") == calamine_rows(tmp_path / "ref.xlsx")


@pytest.mark.parametrize("block_rows", [1, 64, 700, 100_000])
def test_same_bytes_for_any_block_size(tmp_path, block_rows):
    frame = mixed_frame()
    fast(frame, tmp_path / "one.xlsx", block_rows=16_384)
    fast(frame, tmp_path / "other.xlsx", block_rows=block_rows)
    assert _sheet(tmp_path / "other.xlsx") == _sheet(tmp_path / "one.xlsx")


def test_more_distinct_texts_than_int16_codes(tmp_path):
    n = 40_000
    texts = np.array([f"nama {j}" for j in range(n)], dtype=object)
    texts[::9] = None
    frame = pd.DataFrame({"nama": texts, "no": np.arange(n)})
    fast(frame, tmp_path / "wide.xlsx", block_rows=5_000)
    rows = calamine_rows(tmp_path / "wide.xlsx")
    assert rows[0] == ["nama", "no"]
    assert [r[0] for r in rows[1:]] == ["" if t is None else t for t in texts]
    assert [r[1] for r in rows[1:]] == list(range(n))


def _summary_by_loop(t: IssueTable) -> tuple[dict[int, str], dict[int, str]]:
    """What row_summary means, one finding at a time (the reference)."""
    worst: dict[int, int] = {}
    codes: dict[int, list[str]] = {}
    for code, sev, row in zip(t.code, t.severity, t.row, strict=True):
        if row <= 0:
            continue
        worst[int(row)] = max(worst.get(int(row), 0), int(sev))
        seen = codes.setdefault(int(row), [])
        if code not in seen:
            seen.append(code)
    labels = ["", "info", "warning", "error"]
    return ({r: labels[s] for r, s in worst.items()},
            {r: "; ".join(c) for r, c in codes.items()})


def test_row_summary_first_found_order_and_worst_severity():
    t = IssueTable(code=["B", "A", "B", "C", "A", "A", "B"], severity=[1, 3, 2, 1, 1, 2, 1],
                   row=[7, 5, 5, 0, 7, 7, 7])
    worst, codes = row_summary(types.SimpleNamespace(issues=t))
    assert worst.to_dict() == {5: "error", 7: "warning"}
    assert codes.to_dict() == {5: "A; B", 7: "B; A"}


@pytest.mark.parametrize("seed", range(20))
def test_row_summary_equals_the_loop(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    rows = rng.integers(0, 15, n)
    if seed % 2:
        rows = np.sort(rows)  # the usual case: findings already in row order
    names = np.array(["NIK_EXCEL_NUMBER", "KK_EXCEL_NUMBER", "NAMA_KOSONG", "RT_RW"],
                     dtype=object)
    t = IssueTable(code=names[rng.integers(0, 4, n)], severity=rng.integers(1, 4, n), row=rows)
    worst, codes = row_summary(types.SimpleNamespace(issues=t))
    want_worst, want_codes = _summary_by_loop(t)
    assert worst.to_dict() == want_worst and list(worst.index) == sorted(want_worst)
    assert codes.to_dict() == want_codes and list(codes.index) == sorted(want_codes)


def test_clean_frame_is_not_a_second_copy(tmp_path):
    lines = ["No;NIK;Nama;Jenis Kelamin;Desa;Kecamatan;Jenis PMKS"]
    lines += [f"{i};6,40813E+15;{'=Siti' if i == 3 else 'Siti'} {i};P;Swarga Bara;"
              "Sangatta Utara;Fakir Miskin" for i in range(1, 41)]
    src = tmp_path / "kutim.csv"
    src.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    [f] = pmkscheck.validate(src, write=False, use_history=False).files
    frame = clean_frame(f)
    for name in ("nama", "nik", "kecamatan"):
        assert np.shares_memory(frame[name].to_numpy(), f.clean[name].to_numpy()), name
    assert frame["issue_codes"].str.contains("NIK_EXCEL_NUMBER").all()
    # the CSV writer neutralises its own column, never the shared one
    write_clean_csv(f, None, None, tmp_path / "kutim.bersih.csv")
    text = (tmp_path / "kutim.bersih.csv").read_text(encoding="utf-8-sig")
    assert ",'=Siti 3," in text and "'=" not in "".join(f.clean["nama"])
