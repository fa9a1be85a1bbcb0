"""The composite GitHub Action (``action.yml``): its shell steps run locally, as the runner would.

``run_action`` mimics the runner for a composite action: ``uses:`` steps (setup-python) are
skipped, ``${{ inputs.* }}`` / ``${{ github.action_path }}`` are substituted, and every ``run:``
script is executed with ``bash --noprofile --norc -eo pipefail`` (GitHub's ``shell: bash``) with
``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT`` and ``GITHUB_WORKSPACE`` set. ``pip install`` is
recorded, not run (no network in tests; pmkscheck is already installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


@dataclass
class ActionRun:
    """What a local run of the action produced."""

    returncode: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    pip: list[str]


def edit_workbook(dst: Path, cells: dict[str, object] | None = None,
                  delete_column: int | None = None,
                  src: Path = SAMPLES / "bontang_pmks_bersih.xlsx") -> Path:
    """A copy of a (clean) sample workbook with some cells changed or a column deleted."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    for ref, value in (cells or {}).items():
        ws[ref] = value
    if delete_column:
        ws.delete_cols(delete_column)
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _python_shim(bindir: Path, pip_log: Path) -> None:
    """``python -m pip …`` is logged; anything else runs the test's Python."""
    bindir.mkdir(parents=True, exist_ok=True)
    shim = bindir / "python"
    shim.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "${@:3}" >> '
        f'"{pip_log}"; exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)


def run_action(workspace: Path, inputs: dict[str, str] | None = None,
               env: dict[str, str] | None = None) -> ActionRun:
    """Run every ``run:`` step of ``action.yml`` in ``workspace`` with ``inputs``."""
    spec = action()
    values = {k: str(v.get("default", "")) for k, v in spec["inputs"].items()}
    values.update(inputs or {})
    tmp = workspace.parent / f".{workspace.name}-runner"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    summary, output, pip_log = tmp / "summary.md", tmp / "output", tmp / "pip.log"
    for p in (summary, output, pip_log):
        p.touch()
    _python_shim(tmp / "bin", pip_log)

    def expand(text: str) -> str:
        def one(m: re.Match) -> str:
            expr = m.group(1)
            if expr.startswith("inputs."):
                return values[expr[len("inputs."):]]
            if expr == "github.action_path":
                return str(ROOT)
            raise AssertionError(f"unexpected expression in a run step: {expr}")
        return EXPR.sub(one, text)

    base_env = {**os.environ, **(env or {}),
                "PATH": f"{tmp / 'bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
                        f"{os.environ.get('PATH', '')}",
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
                "GITHUB_ACTION_PATH": str(ROOT)}
    base_env.pop("PMKSCHECK_LANG", None)
    result = subprocess.CompletedProcess([], 0, "", "")
    stdout = stderr = ""
    for step in spec["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@")
            continue
        assert step["shell"] == "bash"
        step_env = {**base_env, **{k: expand(str(v)) for k, v in step.get("env", {}).items()}}
        script = expand(step["run"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                cwd=workspace, env=step_env, capture_output=True, text=True,
                                timeout=300)
        stdout += result.stdout
        stderr += result.stderr
        if result.returncode != 0:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return ActionRun(result.returncode, stdout, stderr, summary.read_text(encoding="utf-8"),
                     outputs, pip_log.read_text().splitlines())


def annotations(stdout: str) -> list[tuple[str, str, str | None, str]]:
    """``(kind, file, line, title)`` of every workflow command."""
    out = []
    for m in re.finditer(r"^::(error|warning|notice) ([^:]*)::", stdout, flags=re.M):
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        out.append((m.group(1), props["file"], props.get("line"), props["title"]))
    return out


def test_action_metadata():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    assert set(spec["inputs"]) == {"paths", "args", "python-version", "version"}
    steps = spec["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    run = next(s for s in steps if s.get("id") == "run")
    assert "--format github" in run["run"]
    # inputs reach the scripts through env, never pasted into the script text (injection)
    for s in steps:
        assert "inputs." not in s.get("run", "")


def test_action_fails_on_errors_and_annotates(tmp_path):
    ws = tmp_path / "repo"
    (ws / "data").mkdir(parents=True)
    shutil.copy(SAMPLES / "kutim_pmks_2025.xlsx", ws / "data" / "kutim.xlsx")
    shutil.copy(SAMPLES / "bontang_pmks_bersih.xlsx", ws / "data" / "bontang.xlsx")
    run = run_action(ws, {"paths": "data/*.xlsx"})
    assert run.returncode == 1, run.stderr
    assert run.outputs["exit-code"] == "1"
    # no version: the action installs its own checkout
    assert run.pip == [f"install --disable-pip-version-check --quiet {ROOT}"]
    found = annotations(run.stdout)
    assert {f for _, f, _, _ in found} == {"data/kutim.xlsx"}  # bontang is clean
    assert any(k == "error" and f == "data/kutim.xlsx" and line for k, f, line, _ in found)
    assert "## ❌ pmkscheck" in run.summary and "data/bontang.xlsx" in run.summary
    assert not (ws / "data" / "kutim_pmkscheck").exists()  # --no-write


def test_action_passes_args_and_version(tmp_path):
    ws = tmp_path / "repo"
    ws.mkdir()
    shutil.copy(SAMPLES / "bontang_pmks_bersih.xlsx", ws / "bontang.xlsx")
    run = run_action(ws, {"paths": "bontang.xlsx", "version": "0.1.0"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.outputs["exit-code"] == "0"
    assert run.pip == ["install --disable-pip-version-check --quiet pmkscheck==0.1.0"]
    assert "## ✅ pmkscheck" in run.summary
    # without the No. KK column: a warning only; --fail-on warning (through args) fails the step
    edit_workbook(ws / "bontang.xlsx", delete_column=3)
    run = run_action(ws, {"paths": "bontang.xlsx", "args": "--fail-on warning --lang en"})
    assert run.returncode == 1 and run.outputs["exit-code"] == "1"
    assert annotations(run.stdout) == [
        ("warning", "bontang.xlsx", None, "COLUMN_RECOMMENDED_MISSING")]
    assert "| Sheet |" in run.summary  # --lang en reached pmkscheck


def test_action_unreadable_input_is_exit_2(tmp_path):
    ws = tmp_path / "repo"
    ws.mkdir()
    (ws / "rusak.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    run = run_action(ws, {"paths": "rusak.xlsx"})
    assert run.returncode == 2 and run.outputs["exit-code"] == "2"
