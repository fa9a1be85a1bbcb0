"""Stage ③ validate: the explicit list of checks and the runner that turns findings into issues.

``REGISTRY`` lists every check module's ``CHECKS``. The runner -- not the checks -- looks rows up
on ``_row``, fills in severity from the rules catalogue, and applies ``--select``/``--ignore``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pmkscheck.checks.base import Check, CheckContext
from pmkscheck.findings import findings_to_issues, is_missing, plain
from pmkscheck.issues import Issue
from pmkscheck.rules import catalogue

REGISTRY: list[Check] = []
"""Every check, in the order they run. Filled by :func:`_registry` from the modules below."""

CHECK_MODULES = [
    "pmkscheck.checks.schema_checks",
    "pmkscheck.checks.cells",
    "pmkscheck.checks.jenis", "pmkscheck.checks.wilayah",
    "pmkscheck.checks.nik", "pmkscheck.checks.nokk", "pmkscheck.checks.person",
    "pmkscheck.checks.keluarga",
]


def registry() -> list[Check]:
    """The check list (modules imported on first use, so ``rules`` stays fast)."""
    if not REGISTRY:
        import importlib

        for name in CHECK_MODULES:
            REGISTRY.extend(importlib.import_module(name).CHECKS)
    return REGISTRY


def selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Is ``code`` selected? Entries are codes, aliases or group names (``NIK``)."""
    rule = catalogue().get(code)
    names = {code, code.split("_", 1)[0]}
    if rule is not None:
        names |= {rule.code, rule.group, *rule.aliases}
    select, ignore = set(select), set(ignore)
    if select and not names & select:
        return False
    return not names & ignore


def run_checks(ctx: CheckContext) -> list[Issue]:
    """Run every registered check on ``ctx`` and return its issues (unsorted)."""
    issues: list[Issue] = []
    for chk in registry():
        issues.extend(findings_to_issues(chk.run(ctx), ctx.table, chk.codes[0], chk.fields))
    return issues


__all__ = ["Check", "CheckContext", "REGISTRY", "findings_to_issues", "is_missing", "plain",
           "registry", "run_checks", "selected"]
