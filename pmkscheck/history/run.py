"""The history step of a run: compare every table with its previous submission, record it.

Called by :func:`pmkscheck.pipeline.check_paths` after the checks (and the baseline) and before
the outputs are written, so every report shows the ``changes``. Returns a new report whose
file reports carry ``changes`` (``None`` when there is no previous submission) and ``compared``.

* ``--previous FILE``: that file is checked in this process (nothing written, nothing recorded)
  and each table is compared with its table of the same schema (same sheet name preferred);
* otherwise the store: the last recorded submission of the same kab/kota and schema whose content
  differs. The new submission is recorded unless ``--no-write`` (then the store is only read,
  and not created when missing) or it was recorded before (same content, sheet and schema).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmkscheck.errors import InputError
from pmkscheck.history.compare import compare
from pmkscheck.history.records import find_previous, find_same, load, record
from pmkscheck.history.snapshot import Snapshot, file_sha256, snapshot
from pmkscheck.history.store import open_store, store_path
from pmkscheck.schema import Schema, load_schema

if TYPE_CHECKING:
    from pmkscheck.report import FileReport, Report
    from pmkscheck.settings import Settings

CheckFile = Callable[[Path, "Settings", "Schema | None"], "list[FileReport]"]


def history_enabled(settings: Settings) -> bool:
    """Does this run compare with anything (store or ``--previous``)?"""
    return (settings.previous is not None
            or store_path(settings.history, settings.use_history) is not None)


def apply_history(report: Report, settings: Settings, check_file: CheckFile) -> Report:
    """Compare and record every readable table of ``report``; the report with the comparisons.

    ``check_file`` is the pipeline's own (:func:`pmkscheck.pipeline.check_file`), handed down
    so that ``--previous FILE`` is checked exactly as the files of the run without this stage
    importing the pipeline that calls it.
    """
    path = store_path(settings.history, settings.use_history)
    if path is None and settings.previous is None:
        return report
    out = list(report.files)
    files = [(n, f) for n, f in enumerate(out) if not f.error and f.table is not None]
    earlier = _previous_reports(settings, check_file) if settings.previous is not None else None
    store_cm = (open_store(path, create=settings.write) if path is not None
                else contextlib.nullcontext(None))
    with store_cm as store:
        salt = store.salt if store is not None else secrets.token_bytes(32)
        before_snaps = ([snapshot(p, settings, salt) for p in earlier]
                        if earlier is not None else None)
        hashes: dict[Path, str] = {}
        to_record: list[Snapshot] = []
        for n, f in files:
            key = Path(f.path)
            if key not in hashes:
                hashes[key] = file_sha256(key)
            snap = snapshot(f, settings, salt, hashes[key])
            before: Snapshot | None = None
            same = None
            if store is not None:
                same = find_same(store, snap)
            if before_snaps is not None:
                before = _pick(before_snaps, snap)
            elif store is not None:
                pid = find_previous(store, snap, before=same)
                before = load(store, pid) if pid is not None else None
            out[n] = replace(
                f, changes=compare(snap, before) if before is not None else None, compared=True)
            if store is not None and settings.write and same is None:
                to_record.append(snap)
        # recorded after every comparison: two files of one district in the same run are both
        # compared with the district's earlier submission, not with each other
        for snap in to_record:
            record(store, snap)  # type: ignore[arg-type]
    return replace(report, files=tuple(out))


def _previous_reports(settings: Settings, check_file: CheckFile) -> list[FileReport]:
    """Check ``--previous FILE`` in this process: no outputs, no history, no province view."""
    quiet = replace(settings, write=False, use_history=False, previous=None, split=None,
                    baseline=None, progress=False)
    schema = load_schema(settings.schema) if settings.schema else None
    prev = Path(settings.previous)  # type: ignore[arg-type]
    try:
        return [f for f in check_file(prev, quiet, schema) if not f.error]
    except InputError as err:
        raise InputError(err.code, prev, **{k: v for k, v in err.params.items()
                                            if k != "path"}) from None


def _pick(candidates: list[Snapshot], snap: Snapshot) -> Snapshot | None:
    same_schema = [c for c in candidates if c.schema == snap.schema]
    for c in same_schema:
        if c.sheet == snap.sheet:
            return c
    return same_schema[0] if same_schema else None


__all__ = ["apply_history", "history_enabled"]
