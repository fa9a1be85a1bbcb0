"""Hand-built reports for the CI-format, baseline and config tests (no reader needed).

``hand_report()`` builds a ``Report`` the way the pipeline would: a ``SourceTable`` with ``_row``,
a cleaned frame and issues made with :func:`pmkscheck.checks.findings_to_issues`, so row numbers,
letters and severities come from the real code. The tests at the bottom check the builder itself.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from pmkscheck.checks import findings_to_issues
from pmkscheck.issues import Issue, Severity
from pmkscheck.report import FileReport, Report
from pmkscheck.settings import Settings
from pmkscheck.table import ROW, Column, SourceTable, column_letter

FIELDS = ["no", "nik", "nama", "tanggal_lahir", "jenis_pmks"]
HEADERS = {"no": "No", "nik": "N I K", "nama": "Nama", "tanggal_lahir": "Tgl. Lahir",
           "jenis_pmks": "Jenis PMKS"}
HEADER_ROW = 4

PEOPLE = [
    # nik, nama, tanggal_lahir, jenis
    ("6472035708750001", "Siti Aminah", "1975-08-17", "Lanjut Usia Terlantar"),
    ("647203170880", "Budi Santoso", "1980-08-17", "Fakir Miskin"),      # NIK_LENGTH
    (None, "Rahmat", "2031-01-01", "Fakir Miskin"),                       # DATE_FUTURE, no NIK
    ("6408014101900002", "Dewi Lestari", "1990-01-01", "Anak Terlantar"),
    ("6408014101900002", "Dewi L.", "1990-01-01", "Anak Terlantar"),      # NIK_DUPLICATE
]


def make_table(people=PEOPLE, path: str | Path = "data/kutim.xlsx", sheet: str | None = "PMKS",
               fmt: str = "xlsx") -> SourceTable:
    """A SourceTable of ``people`` (data from row HEADER_ROW + 1), numbered in the ``no`` column."""
    rows = [
        {"no": str(n + 1), "nik": p[0], "nama": p[1], "tanggal_lahir": p[2], "jenis_pmks": p[3]}
        for n, p in enumerate(people)
    ]
    data = pd.DataFrame(rows, columns=FIELDS, dtype=object)
    data[ROW] = range(HEADER_ROW + 1, HEADER_ROW + 1 + len(rows))
    letters = {f: column_letter(i) for i, f in enumerate(FIELDS)}
    columns = [Column(header=HEADERS[f], field=f, letter=letters[f], index=i)
               for i, f in enumerate(FIELDS)]
    return SourceTable(path=Path(path), format=fmt, sheet=sheet, header_row=HEADER_ROW,
                       data=data, columns=columns, letters=letters, headers=dict(HEADERS),
                       schema="pmks-individu")


def planted_issues(table: SourceTable) -> list[Issue]:
    """Findings the checks would report on ``table``, found by value (so moved rows follow)."""
    d = table.data
    nik = d["nik"].astype(object)
    issues: list[Issue] = []
    length = nik.str.len()
    bad_len = pd.DataFrame({"length": length[nik.notna() & (length != 16)]})
    issues += findings_to_issues(bad_len, table, "NIK_LENGTH", ("nik",))
    future = d["tanggal_lahir"][d["tanggal_lahir"] > "2026-01-01"]
    issues += findings_to_issues(pd.DataFrame({"date": future, "today": "2026-11-29"}), table,
                                 "DATE_FUTURE", ("tanggal_lahir",))
    dup = nik.notna() & nik.duplicated(keep="first")
    first_row = d[ROW][nik.notna() & nik.duplicated(keep="last")]
    other = pd.Series(first_row.to_numpy()[: int(dup.sum())], index=d.index[dup])
    issues += findings_to_issues(pd.DataFrame({"other_row": other}), table, "NIK_DUPLICATE",
                                 ("nik",))
    jenis_info = pd.DataFrame({"official": d["jenis_pmks"][d["jenis_pmks"] == "Fakir Miskin"]})
    issues += findings_to_issues(jenis_info, table, "JENIS_VARIANT", ("jenis_pmks",))
    issues.append(Issue(code="COLUMN_RECOMMENDED_MISSING", severity=Severity.WARNING,
                        params={"expected": "No. KK"}))
    return sorted(issues, key=Issue.sort_key)


def make_file_report(table: SourceTable, issues: list[Issue] | None = None) -> FileReport:
    """A FileReport for ``table`` as ``check_table`` would return it."""
    issues = planted_issues(table) if issues is None else issues
    clean = table.data[FIELDS].copy()
    clean["nama"] = clean["nama"].str.upper()
    return FileReport(path=table.path, format=table.format, sheet=table.sheet,
                      schema="pmks-individu", header_row=table.header_row,
                      data_rows=len(table.data), columns=list(table.columns), issues=issues,
                      table=table, clean=clean)


def hand_report(settings: Settings | None = None, people=PEOPLE, **table_kw) -> Report:
    """A one-table Report with every kind of finding (row and file level, all severities)."""
    settings = settings or Settings(write=False)
    return Report(files=[make_file_report(make_table(people, **table_kw))], settings=settings)


def with_files(report: Report, *files: FileReport) -> Report:
    """``report`` with ``files`` added (reports are frozen: a new one)."""
    return replace(report, files=(*report.files, *files))


def with_first(report: Report, **changes) -> Report:
    """``report`` whose first file report has ``changes`` (reports are frozen: a new one)."""
    return replace(report, files=(replace(report.files[0], **changes), *report.files[1:]))


def unreadable(path: str = "data/rusak.xlsx") -> FileReport:
    """A FileReport for a file that could not be read."""
    return FileReport(path=Path(path), error="INPUT_CORRUPT",
                      error_params={"path": path, "reason": "bad zip"})


def test_builder_plants_each_kind_of_finding():
    report = hand_report()
    got = {(i.code, i.row, i.field) for i in report.files[0].issues}
    assert got == {
        ("NIK_LENGTH", 6, "nik"),
        ("DATE_FUTURE", 7, "tanggal_lahir"),
        ("NIK_DUPLICATE", 9, "nik"),
        ("JENIS_VARIANT", 6, "jenis_pmks"),
        ("JENIS_VARIANT", 7, "jenis_pmks"),
        ("COLUMN_RECOMMENDED_MISSING", None, None),
    }
    dup = next(i for i in report.files[0].issues if i.code == "NIK_DUPLICATE")
    assert dup.params == {"other_row": 8}
    assert dup.letter == "B" and dup.cell == "B9"


def test_builder_follows_moved_rows():
    moved = [PEOPLE[3], PEOPLE[0], PEOPLE[4], PEOPLE[2], PEOPLE[1]]
    got = {(i.code, i.row) for i in hand_report(people=moved).files[0].issues if i.row}
    assert ("NIK_LENGTH", 9) in got and ("DATE_FUTURE", 8) in got and ("NIK_DUPLICATE", 7) in got


def run_main(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``pmkscheck ARGS`` in this process (``cli.main``, as the console script does).

    Returns ``(exit status, stdout, stderr)``. Faster than a subprocess: no interpreter start-up
    and no re-import of pandas for each call.
    """
    import contextlib
    import io
    import os

    from pmkscheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    code: int | str | None = 0
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code
    finally:
        os.chdir(old)
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.getvalue(), \
        err.getvalue()


def test_run_main_reports_status_and_streams(tmp_path):
    code, out, err = run_main("--version", cwd=tmp_path)
    assert code == 0 and out.startswith("pmkscheck ") and err == ""
    code, out, err = run_main("validate", "nope.csv", "--no-config", "--lang", "en",
                              cwd=tmp_path)
    assert code == 2 and "nope.csv" in err
