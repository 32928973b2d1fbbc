"""Delivering a message into a Maildir folder so that a crash never hides whether it was.

A message is written whole into tmp/ and fsynced, then renamed into new/: other
software sees it whole or not at all. Between the two, the backend notes the
unique name it is about to deliver (maildir_index.py, `made`). Afterwards the
note and tmp/ together say what happened, even when a mail client has since
taken the message away (out of Drafts to edit it, say):

- the file still in tmp/: it was never delivered, and may be made again;
- gone from tmp/: it was delivered, so it was made, wherever it is now.

A crash before the note leaves at most a file in tmp/ that nothing delivered
(mail software removes stale files there), and no note: not made.
"""

from __future__ import annotations

import itertools
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from followup_mailer.faults import faultpoint

_counter = itertools.count()


def unique_name() -> str:
    """Return a new Maildir unique name: time, microseconds, pid, a counter, the host."""
    now = time.time()
    host = socket.gethostname().replace("/", r"\057").replace(":", r"\072")
    return f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(_counter)}.{host}"


def deliver(folder: Path, data: bytes, *, noting: Callable[[str], None]) -> str:
    """Deliver data into folder's new/ and return its unique name; `noting` is told the
    name once the message is whole in tmp/, before it is delivered."""
    unique = unique_name()
    staged, delivered = folder / "tmp" / unique, folder / "new" / unique
    # the umask decides, as for any mail delivered here: the user's IMAP server may read
    # the folders as another user (Dovecot's mail user)
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    noted = False
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        noting(unique)
        noted = True
        faultpoint("before_maildir_delivery")
        if delivered.exists():  # unique names make this all but impossible; never overwrite
            raise FileExistsError(f"a message named {unique} is already in {folder}/new")
        staged.rename(delivered)  # atomic: in tmp/ or in new/, never both
    except BaseException:
        if not noted:  # once noted, the file left in tmp/ is what says it was not delivered
            staged.unlink(missing_ok=True)
        raise
    return unique


def undelivered(folder: Path, unique: str) -> bool:
    """Tell whether a message noted for delivery is still in tmp/: it never was delivered."""
    return (folder / "tmp" / unique).exists()


def discard(folder: Path, unique: str) -> None:
    """Remove a message that was never delivered from tmp/."""
    (folder / "tmp" / unique).unlink(missing_ok=True)
