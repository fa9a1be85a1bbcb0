"""pmkscheck.write.xlsxfast: the fast cleaned-xlsx writer equals xlsxwriter's output cell by cell.

The reference is the writer pmkscheck used before issue 6 (xlsxwriter, constant-memory mode, one
``write_string``/``write_number`` per cell), kept here as ``xlsxwriter_reference``. Both files are
read back with openpyxl (value, type, number format, quote prefix, style) and python-calamine
(what pmkscheck itself reads); LibreOffice, when installed, must open the file too.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkscheck.table import column_letter
from pmkscheck.write.xlsxfast import digits, excel_width, write_frame

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = ("nik", "rt")


def xlsxwriter_reference(frame: pd.DataFrame, target: Path, text_columns=TEXT_COLUMNS) -> None:
    """pmkscheck.write.write_clean_xlsx as it was before issue 6 (the cell-by-cell loop)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True,
                                           "strings_to_formulas": False,
                                           "strings_to_numbers": False,
                                           "strings_to_urls": False})
    ws = wb.add_worksheet("Data Bersih")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
    ws.freeze_panes(1, 0)
    columns = list(frame.columns)
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, head)
        ws.set_column(c, c, max(10, min(40, len(name) + 4)),
                      text if name in text_columns else None)
    arrays = [frame[c].to_numpy(dtype=object) for c in columns]
    for r in range(len(frame)):
        for c, arr in enumerate(arrays):
            v = arr[r]
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                continue
            if isinstance(v, str):
                ws.write_string(r + 1, c, v, quoted if v.startswith(FORMULA_START) else None)
            elif isinstance(v, (int, np.integer)):
                ws.write_number(r + 1, c, int(v))
            else:
                ws.write_string(r + 1, c, str(v))
    ws.autofilter(0, 0, len(frame), len(columns) - 1)
    wb.close()


def fast(frame: pd.DataFrame, target: Path, **kw) -> None:
    write_frame(frame, target, sheet_name="Data Bersih", text_columns=TEXT_COLUMNS,
                widths={c: max(10, min(40, len(c) + 4)) for c in frame.columns}, **kw)


def cells(path: Path) -> dict[tuple[int, int], tuple]:
    """Every non-empty cell: (row, col) -> (value, data_type, number_format, quotePrefix, bold)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    out = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            out[(cell.row, cell.column)] = (cell.value, cell.data_type, cell.number_format,
                                           bool(cell.quotePrefix), bool(cell.font.b))
    return out


def sheet_props(path: Path) -> tuple:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    widths = {i: round(v.width, 4) for v in ws.column_dimensions.values() if v.width
              for i in range(v.min, v.max + 1)}  # xlsxwriter merges equal neighbours
    return ws.title, ws.freeze_panes, ws.auto_filter.ref, widths


def calamine_rows(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "source_row": [5, 6, 7, 8, 9],
        "nik": ["6408010101900001", None, "=1+1", "0012", "6408010101900001"],
        "nama": ["SITI & <AMINAH> \"x\"", "  spasi depan", "spasi belakang ", np.nan,
                 "Ñoño ünïcødé 中文 🙂"],
        "rt": ["001", "-5", "@home", "+62", None],
        "campur": ["teks", 17, np.int64(-3), 2.5, None],
        "kosong": [None, None, None, None, None],
        "literal": ["x_y", "a\tb", "line\nbreak", "tab\tend", "\tlead"],
    })


def test_matches_xlsxwriter_cell_by_cell(tmp_path):
    frame = sample_frame()
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx")
    ref, new = cells(tmp_path / "ref.xlsx"), cells(tmp_path / "fast.xlsx")
    assert new == ref
    assert sheet_props(tmp_path / "fast.xlsx") == sheet_props(tmp_path / "ref.xlsx")
    assert calamine_rows(tmp_path / "fast.xlsx") == calamine_rows(tmp_path / "ref.xlsx")


def test_types_styles_and_layout(tmp_path):
    frame = sample_frame()
    fast(frame, tmp_path / "fast.xlsx")
    got = cells(tmp_path / "fast.xlsx")
    assert got[(1, 2)] == ("nik", "s", "General", False, True)  # header: bold
    assert got[(2, 1)][:2] == (5, "n")  # source_row is a number
    assert got[(2, 2)] == ("6408010101900001", "s", "@", False, False)  # ID column: text
    assert got[(4, 2)] == ("=1+1", "s", "@", True, False)  # formula-like: quote prefix
    assert (3, 2) not in got  # None: no cell
    assert got[(3, 5)][:2] == (17, "n") and got[(4, 5)][:2] == (-3, "n")
    assert got[(5, 5)][:2] == ("2.5", "s")  # other objects: their str()
    assert not any(col == 6 for (_, col) in got if _ > 1)  # all-empty column
    title, freeze, autofilter, _ = sheet_props(tmp_path / "fast.xlsx")
    assert (title, freeze, autofilter) == ("Data Bersih", "A2", "A1:G6")


def test_control_characters_and_long_text_round_trip(tmp_path):
    long = "x" * 40_000
    frame = pd.DataFrame({"a": ["bel\x07", "nul\x00x", "\x1f", "_x0007_", long, "\ufffe"]})
    fast(frame, tmp_path / "c.xlsx")
    with zipfile.ZipFile(tmp_path / "c.xlsx") as zf:
        sst = zf.read("xl/sharedStrings.xml").decode()
    assert "_x0007_" in sst and "_x005F_x0007_" in sst and "\x07" not in sst
    # calamine (like Excel) decodes _xHHHH_; openpyxl leaves control-character escapes as they are
    got = [r[0] for r in calamine_rows(tmp_path / "c.xlsx")]
    assert got[1:6] == ["bel\x07", "nul\x00x", "\x1f", "_x0007_", "x" * 32_767]


def test_nullable_int_bool_and_empty_frames(tmp_path):
    frame = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"),
                          "b": [True, False, True], "f": [1.5, np.nan, 3.0]})
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx")
    assert cells(tmp_path / "fast.xlsx") == cells(tmp_path / "ref.xlsx")
    empty = pd.DataFrame({"a": pd.Series([], dtype=object), "nik": pd.Series([], dtype=object)})
    fast(empty, tmp_path / "e.xlsx")
    assert calamine_rows(tmp_path / "e.xlsx") == [["a", "nik"]]
    assert cells(tmp_path / "e.xlsx") == {(1, 1): ("a", "s", "General", False, True),
                                          (1, 2): ("nik", "s", "General", False, True)}


def test_blocks_and_many_columns(tmp_path):
    rng = np.random.default_rng(3)
    n = 2_500
    frame = pd.DataFrame({
        f"c{i}": np.where(rng.random(n) < 0.2, None,
                          rng.integers(0, 50, n).astype(str).astype(object))
        for i in range(30)})
    frame.insert(0, "source_row", np.arange(5, n + 5))
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx", block_rows=333)
    assert calamine_rows(tmp_path / "fast.xlsx") == calamine_rows(tmp_path / "ref.xlsx")
    assert cells(tmp_path / "fast.xlsx") == cells(tmp_path / "ref.xlsx")


# xlsxwriter's inline strings do not escape control characters (its XML would be invalid), so
# the comparison with it draws text without them (nor "_xHHHH_" literals, which it leaves
# unescaped so that Excel would read them as a character); the round trip above covers them.
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07"
                                       "\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
                                       "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff\r"),
                max_size=12)
_cell = st.one_of(st.none(), _text, st.integers(-10**12, 10**12))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_cell, _cell, _text), min_size=1, max_size=12))
def test_property_same_cells_as_xlsxwriter(tmp_path, rows):
    frame = pd.DataFrame(rows, columns=["nik", "x", "y"]).astype(object)
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx")
    assert cells(tmp_path / "fast.xlsx") == cells(tmp_path / "ref.xlsx")


def test_helpers():
    assert [column_letter(i) for i in (0, 25, 26, 16383)] == ["A", "Z", "AA", "XFD"]
    assert excel_width(14) == 14.7109375
    d = digits(np.array([0, 9, 10, -7, 1048576]))
    assert [bytes(r).replace(b"\0", b"") for r in d] == [b"0", b"9", b"10", b"-7", b"1048576"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_it(tmp_path):
    frame = sample_frame().drop(columns=["literal"])
    fast(frame, tmp_path / "fast.xlsx")
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
         str(tmp_path / "fast.xlsx")], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "fast.csv").read_text(encoding="utf-8").splitlines()
    assert text[0].split(",")[:3] == ["source_row", "nik", "nama"]
    assert text[1].startswith("5,6408010101900001,")
    assert "=1+1" in text[3]  # shown as text, not evaluated
    assert len(text) == 6


def test_quote_prefix_only_for_text(tmp_path):
    # a float column: -1.0 is written as the text "-1.0" without the quote prefix, as before
    frame = pd.DataFrame({"x": [None, -1, 2], "s": ["-1", "a", None]})
    xlsxwriter_reference(frame, tmp_path / "ref.xlsx")
    fast(frame, tmp_path / "fast.xlsx")
    got = cells(tmp_path / "fast.xlsx")
    assert got == cells(tmp_path / "ref.xlsx")
    assert got[(3, 1)] == ("-1.0", "s", "General", False, False)
    assert got[(2, 2)] == ("-1", "s", "@", True, False)
