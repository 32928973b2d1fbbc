"""Message files as index entries, and entries as what the Mailbox protocol reports.

A file is read once (maildir_files.py), its header block parsed with the
fast parser, and mail that arrived is classified then (reading the body only
when the headers say it may be a bounce, an auto-reply or an invitation).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses
from pathlib import Path

from followup_mailer.mailbox.classify import (
    Classified,
    classify,
    concerns,
    decoded,
    message_date,
    needs_body,
    sender,
)
from followup_mailer.mailbox.maildir_files import modified, parse_head, read_head, read_message
from followup_mailer.mailbox.maildir_index import Entry
from followup_mailer.mailbox.protocol import Watch
from followup_mailer.model import KEY_HEADER, Kind, Placed, Seen

INBOX = "INBOX"
_MSGID = re.compile(r"<[^<>\s]+>")


def read_entry(folder: str, unique: str, path: Path, *, own: Collection[str]) -> Entry:
    """Read a message file once: its headers, and (mail that arrived) what kind of mail it is."""
    head = read_head(path) or b""
    headers = _lower_case(parse_head(head)) if head else {}
    verdict = None
    if folder == INBOX and not _key(headers):
        message = read_message(path) if needs_body(headers) else None
        verdict = classify(headers, own=own, message=message)
    when = message_date(headers) or datetime.fromtimestamp(modified(path), UTC)
    return entry_of(folder, unique, headers, when, verdict)


def entry_of_message(folder: str, unique: str, message: EmailMessage, now: datetime) -> Entry:
    """Describe a message we just stored, as reading its file back would."""
    headers = _lower_case(message)
    return entry_of(folder, unique, headers, message_date(headers) or now, None)


def entry_of(
    folder: str,
    unique: str,
    headers: Mapping[str, str],
    when: datetime,
    verdict: Classified | None,
) -> Entry:
    """Build an entry from lower-case headers."""
    refs = _MSGID.findall(headers.get("references", ""))
    refs += [i for i in _MSGID.findall(headers.get("in-reply-to", "")) if i not in refs]
    return Entry(
        folder=folder,
        name=unique,
        key=_key(headers),
        message_id=first_id(headers.get("message-id", "")),
        references=tuple(refs),
        subject=headers.get("subject", ""),
        sender=sender(headers),
        recipients=recipients(headers),
        date=when,
        verdict=verdict,
    )


def inbox_seen(entry: Entry, watch: Watch, ours: set[str]) -> Seen | None:
    """Return what an arrived message means for the stop rules, or None when it is not ours."""
    if entry.key or entry.verdict is None:
        return None  # our own message delivered to ourselves, or unreadable
    verdict = entry.verdict
    if entry.sender in watch.own:
        verdict = Classified(Kind.OWN)
    related = watched(entry.sender, watch) or not ours.isdisjoint(entry.references)
    # a stranger's bounce or invitation concerns us only when it names what we watch
    known = ours | set(watch.threads)
    if not related and not concerns(
        verdict, addresses=watch.addresses, domains=watch.domains, message_ids=known
    ):
        return None
    return seen_of(entry, verdict)


def own_seen(entry: Entry, watch: Watch) -> Seen | None:
    """Return a message the user wrote by hand (no key) to someone watched, else None."""
    if entry.key or set(watch.addresses).isdisjoint(entry.recipients):
        return None
    return seen_of(entry, Classified(Kind.OWN))


def seen_of(entry: Entry, verdict: Classified) -> Seen:
    """Describe a message for the stop rules."""
    back = verdict.return_date
    return Seen(
        mailbox_id=entry.mailbox_id,
        kind=verdict.kind,
        sender=entry.sender,
        recipients=entry.recipients,
        date=entry.date,
        thread_id=entry.thread_id,
        message_id=entry.message_id,
        subject=entry.subject,
        bounced=verdict.bounced,
        returned=verdict.returned,
        return_date=back,
        organizer=verdict.organizer,
    )


def placed_of(entry: Entry, *, sent: bool) -> Placed:
    """Say where a message of ours is: sent (with its date) or a draft."""
    where = {"sent_at": entry.date} if sent else {"draft_id": entry.name}
    return Placed(
        thread_id=entry.thread_id, message_id=entry.message_id, mailbox_id=entry.mailbox_id, **where
    )


def from_a_person(entry: Entry) -> bool:
    """Tell whether a received message may be replied to (a person's, not a machine's)."""
    return entry.verdict is not None and entry.verdict.kind is Kind.HUMAN


def watched(address: str, watch: Watch) -> bool:
    return address in watch.addresses or address.partition("@")[2] in watch.domains


def recipients(headers: Mapping[str, str]) -> tuple[str, ...]:
    pairs = getaddresses([headers.get("to", ""), headers.get("cc", "")])
    return tuple(address.lower() for _, address in pairs if address)


def first_id(value: str) -> str:
    """Return the first <Message-ID> in a header value; a bare id gets its angle brackets."""
    found = _MSGID.search(value)
    return found.group(0) if found else (f"<{value.strip()}>" if value.strip() else "")


def _key(headers: Mapping[str, str]) -> str:
    return headers.get(KEY_HEADER.lower(), "").strip()


def _lower_case(message: Message) -> dict[str, str]:
    """Return a message's headers by lower-case name (the first of repeated ones), decoded."""
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), _clean(decoded(value)))
    return headers


def _clean(text: str) -> str:
    """Return header text any store can hold (raw 8-bit bytes come back as surrogates)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
