"""Where officers work: Windows paths, Office lock files, consoles that are not UTF-8 (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest
from builders import fake_nik, write_xlsx

from pmkscheck.domain.wilayah_named import find_kabkota
from pmkscheck.pipeline import expand_paths
from pmkscheck.report import FileReport, Report
from pmkscheck.settings import Settings
from pmkscheck.write.outputs import output_dir, output_stem

ROOT = Path(__file__).resolve().parents[1]
NAME = "Désirée Ñoño Mu'ut " * 12  # 228 characters: CELL_TOO_LONG, shown shortened with "…"


def _csv(folder: Path) -> Path:
    path = folder / "kutim_2025.csv"
    path.write_text("No;NIK;Nama;Jenis Kelamin;Desa;Kecamatan\n"
                    f"1;{fake_nik(serial=1)};{NAME};P;Swarga Bara;Sangatta Utara\n"
                    f"2;{fake_nik(serial=2)};Siti Aminah;P;Swarga Bara;Sangatta Utara\n",
                    encoding="utf-8")
    return path


def _run(args: list[str], env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_ALL", "LC_CTYPE")}
    env.update(env_extra)
    env.pop("PMKSCHECK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=120)


CONSOLES = [
    ({"PYTHONIOENCODING": "cp1252"}, "cp1252"),
    ({"PYTHONIOENCODING": "cp437"}, "cp437"),
    ({"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}, "ascii"),
]


@pytest.mark.parametrize(("env", "encoding"), CONSOLES)
def test_a_console_that_is_not_utf8(tmp_path, env, encoding):
    src = _csv(tmp_path)
    text = _run(["validate", str(src), "--no-write"], env, tmp_path)
    assert text.returncode == 1, text.stderr
    assert b"Traceback" not in text.stderr and b"UnicodeEncodeError" not in text.stderr
    out = text.stdout.decode(encoding)
    assert "CELL_TOO_LONG" in out and "pmks-individu" in out
    js = _run(["validate", str(src), "--no-write", "--format", "json"], env, tmp_path)
    assert js.returncode == 1, js.stderr
    js.stdout.decode("ascii")  # only ASCII reached the console ...
    report = json.loads(js.stdout)["files"][0]  # ... and the JSON value is whole
    long = [i for i in report["issues"] if i["code"] == "CELL_TOO_LONG"]
    assert [i["value"] for i in long] == [NAME[:60] + "… (228 karakter)"]
    for fmt in ("github", "junit") if encoding == "cp437" else ():
        r = _run(["validate", str(src), "--no-write", "--format", fmt, "--lang", "en"], env,
                 tmp_path)
        assert r.returncode == 1 and b"Traceback" not in r.stderr, (fmt, r.stderr)


def test_lock_files_in_folders_are_skipped_and_named_when_given(tmp_path):
    data = _csv(tmp_path)
    (tmp_path / "~$kutim_2025.xlsx").write_bytes(b"\x0bSiti\x00" + b" " * 150)
    (tmp_path / ".~lock.kutim_2025.xlsx#").write_text(
        "Siti,PC-DINSOS,siti,03.12.2026 10:00,file:///C:/Data;", encoding="utf-8")
    assert expand_paths([str(tmp_path)]) == [data]
    for name in ("~$kutim_2025.xlsx", ".~lock.kutim_2025.xlsx#"):
        r = _run(["validate", name, "--no-write", "--lang", "en"], {}, tmp_path)
        assert r.returncode == 2
        err = r.stderr.decode()
        assert "Traceback" not in err and "lock file" in err and name in err
        assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_a_real_workbook_with_a_lock_like_name_is_still_read(tmp_path):
    """Never refuse a legitimate file: the name alone does not make a lock file."""
    rows = [["No", "NIK", "Nama", "Desa", "Kecamatan"],
            [1, fake_nik(serial=1), "Siti", "Swarga Bara", "Sangatta Utara"]]
    path = write_xlsx(tmp_path / "~$salinan.xlsx", {"PMKS": rows})
    r = _run(["validate", str(path), "--no-write", "--format", "json"], {}, tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["files"][0]["data_rows"] == 1


def test_windows_paths_give_output_folders_and_names_beside_the_input():
    src = PureWindowsPath(r"C:\Users\Siti\Documents\PMKS 2025\PMKS_KUTIM_2025.xlsx")
    assert output_dir(src, Settings()) == PureWindowsPath(
        r"C:\Users\Siti\Documents\PMKS 2025\PMKS_KUTIM_2025_pmkscheck")
    f = FileReport(path=src, sheet="Data 2025")  # type: ignore[arg-type]
    report = Report(files=[f, FileReport(path=src, sheet="Lansia")],  # type: ignore[arg-type]
                    settings=Settings())
    assert output_stem(f, report) == "PMKS_KUTIM_2025.Data-2025"
    assert find_kabkota(src.stem) == {"6408"}  # district from the file name
    unc = PureWindowsPath(r"\\server\dinsos\kaltim\Samarinda.csv")
    assert output_dir(unc, Settings()) == PureWindowsPath(
        r"\\server\dinsos\kaltim\Samarinda_pmkscheck")
    assert find_kabkota(unc.stem) == {"6472"}


def test_a_wildcard_the_windows_console_did_not_expand(tmp_path):
    data = _csv(tmp_path)
    other = tmp_path / "paser.csv"
    other.write_bytes(data.read_bytes())
    (tmp_path / "~$paser.csv").write_bytes(b"\x0bSiti\x00")
    (tmp_path / "catatan.txt").write_text("x", encoding="utf-8")
    assert expand_paths([str(tmp_path / "*.csv")]) == [data, other]
    assert expand_paths([str(tmp_path / "tidak-ada*.csv")]) == [tmp_path / "tidak-ada*.csv"]
