"""The two workbook roads give the same Grid (pmkscheck/read/workbook.py).

The fast road (fastexcel text + the XML value scan) must read every xlsx exactly as the calamine
road does -- same texts, same cell kinds, same merges and hidden rows -- or decline the sheet so
that the calamine road reads it. Everything here compares the two on real files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from builders import Error, Formula, Sheet, fake_nik, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkscheck.read.workbook import Workbook
from pmkscheck.settings import Limits

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(ROOT.glob("sample_data/*.xlsx"))


def roads(path: Path) -> list[tuple[object, object]]:
    """(fast grid or None, calamine grid) for every worksheet of ``path``."""
    out = []
    with Workbook(path, "xlsx", Limits()) as wb:
        for info in wb.sheets():
            if not info.is_chart:
                out.append((wb._fast_grid(info.name), wb._calamine_grid(info.name)))
    return out


def assert_same(fast, slow) -> None:
    assert fast is not None, "the fast road declined a sheet it should read"
    assert (fast.n_rows, fast.n_cols) == (slow.n_rows, slow.n_cols)
    for j in range(slow.n_cols):
        texts_differ = np.flatnonzero(fast.cols[j] != slow.cols[j])
        assert not len(texts_differ), [(i, fast.cols[j][i], slow.cols[j][i])
                                       for i in texts_differ[:5]]
        kinds_differ = np.flatnonzero(fast.kinds[j] != slow.kinds[j])
        assert not len(kinds_differ), [(i, fast.kinds[j][i], slow.kinds[j][i], slow.cols[j][i])
                                       for i in kinds_differ[:5]]
    assert sorted(fast.merges) == sorted(slow.merges)
    assert fast.hidden_rows == slow.hidden_rows
    assert fast.hidden_cols == slow.hidden_cols
    assert np.array_equal(fast.rows, slow.rows)


def assert_roads_agree(path: Path) -> None:
    pairs = roads(path)
    assert pairs
    for fast, slow in pairs:
        assert_same(fast, slow)


# ---------------------------------------------------------------- files written by real writers


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_shipped_samples(path: Path) -> None:
    assert_roads_agree(path)


TYPED_ROWS = [
    [None, None],
    [None, None, "DATA PMKS", None, "  spaced  ", "Kec. Sangatta\u00a0Utara", "_x000D_ odd"],
    [None, None, "NIK", "angka", "tanggal", "lain"],
    [None, None, 6408012345678900, 12.5, dt.date(2020, 1, 2), True],
    [None, None, "6408012345678900", -3, dt.datetime(2020, 1, 2, 10, 30), False],
    [None, None, 6.40801234567e15, 0.1 + 0.2, dt.datetime(1975, 8, 17), "TRUE"],
    [None, None, 1e20, 1.23456789012345678e-7, dt.date(1900, 3, 1), 0],
    [None, None, Formula("=1+1", 2), Formula("=A1", None), Formula("=1/0", None), Error("#N/A")],
    [None, None, Formula("=D8*2", 24.5), Error("#REF!"), "#DIV/0!", "  "],
    [None, None, "Ñoño 👵", 43831, "43831", 1.0],
]


def test_openpyxl_typed_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "typed.xlsx", {"Data": Sheet(
        rows=TYPED_ROWS, merges=["C2:D2", "E9:F10"], hidden_rows=[4], hidden_cols=["D"])})
    assert_roads_agree(path)


def test_openpyxl_messy_person_list(tmp_path: Path) -> None:
    from test_read_workbook import MERGES, MESSY_ROWS

    path = write_xlsx(tmp_path / "messy.xlsx", {"Sheet1": Sheet(rows=MESSY_ROWS, merges=MERGES,
                                                                hidden_rows=[9])})
    assert_roads_agree(path)


def _xlsxwriter_book(path: Path, rows: list[list[object]], **options: object) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, **options})
    ws = wb.add_worksheet("PMKS")
    formats = {
        "date": wb.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": wb.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"}),
        "time": wb.add_format({"num_format": "hh:mm"}),
        "text": wb.add_format({"num_format": "@"}),
        "nik": wb.add_format({"num_format": "0"}),
    }
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, formats["datetime"])
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, formats["date"])
            elif isinstance(value, dt.time):
                ws.write_datetime(r, c, value, formats["time"])
            elif isinstance(value, int | float):
                ws.write_number(r, c, value, formats["nik"] if value > 1e12 else None)
            elif isinstance(value, Formula):
                ws.write_formula(r, c, value.text, None, value.value if value.value is not None
                                 else 0)
            else:
                ws.write_string(r, c, str(value), formats["text"])
    ws.merge_range("H1:J1", "DATA PMKS KUTAI TIMUR")
    ws.set_row(3, None, None, {"hidden": True})
    ws.set_column("K:K", None, None, {"hidden": True})
    wb.close()
    return path


XW_ROWS = [
    [],
    ["No", "NIK", "Nama", "Tgl Lahir", "Umur", "Aktif", "Jam", "Catatan"],
    [1, 6408012345678900, "Siti", dt.date(1975, 8, 17), 49, True, dt.time(10, 30), "ok"],
    [2, fake_nik(serial=2), "Budi", dt.datetime(1980, 1, 2, 13, 45, 10), 44.5, False, None, ""],
    [3, 6408015308750003.0, "Ani\nbaris dua", "17-08-1975", Formula("=E3+1", 50), None, None,
     Formula('=C3&"!"', "Siti!")],
    [4, None, "   ", dt.date(1899, 12, 31), -0.0, None, None, "#N/A"],
]


@pytest.mark.parametrize("date_1904", [False, True])
def test_xlsxwriter_shared_strings(tmp_path: Path, date_1904: bool) -> None:
    path = _xlsxwriter_book(tmp_path / "xw.xlsx", XW_ROWS, date_1904=date_1904)
    assert_roads_agree(path)


@pytest.mark.parametrize("engine", ["xlsxwriter", "raw"])
def test_synthetic_person_list(tmp_path: Path, engine: str) -> None:
    from sample_data import synth

    records, _ = synth.people(1_500, district="6408", seed=7, defects=0.2)
    for layout in ("plain", "csv"):
        path = tmp_path / f"synth_{layout}.xlsx"
        synth.write_xlsx(path, records, layout, engine=engine)
        assert_roads_agree(path)


# ---------------------------------------------------------------- random grids (Hypothesis)

cell = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.from_regex(r"[0-9]{1,17}", fullmatch=True),
    st.integers(min_value=-10**15, max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, max_size=8), min_size=1, max_size=12))
def test_random_grids_read_the_same_both_ways(tmp_path: Path, rows: list[list[object]]) -> None:
    path = _xlsxwriter_book(tmp_path / "random.xlsx", rows)
    assert_roads_agree(path)


# ---------------------------------------------------------------- what the fast road declines


def _patched(tmp_path: Path, pattern: str, repl: str, part: str = "xl/worksheets/sheet1.xml",
             name: str = "patched.xlsx") -> Path:
    src = write_xlsx(tmp_path / "src.xlsx", {"Data": Sheet(rows=[
        ["No", "NIK", "Nama"], [1, 6408012345678900, "Siti"], [2, "6408015308750002", "Ani"]])})
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == part:
                new = re.sub(pattern.encode(), repl.encode(), data)
                assert new != data, "the patch did not apply"
                data = new
            zout.writestr(item, data)
    return out


DECLINED = {
    "attributes in another order": (r'<c r="(B2)" t="n">', r'<c t="n" r="\1">'),
    "extra attribute": (r'<c r="(B2)" t="n">', r'<c r="\1" t="n" cm="1">'),
    "cell without a reference": (r'<c r="A3" t="n">', r'<c t="n">'),
    "ISO date cell": (r'<c r="A3" t="n"><v>2</v>', r'<c r="A3" t="d"><v>2020-01-02</v>'),
    "whitespace inside a number cell": (r'(<c r="B2" t="n">)<v>', r'\1\n  <v>'),
    "empty stored number": (r'(<c r="A2" t="n">)<v>1</v>', r'\1<v></v>'),
}


@pytest.mark.parametrize("case", sorted(DECLINED), ids=str)
def test_fast_road_declines_what_it_does_not_read_and_calamine_reads_it(
        tmp_path: Path, case: str) -> None:
    pattern, repl = DECLINED[case]
    path = _patched(tmp_path, pattern, repl)
    [(fast, slow)] = roads(path)
    assert fast is None
    with Workbook(path, "xlsx", Limits()) as wb:
        grid = wb.grid("Data")
    assert [list(c) for c in grid.cols] == [list(c) for c in slow.cols]
    assert [list(k) for k in grid.kinds] == [list(k) for k in slow.kinds]


def test_duration_formats_take_the_calamine_road(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = dt.timedelta(days=1.5)  # openpyxl formats it [h]:mm:ss
    wb.active["A2"] = 1.5
    wb.save(tmp_path / "dur.xlsx")
    [(fast, slow)] = roads(tmp_path / "dur.xlsx")
    assert fast is None
    assert list(slow.cols[0]) == ["1.5", "1.5"]


def test_the_canonical_form_is_what_common_writers_produce(tmp_path: Path) -> None:
    # if a writer's tags stopped being canonical, the fast road would silently go unused
    path = _xlsxwriter_book(tmp_path / "xw.xlsx", XW_ROWS)
    assert all(fast is not None for fast, _ in roads(path))
    path = write_xlsx(tmp_path / "op.xlsx", {"Data": [["a", 1, dt.date(2020, 1, 2), True]]})
    assert all(fast is not None for fast, _ in roads(path))


# ---------------------------------------------------------------- whole CLI, both roads


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_findings_do_not_depend_on_the_road(tmp_path: Path, path: Path) -> None:
    def run(reader: str) -> dict:
        env = {"PMKSCHECK_READER": reader, "PATH": "/usr/bin:/bin", "PMKSCHECK_LANG": "en",
               "PMKSCHECK_HISTORY": "off"}
        proc = subprocess.run(
            [sys.executable, "-m", "pmkscheck", "validate", "--no-write", "--format", "json",
             str(path)], capture_output=True, text=True, env=env, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(proc.stdout)
        for f in report["files"]:
            f.pop("timings", None)
        return report

    assert run("fastexcel") == run("calamine")
