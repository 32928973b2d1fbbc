"""Local Maildir folders as a mailbox: no Google account needed (SPEC section 6).

Layout under the root: `Drafts/`, `Sent/` and `INBOX/`, real Maildirs created on first
use. A draft is a file in Drafts; the user approves it by sending it from a mail client,
which files it in Sent; replies arrive in INBOX. A thread's id is its first Message-ID.

Mail software shares these folders: clients rename files (new/ to cur/,
`:2,S` flags), flag a draft trashed (`T`) before removing it, and move a
draft out of Drafts while it is edited. So: each file is read once and
remembered by its unique name (maildir_index.py), Drafts are listed before
Sent (a draft moving from one to the other between the two listings is an
approval, never a decline), a trashed draft counts as deleted, and a sent
copy carrying a step's key approves it whenever it turns up, even after the
draft was taken for deleted. A message we deliver is noted first
(maildir_delivery.py), so it is known made even when a client took it away
before a crashed pass could record it.

Send mode hands the message to a sendmail-compatible command. The message
is first kept in the outbox (maildir_outbox.py, in the state folder), then
given to sendmail, then filed in `Sent/` and dropped from the outbox. A
crash or timeout in between leaves it in the outbox, which find() reports as
in doubt until the user settles it by moving the copy into `Sent/cur` (it
went out) or deleting it (it did not).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from followup_mailer.mailbox.maildir_delivery import deliver, discard, undelivered
from followup_mailer.mailbox.maildir_entries import (
    entry_of_message,
    first_id,
    from_a_person,
    inbox_seen,
    own_seen,
    placed_of,
)
from followup_mailer.mailbox.maildir_files import DRAFTS, INBOX, SENT
from followup_mailer.mailbox.maildir_folders import Folders
from followup_mailer.mailbox.maildir_index import Entry, open_index
from followup_mailer.mailbox.maildir_outbox import Outbox
from followup_mailer.mailbox.protocol import (
    MailboxError,
    OutcomeUnknown,
    Pace,
    Poll,
    Rejected,
    ThreadTail,
    Unconfigured,
    Watch,
)
from followup_mailer.mailbox.sendmail import hand_over
from followup_mailer.model import KEY_HEADER, Placed

SEND_TIMEOUT = 60.0  # seconds a sendmail command may take before the outcome is unknown
INDEX_NAME = "maildir-index.db"

log = logging.getLogger(__name__)


class MaildirMailbox:
    """The Mailbox protocol on local Maildir folders, with sendmail for send mode.

    `state` is followup-mailer's own folder (the index and the outbox live
    there); without one, both stay in memory and under the maildir root.
    """

    def __init__(
        self,
        root: Path,
        *,
        sendmail: Sequence[str] = (),
        clock: Callable[[], datetime],
        timeout: float = SEND_TIMEOUT,
        state: Path | None = None,
        pace: Pace = Pace(),  # noqa: B008 (frozen, so sharing it is safe)
    ) -> None:
        self._root, self._sendmail, self._clock = root, tuple(sendmail), clock
        self._timeout, self._pace = timeout, pace
        if state is not None:
            state.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._index = open_index(state / INDEX_NAME if state else None)
        self._outbox = Outbox((state or root / SENT / "tmp") / "outbox")
        self._made = False
        self._folders = Folders(self._index, self._folder, pace)

    def cursor(self) -> str:
        """Return "": settlement reads the folders whole (they are indexed, so it is cheap)."""
        return ""

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Write the message into Drafts atomically, unless a message with its key exists."""
        prepared = self._prepared(message, thread_id)
        existing = self.find(str(prepared.get(KEY_HEADER, "")), since="")
        if existing:
            return existing
        return placed_of(self._deliver(DRAFTS, prepared, prepared.as_bytes()), sent=False)

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Hand the message to sendmail and file it in Sent; never twice for one key."""
        if not self._sendmail:
            raise Unconfigured("send mode on the maildir backend needs [delivery] sendmail")
        prepared = self._prepared(message, thread_id)
        existing = self.find(str(prepared.get(KEY_HEADER, "")), since="")
        if existing and existing.draft_id:
            raise Rejected(f"a draft of this message already waits in {DRAFTS}; send that one")
        if existing:
            return existing
        data = prepared.as_bytes()
        kept = self._outbox.keep(data)
        hand_over(self._sendmail, data, kept, timeout=self._timeout)
        entry = self._deliver(SENT, prepared, data)
        kept.unlink(missing_ok=True)  # filed in Sent: the doubt is over
        return placed_of(entry, sent=True)

    def note_to_self(self, message: EmailMessage) -> Placed:
        """Deliver a note to the user's own INBOX (a reminder of the drafts waiting)."""
        prepared = self._prepared(message, "")
        existing = self.find(str(prepared.get(KEY_HEADER, "")), since="")
        if existing:
            return existing
        return placed_of(self._deliver(INBOX, prepared, prepared.as_bytes()), sent=True)

    def find(self, key: str, *, since: str) -> Placed | None:
        """Find the message carrying key: in Sent (or INBOX), else Drafts (since is unused).

        Raises OutcomeUnknown when the key is only in the outbox: a send was
        started and did not finish, so the message may or may not have left.
        """
        if not key:
            return None
        # Drafts listed before Sent (module docstring): a draft sent meanwhile is found in one
        present = {f: self._folders.present(f, trashed=False) for f in (DRAFTS, SENT, INBOX)}
        carrying = [e for e in self._index.carrying(key) if e.name in present[e.folder]]
        for folder, sent in ((SENT, True), (INBOX, True), (DRAFTS, False)):
            found = [e for e in carrying if e.folder == folder]
            if found:
                return placed_of(found[0], sent=sent)
        made = self._made_and_taken_away(key)
        if made is not None:
            return placed_of(made, sent=made.folder != DRAFTS)
        kept = self._outbox.holding(key)
        if kept is not None:
            raise OutcomeUnknown(
                f"a send of {key} did not finish; the message is kept at {kept}: move it into "
                f"{self._root / SENT}/cur if it went out, or delete it if it did not"
            )
        return None

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        """Return the latest message in the thread that is ours or a human's, for a reply."""
        wanted = first_id(thread_id)
        present = {folder: self._folders.present(folder) for folder in (SENT, INBOX)}
        members = [
            entry
            for entry in self._index.in_thread(wanted)
            if entry.name in present.get(entry.folder, ())
            and (wanted == entry.message_id or wanted in entry.references)
        ]
        eligible = [e for e in members if e.folder == SENT or from_a_person(e)]
        if not eligible:
            return None
        tail = max(eligible, key=lambda entry: entry.date)
        return ThreadTail(
            message_id=tail.message_id, references=" ".join(tail.references), subject=tail.subject
        )

    def poll(self, watch: Watch) -> Poll:
        """Report approvals, declines, and the messages that arrived since the last poll."""
        self._folders.own = frozenset(watch.own)
        drafts = self._folders.present(DRAFTS, trashed=False)  # before Sent (module docstring)
        sent, inbox = self._folders.present(SENT), self._folders.present(INBOX)
        wanted = set(watch.drafts) | set(watch.declined)
        by_key = {e.key: e for e in self._index.with_keys(SENT, wanted) if e.name in sent}
        approved = {key: placed_of(entry, sent=True) for key, entry in by_key.items()}
        present = [e for e in self._index.with_keys(DRAFTS, wanted) if e.name in drafts]
        waiting = {e.key for e in present}
        restored = {
            e.key: placed_of(e, sent=False)
            for e in present
            if e.key in watch.declined and e.key not in by_key
        }
        declined = tuple(
            key
            for key, draft_id in watch.drafts.items()
            if key not in by_key and key not in waiting and draft_id not in drafts
        )
        since = self._index.reported()
        arrived = [e for e in self._index.after(INBOX, since) if e.name in inbox]
        written = [e for e in self._index.after(SENT, since) if e.name in sent]
        ours = self._ours(arrived) | {first_id(t) for t in watch.threads}
        seen = [inbox_seen(e, watch, ours) for e in arrived]
        seen += [own_seen(e, watch) for e in written]
        cursor = str(self._index.last_number())
        seen_now = tuple(s for s in seen if s is not None)
        return Poll(
            approved=approved, declined=declined, seen=seen_now, cursor=cursor, restored=restored
        )

    def acknowledge(self, cursor: str) -> None:
        """Remember that the findings up to this poll are recorded."""
        if cursor.isdigit():
            self._index.mark_reported(int(cursor))

    def release(self) -> None:
        """Let go of the folders' listings (the index keeps what was read: nothing is read
        again, the next poll lists the folders afresh)."""
        self._folders.forget()

    # --- folders ---------------------------------------------------------------------------

    def _ours(self, arrived: list[Entry]) -> set[str]:
        """Return the Message-IDs of our sent mail that these messages refer to."""
        referred = {ref for entry in arrived for ref in entry.references}
        return self._index.our_message_ids(SENT, referred)

    def _deliver(self, folder: str, message: EmailMessage, data: bytes) -> Entry:
        """Deliver a message into a folder (noted first: maildir_delivery.py) and index it,
        so the next look does not read it back."""
        entries: list[Entry] = []

        def note(unique: str) -> None:
            entry = entry_of_message(folder, unique, message, self._clock())
            if entry.key:
                self._index.note_made(entry)
            entries.append(entry)

        try:
            unique = deliver(self._folder(folder), data, noting=note)
        except OSError as error:
            raise MailboxError(f"cannot write into {self._root / folder}: {error}") from error
        return self._folders.remember(folder, entries)[unique]

    def _made_and_taken_away(self, key: str) -> Entry | None:
        """Return the message delivered with this key that is gone from its folder now (a
        mail client took it); None when none was, forgetting one that never left tmp/."""
        made = self._index.made(key)
        if made is None:
            return None
        folder = self._folder(made.folder)
        if undelivered(folder, made.name):
            self._index.unmade(key)  # first: a stray file in tmp/ says nothing
            discard(folder, made.name)
            return None
        return made

    def _prepared(self, message: EmailMessage, thread_id: str) -> EmailMessage:
        """Return the message with what every stored copy needs: Message-ID, Date, thread."""
        needs_thread = thread_id and "References" not in message and "In-Reply-To" not in message
        if "Message-ID" in message and "Date" in message and not needs_thread:
            return message  # the usual case: composed messages carry all of it
        prepared = copy.deepcopy(message)  # the caller's message stays as it was
        if "Message-ID" not in prepared:
            sender = str(prepared.get("From", "")).rpartition("@")[2].strip(" >")
            prepared["Message-ID"] = make_msgid(domain=sender or "followup-mailer.invalid")
        if "Date" not in prepared:
            prepared["Date"] = format_datetime(self._clock())
        if thread_id and "References" not in prepared and "In-Reply-To" not in prepared:
            prepared["References"] = first_id(thread_id)
        return prepared

    def _folder(self, name: str) -> Path:
        """Return a folder's path, creating all three folders (cur, new, tmp) when missing."""
        if not self._made:
            try:
                for folder in (DRAFTS, SENT, INBOX):
                    for sub in ("tmp", "new", "cur"):
                        (self._root / folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                raise MailboxError(_unusable(self._root, error)) from error
            self._made = True
        return self._root / name


def _unusable(root: Path, error: OSError) -> str:
    """Say why the maildir folders cannot be made, and what to do about it."""
    where = error.filename or root
    advice = "set [delivery] maildir to a folder you can write to"
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        advice = f"a file is in the way at {where}: move it away (a Maildir folder goes there)"
    return f"cannot create the folders in {root} ({error.strerror or error}): {advice}"
