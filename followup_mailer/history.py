"""What happened around one interview, as the ledger and the mailbox tell it (pure).

The planner asks this module questions of fact (was a thank-you sent, did a
human reply, which message bounced) and keeps the rules for itself.

`Index` sorts the ledger's records and the observed messages once per plan
(by interview, address, domain and thread), so gathering one interview's
history costs in proportion to that interview's mail, not to the whole ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from followup_mailer.model import THANK_YOU, Facts, Interview, Kind, Phase, Record, Seen


def threads_of(interview: Interview, records: Iterable[Record]) -> set[str]:
    """Return the threads an interview's mail lives in."""
    return ({r.thread_id for r in records} | {interview.thread}) - {""}


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


class Index:
    """The facts of a whole plan, looked up by interview, address, domain and thread."""

    def __init__(self, facts: Facts) -> None:
        self.records: dict[str, list[Record]] = defaultdict(list)
        for record in facts.records.values():
            self.records[record.interview].append(record)
        self.by_key = facts.records
        self.by_message_id = {r.message_id: r for r in facts.records.values() if r.message_id}
        self._by_address: dict[str, list[Seen]] = defaultdict(list)
        self._by_domain: dict[str, list[Seen]] = defaultdict(list)
        self._by_thread: dict[str, list[Seen]] = defaultdict(list)
        self._by_interview: dict[str, list[Seen]] = defaultdict(list)
        for seen in facts.seen:
            self._add(seen)

    def _add(self, seen: Seen) -> None:
        for address in self._addresses_of(seen):
            self._by_address[address].append(seen)
            self._by_domain[_domain(address)].append(seen)
        if seen.thread_id:
            self._by_thread[seen.thread_id].append(seen)
        for returned in seen.returned:
            record = self.by_key.get(returned) or self.by_message_id.get(returned)
            if record is not None:
                self._by_interview[record.interview].append(seen)

    @staticmethod
    def _addresses_of(seen: Seen) -> set[str]:
        """The addresses a message is filed under: who it is from, or who it is about."""
        if seen.kind is Kind.OWN:
            return set(seen.recipients)
        about = set(seen.bounced) | ({seen.organizer} if seen.organizer else set())
        return about | {seen.sender} if seen.kind is not Kind.BOUNCE else about

    def concerning(self, interview: Interview) -> tuple[list[Record], list[Seen]]:
        """Return an interview's records, and the messages that may concern it."""
        records = self.records.get(interview.id, [])
        addresses = {p.email.lower() for p in interview.people}
        threads = threads_of(interview, records)
        return records, self.candidates(interview.id, addresses, interview.domains, threads)

    def candidates(
        self, interview_id: str, addresses: Iterable[str], domains: Iterable[str], threads: set[str]
    ) -> list[Seen]:
        """Return the messages that may concern an interview (each once, in no set order)."""
        found: dict[str, Seen] = {}
        groups = [self._by_address.get(a, ()) for a in addresses]
        groups += [self._by_domain.get(d, ()) for d in domains]
        groups += [self._by_thread.get(t, ()) for t in threads]
        groups.append(self._by_interview.get(interview_id, ()))
        for group in groups:
            for seen in group:
                found.setdefault(seen.mailbox_id, seen)
        return list(found.values())


class History:
    """The records and messages of one interview, with the facts the stop rules need."""

    def __init__(self, interview: Interview, facts: Facts, index: Index | None = None) -> None:
        index = index or Index(facts)
        self.interview = interview
        self.addresses = {p.email.lower() for p in interview.people}
        self.records, candidates = index.concerning(interview)
        self.sent = sorted(
            (r for r in self.records if r.phase is Phase.SENT and r.sent_at is not None),
            key=_sent_at,
        )
        self.threads = threads_of(interview, self.records)
        self.seen = sorted(
            (s for s in candidates if self._concerns(s)), key=lambda s: (s.date, s.mailbox_id)
        )
        self.first_sent = next((_sent_at(r) for r in self.sent if r.step == THANK_YOU), None)
        self.reply = next((s for s in self.seen if self._is_reply(s)), None)
        self.replied_key = self._answered_key(self.reply) if self.reply else ""
        self.invite = next((s for s in self.seen if self._is_invite(s)), None)
        bounces = [s for s in self.seen if s.kind is Kind.BOUNCE]
        self.bounced = {a: s for s in bounces for a in self._failed(s) if a in self.addresses}
        self.bounced_keys = {k for s in bounces for k in self._bounced_keys(s)}

    def reply_after(self, moment: datetime) -> Seen | None:
        """Return the first human reply after a moment, or None."""
        return next((s for s in self.seen if s.kind is Kind.HUMAN and s.date > moment), None)

    def first_sent_of(self, step: str) -> Record | None:
        """Return the first record of a step that was sent (any recipient)."""
        return next((r for r in self.sent if r.step == step), None)

    def last_thread_with(self, address: str) -> str:
        """Return the thread of the latest message sent to an address, or ""."""
        threads = [r.thread_id for r in self.sent if r.recipient == address and r.thread_id]
        return threads[-1] if threads else ""

    def return_dates(self, since: datetime) -> list[Seen]:
        """Return the auto-replies since a moment that state a return date."""
        return [s for s in self.seen if s.kind is Kind.AUTO and s.return_date and s.date >= since]

    def wrote_by_hand(self, address: str, since: datetime) -> bool:
        """Tell whether the user wrote to this address themselves after a moment."""
        return any(
            s.kind is Kind.OWN and address in s.recipients and s.date > since for s in self.seen
        )

    def _concerns(self, seen: Seen) -> bool:
        """Tell whether a message observed in the mailbox is about this interview."""
        if seen.kind is Kind.OWN:
            return not self.addresses.isdisjoint(seen.recipients)
        if seen.kind is Kind.BOUNCE:
            # a bounce is about whoever it names or whatever it returned, threaded or not
            return bool(self._returned_records(seen)) or not self.addresses.isdisjoint(
                self._failed(seen)
            )
        people = [seen.sender, seen.organizer] if seen.kind is Kind.INVITE else [seen.sender]
        return (
            any(p in self.addresses or _domain(p) in self.interview.domains for p in people if p)
            or seen.thread_id in self.threads
        )

    def _is_reply(self, seen: Seen) -> bool:
        """A human's message after our first thank-you went out (earlier mail is no answer)."""
        return (
            seen.kind is Kind.HUMAN and self.first_sent is not None and seen.date > self.first_sent
        )

    def _is_invite(self, seen: Seen) -> bool:
        """An invitation that arrived after the interview ended: a next round."""
        return seen.kind is Kind.INVITE and seen.date > self.interview.end

    def _answered_key(self, reply: Seen) -> str:
        """Return the key of the sent step a reply answers: in its thread, else the latest."""
        before = [r for r in self.sent if _sent_at(r) < reply.date]
        in_thread = [r for r in before if r.thread_id and r.thread_id == reply.thread_id]
        answered = in_thread or before
        return answered[-1].key if answered else ""

    def _returned_records(self, bounce: Seen) -> list[Record]:
        """Return our records whose message the bounce returned (by key or Message-ID)."""
        ours = {r.key: r for r in self.records} | {r.message_id: r for r in self.records}
        return [ours[r] for r in bounce.returned if r and r in ours]

    def _failed(self, bounce: Seen) -> tuple[str, ...]:
        """Return who a bounce is about: the addresses it names, else what it returned."""
        if bounce.bounced:
            return bounce.bounced
        if returned := self._returned_records(bounce):
            return tuple(r.recipient for r in returned)
        return tuple(r.recipient for r in self.records if r.thread_id == bounce.thread_id)

    def _bounced_keys(self, bounce: Seen) -> list[str]:
        """Return the keys of the messages that bounced: those returned, else the last sent."""
        returned = self._returned_records(bounce)
        if returned:
            return [r.key for r in returned]
        keys = []
        for address in self._failed(bounce):
            to_them = [
                r for r in self.sent if r.recipient == address and _sent_at(r) <= bounce.date
            ]
            keys += [to_them[-1].key] if to_them else []
        return keys


def _sent_at(record: Record) -> datetime:
    assert record.sent_at is not None  # only sent records are asked
    return record.sent_at
