"""Shared test helpers: build a ``SourceTable`` from dicts, normalise it, run the checks.

``make_table(rows)`` stands in for the reader: ``_row`` starts at 5 (four title/header rows
above), letters A, B, C... follow the order in which fields first appear in the dicts, headers are
the field names, and every cell is text unless ``kinds`` says otherwise.

``make_context(table)`` runs the registered normalisers (``normaliser_for(field type)``) and the
post-normalisers, like the pipeline does, and returns a ``CheckContext``; ``check_issues(table)``
also runs every registered check and returns normaliser + check issues together.
"""

from __future__ import annotations

import os
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from pmkscheck.checks import run_checks
from pmkscheck.checks.base import CheckContext
from pmkscheck.issues import Issue
from pmkscheck.normalise import normalise_table
from pmkscheck.schema import load_schema as _load_schema
from pmkscheck.settings import Settings
from pmkscheck.table import KIND_EMPTY, KIND_TEXT, ROW, Column, SourceTable, column_letter

# Issue 14: the submission history is off in the test suite (and in every pmkscheck process a
# test starts), so no test writes to the user's real store and reports keep their shape; the
# history tests pass --history PATH (a tmp file) explicitly.
os.environ["PMKSCHECK_HISTORY"] = "off"


def _user_store_state() -> tuple[bool, int, int]:
    from pmkscheck.history.store import default_path

    p = default_path()
    return (p.exists(), p.stat().st_mtime_ns if p.exists() else 0,
            p.stat().st_size if p.exists() else 0)


@pytest.fixture(scope="session", autouse=True)
def _user_history_store_untouched():
    """No test (nor a pmkscheck process a test starts) writes to the user's real store."""
    before = _user_store_state()
    yield
    assert _user_store_state() == before, "a test wrote to the user's history store"


# CI (CI=true) replays the same examples on every run, so a submission's result does not depend
# on luck; local runs explore new examples each time (and keep what fails in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REFERENCE_DATE = date(2025, 6, 30)


@cache
def load_schema(name: str):  # noqa: ANN201 - parsing the YAML costs ~0.3 s; tests reuse it
    """The schema, parsed once per test session."""
    return _load_schema(name)


FIRST_ROW = 5


def test_settings(**overrides: object) -> Settings:
    """Settings with a fixed reference date (tests never depend on today's date)."""
    return Settings(reference_date=REFERENCE_DATE, **overrides)


test_settings.__test__ = False  # not a test, despite its name


def make_table(rows: list[dict], kinds: dict[str, object] | None = None,
               letters: dict[str, str] | None = None, *, sheet_jenis: str | None = None,
               fmt: str = "xlsx", schema: str = "pmks-individu") -> SourceTable:
    """A ``SourceTable`` as the reader would produce it.

    Args:
        rows: one dict per record, field -> text (``None`` = empty cell). Fields may be missing
            from some dicts (empty there).
        kinds: field -> cell kind for every row (``"n"``) or a list of kinds, one per row.
            Default: ``"s"`` for text, ``""`` for empty cells.
        letters: field -> column letter, overriding A, B, C... in order of first appearance.
        sheet_jenis: jenis PMKS given once for the sheet.
        fmt: container format (``"csv"`` gives CSV tables: no letters in issues).
        schema: the built-in schema the table was read with (``pmks-keluarga``: a family list).
    """
    fields: list[str] = []
    for r in rows:
        for k in r:
            if k not in fields:
                fields.append(k)
    index = pd.RangeIndex(len(rows))
    data = pd.DataFrame({f: pd.Series([r.get(f) for r in rows], index=index, dtype=object)
                         for f in fields}, index=index)
    data[ROW] = pd.Series(range(FIRST_ROW, FIRST_ROW + len(rows)), index=index, dtype="int64")
    kinds = dict(kinds or {})
    kind_series: dict[str, pd.Series] = {}
    for f in fields:
        given = kinds.get(f)
        if given is None:
            values = [KIND_EMPTY if v is None else KIND_TEXT for v in data[f]]
        elif isinstance(given, str):
            values = [KIND_EMPTY if v is None else given for v in data[f]]
        else:
            values = list(given)
        kind_series[f] = pd.Series(values, index=index, dtype=object)
    letter_map = {f: (letters or {}).get(f, column_letter(i)) for i, f in enumerate(fields)}
    columns = [Column(header=f, field=f, letter=letter_map[f], index=i)
               for i, f in enumerate(fields)]
    return SourceTable(
        path=Path(f"test.{fmt}"), format=fmt, sheet=None if fmt in ("csv", "tsv") else "Sheet1",
        header_row=FIRST_ROW - 1, data=data, kinds=kind_series, columns=columns,
        letters=letter_map, headers={f: f for f in fields}, sheet_jenis=sheet_jenis,
        schema=schema,
    )


def normalise(table: SourceTable, settings: Settings | None = None
              ) -> tuple[pd.DataFrame, dict[str, pd.Series], list[Issue]]:
    """Run each field's registered normaliser, then the post-normalisers.

    Returns the clean frame, the derived columns and the normalisers' own findings as issues.
    """
    settings = settings or test_settings()
    return normalise_table(table, settings, load_schema(table.schema or "pmks-individu"))


def make_context(table: SourceTable, settings: Settings | None = None) -> CheckContext:
    """Normalise ``table`` and wrap it in a ``CheckContext`` (schema ``pmks-individu``)."""
    settings = settings or test_settings()
    clean, derived, _ = normalise(table, settings)
    return CheckContext(table=table, clean=clean, derived=derived, settings=settings,
                        schema=load_schema(table.schema or "pmks-individu"))


def check_issues(table: SourceTable, settings: Settings | None = None) -> list[Issue]:
    """Every issue of the normalisers and of every registered check, sorted."""
    settings = settings or test_settings()
    clean, derived, issues = normalise(table, settings)
    ctx = CheckContext(table=table, clean=clean, derived=derived, settings=settings,
                       schema=load_schema(table.schema or "pmks-individu"))
    return sorted([*issues, *run_checks(ctx)], key=Issue.sort_key)


def triples(issues: list[Issue], codes: set[str] | None = None) -> set[tuple[str, int, str]]:
    """``{(code, row, field)}`` of the issues (optionally only these codes)."""
    return {(i.code, i.row, i.field) for i in issues if codes is None or i.code in codes}


@pytest.fixture
def settings() -> Settings:
    """Settings with the fixed reference date 2025-06-30."""
    return test_settings()
