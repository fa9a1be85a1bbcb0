"""Done-when scenario of issue 8, as one test.

A temporary data repository with the pre-commit config, ``pmkscheck.toml`` naming a baseline and
the workflow example of docs/ci.md (which uses the Action) runs pmkscheck and:

1. passes with legacy data whose findings are baselined;
2. fails on a newly planted error (pre-commit refuses the commit; the Action's step exits 1 with
   an annotation on the new cell only);
3. passes again once the error is fixed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from test_ci_action import ROOT, annotations, edit_workbook, run_action
from test_ci_precommit import _commit, committed, git, make_data_repo

LEGACY = {"B6": "647401131053"}  # a 12-digit NIK, there since 2023: NIK_LENGTH at B6
PLANTED = {"B10": "64740215109501"}  # a new 14-digit NIK: NIK_LENGTH at B10


def workflow_from_docs() -> dict:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/pmkscheck\.yml\n.*?)```", text, re.S)
    assert block, "docs/ci.md lost its workflow example"
    return yaml.safe_load(block.group(1))


def action_step(workflow: dict) -> dict:
    steps = workflow["jobs"]["check"]["steps"]
    uses = [s for s in steps if re.fullmatch(r"[\w.-]+/pmkscheck@[\w.-]+", s.get("uses", ""))]
    assert len(uses) == 1
    return uses[0]


def run_workflow(repo: Path):
    step = action_step(workflow_from_docs())
    return run_action(repo, {k: str(v) for k, v in step.get("with", {}).items()})


def test_data_repository_scenario(tmp_path):
    repo = make_data_repo(tmp_path / "pmks-kaltim")
    workflow = repo / ".github" / "workflows" / "pmkscheck.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(yaml.safe_dump(workflow_from_docs(), sort_keys=False), encoding="utf-8")
    (repo / "pmkscheck.toml").write_text('baseline = "pmkscheck-baseline.json"\nlang = "en"\n',
                                         encoding="utf-8")
    data = edit_workbook(repo / "data" / "bontang.xlsx", LEGACY)

    # legacy data: record its findings once, commit everything
    r = subprocess.run([sys.executable, "-m", "pmkscheck", "baseline", "data", "-o",
                        "pmkscheck-baseline.json"], cwd=repo, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads((repo / "pmkscheck-baseline.json").read_text(encoding="utf-8"))
    assert [(e["file"], e["code"]) for e in doc["findings"]] == [("data/bontang.xlsx",
                                                                  "NIK_LENGTH")]
    git(repo, "add", ".")
    r = _commit(repo, "legacy data + baseline")
    assert r.returncode == 0, r.stdout + r.stderr
    run = run_workflow(repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not [a for a in annotations(run.stdout) if a[0] == "error"]
    assert "1 old findings recorded in baseline" in run.summary

    # a new error is planted: the commit is refused and the workflow fails, on B10 only
    edit_workbook(data, {**LEGACY, **PLANTED})
    git(repo, "add", "data/bontang.xlsx")
    r = _commit(repo, "update bontang")
    assert r.returncode != 0
    assert "NIK_LENGTH" in r.stdout + r.stderr
    run = run_workflow(repo)
    assert run.returncode == 1 and run.outputs["exit-code"] == "1"
    errors = [a for a in annotations(run.stdout) if a[0] == "error"]
    assert errors == [("error", "data/bontang.xlsx", "10", "NIK_LENGTH")]
    assert "❌" in run.summary and "B10" in run.summary

    # fixed: commit and workflow pass again; the legacy finding stays baselined
    edit_workbook(data, LEGACY)
    git(repo, "add", "data/bontang.xlsx")
    r = _commit(repo, "update bontang, fixed")
    assert r.returncode == 0, r.stdout + r.stderr
    assert {"data/bontang.xlsx", "pmkscheck-baseline.json", "pmkscheck.toml",
            ".github/workflows/pmkscheck.yml"} <= committed(repo)
    run = run_workflow(repo)
    assert run.returncode == 0, run.stdout
    assert not [a for a in annotations(run.stdout) if a[0] == "error"]
