"""Stage ③ validate: the explicit list of checks and the runner that turns findings into issues.

``REGISTRY`` lists every check module's ``CHECKS``, the structure check of every table kind
(``TABLE_CHECKS``: the reader's notices) first. The runner -- not the checks -- skips the checks
none of whose codes is selected (``--select``/``--ignore``) and hands the findings to
:func:`pmkscheck.findings.findings_to_issues`, which looks rows up on ``_row`` and fills in
severity from the rules catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pmkscheck.checks import structure
from pmkscheck.checks.base import Check, CheckContext
from pmkscheck.findings import IssueTable, findings_to_issues, plain
from pmkscheck.issues import Issue
from pmkscheck.rules import catalogue

REGISTRY: list[Check] = []
"""Every check, in the order they run. Filled by :func:`registry` from the modules below."""

TABLE_CHECKS: list[Check] = [*structure.CHECKS]
"""The checks of every table kind (person lists and recaps): the reader's notices. They run
first; a recap runs only these (its REKAP_ checks work on the located recap, :mod:`rekap`)."""


def registry() -> list[Check]:
    """The check list, in the order the checks run."""
    if not REGISTRY:
        # named lazy import (start-up time): the check modules import pandera (~0.5 s), which
        # `pmkscheck rules`, `schemas` and `template` never need; the pipeline imports them
        # while the isolated reader works (pipeline._warm_up).
        from pmkscheck.checks import (
            cells,
            jenis,
            keluarga,
            nik,
            nokk,
            person,
            schema_checks,
            wilayah,
        )

        REGISTRY.extend(TABLE_CHECKS)
        # the pandera checks last: for a small file pandera runs in a helper process that is
        # still importing it (issue 16, processes.py); reports are sorted, the order is not seen
        for module in (cells, jenis, wilayah, nik, nokk, person, keluarga, schema_checks):
            REGISTRY.extend(module.CHECKS)
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


def run_checks(ctx: CheckContext, select: Iterable[str] = (), ignore: Iterable[str] = (),
               checks: Sequence[Check] | None = None) -> IssueTable:
    """Run ``checks`` (default: the registry) on ``ctx``; return their issues (unsorted).

    A check none of whose codes is selected (``--select``/``--ignore``) does not run at all
    (a check without declared codes, the reader notices, always runs); the report builder
    still filters the findings of the checks that did run, code by code.
    """
    select, ignore = frozenset(select), frozenset(ignore)
    issues: list[IssueTable] = []
    for chk in registry() if checks is None else checks:
        if ((select or ignore) and chk.codes
                and not any(selected(c, select, ignore) for c in chk.codes)):
            continue
        code = chk.codes[0] if chk.codes else None
        issues.append(findings_to_issues(chk.run(ctx), ctx.table, code, chk.fields))
    return IssueTable.concat(issues)


__all__ = ["Check", "CheckContext", "REGISTRY", "findings_to_issues", "plain",
           "TABLE_CHECKS", "registry", "run_checks", "selected", "Issue"]
