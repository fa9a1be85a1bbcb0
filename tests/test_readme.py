"""The README's check table is generated from the catalogue and must not drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_is_in_sync_with_the_catalogue():
    r = subprocess.run([sys.executable, "scripts/update_readme.py", "--check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in text
    assert (ROOT / ".ci" / "run").read_text().count("bash scripts/test.sh") == 1
