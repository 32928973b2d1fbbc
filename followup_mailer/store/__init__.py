"""The SQLite ledger: what did happen (steps, observed mail, outcomes, holds)."""

from __future__ import annotations

from followup_mailer.store.ledger import Store
from followup_mailer.store.rows import Snapshot, StateView
from followup_mailer.store.schema import DB_NAME, GENERATION, StorageError

__all__ = ["DB_NAME", "GENERATION", "Snapshot", "StateView", "StorageError", "Store"]
