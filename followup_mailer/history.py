"""What happened around one interview, as the ledger and the mailbox tell it (pure).

The planner asks this module questions of fact (was a thank-you sent, did a
human reply, which message bounced) and keeps the rules for itself.
"""

from __future__ import annotations

from datetime import datetime

from followup_mailer.model import THANK_YOU, Facts, Interview, Kind, Phase, Record, Seen


class History:
    """The records and messages of one interview, with the facts the stop rules need."""

    def __init__(self, interview: Interview, facts: Facts) -> None:
        self.interview = interview
        self.records = [r for r in facts.records.values() if r.interview == interview.id]
        self.sent = sorted(
            (r for r in self.records if r.phase is Phase.SENT and r.sent_at is not None),
            key=_sent_at,
        )
        self.seen = sorted(
            (s for s in facts.seen if self._concerns(s)), key=lambda s: (s.date, s.mailbox_id)
        )
        self.first_sent = next((_sent_at(r) for r in self.sent if r.step == THANK_YOU), None)
        self.reply = next((s for s in self.seen if self._is_reply(s)), None)
        self.replied_key = self._answered_key(self.reply) if self.reply else ""
        self.bounced = {a: s for s in self.seen if s.kind is Kind.BOUNCE for a in self._failed(s)}
        self.bounced_keys = {self._bounced_key(a, s) for a, s in self.bounced.items()}

    def first_sent_of(self, step: str) -> Record | None:
        """Return the first record of a step that was sent (any recipient)."""
        return next((r for r in self.sent if r.step == step), None)

    def last_thread_with(self, address: str) -> str:
        """Return the thread of the latest message sent to an address, or ""."""
        threads = [r.thread_id for r in self.sent if r.recipient == address and r.thread_id]
        return threads[-1] if threads else ""

    def return_dates(self, since: datetime) -> list[datetime]:
        """Return the return dates auto-replies gave since a moment."""
        return [
            s.return_date
            for s in self.seen
            if s.kind is Kind.AUTO and s.return_date and s.date >= since
        ]

    def wrote_by_hand(self, address: str, since: datetime) -> bool:
        """Tell whether the user wrote to this address themselves after a moment."""
        return any(
            s.kind is Kind.OWN and address in s.recipients and s.date > since for s in self.seen
        )

    def _threads(self) -> set[str]:
        ours = {r.thread_id for r in self.records}
        return (ours | {self.interview.thread}) - {""}

    def _concerns(self, seen: Seen) -> bool:
        """Tell whether a message observed in the mailbox is about this interview."""
        addresses = {p.email.lower() for p in self.interview.people}
        if seen.kind is Kind.OWN:
            return bool(addresses & set(seen.recipients))
        domain = seen.sender.rpartition("@")[2]
        return (
            seen.sender in addresses
            or domain in self.interview.domains
            or seen.thread_id in self._threads()
        )

    def _is_reply(self, seen: Seen) -> bool:
        """A human's message after our first thank-you went out (earlier mail is no answer)."""
        return (
            seen.kind is Kind.HUMAN and self.first_sent is not None and seen.date > self.first_sent
        )

    def _answered_key(self, reply: Seen) -> str:
        """Return the key of the sent step a reply answers: in its thread, else the latest."""
        before = [r for r in self.sent if _sent_at(r) < reply.date]
        in_thread = [r for r in before if r.thread_id and r.thread_id == reply.thread_id]
        answered = in_thread or before
        return answered[-1].key if answered else ""

    def _failed(self, bounce: Seen) -> tuple[str, ...]:
        """Return who a bounce is about: the addresses it names, else its thread's recipient."""
        if bounce.bounced:
            return bounce.bounced
        return tuple(r.recipient for r in self.records if r.thread_id == bounce.thread_id)

    def _bounced_key(self, address: str, bounce: Seen) -> str:
        """Return the key of the message to `address` that bounced: the last sent before it."""
        to_them = [r for r in self.sent if r.recipient == address and _sent_at(r) <= bounce.date]
        return to_them[-1].key if to_them else ""


def _sent_at(record: Record) -> datetime:
    assert record.sent_at is not None  # only sent records are asked
    return record.sent_at
