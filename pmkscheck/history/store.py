r"""The embedded submission store: one SQLite file (standard library ``sqlite3``), issue 14.

Where it lives (first match wins):

1. ``--history PATH`` (or ``history = "..."`` in the config file);
2. the environment variable ``PMKSCHECK_HISTORY`` (a path; ``off`` disables history, which the
   test suite uses so that no test ever writes to the user's real store);
3. the per-user default: Windows ``%LOCALAPPDATA%\pmkscheck\history.sqlite3``, macOS
   ``~/Library/Application Support/pmkscheck/history.sqlite3``, elsewhere
   ``$XDG_DATA_HOME/pmkscheck/history.sqlite3`` (``~/.local/share/...``).

``--no-history`` skips it. What is stored never includes a NIK, a No. KK or a name in plain text:
persons are keyed fingerprints (HMAC-SHA256 with a random salt created with the store and kept in
it), see :mod:`pmkscheck.history.snapshot`.

Safety (issue 14, "nothing lost, nobody let in"):

* every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a crash or Ctrl-C leaves
  the store as it was;
* WAL journal + a busy timeout: two runs at once both succeed (one waits for the other);
* a file that is not an SQLite database, a damaged one, one locked for longer than the timeout,
  or one written by a newer pmkscheck is one sentence and exit status 2
  (:class:`~pmkscheck.errors.UsageError` with a ``HISTORY_*`` code). Such a file is never
  written, overwritten or deleted; the user moves it aside (a fresh store is then created);
* the schema carries a version (table ``schema_version``) and migrates forward, one step at a
  time, inside the same transaction.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pmkscheck.errors import UsageError

SCHEMA_VERSION = 2
FILE_NAME = "history.sqlite3"
ENV = "PMKSCHECK_HISTORY"
ENV_TIMEOUT = "PMKSCHECK_HISTORY_TIMEOUT"
OFF = ("off", "0", "no", "none", "false")
DEFAULT_TIMEOUT_S = 30.0
SQLITE_MAGIC = b"SQLite format 3\x00"

# One list of statements per version; MIGRATIONS[n] brings a store from version n to n + 1.
MIGRATIONS: list[list[str]] = [
    [  # 0 -> 1: the first layout
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version (version) VALUES (0)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE submission (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_name TEXT NOT NULL, sha256 TEXT NOT NULL, sheet TEXT,
            district TEXT, schema TEXT, data_date TEXT,
            rows INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
            infos INTEGER NOT NULL, rows_with_errors INTEGER NOT NULL,
            completeness REAL, validated_at TEXT NOT NULL, tool_version TEXT)""",
        "CREATE INDEX submission_by_district ON submission (district, schema, id)",
        """CREATE TABLE code_count (
            submission_id INTEGER NOT NULL REFERENCES submission(id),
            code TEXT NOT NULL, severity TEXT NOT NULL, n INTEGER NOT NULL)""",
        """CREATE TABLE completeness (
            submission_id INTEGER NOT NULL REFERENCES submission(id),
            scope TEXT NOT NULL, key TEXT NOT NULL, share REAL,
            rows INTEGER, rows_with_errors INTEGER)""",
        """CREATE TABLE person (
            submission_id INTEGER NOT NULL REFERENCES submission(id),
            fp BLOB NOT NULL, row INTEGER, jenis BLOB, desa BLOB, nama BLOB, lahir BLOB)""",
        "CREATE INDEX person_by_submission ON person (submission_id)",
        """CREATE TABLE finding (
            submission_id INTEGER NOT NULL REFERENCES submission(id),
            code TEXT NOT NULL, ident BLOB NOT NULL, row INTEGER, field TEXT)""",
        "CREATE INDEX finding_by_submission ON finding (submission_id)",
    ],
    [  # 1 -> 2: where the data date came from; the kecamatan of each person
        "ALTER TABLE submission ADD COLUMN data_date_source TEXT",
        "ALTER TABLE person ADD COLUMN kecamatan BLOB",
    ],
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def default_path() -> Path:
    """The per-user store location of this platform (see the module docstring)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "pmkscheck" / FILE_NAME


def store_path(history: Path | None, use_history: bool = True) -> Path | None:
    """The store a run uses, or ``None`` when history is off."""
    if not use_history:
        return None
    if history is not None:
        return Path(history).expanduser()
    env = os.environ.get(ENV, "").strip()
    if env.lower() in OFF:
        return None
    if env:
        return Path(env).expanduser()
    return default_path()


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(ENV_TIMEOUT, DEFAULT_TIMEOUT_S)))
    except ValueError:
        return DEFAULT_TIMEOUT_S


class Store:
    """An open history store. Use :func:`open_store` (a context manager)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._salt: bytes | None = None

    @property
    def salt(self) -> bytes:
        """The store's random HMAC key (created with the store, never leaves it)."""
        if self._salt is None:
            row = self.query("SELECT value FROM meta WHERE key = 'salt'")
            self._salt = bytes.fromhex(row[0][0])
        return self._salt

    def query(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """Run a read query; sqlite errors become ``HISTORY_*`` usage errors."""
        with translate(self.path):
            return self.conn.execute(sql, params).fetchall()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; anything raised (Ctrl-C too) rolls back."""
        with translate(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            with translate(self.path):
                yield self.conn
                self.conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise


@contextlib.contextmanager
def translate(path: Path) -> Iterator[None]:
    """Turn an ``sqlite3`` error into one clear sentence (exit status 2)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise UsageError("HISTORY_LOCKED", path=str(path),
                             seconds=f"{_timeout():g}") from None
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise UsageError("HISTORY_CORRUPT", path=str(path), reason=str(exc)) from None
        if "no such table" in text or "no such column" in text:
            raise UsageError("HISTORY_CORRUPT", path=str(path), reason=str(exc)) from None
        raise UsageError("HISTORY_UNUSABLE", path=str(path), reason=str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise UsageError("HISTORY_CORRUPT", path=str(path), reason=str(exc)) from None


def _looks_like_sqlite(path: Path) -> bool:
    """An existing non-empty file must start with SQLite's magic header (checked, not touched)."""
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    return head == SQLITE_MAGIC


def _version(conn: sqlite3.Connection) -> int | None:
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    if "schema_version" not in tables:
        if tables:
            raise sqlite3.DatabaseError("not a pmkscheck history store (no schema_version)")
        return None
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    if row is None:
        raise sqlite3.DatabaseError("schema_version is empty")
    return int(row[0])


def _migrate(conn: sqlite3.Connection, path: Path, upto: int) -> None:
    """Create or upgrade the schema to ``upto`` in one transaction (or check it is current)."""
    version = _version(conn)
    if version is not None and version > SCHEMA_VERSION:
        raise UsageError("HISTORY_TOO_NEW", path=str(path), version=version,
                         supported=SCHEMA_VERSION)
    if version is not None and version >= upto:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _version(conn)  # another process may have migrated meanwhile
        if version is not None and version > SCHEMA_VERSION:
            raise UsageError("HISTORY_TOO_NEW", path=str(path), version=version,
                             supported=SCHEMA_VERSION)
        start = 0 if version is None else version
        for step in range(start, upto):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
            if step == 0:
                conn.execute("INSERT INTO meta (key, value) VALUES ('salt', ?)",
                             (secrets.token_bytes(32).hex(),))
            conn.execute("UPDATE schema_version SET version = ?", (step + 1,))
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _wal(conn: sqlite3.Connection) -> None:
    """Switch a new store to WAL (persistent); retried while another process holds a lock."""
    deadline = time.monotonic() + _timeout()
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def open_store(path: Path, create: bool = True, upto: int = SCHEMA_VERSION
               ) -> Iterator[Store | None]:
    """Open (and if needed create or migrate) the store at ``path``.

    Args:
        path: the SQLite file.
        create: make the store if the file does not exist; ``False`` yields ``None`` instead
            (``--no-write`` compares with an existing store but creates nothing).
        upto: schema version to create or migrate to (tests build old stores with it).

    Raises:
        UsageError: ``HISTORY_CORRUPT``, ``HISTORY_LOCKED``, ``HISTORY_TOO_NEW`` or
            ``HISTORY_UNUSABLE``; the file is left exactly as it was.
    """
    path = Path(path)
    exists = path.exists()
    if exists and not path.is_file():
        raise UsageError("HISTORY_UNUSABLE", path=str(path), reason="not a file")
    if not exists and not create:
        yield None
        return
    if exists and path.stat().st_size > 0:
        try:
            ok = _looks_like_sqlite(path)
        except OSError as exc:
            raise UsageError("HISTORY_UNUSABLE", path=str(path),
                             reason=exc.strerror or type(exc).__name__) from None
        if not ok:
            raise UsageError("HISTORY_CORRUPT", path=str(path),
                             reason="not an SQLite database")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError("HISTORY_UNUSABLE", path=str(path),
                             reason=exc.strerror or type(exc).__name__) from None
    timeout = _timeout()
    with translate(path):
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise UsageError("HISTORY_UNUSABLE", path=str(path), reason=str(exc)) from None
    try:
        with translate(path):
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            _version(conn)  # reads page 1: a damaged file fails here, before any write
            _wal(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn, path, upto)
        yield Store(path, conn)
    finally:
        conn.close()


def submissions(store: Store, district: str | None = None) -> list[dict[str, Any]]:
    """Every recorded submission, oldest first (optionally of one district)."""
    sql = ("SELECT id, file_name, sha256, sheet, district, schema, data_date, data_date_source, "
           "rows, errors, warnings, infos, rows_with_errors, completeness, validated_at, "
           "tool_version FROM submission")
    params: tuple = ()
    if district:
        sql += " WHERE district = ?"
        params = (district,)
    sql += " ORDER BY district, schema, COALESCE(data_date, ''), id"
    keys = ("id", "file", "sha256", "sheet", "district", "schema", "data_date",
            "data_date_source", "rows", "errors", "warnings", "infos", "rows_with_errors",
            "completeness", "validated_at", "tool_version")
    return [dict(zip(keys, row, strict=True)) for row in store.query(sql, params)]


__all__ = ["ENV", "FILE_NAME", "MIGRATIONS", "SCHEMA_VERSION", "Store", "default_path",
           "open_store", "store_path", "submissions", "translate"]
