"""pmkscheck: data-quality checks for PMKS/PPKS spreadsheets (Dinas Sosial Kalimantan Timur).

Public API::

    from pmkscheck import validate, Settings
    report = validate("kutim.xlsx")            # -> Report
    report.to_dict()                           # same data as `--format json`
"""

from __future__ import annotations

__version__ = "0.1.0"

from pmkscheck.issues import Issue, Severity  # noqa: E402
from pmkscheck.settings import Settings  # noqa: E402


def validate(*paths, settings: Settings | None = None, **options):
    """Validate files or folders and return a :class:`pmkscheck.report.Report`.

    Args:
        *paths: files or folders to check.
        settings: a complete :class:`Settings`; ``options`` override its fields.
        **options: any :class:`Settings` field, e.g. ``district="6408"``, ``write=False``.
    """
    from dataclasses import replace

    # named lazy import (start-up time): `import pmkscheck` must not load pandas and the stages;
    # the one import of the package root that runs up the layers (pyproject: ignore_imports)
    from pmkscheck.pipeline import check_paths

    settings = replace(settings or Settings(), **options)
    return check_paths([str(p) for p in paths], settings)


__all__ = ["Issue", "Severity", "Settings", "__version__", "validate"]
