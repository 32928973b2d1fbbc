"""The reads that run over every row, every pass, made again only after someone committed.

`PRAGMA data_version` changes when another connection (a `hold`, an `outcome`, a
`run --once`) commits to the ledger; the Store counts its own commits. Until
either moves, a read returns what it built last time (the same objects, which
the plan's memory compares at once), so an idle daemon's pass reads nothing
from the disk and builds nothing. Callers never change what they are given.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

from followup_mailer.store.schema import storage_faults

T = TypeVar("T")


class Reads:
    """What was read from one connection since the ledger last changed."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db, self._path = db, path
        self._own_commits = 0
        self._version: tuple[int, int] | None = None
        self._built: dict[Hashable, object] = {}

    def committed(self) -> None:
        """Note a commit on this connection (data_version does not count those)."""
        self._own_commits += 1

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return what `build` gave for this key, unless the ledger changed since."""
        with storage_faults(self._path):
            version = (self._own_commits, self._db.execute("PRAGMA data_version").fetchone()[0])
        if version != self._version:
            self._version, self._built = version, {}
        if key not in self._built:
            self._built[key] = build()
        return cast(T, self._built[key])

    def forget(self) -> None:
        """Let go of everything built (SQLite's own page cache stays: freeing it and filling
        it again, pass after pass, fragments the C heap more than it saves)."""
        self._version, self._built = None, {}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query for plain tuples (no row objects: these run over every row)."""
        with storage_faults(self._path):
            cursor = self._db.cursor()
            cursor.row_factory = None
            return cursor.execute(sql).fetchall()
