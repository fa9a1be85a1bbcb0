"""Issue 16: repeated findings read as one, in every view, on a file whose NIK and No. KK columns
Excel destroyed (every cell ``6,40813E+15``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import fake_nik

HEADER = "No;NIK;No KK;Nama;Jenis Kelamin;Tanggal Lahir;Desa;Kecamatan;Jenis PMKS"


def _list(path: Path, rows: int, destroyed: bool = True) -> Path:
    lines = [HEADER]
    for i in range(1, rows + 1):
        nik = "6,40813E+15" if destroyed else fake_nik("640804", 17, 8, 50, i, female=True)
        kk = "6,40813E+15" if destroyed else f"640804010120{i:04d}"
        lines.append(f"{i};{nik};{kk};Siti Aminah {chr(65 + i % 26)}{chr(65 + i // 26 % 26)};P;"
                     f"17-08-1950;Swarga Bara;Sangatta Utara;Fakir Miskin")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "PMKSCHECK_HISTORY": "off"}
    return subprocess.run([sys.executable, "-m", "pmkscheck", "validate", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def destroyed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rusak")
    src = _list(folder / "kutim_rusak.csv", 150)
    r = _run(str(src), "-o", "out", cwd=folder)
    assert r.returncode == 1, r.stderr
    return folder, r.stdout


def test_terminal_says_whole_column_once_with_its_fix(destroyed):
    _, out = destroyed
    assert "seluruh kolom NIK (150 sel, baris 2-151)" in out
    assert "seluruh kolom No KK (150 sel, baris 2-151)" in out
    words = " ".join(out.split())
    assert words.count("Format Cells > Text") == 2  # the column-level fix, once per code
    assert "lagi" not in out  # no "+144 lagi": the range says it all
    assert max(len(line) for line in out.splitlines()) <= 80


def test_html_groups_the_column_and_json_still_lists_every_cell(destroyed):
    folder, _ = destroyed
    html = (folder / "out" / "kutim_rusak.laporan.html").read_text(encoding="utf-8")
    assert "seluruh kolom NIK (150 sel, baris 2-151)" in html
    doc = json.loads((folder / "out" / "kutim_rusak.laporan.json").read_text(encoding="utf-8"))
    rows = sorted(i["row"] for i in doc["files"][0]["issues"] if i["code"] == "NIK_EXCEL_NUMBER")
    assert rows == list(range(2, 152))


def test_workbook_has_one_note_per_column_and_every_cell_filled(destroyed):
    folder, _ = destroyed
    wb = openpyxl.load_workbook(folder / "out" / "kutim_rusak.catatan.xlsx")
    data = wb["kutim_rusak"]
    notes = {c.coordinate: c.comment.text for row in data.iter_rows() for c in row if c.comment}
    assert set(notes) == {"B1", "C1"}, sorted(notes)[:5]
    assert "NIK_EXCEL_NUMBER" in notes["B1"] and "B2:B151" in notes["B1"]
    assert "Format Cells > Text" in notes["B1"]
    unfilled = [f"{col}{r}" for col in "BC" for r in range(2, 152)
                if data[f"{col}{r}"].fill.fgColor.rgb in (None, "00000000")]
    assert not unfilled, unfilled[:5]
    assert data["D2"].fill.fgColor.rgb in (None, "00000000")  # a clean cell stays clean
    summary = [c for row in wb[wb.sheetnames[0]].iter_rows(values_only=True) for c in row if c]
    assert "seluruh kolom NIK (150 sel, B2:B151)" in summary  # Ringkasan groups it too
    problems = wb[wb.sheetnames[1]]
    listed = [r for r in problems.iter_rows(values_only=True)
              if "NIK_EXCEL_NUMBER" in r or "KK_EXCEL_NUMBER" in r]
    assert len(listed) == 300  # every cell still listed


def test_a_few_bad_cells_keep_their_own_notes(tmp_path):
    src = _list(tmp_path / "kecil.csv", 30)  # under the whole-column threshold: one note each
    r = _run(str(src), "-o", "out", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "out" / "kecil.catatan.xlsx")
    notes = [c.coordinate for row in wb["kecil"].iter_rows() for c in row if c.comment]
    assert len(notes) == 60 and "B2" in notes and "C31" in notes


def test_a_clean_list_has_no_column_line(tmp_path):
    src = _list(tmp_path / "bersih.csv", 20, destroyed=False)
    r = _run(str(src), "--no-write", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    assert "seluruh kolom" not in r.stdout


def test_many_findings_workbook_lists_and_fills_every_one(tmp_path, monkeypatch):
    """The array path of the annotated workbook (issue 16), in several blocks and past the link
    cap: whole columns (one header note each) mixed with findings on a few cells (a note each).

    Read back with openpyxl: the problem list has one row per finding with its rendered texts
    and cell, links stop at the cap, and every flagged cell carries its worst severity's fill.
    """
    import dataclasses

    from pmkscheck import pipeline
    from pmkscheck.issues import Severity
    from pmkscheck.report.model import issue_dicts
    from pmkscheck.settings import Settings
    from pmkscheck.write import sheets
    from pmkscheck.write.annotated import write_annotated
    from pmkscheck.write.styles import FILL

    monkeypatch.setenv("PMKSCHECK_HISTORY", "off")
    monkeypatch.setattr(sheets, "BLOCK_ROWS", 7)  # many blocks, the last one short
    monkeypatch.setattr(sheets, "MAX_LINKS", 40)
    src = _list(tmp_path / "campur.csv", 120)
    lines = src.read_bytes().decode("cp1252").split("\r\n")
    for n in (5, 40, 77):  # a few impossible birth dates: findings on single cells
        lines[n] = lines[n].replace(";17-08-1950;", ";31-02-1950;")
    src.write_bytes("\r\n".join(lines).encode("cp1252"))
    settings = Settings(write=False)
    settings = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits,
                                                                        isolate=False))
    report = pipeline.check_paths([str(src)], settings)
    f = report.files[0]
    out = tmp_path / "campur.catatan.xlsx"
    write_annotated(f, report, report.settings, out)

    rendered = issue_dicts(f, report.settings)
    codes = {i.code for i in f.issues}
    assert {"NIK_EXCEL_NUMBER", "KK_EXCEL_NUMBER"} <= codes and len(codes) > 2, codes
    letter_of = {c.field: c.letter for c in f.columns if c.field}
    wb = openpyxl.load_workbook(out)
    problems = wb[wb.sheetnames[1]]
    assert problems.max_row == len(f.issues) + 1
    links = {c.coordinate for c in problems["D"] if c.hyperlink is not None}
    expected: dict[str, Severity] = {}
    placed = 0
    for k, (issue, d) in enumerate(zip(f.issues, rendered, strict=True)):
        row = [c.value for c in problems[k + 2]]
        assert row[0] == issue.row and row[4] == issue.code, (k, row)
        assert (row[6], row[7] or "", row[8]) == (d["message"], d["fix"], d["value"]), (k, row)
        cell = f"{letter_of[issue.field]}{issue.row}" if issue.row and issue.field else None
        if cell:
            assert row[3] == cell, (k, row)
            expected[cell] = max(expected.get(cell, issue.severity), issue.severity)
            assert (f"D{k + 2}" in links) == (placed < 40), (k, placed)
            placed += 1
    assert placed > 40 and len(links) == 40
    data = wb[wb.sheetnames[2]]
    wrong = [c for c, sev in expected.items() if data[c].fill.fgColor.rgb != FILL[sev]]
    assert not wrong, wrong[:5]
    notes = {c.coordinate for r in data.iter_rows() for c in r if c.comment}
    assert {"B1", "C1"} <= notes and not any(n[0] in "BC" and n[1:] != "1" for n in notes)
    assert {f"{letter_of['tanggal_lahir']}{n + 1}" for n in (5, 40, 77)} <= notes
    summary = [c for r in wb[wb.sheetnames[0]].iter_rows(values_only=True) for c in r if c]
    assert any(str(s).startswith("Tautan hanya dibuat untuk 40 temuan") for s in summary)
