"""Sends in flight on the maildir backend, kept where no other program cleans up.

A message is written here, durably, before it is handed to sendmail, and
removed once the outcome is known (filed in Sent, or refused). A copy still
here means the send did not finish: it may or may not have gone out, so it
is never sent again by itself. Other mail software empties Maildir tmp/
folders after a while; this folder lives in followup-mailer's own state
folder instead, so the doubt is never forgotten.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from followup_mailer.mailbox.maildir_files import parse_head, read_head
from followup_mailer.mailbox.protocol import MailboxError
from followup_mailer.model import KEY_HEADER


class Outbox:
    """The folder of sends whose outcome is not recorded yet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep(self, data: bytes) -> Path:
        """Write a message about to be sent, durably; return its file."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.folder / f"{uuid.uuid4().hex}.eml"
            with path.open("xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise MailboxError(f"cannot write into {self.folder}: {error}") from error
        return path

    def holding(self, key: str) -> Path | None:
        """Return the kept copy of the send of `key`, if its outcome is still unknown."""
        if not self.folder.is_dir():
            return None
        for path in sorted(self.folder.glob("*.eml")):
            head = read_head(path)
            if head and str(parse_head(head).get(KEY_HEADER, "")).strip() == key:
                return path
        return None
