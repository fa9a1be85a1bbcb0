"""The fast CSV path (pyarrow; records that are lines) gives exactly the ``csv`` module's grid.

Every test reads the same bytes twice through :func:`read_text`, once as it is and once with the
fast path switched off, and compares both grids cell by cell, with line numbers and field counts,
to what the stdlib ``csv`` reader makes of the file (:func:`_oracle`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkscheck.read import csvread
from pmkscheck.read.csvread import read_text

BREAKS = ["\r\n", "\n", "\r"]
# no quote and no line break: what a field of a quote-free file can hold (delimiters included,
# they make ragged rows); "é" and "Ø" exist in cp1252, "\x00" is a NUL a broken export may hold
_field = st.text(alphabet=st.sampled_from(list("ab 1'é;,\t|Ø\x00")), max_size=5)
_line = st.lists(_field, max_size=6)
# cells a writer quotes: a quote, a delimiter or a line break inside
_qfield = st.text(alphabet=st.sampled_from(list('ab 1é;,"\n')), max_size=5)


def _oracle(path, delimiter):
    """Cells, first line and field count of every record, straight from ``csv.reader``."""
    encoding = csvread.detect_encoding(path, path.read_bytes()[:65536])
    records, rows = [], []
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=False)
        line = 1
        for record in reader:
            records.append(record)
            rows.append(line)
            line = reader.line_num + 1
    width = max(map(len, records), default=0)
    cols = [[r[j] or None if j < len(r) else None for r in records] for j in range(width)]
    return cols, rows, [len(r) for r in records]


def _grids(path, monkeypatch):
    """(grid, grid without the fast path) of one file, and whether the fast path ran.

    Both grids are first compared to :func:`_oracle`.
    """
    ran = []
    fast = csvread._parse_fast

    def spy(*args):
        grid = fast(*args)
        ran.append(grid is not None)
        return grid

    head = path.read_bytes()[:65536]
    with monkeypatch.context() as m:
        m.setattr(csvread, "_parse_fast", spy)
        got, info = read_text(path, head)
    with monkeypatch.context() as m:
        m.setattr(csvread, "_parse_fast", lambda *args: None)
        want, want_info = read_text(path, head)
    assert info == want_info
    cols, rows, widths = _oracle(path, info.delimiter)
    if info.unclosed:
        # a quote never closed: the csv module reads the lines after it as one cell, the
        # reader as records (tested in test_read_csv_quotes.py); each such quote opens a record
        for grid in (got, want):
            assert {line for line, _ in info.unclosed} <= set(grid.rows.tolist())
        return got, want, ran == [True]
    for grid in (got, want):
        assert [c.tolist() for c in grid.cols] == cols
        assert grid.rows.tolist() == rows
        assert grid.widths.tolist() == widths
    return got, want, ran == [True]


def _assert_same(got, want):
    assert got.n_cols == want.n_cols
    assert got.rows.dtype == want.rows.dtype == np.int64
    assert got.rows.tolist() == want.rows.tolist()
    assert got.widths.dtype == want.widths.dtype
    assert got.widths.tolist() == want.widths.tolist()
    for a, b in zip(got.cols, want.cols, strict=True):
        assert a.dtype == b.dtype == object
        assert a.tolist() == b.tolist()
    assert got.kinds is want.kinds is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(_line, st.lists(_qfield, max_size=6)), min_size=1, max_size=12),
       writer=st.booleans(),
       delimiter=st.sampled_from([";", ",", "\t", "|"]),
       breaks=st.lists(st.sampled_from(BREAKS), min_size=12, max_size=12),
       final_break=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]),
       block=st.sampled_from([1 << 23, 16]))
def test_fast_path_equals_csv_module(tmp_path_factory, lines, writer, delimiter, breaks,
                                     final_break, encoding, block):
    """Messy files: ragged rows, blank lines, empty fields, mixed line breaks, quotes.

    Lines are either joined as they are (stray quotes, delimiters inside cells: ragged rows) or
    written by ``csv.writer`` (cells with a quote, a delimiter or a line break quoted).
    """
    if writer:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=breaks[0]).writerows(lines)
        text = buf.getvalue()
    else:
        text = "".join(delimiter.join(f) + b for f, b in zip(lines, breaks, strict=False))
    if not final_break:
        text = text.rstrip("\r\n")
    if encoding == "utf-16-le":  # detected without BOM by its NUL bytes: needs some ASCII
        text = "NIK;Nama;Desa\r\n" + text
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    path.write_bytes(text.encode(encoding))
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(csvread, "_ARROW_BLOCK", block)
        got, want, fast = _grids(path, mp)
    finally:
        mp.undo()
    _assert_same(got, want)
    # the fast path must really have run when it can: when each record is one line, the usual
    # record (among the first ones, ties going to the wider) has two fields or more and no line
    # is longer than a block
    usual = Counter(w for w in want.widths.tolist()[:200] if w)
    one_line = '"' not in text or (writer and not any("\n" in c for f in lines for c in f)
                                   and csvread.sniff_delimiter(text) == delimiter)
    quoted = ['"' in line for line in text.splitlines()]
    one_line = one_line and sum(quoted) <= len(quoted) // 2  # else: mostly quoted, csv module
    if (one_line and block > 16 and usual
            and max(usual.items(), key=lambda kv: (kv[1], kv[0]))[0] >= 2):
        assert fast


PERSON = ["1", "6408146403170070", "Manah Malidah", "P", "24-03-2017", "Dusun VI", "Mukti Jaya"]


@pytest.mark.parametrize(("name", "text", "fast"), [
    ("title lines, blank lines, ragged", "DATA PMKS KUTAI TIMUR\r\n;;;;;;\r\n\r\n"
     "No;NIK;Nama;JK;Tgl;Alamat;Desa\r\n" + ";".join(PERSON) + "\r\n"
     + ";".join(PERSON[:4]) + "\r\n" + ";".join([*PERSON, "x", ""]) + "\r\n\r\n;;;;;;\r\n", True),
    ("old Mac line breaks", "No;NIK;Nama\r1;2;3\r\r4;5\r", True),
    ("no final line break", "No,NIK,Nama\n1,2,3\n4,5,6", True),
    ("blank lines only at the end", "No|NIK\n1|2\n\n\n\n", True),
    ("rows of empty fields and blank lines", "\n;\n\n;\n", True),
    ("one field per line", "Nama\nAli\n\nBudi\n", False),
    ("quoted cells on one line", 'No;Nama;Alamat\n1;"Ali";"Jl. A; RT 2"\n2;"B ""Bu"" C";\n'
     '3;"x;y";"z";"w"\n"4"\n' + "5;E;F\n" * 4, True),
    ("stray quote inside a cell", 'No;Nama\n1;Mu"ut\n2;B\n', True),
    ("quoted line break", 'No;Nama;Alamat\n1;"Ali";"Jl. A;\nRT 2"\n2;B;C\n', False),
    ("text after a closing quote", 'No;Nama\n1;"Ali"x\n2;B\n', False),
    ("unterminated quote on the last line", 'No;Nama\n1;B\n2;"Ali', False),
    ("unterminated quote, then lines", 'No;Nama\n1;"Ali\n2;B\n3;C\n', False),
    ("every cell quoted", '"No";"Nama"\n"1";"Ali"\n"2";"B"\n', False),
])
def test_odd_files(tmp_path, monkeypatch, name, text, fast):
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    got, want, ran = _grids(path, monkeypatch)
    _assert_same(got, want)
    assert ran == fast


def test_the_usual_row_width_is_found_after_short_title_lines(tmp_path, monkeypatch):
    """Titles without delimiters are set aside, the table's rows go through pyarrow."""
    rows = [";".join([*PERSON[:1], f"64081464031700{i:02d}", *PERSON[2:]]) for i in range(50)]
    text = "DATA PMKS\r\nTAHUN 2025\r\n\r\nNo;NIK;Nama;JK;Tgl;Alamat;Desa\r\n" + "\r\n".join(rows)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("cp1252"))
    got, want, fast = _grids(path, monkeypatch)
    _assert_same(got, want)
    assert fast
    assert got.widths.tolist()[:5] == [1, 1, 0, 7, 7]
    assert got.rows.tolist()[-1] == 54
    assert got.cols[1][3:].tolist() == ["NIK", *(f"64081464031700{i:02d}" for i in range(50))]


@pytest.mark.parametrize(("raw", "cell"), [
    (codecs.BOM_UTF8 + b"No;Nama\r\n1;Ali\xff\r\n2;B\xe2\x80\r\nx\xfe\r\n", "Ali\ufffd"),
    (codecs.BOM_UTF16_LE + "No;Nama\r\n1;Ali\r\n".encode("utf-16-le") + b"\x00\xd8;\x00x",
     "Ali"),  # a lone surrogate, then an odd last byte
])
def test_undecodable_bytes_are_replaced_as_before(tmp_path, monkeypatch, raw, cell):
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    got, want, fast = _grids(path, monkeypatch)
    _assert_same(got, want)
    assert fast
    assert got.cols[1][1] == cell
    assert "\ufffd" in "".join(v for c in got.cols for v in c.tolist() if v)


def test_a_line_longer_than_a_block_goes_to_the_csv_module(tmp_path, monkeypatch):
    monkeypatch.setattr(csvread, "_ARROW_BLOCK", 64)
    path = tmp_path / "long.csv"
    path.write_bytes(b"No;Nama\n1;" + b"a" * 200 + b"\n2;b\n")
    got, want, fast = _grids(path, monkeypatch)
    _assert_same(got, want)
    assert not fast


def test_repeated_values_share_one_object_and_empty_is_none(tmp_path):
    rows = [f"{i};6408{i:012d};{'Mukti Jaya' if i % 2 else 'Swarga Bara'};" for i in range(5000)]
    path = tmp_path / "r.csv"
    path.write_text("No;NIK;Desa;Ket\n" + "\n".join(rows) + "\n", encoding="utf-8")
    grid, info = read_text(path, path.read_bytes()[:65536])
    assert (info.encoding, info.delimiter) == ("utf-8", ";")
    desa = grid.cols[2][1:]
    assert len({id(v) for v in desa}) == 2
    assert set(grid.cols[3][1:].tolist()) == {None}
    assert len(set(grid.cols[1][1:].tolist())) == 5000


def test_nul_characters_do_not_merge_values(tmp_path, monkeypatch):
    """pandas' factorize stops comparing at a NUL: neither path may use it to share strings."""
    nul_fields = ["a\x00b", "a\x00c", "a", ""]
    rows = ["No;Nama"] + [f"{i};{nul_fields[i % 4]}" for i in range(40)]
    for name, text in [("fast.csv", "\n".join(rows)), ("slow.csv", "\n".join(rows) + '\n"x\ny"')]:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        got, want, fast = _grids(path, monkeypatch)
        _assert_same(got, want)
        assert fast == (name == "fast.csv")
        assert got.cols[1][1:5].tolist() == ["a\x00b", "a\x00c", "a", None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.sampled_from(list('ab;,"\r\n \x00é')), max_size=40))
def test_any_text_reads_like_the_csv_module(tmp_path_factory, text):
    """Raw text with quotes and line breaks anywhere: whichever path reads it, same grid."""
    path = tmp_path_factory.mktemp("csv") / "q.csv"
    path.write_bytes(("No;Nama;Desa\n" + text).encode("utf-8"))
    mp = pytest.MonkeyPatch()
    try:
        got, want, fast = _grids(path, mp)
    finally:
        mp.undo()
    _assert_same(got, want)
    if "\n" not in text and "\r" not in text and text.count('"') == 2 and text[0] == '"' and (
            text[-1] == '"'):
        assert fast  # one line, one quoted cell: a whole record
