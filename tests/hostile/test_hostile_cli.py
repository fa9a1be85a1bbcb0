"""End-to-end: the real CLI, as a subprocess, on every case of the hostile corpus (issue 5).

Each run is bounded (3 GB address space, 60 s) and must end with an allowed exit status (2
where the file cannot be checked, 0/1 otherwise), never a signal or a time-out; a refused file
gets exactly one sentence on stderr and no traceback; the input's sha256 is unchanged; and no
16-digit number (a full NIK / No. KK) appears in stdout, stderr or any report file (the cleaned
data files keep full values by design, ``pmkscheck.mask``).

The runs of the corpus are started together on a small thread pool (each one is a separate
process, ~1.2 s of CPU for start-up), then asserted case by case. Every case runs with
``--format json`` and writes its outputs; refused cases also run with the text view; the text,
github and junit views of a checked file are covered by the personal-data tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import corpus
import pytest

MEMORY_LIMIT = 3 * 1024 ** 3
TIMEOUT_S = 60
FULL_ID = re.compile(r"(?<!\d)\d{16}(?!\d)")
CASES = corpus.cases()
FAST = [c for c in CASES if not c.slow]
SLOW = [c for c in CASES if c.slow]


def _limit() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Run:
    """One finished CLI run."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """``python -m pmkscheck ARGS`` under the memory limit and the time-out."""
    cmd = [sys.executable, "-m", "pmkscheck", *args]
    full_env = {**os.environ, "PMKSCHECK_LANG": "id", **(env or {})}
    full_env.pop("PMKSCHECK_DEBUG", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd,
                          env=full_env, preexec_fn=_limit, stdin=subprocess.DEVNULL)
    return Run(cmd, proc.returncode, proc.stdout, proc.stderr)


def sha256(path: Path) -> str | None:
    """Hash of a regular file (``None`` for pipes, devices, folders: never opened)."""
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_texts(folder: Path) -> dict[str, str]:
    """Text of every report file in ``folder`` (cleaned data excluded; workbook comments only)."""
    out: dict[str, str] = {}
    if not folder.exists():
        return out
    for f in sorted(folder.rglob("*")):
        if not f.is_file() or ".bersih." in f.name:
            continue
        if f.suffix in (".xlsx", ".xlsm"):
            # The annotated copy keeps the user's own cells; its comments are pmkscheck's text.
            with zipfile.ZipFile(f) as zf:
                for name in zf.namelist():
                    if "comments" in name.lower() or "threadedcomment" in name.lower():
                        out[f"{f.name}:{name}"] = zf.read(name).decode("utf-8", "replace")
        else:
            out[f.name] = f.read_bytes().decode("utf-8", "replace")
    return out


def assert_no_full_id(where: str, text: str) -> None:
    """No 16-digit run (NIK / No. KK) in ``text``."""
    found = FULL_ID.search(text)
    assert found is None, f"full 16-digit number in {where}: {found.group(0)[:6]}..."


def assert_clean_failure(run: Run) -> None:
    """Exit 2: one sentence on stderr, no traceback, no progress noise."""
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in run.stderr
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("pmkscheck: ") and len(lines[0]) > 30, lines[0]


@dataclass
class Outcome:
    """Everything observed for one case."""

    case: corpus.Case
    path: Path
    before: str | None
    after: str | None
    json_run: Run
    text_run: Run | None
    out_dir: Path


def _run_case(case: corpus.Case, base: Path, env: dict | None = None) -> Outcome:
    folder = base / case.name
    folder.mkdir()
    path = case.build(folder)
    before = sha256(path)
    out_dir = base / f"{case.name}__out"
    target = str(path)
    json_run = run_cli("validate", "--format", "json", "-o", str(out_dir), *case.args, target,
                       cwd=folder, env=env)
    text_run = None
    if case.exit_codes == corpus.REFUSED:  # the text view of a refusal (checked files: below)
        text_run = run_cli("validate", "--no-write", "--lang", "en", *case.args, target,
                           cwd=folder, env=env)
    return Outcome(case, path, before, sha256(path), json_run, text_run, out_dir)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = list(pool.map(lambda c: _run_case(c, base), FAST))
    return {o.case.name: o for o in done}


def check_outcome(o: Outcome) -> None:
    case = o.case
    for run in (o.json_run, o.text_run):
        if run is None:
            continue
        assert run.returncode >= 0, f"killed by signal {-run.returncode}"
        assert run.returncode in case.exit_codes, (run.returncode, run.stderr[-500:])
        assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
        if run.returncode == 2:
            assert_clean_failure(run)
        assert_no_full_id("stdout", run.stdout)
        assert_no_full_id("stderr", run.stderr)
    report = json.loads(o.json_run.stdout)  # exactly one JSON document on stdout
    (entry,) = report["files"]
    error = entry.get("error")  # present only for a file that could not be checked
    if o.json_run.returncode == 2:
        assert error is not None
        if case.code is not None:
            assert error["code"] == case.code
    else:
        assert error is None
        codes = {i["code"] for i in entry["issues"]}
        for notice in case.notices:
            assert notice in codes, (notice, sorted(codes))
    if case.check_hash:
        assert o.before is not None and o.after == o.before, "the input was modified"
    for name, text in report_texts(o.out_dir).items():
        assert_no_full_id(name, text)
    if o.out_dir.exists():
        leftovers = [p.name for p in o.out_dir.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers, leftovers  # atomic writes leave no temporary files


def _params(cases: list[corpus.Case]) -> list:
    return [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)]
                         if c.xfail else []) for c in cases]


@pytest.mark.parametrize("case", _params(FAST))
def test_hostile_case(case: corpus.Case, outcomes: dict[str, Outcome]) -> None:
    check_outcome(outcomes[case.name])


@pytest.mark.slow
@pytest.mark.parametrize("case", _params(SLOW))
def test_hostile_case_slow(case: corpus.Case, tmp_path: Path) -> None:
    check_outcome(_run_case(case, tmp_path))


# Without fork (Windows): the same outcomes through the spawned child (issue 12).
SPAWNED = ("far_cell_mid_sheet_crashes_reader", "cell_at_xfd1048576", "zip_bomb_ratio",
           "zip_bomb_lying_header", "shared_strings_count_lies", "xml_entity_expansion",
           "password_protected", "macros", "formulas_and_error_cells", "csv_unterminated_quote")


@pytest.fixture(scope="module")
def spawned_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("hostile_spawn")
    cases = [c for c in FAST if c.name in SPAWNED]
    assert len(cases) == len(SPAWNED)
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = list(pool.map(
            lambda c: _run_case(c, base, env={"PMKSCHECK_ISOLATE": "spawn"}), cases))
    return {o.case.name: o for o in done}


@pytest.mark.parametrize("name", SPAWNED)
def test_hostile_case_spawned(name: str, spawned_outcomes: dict[str, Outcome]) -> None:
    check_outcome(spawned_outcomes[name])


def test_every_class_of_the_issue_has_cases() -> None:
    classes = {c.klass for c in CASES}
    assert classes == {"container", "bombs", "content", "filesystem"}
    names = {c.name for c in CASES}
    for expected in ("empty", "truncated_zip", "duplicate_zip_entries", "password_protected",
                     "strict_ooxml", "zip_bomb_ratio", "zip_bomb_lying_header",
                     "xml_entity_expansion", "cell_at_xfd1048576", "shared_strings_count_lies",
                     "macros", "external_links", "named_pipe", "device", "directory"):
        assert expected in names


# --------------------------------------------------------------------------- filesystem


def test_leading_dash_file_name(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "-x.xlsx")
    before = sha256(path)
    for args in (("--", "-x.xlsx"), ("./-x.xlsx",)):
        run = run_cli("validate", "--format", "json", "--no-write", *args, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["files"][0].get("error") is None
    assert sha256(path) == before


def test_output_dir_is_a_file(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "kutim.xlsx")
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "sub"):
        run = run_cli("validate", "-o", str(out), str(path))
        assert run.returncode == 2
        assert_clean_failure(run)
    assert blocker.read_text() == "not a folder"


def test_output_dir_is_read_only_mount_or_unwritable(tmp_path: Path) -> None:
    # Tests run as root, so a chmod 0o555 folder stays writable; /proc is not writable by anyone.
    path = corpus.valid_xlsx(tmp_path / "kutim.xlsx")
    run = run_cli("validate", "-o", "/proc/pmkscheck-out", str(path))
    assert run.returncode == 2
    assert_clean_failure(run)


def test_outputs_beside_the_input_never_overwrite_it(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "kutim.bersih.xlsx")  # named like an output
    before = sha256(path)
    run = run_cli("validate", "--format", "json", "-o", str(tmp_path), str(path))
    assert run.returncode == 0, run.stderr
    outputs = json.loads(run.stdout)["files"][0]["outputs"]
    assert outputs and all(Path(v).resolve() != path.resolve() for v in outputs.values())
    assert all(Path(v).exists() for v in outputs.values())
    assert sha256(path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_batch_outputs_never_overwrite_another_input(tmp_path: Path) -> None:
    corpus.valid_xlsx(tmp_path / "kutim.xlsx")
    other = corpus.valid_csv(tmp_path / "kutim.bersih.csv")  # an input of the same batch
    before = sha256(other)
    run = run_cli("validate", "--format", "json", "-o", str(tmp_path), str(tmp_path))
    assert "Traceback" not in run.stderr
    assert sha256(other) == before


def test_folder_with_only_hostile_files_goes_on(tmp_path: Path) -> None:
    """A batch: unreadable files are reported, the rest is still checked."""
    corpus.valid_xlsx(tmp_path / "a_baik.xlsx")
    (tmp_path / "b_kosong.xlsx").write_bytes(b"")
    corpus._entities(tmp_path)  # entitas.xlsx
    run = run_cli("validate", "--format", "json", "--no-write", str(tmp_path))
    assert run.returncode == 2 or run.returncode in (0, 1)
    files = {Path(f["path"]).name: f for f in json.loads(run.stdout)["files"]}
    assert files["a_baik.xlsx"].get("error") is None
    assert files["b_kosong.xlsx"]["error"]["code"] == "INPUT_EMPTY"
    assert files["entitas.xlsx"]["error"]["code"] == "INPUT_XML_ENTITIES"
    assert "Traceback" not in run.stderr


# --------------------------------------------------------------------------- limits via config


def test_reader_out_of_memory_is_exit_2(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "kutim.xlsx", n=200)
    config = tmp_path / "pmkscheck.toml"
    config.write_text("[limits]\nmemory-mb = 64\n")
    run = run_cli("validate", "--format", "json", "--no-write", "--config", str(config),
                  str(path))
    assert run.returncode == 2
    assert_clean_failure(run)
    assert json.loads(run.stdout)["files"][0]["error"]["code"] == "INPUT_READER_FAILED"


def test_limits_from_config_refuse_a_large_inflated_workbook(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "kutim.xlsx", n=300)
    config = tmp_path / "pmkscheck.toml"
    config.write_text("[limits]\nmax-inflated-bytes = 20000\n")
    run = run_cli("validate", "--format", "json", "--no-write", "--config", str(config),
                  str(path))
    assert run.returncode == 2
    assert json.loads(run.stdout)["files"][0]["error"]["code"] == "INPUT_TOO_LARGE"


# --------------------------------------------------------------------------- personal data


def _pmks_with_findings(tmp_path: Path) -> Path:
    rows = [corpus.HEADER, *corpus.records(8)]
    rows[3][1] = rows[2][1]  # a duplicate NIK
    rows[4][1] = rows[4][1][:6] + "9999" + rows[4][1][10:]  # an impossible birth date
    rows[5][2] = rows[5][2] + "7"  # a 17-digit No. KK
    rows[6][1] = "NIK " + rows[6][1] + " (lama)"  # a NIK inside text
    xml = corpus.sheet_xml(corpus.sheet_rows_xml(rows))
    return corpus.write_zip(tmp_path / "bocor.xlsx", corpus.xlsx_parts({"Data": xml}))


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit"])
def test_no_full_nik_in_any_output(tmp_path: Path, fmt: str) -> None:
    path = _pmks_with_findings(tmp_path)
    out = tmp_path / "out"
    run = run_cli("validate", "--format", fmt, "-o", str(out), str(path),
                  env={"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                       "GITHUB_OUTPUT": str(tmp_path / "gh_output.txt")})
    assert run.returncode == 1, run.stderr
    assert_no_full_id("stdout", run.stdout)
    assert_no_full_id("stderr", run.stderr)
    texts = report_texts(out)
    assert any(name.endswith(".laporan.json") for name in texts)
    for name, text in texts.items():
        assert_no_full_id(name, text)
    for extra in ("summary.md", "gh_output.txt"):
        if (tmp_path / extra).exists():
            assert_no_full_id(extra, (tmp_path / extra).read_text())
    # The cleaned data does keep the full values (that is its purpose).
    assert FULL_ID.search((out / "bocor.bersih.csv").read_text(encoding="utf-8-sig"))


def test_mask_none_does_show_full_values(tmp_path: Path) -> None:
    """The scan above can fail: with --mask none the same run shows full numbers."""
    path = _pmks_with_findings(tmp_path)
    run = run_cli("validate", "--format", "json", "--no-write", "--mask", "none", str(path))
    assert FULL_ID.search(run.stdout)
