"""The ledger's file: opening it privately, its schema and migrations, and storage faults.

Every migration takes the schema from version i to i + 1 inside one
`BEGIN IMMEDIATE` transaction that first re-reads the version, so two
commands starting at once on a fresh folder never both apply it. A fault of
the storage (a full disk, a read-only or damaged file, a lock held elsewhere,
a file where the folder should be) becomes one StorageError that names the
path and says what to do; nothing recorded before it is lost.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from followup_mailer.errors import UserError
from followup_mailer.faults import faultpoint
from followup_mailer.files import make_private, private_folder

DB_NAME = "state.db"
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's transaction
# the ledger's generation: every commit, from any process, moves it on (an idle stamp holds
# only while it stays the same)
GENERATION = "generation"
BUMP_GENERATION = (
    f"INSERT INTO settings VALUES ('{GENERATION}', '1')"
    " ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)

# Each migration takes the schema from version i to i + 1; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE steps (
        key        TEXT PRIMARY KEY,          -- interview/step/recipient: at most one message each
        interview  TEXT NOT NULL,
        step       TEXT NOT NULL,
        recipient  TEXT NOT NULL,
        phase      TEXT,                      -- NULL: never created
        state      TEXT NOT NULL DEFAULT 'planned',
        due        TEXT,
        intent_at  TEXT,
        sent_at    TEXT,
        thread_id  TEXT NOT NULL DEFAULT '',
        draft_id   TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        subject    TEXT NOT NULL DEFAULT '',
        reason     TEXT NOT NULL DEFAULT '',
        warnings   TEXT NOT NULL DEFAULT '[]',
        cursor     TEXT NOT NULL DEFAULT '',
        mode       TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE seen (
        mailbox_id  TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        sender      TEXT NOT NULL,
        recipients  TEXT NOT NULL,
        date        TEXT NOT NULL,
        thread_id   TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        subject     TEXT NOT NULL,
        bounced     TEXT NOT NULL,
        return_date TEXT
    );
    CREATE TABLE outcomes (
        interview   TEXT PRIMARY KEY,
        outcome     TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: what a bounce returned (our key or Message-ID) and who organised an invitation
    """
    ALTER TABLE seen ADD COLUMN returned TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE seen ADD COLUMN organizer TEXT NOT NULL DEFAULT '';
    """,
    # 3: interviews on hold, and when a thank-you draft was last reminded of its deadline
    """
    CREATE TABLE holds (
        interview   TEXT PRIMARY KEY,
        until       TEXT,                     -- NULL: until `resume`
        recorded_at TEXT NOT NULL
    );
    ALTER TABLE steps ADD COLUMN reminded_at TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StorageError(UserError):
    """The ledger's file cannot be read or written: the message names it and the way out."""


def storage_error(path: Path, error: sqlite3.Error | OSError) -> StorageError:
    """Describe a storage fault in words, with what the user can do about it."""
    text = str(error).lower()
    if "disk i/o" in text and _disk_full(path):
        text = "database or disk is full"  # a WAL that cannot grow reports a generic I/O error
    if "locked" in text or "busy" in text:
        advice = "another program holds it locked; close it (or wait for it) and try again"
    elif "full" in text:
        advice = "the disk is full; free some space and run again (nothing recorded is lost)"
    elif "readonly" in text or "read-only" in text or "permission" in text:
        advice = "it cannot be written (read-only or not yours); fix its permissions"
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        advice = (
            "it is not a followup-mailer ledger or it is damaged; move it away (a new one is "
            "made on the next run, and the mailbox is looked at again) or restore a backup"
        )
    elif "unable to open" in text:
        advice = "its folder cannot be used; check that it is a folder you can write to"
    else:
        advice = "check the disk and the file, then run again"
    return StorageError(f"the ledger {path}: {error}: {advice}")


def _disk_full(path: Path) -> bool:
    """Tell whether the disk holding the ledger has no room left."""
    try:
        return shutil.disk_usage(path.parent).free < 4096
    except OSError:
        return False


@contextmanager
def storage_faults(path: Path) -> Iterator[None]:
    """Turn the storage errors raised in a block into one StorageError naming the ledger."""
    try:
        yield
    except StorageError:
        raise
    except (sqlite3.Error, OSError) as error:
        raise storage_error(path, error) from error


def connect(state_dir: Path) -> tuple[sqlite3.Connection, Path]:
    """Open the ledger in state_dir (0600 in a 0700 folder), migrated to this version."""
    path = private_folder(state_dir) / DB_NAME
    with storage_faults(path):
        _create_private(path)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the next lines may wait
        _refuse_foreign(db, path)  # before anything writes to the file
        _write_ahead(db)
        db.execute("PRAGMA synchronous=FULL")  # an intent must survive a power loss
        migrate(db, path)
    return db, path


def _refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """Refuse another program's database (or a newer ledger) without changing a byte of it."""
    db.execute("BEGIN")  # one snapshot: another process may be migrating a fresh file
    try:
        version = _version(db, path)
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        if db.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            db.execute("COMMIT")
    tables = {row[0] for row in rows}
    # ours: empty and new, or at a version of ours with its steps
    if (version == 0 and tables) or (version > 0 and "steps" not in tables):
        raise StorageError(
            f"the ledger {path}: it is another program's database, not a followup-mailer "
            "ledger: move it away (a new ledger is made on the next run) or set [state] dir"
        )


def _write_ahead(db: sqlite3.Connection) -> None:
    """Switch to write-ahead logging, waiting out another process doing the same.

    SQLite answers "locked" at once to a journal-mode change while another connection is
    opening the same fresh file, without its busy handler; once one of them switched, the
    mode is kept in the file and the others find it there.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _create_private(path: Path) -> None:
    """Create the ledger file readable by its owner only (SQLite copies its mode to the WAL)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise StorageError(f"{path} is not a regular file; move it away and run again")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        make_private(path)


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to this version, one migration per transaction; refuse a newer one."""
    if _version(db, path) == SCHEMA_VERSION:
        return  # the usual case: no write lock taken
    for number in range(SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            version = _version(db, path)
            if version == number:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")
                faultpoint("during_migration")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _version(db: sqlite3.Connection, path: Path) -> int:
    version: Any = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} was written by a newer followup-mailer (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade followup-mailer — the file is left untouched"
        )
    return int(version)
