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


# Issue 13: imports of pmkscheck's own modules sit at the top of a module. Inside a function only
# as a *named lazy import* (a comment saying so, and why, right above it), for start-up time.
# The output side has its own rule (test_output_side_imports_its_own_modules_at_the_top).


def _local_own_imports(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            own = (isinstance(node, ast.ImportFrom) and (node.level or (
                node.module or "").split(".")[0] == "pmkscheck")) or (
                isinstance(node, ast.Import)
                and any(a.name.split(".")[0] == "pmkscheck" for a in node.names))
            if not own:
                continue
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith("#"):
                if "named lazy import" in lines[above]:
                    break
                above -= 1
            else:
                found.append((node.lineno, lines[node.lineno - 1].strip()))
                continue
            if above < 0 or not lines[above].strip().startswith("#"):
                found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def test_import_contracts_hold():
    """The layers of docs/ARCHITECTURE.md (pyproject.toml [tool.importlinter]) are kept."""
    code = "import sys; from importlinter.cli import lint_imports_command as run; sys.exit(run())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PKG.parent)
    assert out.returncode == 0, out.stdout[-3000:]
# --- the output side (issue 13): report -> write -> cli, no circles, no hidden imports ---------


OUT = ("pmkscheck.report", "pmkscheck.write", "pmkscheck.text", "pmkscheck.serve",
       "pmkscheck.cli", "pmkscheck.cliterm", "pmkscheck.mask")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PKG.rglob("*.py")}


def _edges(path: Path) -> list[tuple[str, bool, int]]:
    """(imported pmkscheck module, inside a function?, line) -- TYPE_CHECKING blocks left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            out.extend((a.name, in_function, node.lineno) for a in node.names
                       if a.name.startswith("pmkscheck"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                node.module.startswith("pmkscheck")):
            for a in node.names:
                full = f"{node.module}.{a.name}"
                out.append((full if full in MODULES else node.module, in_function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function or isinstance(node, (ast.FunctionDef,
                                                           ast.AsyncFunctionDef)))

    visit(tree, False)
    return out


def _ours(name: str) -> bool:
    return any(name == o or name.startswith(o + ".") for o in OUT)


def test_report_views_import_no_writer_cli_or_server():
    for name, path in MODULES.items():
        if name.startswith("pmkscheck.report"):
            for target, _, line in _edges(path):
                assert not target.startswith(("pmkscheck.write", "pmkscheck.cli",
                                              "pmkscheck.serve")), (name, line, target)


def test_output_side_has_no_import_circle():
    # ``pmkscheck/__init__`` (the public API, ``__version__``) runs first on any import of the
    # package: an edge to it is not a dependency between stages, so it is not drawn
    graph = {name: {t for t, _, _ in _edges(path) if t in MODULES and t != "pmkscheck"}
             for name, path in MODULES.items()}
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1 and any(_ours(m) for m in comp):
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    assert not cycles


def test_output_side_imports_its_own_modules_at_the_top():
    """Function-local imports of pmkscheck modules only in the CLI, each named ``# lazy:``."""
    for name, path in MODULES.items():
        if not _ours(name):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for target, in_function, line in _edges(path):
            if in_function:
                assert name == "pmkscheck.cli" and "# lazy:" in lines[line - 1], (
                    name, line, target)


# --- one way of writing xlsx (issue 13): write/xlsx.py is the API, its engines sit behind it ---

#: Modules that may open a zip for writing, and why. Everything else writes xlsx through
#: pmkscheck.write.xlsx (which reaches the package through ooxml.open_package).
ZIP_WRITERS = {
    "pmkscheck.write.ooxml": "open_package: the one place an xlsx package is opened for writing",
    "pmkscheck.read.xlsxscan": "a repaired copy of the *input* in memory (BytesIO) for the "
                               "reader; never a file",
}


def _zip_writes(path: Path) -> list[int]:
    """Lines of ``ZipFile(..., "w"|"a"|"x")`` calls in ``path``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name != "ZipFile":
            continue
        mode = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "mode"), None)
        if isinstance(mode, ast.Constant) and mode.value in ("w", "a", "x"):
            lines.append(node.lineno)
    return lines


def test_only_write_xlsx_imports_xlsxwriter():
    """No module outside write/ imports xlsxwriter; inside write/ only the xlsx API does."""
    users = sorted(name for name, path in MODULES.items() if "xlsxwriter" in _imports(path))
    assert users == ["pmkscheck.write.xlsx"]


def test_only_the_package_writer_writes_xlsx_parts():
    """An xlsx package is opened for writing in one place: ooxml.open_package (via write.xlsx)."""
    found = {name: _zip_writes(path) for name, path in MODULES.items()}
    assert {name for name, lines in found.items() if lines} == set(ZIP_WRITERS), found


def test_xlsx_writers_go_through_the_api():
    """The writers of xlsx files import write.xlsx, not an engine; province/ imports no writer
    engine (it hands provinsi.xlsx to write.province)."""
    engines = ("pmkscheck.write.xlsxfast", "pmkscheck.write.ooxml")
    for name in ("pmkscheck.write.template", "pmkscheck.write.province", "pmkscheck.write.clean",
                 "pmkscheck.write.basebook", "pmkscheck.write.annotated"):
        targets = {t for t, _, _ in _edges(MODULES[name])}
        assert "pmkscheck.write.xlsx" in targets, name
    for name in ("pmkscheck.write.template", "pmkscheck.write.province", "pmkscheck.write.clean"):
        assert not {t for t, _, _ in _edges(MODULES[name])} & set(engines[:1]), name
    for name, path in MODULES.items():
        if name.startswith(("pmkscheck.province", "pmkscheck.history")):
            targets = {t for t, _, _ in _edges(path)}
            assert not targets & set(engines), (name, targets & set(engines))


def test_header_fill_is_one_colour():
    """The house header fill of write.xlsx is the one xlsxfast writes in its styles part."""
    from pmkscheck.write import xlsx, xlsxfast

    assert f'rgb="FF{xlsx.HEADER_FILL}"' in xlsxfast.STYLES
    assert xlsx.STYLE["header"]["bg_color"] == f"#{xlsx.HEADER_FILL}"


def _data_side() -> list[Path]:
    """Modules of the data path; the output side has its own rule (the CLI's ``# lazy:``
    imports), checked by test_output_side_imports_its_own_modules_at_the_top."""
    return [p for p in sorted(PKG.rglob("*.py")) if not _ours(_module_name(p))]


@pytest.mark.parametrize("path", _data_side(), ids=lambda p: str(p.relative_to(PKG)))
def test_own_modules_are_imported_at_the_top(path):
    assert _local_own_imports(path) == []
