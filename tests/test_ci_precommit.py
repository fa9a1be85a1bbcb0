"""The pre-commit hook (``.pre-commit-hooks.yaml``) run against a temporary git repository.

The data repository's ``.pre-commit-config.yaml`` uses our hook definition as a ``repo: local``
hook with ``language: system`` (same entry, args, files and exclude), so the test needs no network;
``pre-commit`` itself runs it through ``git commit``. Where ``pre-commit`` is not installed the
hook's entry + args are executed on the staged files that its ``files``/``exclude`` select, which
is what pre-commit does. ``PMKSCHECK_TRY_REPO=1`` also runs ``pre-commit try-repo`` on this
checkout (``language: python``: builds a virtualenv, needs the package index; slow).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_ci_action import ROOT, SAMPLES, edit_workbook

HAS_PRE_COMMIT = shutil.which("pre-commit") is not None


def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert len(hooks) == 1
    return hooks[0]


def test_hook_definition():
    h = hook()
    assert h["id"] == "pmkscheck" and h["language"] == "python"
    assert h["entry"] == "pmkscheck validate" and "--no-write" in h["args"]
    files, exclude = re.compile(h["files"]), re.compile(h["exclude"])
    for name in ("data/kutim.xlsx", "KUTIM.XLSX", "a.xlsm", "old.xls", "paser.ods", "x.csv"):
        assert files.search(name) and not exclude.search(name), name
    for name in ("README.md", "x.py", "data.xlsx.bak", "laporan.json"):
        assert not files.search(name), name
    for name in ("data/~$kutim.xlsx", "data/.~lock.kutim.xlsx#", "kutim_pmkscheck/k.bersih.xlsx"):
        assert exclude.search(name), name


def env_for(repo: Path) -> dict[str, str]:
    env = {**os.environ,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(repo.parent / ".pre-commit-home"),
           "GIT_AUTHOR_NAME": "Operator", "GIT_AUTHOR_EMAIL": "op@example.org",
           "GIT_COMMITTER_NAME": "Operator", "GIT_COMMITTER_EMAIL": "op@example.org",
           "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"}
    env.pop("PMKSCHECK_LANG", None)
    return env


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, env=env_for(repo), capture_output=True,
                          text=True, check=check, timeout=120)


def make_data_repo(repo: Path, use_pre_commit: bool = HAS_PRE_COMMIT) -> Path:
    """A git repository whose pre-commit config runs our hook locally."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    local = {k: v for k, v in hook().items() if k not in ("minimum_pre_commit_version",)}
    local["language"] = "system"
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False),
                                                  encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "pre-commit config")
    if use_pre_commit:
        r = subprocess.run(["pre-commit", "install"], cwd=repo, env=env_for(repo),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
    return repo


def _commit(repo: Path, message: str,
           use_pre_commit: bool = HAS_PRE_COMMIT) -> subprocess.CompletedProcess:
    """``git commit`` through the installed hook (or the hook emulated, without pre-commit)."""
    if use_pre_commit:
        return git(repo, "commit", "-q", "-m", message, check=False)
    h = hook()
    staged = git(repo, "diff", "--cached", "--name-only", "--diff-filter=ACMR").stdout.split()
    files = [f for f in staged if re.search(h["files"], f) and not re.search(h["exclude"], f)]
    if files:
        r = subprocess.run([*shlex.split(h["entry"]), *h["args"], *files], cwd=repo,
                           env=env_for(repo), capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            return r
    return git(repo, "commit", "-q", "--no-verify", "-m", message, check=False)


def committed(repo: Path) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", "HEAD").stdout.split())


def test_hook_blocks_a_messy_workbook_and_passes_when_fixed(tmp_path):
    use_pre_commit = HAS_PRE_COMMIT  # else the hook is emulated (entry + args on staged files)
    repo = make_data_repo(tmp_path / "data-repo", use_pre_commit)

    def commit(repo, message):
        return _commit(repo, message, use_pre_commit)

    (repo / "README.md").write_text("Data PMKS\n", encoding="utf-8")
    git(repo, "add", "README.md")
    assert commit(repo, "readme").returncode == 0  # no spreadsheet staged: hook skipped

    shutil.copy(SAMPLES / "kutim_pmks_2025.xlsx", repo / "kutim.xlsx")
    git(repo, "add", "kutim.xlsx")
    r = commit(repo, "data kutim")
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "kutim.xlsx" in out and "NIK_LENGTH" in out and "DATE_FUTURE" in out
    assert "kutim.xlsx" not in committed(repo)
    assert not (repo / "kutim_pmkscheck").exists()  # --no-write: nothing left in the work tree

    # the officer fixes the file (here: a clean workbook with the same name) and commits again
    edit_workbook(repo / "kutim.xlsx")
    git(repo, "add", "kutim.xlsx")
    r = commit(repo, "data kutim, fixed")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "kutim.xlsx" in committed(repo)


@pytest.mark.skipif(os.environ.get("PMKSCHECK_TRY_REPO") != "1" or not HAS_PRE_COMMIT,
                    reason="set PMKSCHECK_TRY_REPO=1 (builds a virtualenv from the package index)")
def test_try_repo_with_language_python(tmp_path):  # pragma: no cover - opt-in, slow
    repo = tmp_path / "data-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copy(SAMPLES / "kutim_pmks_2025.xlsx", repo / "kutim.xlsx")
    git(repo, "add", "kutim.xlsx")
    r = subprocess.run(["pre-commit", "try-repo", str(ROOT), "pmkscheck", "--files",
                        "kutim.xlsx"], cwd=repo, env=env_for(repo), capture_output=True,
                       text=True, timeout=1800)
    assert r.returncode == 1 and "NIK_LENGTH" in r.stdout
