"""Every CSV record is read and counted: unclosed and stray quotes never hide a row (issue 12).

A quote that opens a cell and is never closed makes a plain CSV reader take every line up to the
next quote as one cell. pmkscheck reports it (``CSV_QUOTE_UNCLOSED`` at the line where it opens,
with the number of lines it swallowed) and reads those lines as records; a real multi-line cell
(an address on two lines) stays one record, and a stray quote inside a cell is kept as text.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import fake_nik
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkscheck.read import csvread, read_file
from pmkscheck.settings import Settings
from pmkscheck.table import ROW

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["No", "NIK", "Nama", "Jenis Kelamin", "Alamat", "Desa", "Kecamatan", "Jenis PMKS"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _name(i: int) -> str:
    """A distinct name per record, letters only (no digits: no NAME_ finding mixes in)."""
    return "Siti " + LETTERS[i % 26] + LETTERS[i // 26 % 26] + "ini"


def _line(fields: list[str], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerow(fields)
    return buf.getvalue()


# each record: plain, with an unclosed quote before the name, with a stray quote inside the
# name, or with a real two-line address (quoted as Excel does)
_kind = st.sampled_from(["plain", "plain", "unclosed", "stray", "multiline"])


def _build(kinds: list[str], delimiter: str) -> tuple[str, list[int], list[int]]:
    """CSV text, the first line of each record, and the lines with an unclosed quote."""
    text = _line(HEADER, delimiter)
    line, starts, unclosed = 2, [], []
    for i, kind in enumerate(kinds):
        name = _name(i)
        fields = [str(i + 1), fake_nik(serial=i + 1), name, "P", "Jl. Mawar",
                  "Swarga Bara", "Sangatta Utara", "Lanjut Usia Terlantar"]
        starts.append(line)
        if kind == "multiline":
            fields[4] = "Jl. Mawar\nRT 02"
            row = _line(fields, delimiter)
        elif kind == "unclosed":
            fields[2] = "@"
            row = _line(fields, delimiter).replace("@", '"' + name)
            unclosed.append(line)
        elif kind == "stray":
            fields[2] = "@"
            row = _line(fields, delimiter).replace("@", name[:3] + '"' + name[3:])
        else:
            row = _line(fields, delimiter)
        text += row
        line += row.count("\n")
    return text, starts, unclosed


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(_kind, min_size=1, max_size=40),
       delimiter=st.sampled_from([";", ","]),
       final_break=st.booleans(),
       fast=st.booleans())
def test_every_record_is_counted(tmp_path_factory, kinds, delimiter, final_break, fast):
    text, starts, unclosed = _build(kinds, delimiter)
    if not final_break:
        text = text[:-2]
    path = tmp_path_factory.mktemp("q") / "q.csv"
    path.write_bytes(text.encode("utf-8"))
    mp = pytest.MonkeyPatch()
    try:
        if not fast:
            mp.setattr(csvread, "_parse_fast", lambda *args: None)
        table = read_file(path, Settings()).tables[0]
    finally:
        mp.undo()
    assert len(table.data) == len(kinds)  # data_rows
    assert table.data[ROW].tolist() == starts
    for i, (kind, name) in enumerate(zip(kinds, (_name(i) for i in range(len(kinds))),
                                         strict=True)):
        cell = table.data["nama"].iloc[i]
        if kind == "stray":
            assert cell == name[:3] + '"' + name[3:]
        elif kind == "unclosed":
            assert cell == '"' + name  # the quote is kept as text, the name is there
        else:
            assert cell == name
        if kind == "multiline":
            assert table.data["alamat"].iloc[i] == "Jl. Mawar\nRT 02"
        else:
            assert table.data["desa"].iloc[i] == "Swarga Bara"
    found = [(n.row, n.params["lines"]) for n in table.notices if n.code == "CSV_QUOTE_UNCLOSED"]
    assert [row for row, _ in found] == unclosed
    last_line = starts[-1] + (kinds[-1] == "multiline")
    quoted = [s for s, k in zip(starts, kinds, strict=True) if k != "plain"]
    for row, lines in found:  # it swallowed up to the next line with a quote, or the last line
        later = [q for q in quoted if q > row]
        assert lines == (later[0] - row if later else last_line - row)
    assert not [n for n in table.notices if n.code == "ROW_RAGGED"]


def test_a_real_multiline_cell_stays_one_record(tmp_path):
    text = (_line(HEADER, ";")
            + _line(["1", fake_nik(serial=1), "Ani", "P", "Jl. A;\nRT 2;\nRW 3", "X", "Y", "Z"],
                    ";")
            + _line(["2", fake_nik(serial=2), "Budi", "L", "Jl. B", "X", "Y", "Z"], ";"))
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8", newline="")
    table = read_file(path, Settings()).tables[0]
    assert table.data[ROW].tolist() == [2, 5]
    assert table.data["alamat"].iloc[0] == "Jl. A;\nRT 2;\nRW 3"
    assert not [n for n in table.notices if n.code == "CSV_QUOTE_UNCLOSED"]


def _repro(path: Path) -> list[str]:
    """The issue's file: 50 records, an unclosed quote in the 3rd (line 4)."""
    names = [_name(i) for i in range(50)]
    lines = ["No,NIK,Nama,Jenis Kelamin,Desa,Kecamatan"]
    for i, name in enumerate(names):
        shown = '"' + name if i == 2 else name
        lines.append(f"{i + 1},{fake_nik(serial=i + 1)},{shown},P,Swarga Bara,Sangatta Utara")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def test_issue_repro_end_to_end(tmp_path):
    src = tmp_path / "kutim.csv"
    names = _repro(src)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "validate", str(src), "-o", str(out),
                        "--format", "json", "--lang", "en"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)["files"][0]
    assert report["data_rows"] == 50
    quote = [i for i in report["issues"] if i["code"] == "CSV_QUOTE_UNCLOSED"]
    assert [(i["row"], i["severity"]) for i in quote] == [(4, "error")]
    assert "47 lines" in quote[0]["message"]
    clean = Path(report["outputs"]["clean_csv"])
    clean = clean if clean.is_absolute() else tmp_path / clean
    cleaned = clean.read_text(encoding="utf-8-sig")
    for name in names:
        assert name in cleaned


def test_a_long_swallow_stops_early_and_never_hits_the_field_size_limit(tmp_path, monkeypatch):
    """A quote left open over thousands of records: neither the csv module's field size limit
    (16M characters; 2,000 here) nor parsing the rest of the file as one cell."""
    orig = csvread._reader

    def small_limit(lines, delimiter, strict=False):
        reader = orig(lines, delimiter, strict)
        csv.field_size_limit(2000)
        return reader

    monkeypatch.setattr(csvread, "_reader", small_limit)
    monkeypatch.setattr(csvread, "_SWALLOW_LINES", 10)
    kinds = ["plain"] * 3 + ["unclosed"] + ["plain"] * 200 + ["stray"] + ["plain"] * 30
    text, starts, unclosed = _build(kinds, ";")
    path = tmp_path / "long.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        table = read_file(path, Settings()).tables[0]
    finally:
        csv.field_size_limit(1 << 24)
    assert len(table.data) == len(kinds)
    assert table.data[ROW].tolist() == starts
    found = [(n.row, n.params["lines"]) for n in table.notices if n.code == "CSV_QUOTE_UNCLOSED"]
    assert found == [(unclosed[0], starts[204] - unclosed[0])]  # up to the stray quote
    assert table.data["nama"].iloc[3] == '"' + _name(3)


@pytest.mark.parametrize("cell", ["Jl. A\n\nRT 2", "Jl. A;\n;;;;;;;;\nRT 2", "\n"])
def test_multiline_cells_with_blank_or_delimiter_lines_stay_one_record(tmp_path, cell):
    fields = ["1", fake_nik(serial=1), "Ani", "P", cell, "X", "Y", "Z"]
    text = _line(HEADER, ";") + _line(fields, ";") + _line(
        ["2", fake_nik(serial=2), "Budi", "L", "Jl. B", "X", "Y", "Z"], ";")
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8", newline="")
    table = read_file(path, Settings()).tables[0]
    assert table.data["alamat"].tolist() == [cell, "Jl. B"]
    assert table.data[ROW].tolist() == [2, 3 + cell.count("\n")]
    assert not [n for n in table.notices if n.code == "CSV_QUOTE_UNCLOSED"]
