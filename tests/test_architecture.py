"""Import layering (STYLE.md habit 12): checks never know about terminals, workbooks or the CLI;
reporters never import pandera; the CLI module imports no pandas at import time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "pmkscheck"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.startswith("pmkscheck."):
                names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PKG / "checks").glob("*.py")), ids=lambda p: p.name)
def test_checks_do_not_import_presentation(path):
    assert not _imports(path) & {"rich", "openpyxl", "typer", "xlsxwriter", "click"}


@pytest.mark.parametrize("path", sorted((PKG / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_does_not_import_presentation(path):
    assert not _imports(path) & {"rich", "openpyxl", "typer", "xlsxwriter", "click"}


@pytest.mark.parametrize("path", sorted((PKG / "report").glob("*.py")), ids=lambda p: p.name)
def test_reporters_do_not_import_pandera(path):
    imports = _imports(path)
    assert "pandera" not in imports
    assert not any(i.startswith("pmkscheck.checks") for i in imports)


def test_cli_import_does_not_load_pandas():
    code = "import sys, pmkscheck.cli; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
