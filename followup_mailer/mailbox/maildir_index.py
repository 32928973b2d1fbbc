"""What the maildir backend remembers of the message files it read: each is read once.

A Maildir file never changes once delivered, but for its flags, which a
mail client changes by renaming it: the unique part of its name stays. So
the headers that matter (and, for mail that arrived, what kind of mail it
is) are read once per file and kept here by (folder, unique name); a later
pass only lists the folders and compares names, and an idle pass parses
nothing and writes nothing.

Every entry gets an increasing number when first read; the backend's poll
cursor is the highest number whose findings the ledger has recorded, like
Gmail's history id. The index is a cache in the state folder: deleting it
costs one slow pass, never a message. Beside the cache it keeps one note per
message the backend delivered (`made`, kept when a new version rebuilds the cache), so
that a message is known made after a mail client took it away (maildir_delivery.py).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from followup_mailer.files import make_private
from followup_mailer.mailbox.classify import Classified
from followup_mailer.mailbox.protocol import MailboxError

log = logging.getLogger(__name__)

VERSION = 2  # a cache from another version is dropped and rebuilt
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    number      INTEGER PRIMARY KEY AUTOINCREMENT,
    folder      TEXT NOT NULL,
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    refs        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    sender      TEXT NOT NULL,
    recipients  TEXT NOT NULL,
    date        TEXT NOT NULL,
    verdict     TEXT,
    UNIQUE (folder, name)
);
CREATE INDEX IF NOT EXISTS files_key ON files (key) WHERE key != '';
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS made (key TEXT PRIMARY KEY, entry TEXT NOT NULL);
"""
_COLUMNS = "number, folder, name, key, message_id, refs, subject, sender, recipients, date, verdict"
_CHUNK = 500  # values bound in one query (SQLite allows at least 999)


@dataclass(frozen=True, slots=True)
class Entry:
    """One message file, as read once: the headers that matter, and what kind of mail it is."""

    folder: str
    name: str  # the unique part of the file name
    key: str  # our X-Followup-Mailer-Key, "" for mail we did not make
    message_id: str
    references: tuple[str, ...]  # every Message-ID of References and In-Reply-To
    subject: str
    sender: str
    recipients: tuple[str, ...]
    date: datetime
    verdict: Classified | None = None  # mail that arrived, once classified
    number: int = 0  # when it was first read (0: not stored yet)

    @property
    def mailbox_id(self) -> str:
        return f"{self.folder}/{self.name}"

    @property
    def thread_id(self) -> str:
        """Return the first Message-ID of References, else In-Reply-To, else its own."""
        return (self.references or (self.message_id,))[0]


class Index:
    """The entries of every folder, in a SQLite file (or in memory when path is None)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        if path is not None:
            _create_private(path)  # it holds senders and subjects
        # one daemon thread at a time uses it, but not always the thread that opened it
        self._db = sqlite3.connect(
            str(path) if path else ":memory:", isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA busy_timeout=10000")
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        # a cache: a commit need not reach the disk before the next one (a power loss may
        # lose the last entries, which the next pass reads again), only never damage it
        with suppress(sqlite3.OperationalError):  # another process switching it: it will be
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        if found != VERSION:
            self._db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS meta;")
        self._db.executescript(_SCHEMA)
        if found != VERSION:
            self._db.execute(f"PRAGMA user_version = {VERSION}")

    def close(self) -> None:
        self._db.close()

    def names(self, folder: str) -> set[str]:
        """Return the unique names of the files of a folder read so far (no decoding: cheap)."""
        rows = self._db.execute("SELECT name FROM files WHERE folder = ?", (folder,))
        return {sys.intern(name) for (name,) in rows}  # one copy, shared with the listing

    def entries(self, folder: str) -> list[Entry]:
        """Return every entry of a folder, oldest first."""
        return self._select("folder = ?", (folder,))

    def with_keys(self, folder: str, keys: Iterable[str]) -> list[Entry]:
        """Return the entries of a folder carrying one of these keys."""
        wanted, found = sorted(set(keys)), []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            found += self._select(f"folder = ? AND key IN ({marks})", (folder, *chunk))
        return found

    def carrying(self, key: str) -> list[Entry]:
        """Return the entries of every folder carrying this key, first read first."""
        return self._select("key = ? AND key != ''", (key,))  # the index on key: key != ''

    def after(self, folder: str, number: int) -> list[Entry]:
        """Return the entries of a folder first read after entry `number`."""
        return self._select("folder = ? AND number > ?", (folder, number))

    def in_thread(self, message_id: str) -> list[Entry]:
        """Return the entries that are a thread's first message or refer to it."""
        pattern = "%" + json.dumps(message_id) + "%"
        return self._select("message_id = ? OR refs LIKE ?", (message_id, pattern))

    def our_message_ids(self, folder: str, ids: Iterable[str]) -> set[str]:
        """Return which of these Message-IDs are of messages of ours (carrying a key) in folder."""
        wanted, found = sorted(set(ids)), set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT message_id FROM files WHERE folder = ? AND key != ''"
                f" AND message_id IN ({marks})",
                (folder, *chunk),
            )
            found |= {message_id for (message_id,) in rows}
        return found

    def last_number(self) -> int:
        row = self._db.execute("SELECT MAX(number) FROM files").fetchone()
        return int(row[0] or 0)

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[Entry]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM files WHERE {where} ORDER BY number", parameters
        )
        return [_entry(row) for row in rows]

    def add(self, entries: Iterable[Entry]) -> dict[str, Entry]:
        """Store new entries (one transaction); return them numbered, by unique name."""
        added: dict[str, Entry] = {}
        entries = list(entries)
        if not entries:
            return added
        with self._transaction():
            for entry in entries:
                cursor = self._db.execute(
                    "INSERT OR REPLACE INTO files (folder, name, key, message_id, refs, subject,"
                    " sender, recipients, date, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _values(entry),
                )
                added[entry.name] = replace(entry, number=cursor.lastrowid or 0)
        return added

    def classify(self, entries: Iterable[Entry]) -> None:
        """Store the verdicts of entries classified after they were first read."""
        rows = [(Classified.as_text(e.verdict), e.folder, e.name) for e in entries]
        if rows:
            with self._transaction():
                self._db.executemany(
                    "UPDATE files SET verdict = ? WHERE folder = ? AND name = ?", rows
                )

    def forget(self, folder: str, names: Iterable[str]) -> None:
        """Drop the entries of files that are gone from a folder."""
        rows = [(folder, name) for name in names]
        if rows:
            with self._transaction():
                self._db.executemany("DELETE FROM files WHERE folder = ? AND name = ?", rows)

    def note_made(self, entry: Entry) -> None:
        """Note that a message carrying a key is about to be delivered (maildir_delivery.py)."""
        with self._transaction():
            row = (entry.key, json.dumps(_values(entry)))
            self._db.execute("INSERT OR REPLACE INTO made VALUES (?, ?)", row)

    def made(self, key: str) -> Entry | None:
        """Return the entry noted of the message delivered with this key, if any."""
        row = self._db.execute("SELECT entry FROM made WHERE key = ?", (key,)).fetchone()
        return _entry((0, *json.loads(row[0]))) if row else None

    def unmade(self, key: str) -> None:
        """Drop the note of a message that was never delivered."""
        with self._transaction():
            self._db.execute("DELETE FROM made WHERE key = ?", (key,))

    def reported(self) -> int:
        """Return the number of the last entry whose findings were recorded."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'reported'").fetchone()
        return int(row[0]) if row else 0

    def mark_reported(self, number: int) -> None:
        """Remember that the findings of every entry up to `number` are recorded."""
        if number > self.reported():
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('reported', ?)", (str(number),)
                )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Run a block in one write transaction; a full disk or a lock is one message."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:  # SQLite may have rolled back already
                self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise MailboxError(_unusable(self._path, error)) from error
            raise


def _values(entry: Entry) -> tuple[object, ...]:
    return (
        entry.folder, entry.name, entry.key, entry.message_id, json.dumps(entry.references),
        entry.subject, entry.sender, json.dumps(entry.recipients), entry.date.isoformat(),
        Classified.as_text(entry.verdict),
    )  # fmt: skip


def _entry(row: tuple[object, ...]) -> Entry:
    number, folder, name, key, message_id, refs, subject, sender, recipients, when, verdict = row
    return Entry(
        folder=str(folder), name=str(name), key=str(key), message_id=str(message_id),
        references=tuple(json.loads(str(refs))), subject=str(subject), sender=str(sender),
        recipients=tuple(json.loads(str(recipients))), date=datetime.fromisoformat(str(when)),
        verdict=Classified.of_text(verdict), number=int(str(number)),
    )  # fmt: skip


def open_index(path: Path | None) -> Index:
    """Open the index at path; a damaged one is rebuilt, since it only caches the folders."""
    try:
        return Index(path)
    except sqlite3.OperationalError as error:  # locked, read-only, full: not ours to fix
        raise MailboxError(_unusable(path, error)) from error
    except sqlite3.DatabaseError as error:
        if path is None:
            raise
        log.warning("the maildir index %s was damaged (%s); reading the folders again", path, error)
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return Index(path)


def _unusable(path: Path | None, error: sqlite3.Error) -> str:
    return (
        f"cannot use the maildir index {path}: {error}: check the state folder's "
        "permissions and free space"
    )


def _create_private(path: Path) -> None:
    """Create the index file for its owner only, or take back others' access to it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        make_private(path)
