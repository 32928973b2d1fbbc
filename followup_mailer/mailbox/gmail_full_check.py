"""The full check, a chunk at a time, with progress that survives a restart.

When there is no position in Gmail's history yet, or Gmail no longer has the
history from it (404), what changed cannot be read from history: every
tracked thread (threads.get), every watched draft (drafts.get) and the mail
from every tracked sender (a search per company domain, and per address
outside them) is looked at once. With thousands of threads that is a hundred
thousand quota units or more, many minutes within the per-user quota; done as
one poll, a restart in the middle (the watchdog, a SIGTERM) would start it
over, and it might never end.

So each poll does one chunk of the check. The pass records the chunk's
findings, then acknowledges the poll, and the position saved with that says
where the check stands, in a few dozen characters however much is tracked:

    check:<baseline>:<stage>:<last done>

- baseline: Gmail's history id taken before the check began. Whatever
  happens during the check (a new thread, a reply in a thread already
  checked) comes after it, so the history from it holds that; it is also the
  cursor an intent records meanwhile.
- stage: "threads", then "drafts", then "senders", each gone through in
  sorted order, so that the next chunk starts right after
- last done: the last thread id, draft key or sender already checked.

A chunk ends at a round's end once it took Limits.items items or ran
Limits.seconds, or at the round a stop or a failure interrupted: what it did
until then is reported and kept. Only a process killed outright repeats the
chunk it was in.
When the last chunk is done, the position becomes the baseline and the poll
says `more`, so the pass reads the history since the baseline at once.
A search hit in a tracked thread is not fetched: the thread stage saw it, or
it came after the baseline and history brings it.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from followup_mailer.mailbox.gmail_sync import (
    SEARCH_DAYS,
    Api,
    Fetched,
    Sync,
    sent_keys,
)
from followup_mailer.mailbox.protocol import MailboxError, Poll, Watch
from followup_mailer.model import recipient_of

log = logging.getLogger(__name__)

STAGES = ("threads", "drafts", "senders")
_PREFIX = "check"


class CheckApi(Api, Protocol):
    """The Gmail calls a full check makes, the batched ones included (GmailMailbox has them)."""

    def threads_get_many(self, thread_ids: Sequence[str]) -> list[dict[str, Any] | None]: ...

    def drafts_get_many(self, draft_ids: Sequence[str]) -> list[dict[str, Any] | None]: ...

    def messages_get_many(self, message_ids: Sequence[str]) -> list[dict[str, Any] | None]: ...

    def messages_list_many(self, queries: Sequence[str]) -> list[list[tuple[str, str]]]: ...


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a full check stands: its baseline, its stage, the last item of it done."""

    baseline: str
    stage: str = STAGES[0]
    after: str = ""

    def encode(self) -> str:
        """Write the progress as a position value."""
        return ":".join((_PREFIX, self.baseline, self.stage, self.after))

    @classmethod
    def decode(cls, value: str) -> Progress | None:
        """Read a position value: a check under way, or None (a history id, or nothing)."""
        prefix, _, rest = value.partition(":")
        baseline, _, rest = rest.partition(":")
        stage, _, after = rest.partition(":")
        if prefix != _PREFIX or not baseline.isdigit() or stage not in STAGES:
            return None
        return cls(baseline, stage, after)


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one chunk of a full check does."""

    items: int = 500  # threads, drafts and senders checked, at most (a round may end it)
    seconds: float = 30.0  # time spent, at most (a round may end it)
    round: int = 50  # items read together (the wire cuts them into batches)


DEFAULT_LIMITS = Limits()


def check_chunk(
    api: CheckApi,
    watch: Watch,
    progress: Progress,
    *,
    limits: Limits,
    monotonic: Callable[[], float] = time.monotonic,
) -> Poll:
    """Check the next chunk; the Poll's cursor says where the check then stands."""
    chunk = _Chunk(api, watch, Sync(api, watch), limits, monotonic() + limits.seconds, monotonic)
    at: Progress | None = progress
    while at is not None and not chunk.full():
        before = at
        try:
            at = chunk.step(before)
        except MailboxError as error:  # a stop (Stopping), or Gmail failing for now
            if before == progress:
                raise  # nothing done: the error is the answer
            # keep what is done; the next poll meets the error again, or carries on
            log.info("the full check pauses with %s: %s", chunk.where(before), error)
            break
    poll = chunk.sync.poll(tuple(chunk.declined))
    if at is None:
        log.info("the full check is done; reading Gmail's history since it began")
        return replace(poll, cursor=progress.baseline, more=True)
    log.info("full check: %s", chunk.where(at))
    return replace(poll, cursor=at.encode(), more=True)


def search_from(sender: str) -> str:
    """Return the search for mail from a sender (an address or a whole domain)."""
    return f"from:{sender} newer_than:{SEARCH_DAYS}d"


@dataclass
class _Chunk:
    """One chunk of a full check: what it has read so far, and what it may still do."""

    api: CheckApi
    watch: Watch
    sync: Sync
    limits: Limits
    deadline: float
    monotonic: Callable[[], float]
    taken: int = 0
    declined: list[str] = field(default_factory=list)
    _items: dict[str, list[str]] = field(default_factory=dict)

    def full(self) -> bool:
        """Tell whether the chunk has done its share."""
        return self.taken >= self.limits.items or self.monotonic() >= self.deadline

    def step(self, at: Progress) -> Progress | None:
        """Check the next round of the stage; return the progress after it (None: all done)."""
        items = self.items(at.stage)
        start = bisect_right(items, at.after) if at.after else 0
        todo = items[start : start + self.limits.round]
        if not todo:
            return _next_stage(at)
        check = {"threads": self._threads, "drafts": self._drafts, "senders": self._senders}
        check[at.stage](todo)
        self.taken += len(todo)
        return replace(at, after=todo[-1])

    def items(self, stage: str) -> list[str]:
        """Return what a stage goes through, in its order."""
        if stage not in self._items:
            watch = self.watch
            loose = {a for a in watch.addresses if a.partition("@")[2] not in watch.domains}
            every = {
                "threads": watch.threads,
                "drafts": [key for key, draft_id in watch.drafts.items() if draft_id],
                "senders": {*watch.domains, *loose},
            }[stage]
            self._items[stage] = sorted(every)
        return self._items[stage]

    def where(self, at: Progress) -> str:
        """Describe how far the check got, for the log."""
        items = self.items(at.stage)
        return f"{at.stage} {bisect_right(items, at.after)} of {len(items)} checked"

    def _threads(self, thread_ids: list[str]) -> None:
        """Take every message of the threads."""
        for thread in self.api.threads_get_many(thread_ids):
            for resource in thread.get("messages", ()) if thread else ():
                self.sync.take(Fetched.of(resource))

    def _drafts(self, keys: list[str]) -> None:
        """Check the drafts: gone with a sent copy is approved, gone with none declined."""
        waiting = [key for key in keys if key not in self.sync.approved]
        found = self.api.drafts_get_many([self.watch.drafts[key] for key in waiting])
        gone = [key for key, draft in zip(waiting, found, strict=True) if draft is None]
        if not gone:
            return
        # history may not reach back to the send: search the sent mail
        sent = sent_keys(self.api, "", (recipient_of(key) for key in gone), self.sync.fetch)
        self.sync.approved |= {key: sent[key] for key in gone if key in sent}
        self.declined += [key for key in gone if key not in sent]

    def _senders(self, senders: list[str]) -> None:
        """Take the mail from the senders that is outside the tracked threads."""
        listed = self.api.messages_list_many([search_from(sender) for sender in senders])
        tracked = frozenset(self.watch.threads)
        fresh = dict.fromkeys(
            message_id
            for hits in listed
            for message_id, thread_id in hits
            if thread_id not in tracked
        )
        for resource in self.api.messages_get_many(list(fresh)):
            if resource:
                self.sync.take(Fetched.of(resource))


def _next_stage(at: Progress) -> Progress | None:
    """Return the start of the stage after this one (None: the check is done)."""
    following = STAGES.index(at.stage) + 1
    return replace(at, stage=STAGES[following], after="") if following < len(STAGES) else None
