"""Issue 13: a report result is built once and not changed afterwards (frozen dataclasses).

Every stage after the checks (baseline, history, outputs, province files, --split) returns a new
``Report``; these tests check that assignment raises and that what those stages add (paths of
the written files, write timings, the province files) still lands in the report a run returns.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

import pmkscheck
from pmkscheck.issues import Issue, Severity
from pmkscheck.report import FileReport, Report
from pmkscheck.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def test_assignment_raises_and_sequences_are_tuples() -> None:
    issue = Issue(code="NIK_LENGTH", severity=Severity.ERROR, row=5, field="nik")
    f = FileReport(path=Path("a.xlsx"), issues=[issue], kecamatan=[{"kecamatan": "X"}])
    report = Report(files=[f], settings=Settings(write=False))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.issues = []  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.province = object()  # type: ignore[misc]
    assert f.issues == (issue,) and isinstance(f.kecamatan, tuple)
    assert isinstance(report.files, tuple)
    with pytest.raises(AttributeError):
        report.files.append(f)  # type: ignore[attr-defined]
    changed = dataclasses.replace(f, issues=[])
    assert changed.issues == () and f.issues == (issue,)


def test_outputs_and_timings_land_in_the_returned_report(tmp_path: Path) -> None:
    src = tmp_path / "kutim.xlsx"
    shutil.copy(SAMPLES / "kutim_pmks_2025.xlsx", src)
    out = tmp_path / "out"
    report = pmkscheck.validate(str(src), output_dir=out, use_history=False)
    f = report.files[0]
    assert set(f.outputs) == {"clean", "clean_csv", "annotated", "html", "report"}
    assert all(Path(p).is_file() for p in f.outputs.values())
    assert {"write_report", "write_annotated"} <= set(f.timings)
    written = json.loads(Path(f.outputs["report"]).read_text(encoding="utf-8"))
    assert written["files"][0]["outputs"] == f.outputs  # the JSON file lists its own paths


def test_province_outputs_and_split_land_in_the_returned_report(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLES / "kutim_pmks_2025.xlsx", folder / "kutim.xlsx")
    shutil.copy(SAMPLES / "balikpapan_pmks.csv", folder / "balikpapan.csv")
    out = tmp_path / "out"
    report = pmkscheck.validate(str(folder), output_dir=out, use_history=False,
                                split="kecamatan")
    assert report.province is not None
    assert set(report.province.outputs) == {"xlsx", "html"}
    assert all(Path(p).is_file() for p in report.province.outputs.values())
    split = [f for f in report.files if "split_kecamatan" in f.outputs]
    assert split and all(Path(f.outputs["split_kecamatan"]).is_dir() for f in split)


def test_a_copy_with_other_findings_never_shows_the_originals_rendering() -> None:
    """The render cache is shared by dataclasses.replace copies; it must follow the issues."""
    from pmkscheck.report.model import issue_dicts, rendered

    settings = Settings()
    issues = (Issue("NIK_LENGTH", Severity.ERROR, row=5, field="nik", value="123"),
              Issue("NAME_HAS_DIGITS", Severity.WARNING, row=6, field="nama", value="Siti 2"))
    f = FileReport(path=Path("a.xlsx"), format="xlsx", issues=issues)
    assert [d["code"] for d in issue_dicts(f, settings)] == ["NIK_LENGTH", "NAME_HAS_DIGITS"]
    g = dataclasses.replace(f, issues=tuple(reversed(issues)))  # same length, other order
    assert [d["code"] for d in issue_dicts(g, settings)] == ["NAME_HAS_DIGITS", "NIK_LENGTH"]
    h = dataclasses.replace(f, outputs={"x": "y"})  # same findings: the rendering is reused
    assert rendered(h, settings) is rendered(f, settings)
