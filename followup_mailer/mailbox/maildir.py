"""Local Maildir folders as a mailbox: no Google account needed (SPEC section 6).

Layout under the root: `Drafts/`, `Sent/` and `INBOX/`, each a real Maildir
(cur/, new/, tmp/), created on first use. A draft is a file in Drafts; the user
approves it by sending it from a mail client, which files it in Sent; replies
arrive in INBOX. Thread ids are the Message-ID of a thread's first message.

Send mode hands the message to a sendmail-compatible command. The order makes
a second send impossible: the message is first written to `Sent/tmp/`, then
given to sendmail, then moved into `Sent/new/` on success (or removed when
sendmail refused it). A crash or timeout in between leaves it in `Sent/tmp/`,
which find() reports as in doubt (OutcomeUnknown) until the user settles it by
moving the file into `Sent/new/` (it went out) or deleting it (it did not).
"""

from __future__ import annotations

import copy
import logging
import os
import re
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, getaddresses, make_msgid
from mailbox import Maildir
from pathlib import Path
from typing import BinaryIO

from followup_mailer.mailbox.classify import (
    Classified,
    classify,
    concerns,
    message_date,
    needs_body,
    sender,
    start_of_day,
)
from followup_mailer.mailbox.protocol import (
    MailboxError,
    OutcomeUnknown,
    Poll,
    Rejected,
    ThreadTail,
    Watch,
)
from followup_mailer.mailbox.sendmail import hand_over
from followup_mailer.model import KEY_HEADER, Kind, Placed, Seen

DRAFTS, SENT, INBOX = "Drafts", "Sent", "INBOX"
SEND_TIMEOUT = 60.0  # seconds a sendmail command may take before the outcome is unknown
# sysexits.h codes by which sendmail refuses a message for good (bad address or data)
# what a junk file (not a mail message) makes the email package raise
_JUNK = (OSError, ValueError, LookupError, IndexError, TypeError, email_errors.MessageError)
_MSGID = re.compile(r"<[^<>\s]+>")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _File:
    """One message file of a folder, with its headers (names in lower case)."""

    path: Path
    folder: str
    headers: Mapping[str, str]
    mtime: datetime

    @property
    def name(self) -> str:
        """Return the maildir key: the file name without the flags a mail client changes."""
        return self.path.name.split(Maildir.colon)[0]

    @property
    def mailbox_id(self) -> str:
        return f"{self.folder}/{self.name}"

    @property
    def key(self) -> str:
        return self.headers.get(KEY_HEADER.lower(), "").strip()

    @property
    def message_id(self) -> str:
        return _first_id(self.headers.get("message-id", ""))

    @property
    def references(self) -> tuple[str, ...]:
        """Return every Message-ID in References and In-Reply-To."""
        both = self.headers.get("references", "") + " " + self.headers.get("in-reply-to", "")
        return tuple(_MSGID.findall(both))

    @property
    def thread_id(self) -> str:
        """Return the first Message-ID of References, else In-Reply-To, else its own."""
        return (self.references or (self.message_id,))[0]

    @property
    def date(self) -> datetime:
        return message_date(self.headers) or self.mtime


class MaildirMailbox:
    """The Mailbox protocol on local Maildir folders, with sendmail for send mode.

    A message's thread follows from its References, so the thread_id argument
    of create_draft and send only serves a reply that carries none.
    """

    def __init__(
        self,
        root: Path,
        *,
        sendmail: Sequence[str] = (),
        clock: Callable[[], datetime],
        timeout: float = SEND_TIMEOUT,
    ) -> None:
        self._root = root
        self._sendmail = tuple(sendmail)
        self._clock = clock
        self._timeout = timeout

    def cursor(self) -> str:
        """Return "": a maildir has no history, so settlement scans the folders."""
        return ""

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Write the message into Drafts atomically, unless a message with its key exists."""
        prepared = self._prepared(message, thread_id)
        existing = self.find(str(prepared.get(KEY_HEADER, "")), since="")
        if existing:
            return existing
        try:
            name = Maildir(self._folder(DRAFTS), create=False).add(prepared.as_bytes())
        except OSError as error:
            raise MailboxError(f"cannot write into {self._root / DRAFTS}: {error}") from error
        return _placed(self._file_of(prepared, self._root / DRAFTS / "new" / name, DRAFTS))

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Hand the message to sendmail and file it in Sent; never twice for one key."""
        if not self._sendmail:
            raise Rejected("send mode on the maildir backend needs [delivery] sendmail")
        prepared = self._prepared(message, thread_id)
        existing = self.find(str(prepared.get(KEY_HEADER, "")), since="")
        if existing and existing.draft_id:
            raise Rejected(f"a draft of this message already waits in {DRAFTS}; send that one")
        if existing:
            return existing
        pending = self._write_pending(prepared.as_bytes())
        hand_over(self._sendmail, prepared.as_bytes(), pending, timeout=self._timeout)
        filed = self._root / SENT / "new" / pending.name
        try:
            pending.replace(filed)
        except OSError as error:
            log.warning("sent, but could not file %s in %s: %s", pending.name, SENT, error)
        return _placed(self._file_of(prepared, filed, SENT))

    def find(self, key: str, *, since: str) -> Placed | None:
        """Find the message carrying key: in Sent, else Drafts (since is unused here).

        Raises OutcomeUnknown when the key is only in Sent/tmp: a send was
        started and did not finish, so the message may or may not have left.
        """
        if not key:
            return None
        if found := [file for file in self._files(SENT) if file.key == key]:
            return _placed(found[0])
        if any(file.key == key for file in self._files(SENT, ("tmp",))):
            raise OutcomeUnknown(
                f"a send of {key} did not finish; the message is kept in {self._root / SENT}/tmp: "
                "move it into Sent/new if it went out, or delete it if it did not"
            )
        found = [file for file in self._files(DRAFTS) if file.key == key]
        return _placed(found[0]) if found else None

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        """Return the latest message in the thread that is ours or a human's, for a reply."""
        wanted = _first_id(thread_id)
        members = [
            file
            for file in self._files(SENT) + self._files(INBOX)
            if wanted == file.message_id or wanted in file.references
        ]
        eligible = [file for file in members if file.folder == SENT or _from_a_person(file)]
        if not eligible:
            return None
        tail = max(eligible, key=lambda file: file.date)
        # a reply's References are the parent's References (else its In-Reply-To) plus its id
        refs = _MSGID.findall(tail.headers.get("references", ""))
        refs = refs or _MSGID.findall(tail.headers.get("in-reply-to", ""))
        return ThreadTail(tail.message_id, " ".join(refs), tail.headers.get("subject", ""))

    def poll(self, watch: Watch) -> Poll:
        """Report approved and declined drafts, and every message that matters to the watch."""
        sent, drafts = self._files(SENT), self._files(DRAFTS)
        sent_by_key = {file.key: file for file in sent if file.key}
        waiting = {file.key for file in drafts} | {file.name for file in drafts}
        approved = {k: _placed(sent_by_key[k]) for k in watch.drafts if k in sent_by_key}
        declined = tuple(
            key
            for key, draft_id in watch.drafts.items()
            if key not in sent_by_key and key not in waiting and draft_id not in waiting
        )
        ours = {file.message_id for file in sent_by_key.values()}
        ours |= {_first_id(thread) for thread in watch.threads}
        seen = [s for file in self._files(INBOX) if (s := _inbox_seen(file, watch, ours))]
        # what the user wrote by hand (no key) to someone we watch
        seen += [
            _seen(file, Classified(Kind.OWN))
            for file in sent
            if not file.key and not set(watch.addresses).isdisjoint(_recipients(file.headers))
        ]
        return Poll(approved=approved, declined=declined, seen=tuple(seen))

    def acknowledge(self, cursor: str) -> None:
        """Do nothing: every poll reads the folders whole, so there is no position to keep."""

    def _prepared(self, message: EmailMessage, thread_id: str) -> EmailMessage:
        """Return a copy of message with what every stored copy needs: Message-ID, Date, thread."""
        prepared = copy.deepcopy(message)
        if "Message-ID" not in prepared:
            domain = sender({"from": str(prepared.get("From", ""))}).partition("@")[2]
            prepared["Message-ID"] = make_msgid(domain=domain or "followup-mailer.invalid")
        if "Date" not in prepared:
            prepared["Date"] = format_datetime(self._clock())
        if thread_id and "References" not in prepared and "In-Reply-To" not in prepared:
            prepared["References"] = _first_id(thread_id)
        return prepared

    def _file_of(self, message: EmailMessage, path: Path, folder: str) -> _File:
        """Describe a message we just stored, as reading its file back would."""
        return _File(path, folder, _lower_case(message), self._clock())

    def _folder(self, name: str) -> Path:
        """Return a folder's path, creating all three folders (cur, new, tmp) when missing."""
        try:
            for folder in (DRAFTS, SENT, INBOX):
                for sub in ("tmp", "new", "cur"):
                    (self._root / folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise MailboxError(f"cannot create the folders in {self._root}: {error}") from error
        return self._root / name

    def _files(self, folder: str, subdirs: Sequence[str] = ("new", "cur")) -> list[_File]:
        """Read the headers of every message file in a folder, skipping junk."""
        base = self._folder(folder)
        try:
            paths = [p for sub in subdirs for p in sorted((base / sub).iterdir())]
        except OSError as error:
            raise MailboxError(f"cannot read the maildir folder {base}: {error}") from error
        return [file for p in paths if not p.name.startswith(".") and (file := _read(p, folder))]

    def _write_pending(self, data: bytes) -> Path:
        """Write the message into Sent/tmp, durably, before it is handed to sendmail."""
        now = self._clock()
        host = socket.gethostname().replace("/", r"\057").replace(":", r"\072")
        name = f"{int(now.timestamp())}.M{now.microsecond}P{os.getpid()}Q{uuid.uuid4().hex}.{host}"
        path = self._folder(SENT) / "tmp" / name
        try:
            with path.open("xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            path.unlink(missing_ok=True)
            raise MailboxError(f"cannot write into {path.parent}: {error}") from error
        return path


def _read(path: Path, folder: str) -> _File | None:
    """Read a message file's headers only; None for junk or a file that moved meanwhile."""
    try:
        with path.open("rb") as stream:
            head = _head(stream)
            mtime = datetime.fromtimestamp(os.fstat(stream.fileno()).st_mtime, UTC)
        headers = _lower_case(BytesHeaderParser(policy=policy.default).parsebytes(head))
    except _JUNK:
        return None
    return _File(path, folder, headers, mtime) if headers else None


def _head(stream: BinaryIO) -> bytes:
    """Return the header lines of a message, up to the blank line that ends them."""
    lines: list[bytes] = []
    for line in stream:
        if not line.strip(b"\r\n"):
            break
        lines.append(line)
    return b"".join(lines)


def _lower_case(message: Message) -> dict[str, str]:
    """Return a message's headers by lower-case name (the first of repeated ones)."""
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), str(value))
    return headers


def _inbox_seen(file: _File, watch: Watch, ours: set[str]) -> Seen | None:
    """Return the Seen for an INBOX message that concerns the watch, else None."""
    if file.key:
        return None  # our own message, delivered to ourselves
    related = _watched(sender(file.headers), watch) or not ours.isdisjoint(file.references)
    wanted = needs_body(file.headers)
    if not related and not wanted:
        return None
    verdict = classify(file.headers, own=watch.own, message=_body(file.path) if wanted else None)
    # a stranger's bounce or invitation concerns us only when it names what we watch
    known = ours | set(watch.threads)
    if not related and not concerns(
        verdict, addresses=watch.addresses, domains=watch.domains, message_ids=known
    ):
        return None
    return _seen(file, verdict)


def _watched(address: str, watch: Watch) -> bool:
    return address in watch.addresses or address.partition("@")[2] in watch.domains


def _seen(file: _File, verdict: Classified) -> Seen:
    """Describe a message file for the stop rules."""
    back = verdict.return_date
    return Seen(
        mailbox_id=file.mailbox_id,
        kind=verdict.kind,
        sender=sender(file.headers),
        recipients=_recipients(file.headers),
        date=file.date,
        thread_id=file.thread_id,
        message_id=file.message_id,
        subject=file.headers.get("subject", ""),
        bounced=verdict.bounced,
        returned=verdict.returned,
        return_date=start_of_day(back, like=file.date) if back else None,
        organizer=verdict.organizer,
    )


def _placed(file: _File) -> Placed:
    """Say where a message of ours is: sent (with its date) or a draft."""
    if file.folder == SENT:
        return Placed(
            file.thread_id, file.message_id, sent_at=file.date, mailbox_id=file.mailbox_id
        )
    return Placed(file.thread_id, file.message_id, draft_id=file.name, mailbox_id=file.mailbox_id)


def _from_a_person(file: _File) -> bool:
    """Tell whether a received message may be replied to (a person's, not a machine's)."""
    message = _body(file.path) if needs_body(file.headers) else None
    return classify(file.headers, own=(), message=message).kind is Kind.HUMAN


def _recipients(headers: Mapping[str, str]) -> tuple[str, ...]:
    pairs = getaddresses([headers.get("to", ""), headers.get("cc", "")])
    return tuple(address.lower() for _, address in pairs if address)


def _first_id(value: str) -> str:
    """Return the first <Message-ID> in a header value; a bare id gets its angle brackets."""
    found = _MSGID.search(value)
    return found.group(0) if found else (f"<{value.strip()}>" if value.strip() else "")


def _body(path: Path) -> Message | None:
    """Return a message file parsed whole, or None for junk or a file that moved meanwhile."""
    try:
        return BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except _JUNK:
        return None
