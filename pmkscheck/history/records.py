"""Write a :class:`~pmkscheck.history.snapshot.Snapshot` into the store, read one back.

Every write is one transaction; the previous submission of a table is the last one recorded for
the same kab/kota and schema whose file content differs (re-validating the same file records
nothing new and compares with the submission before it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmkscheck import __version__
from pmkscheck.history.snapshot import FINDING_COLUMNS, PERSON_COLUMNS, Snapshot
from pmkscheck.history.store import Store


def find_same(store: Store, snap: Snapshot) -> int | None:
    """Id of an earlier record of this very table (same content, sheet, district, schema)."""
    rows = store.query(
        "SELECT MAX(id) FROM submission WHERE sha256 = ? AND COALESCE(sheet, '') = ? "
        "AND COALESCE(district, '') = ? AND COALESCE(schema, '') = ?",
        (snap.sha256, snap.sheet or "", snap.district or "", snap.schema or ""))
    return rows[0][0] if rows and rows[0][0] is not None else None


def find_previous(store: Store, snap: Snapshot, before: int | None = None) -> int | None:
    """Id of the submission to compare with, or ``None``."""
    if not snap.district:
        return None
    sql = ("SELECT MAX(id) FROM submission WHERE district = ? AND COALESCE(schema, '') = ? "
           "AND sha256 <> ?")
    params: list[Any] = [snap.district, snap.schema or "", snap.sha256]
    if before is not None:
        sql += " AND id < ?"
        params.append(before)
    rows = store.query(sql, tuple(params))
    return rows[0][0] if rows and rows[0][0] is not None else None


def record(store: Store, snap: Snapshot) -> int:
    """Insert one submission with its counts, completeness, persons and findings (atomic)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO submission (file_name, sha256, sheet, district, schema, data_date, "
            "data_date_source, rows, errors, warnings, infos, rows_with_errors, completeness, "
            "validated_at, tool_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (snap.file_name, snap.sha256, snap.sheet, snap.district, snap.schema,
             snap.data_date, snap.data_date_source, snap.rows, snap.errors, snap.warnings,
             snap.infos, snap.rows_with_errors, snap.completeness, snap.validated_at,
             __version__))
        sid = int(cur.lastrowid)
        conn.executemany(
            "INSERT INTO code_count (submission_id, code, severity, n) VALUES (?, ?, ?, ?)",
            [(sid, code, sev, int(n)) for code, sev, n in snap.code_counts])
        conn.executemany(
            "INSERT INTO completeness (submission_id, scope, key, share, rows, rows_with_errors)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(sid, "field", k, float(v), None, None) for k, v in snap.field_completeness.items()]
            + [(sid, "kecamatan", str(k.get("code") or k.get("kecamatan")),
                k.get("completeness"), k.get("rows"), k.get("rows_with_errors"))
               for k in snap.kecamatan])
        p = snap.persons
        if len(p):
            conn.executemany(
                "INSERT INTO person (submission_id, fp, row, jenis, desa, kecamatan, nama, "
                "lahir) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((sid, *(None if v is None or v != v else (int(v) if k == "row" else v)
                         for k, v in zip(PERSON_COLUMNS, t, strict=True)))
                 for t in p[list(PERSON_COLUMNS)].itertuples(index=False, name=None)))
        fi = snap.findings
        if len(fi):
            conn.executemany(
                "INSERT INTO finding (submission_id, code, ident, row, field) "
                "VALUES (?, ?, ?, ?, ?)",
                ((sid, code, ident, None if row is None else int(row), fld or None)
                 for code, ident, row, fld in fi[list(FINDING_COLUMNS)].itertuples(
                     index=False, name=None)))
    return sid


def load(store: Store, sid: int) -> Snapshot:
    """The recorded submission ``sid`` with its persons and findings."""
    (row,) = store.query(
        "SELECT file_name, sha256, sheet, district, schema, data_date, data_date_source, rows, "
        "errors, warnings, infos, rows_with_errors, completeness, validated_at "
        "FROM submission WHERE id = ?", (sid,))
    persons = pd.DataFrame(store.query(
        "SELECT fp, row, jenis, desa, kecamatan, nama, lahir FROM person "
        "WHERE submission_id = ?", (sid,)), columns=list(PERSON_COLUMNS), dtype=object)
    findings = pd.DataFrame(store.query(
        "SELECT code, ident, row, COALESCE(field, '') FROM finding WHERE submission_id = ?",
        (sid,)), columns=list(FINDING_COLUMNS), dtype=object)
    counts = [tuple(r) for r in store.query(
        "SELECT code, severity, n FROM code_count WHERE submission_id = ?", (sid,))]
    comp = dict(store.query(
        "SELECT key, share FROM completeness WHERE submission_id = ? AND scope = 'field'",
        (sid,)))
    return Snapshot(*row, code_counts=counts, field_completeness=comp,  # type: ignore[arg-type]
                    persons=persons, findings=findings)


__all__ = ["find_previous", "find_same", "load", "record"]
