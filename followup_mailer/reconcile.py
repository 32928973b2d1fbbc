"""One pass of the loop: observe the mailbox, plan, apply, and record the new picture.

`plan` and `status` use `current_plan` (the ledger and the schedule, no
mailbox, no writes); `run --once` and the daemon use `run_pass`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from followup_mailer import apply
from followup_mailer.compose.message import Writer
from followup_mailer.intake.config import Settings
from followup_mailer.mailbox.protocol import Mailbox, Watch
from followup_mailer.model import Facts, Interview, Phase, Record, State
from followup_mailer.plan import StepPlan, plan
from followup_mailer.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PassReport:
    """What one pass did, for the log and for `run --once`."""

    settled: dict[str, str] = field(default_factory=dict)
    approved: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    new_messages: int = 0
    created: dict[str, str] = field(default_factory=dict)
    planned: tuple[StepPlan, ...] = ()


def current_plan(
    *, settings: Settings, interviews: tuple[Interview, ...], store: Store, now: datetime
) -> list[StepPlan]:
    """Plan from what the ledger knows, touching nothing."""
    facts = Facts(interviews, store.records(), store.seen(), store.outcomes())
    return plan(facts, now, settings)


def run_pass(
    *,
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    mailbox: Mailbox,
    writer: Writer,
    now: datetime,
) -> PassReport:
    """Observe, plan, create what is due, and store every step's state."""
    settled = {r.key: apply.settle(store, r, mailbox) for r in _unsettled(store)}
    approved, declined, new = observe(
        settings=settings, interviews=interviews, store=store, mailbox=mailbox
    )
    planned = current_plan(settings=settings, interviews=interviews, store=store, now=now)
    by_id = {i.id: i for i in interviews}
    results: dict[str, apply.Result] = {}
    for step in planned:
        if step.action is not None:
            results[step.key] = apply.create(
                step.action,
                step,
                interview=by_id[step.interview],
                writer=writer,
                store=store,
                mailbox=mailbox,
                now=now,
            )
            log.info("%s: %s", step.key, results[step.key].summary)
    final = current_plan(settings=settings, interviews=interviews, store=store, now=now)
    save_plan(store, final, results)
    return PassReport(
        settled, approved, declined, new, {k: r.summary for k, r in results.items()}, tuple(final)
    )


def observe(
    *, settings: Settings, interviews: tuple[Interview, ...], store: Store, mailbox: Mailbox
) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """Record what the mailbox shows: approved and declined drafts, replies and the like."""
    records = store.records()
    poll = mailbox.poll(watch_for(settings, interviews, records))
    for key, placed in poll.approved.items():
        store.record_placed(key, Phase.SENT, placed, "")
        log.info("%s: you sent the draft", key)
    for key in poll.declined:
        store.record_phase(key, Phase.DECLINED, "you deleted the draft without sending it")
        log.info("%s: you deleted the draft; it will not be created again", key)
    new = store.add_seen(poll.seen)
    mailbox.acknowledge(poll.cursor)  # only now: a crash before this repeats the poll
    return tuple(poll.approved), tuple(poll.declined), new


def watch_for(
    settings: Settings, interviews: Iterable[Interview], records: Mapping[str, Record]
) -> Watch:
    """Tell the mailbox which drafts, threads, people and domains matter."""
    interviews = tuple(interviews)
    scheduled = {i.id for i in interviews}
    # only interviews still in the schedule, and drafts still waiting, are worth a look
    live = [r for r in records.values() if r.interview in scheduled or r.phase is Phase.DRAFTED]
    threads = {r.thread_id for r in live} | {i.thread for i in interviews}
    addresses = {p.email.lower() for i in interviews for p in i.people}
    return Watch(
        drafts={r.key: r.draft_id for r in live if r.phase is Phase.DRAFTED},
        threads=frozenset(threads - {""}),
        addresses=frozenset(addresses | {r.recipient for r in live}),
        domains=frozenset(d for i in interviews for d in i.domains),
        own=settings.account.own,
    )


def save_plan(
    store: Store, planned: Iterable[StepPlan], results: Mapping[str, apply.Result] | None = None
) -> None:
    """Store the state of every step, with this pass's failures, for `status`."""
    results = results or {}
    rows = []
    for step in planned:
        state, reason = step.state, step.reason
        result = results.get(step.key)
        if result is not None and result.state is not None:
            state, reason = result.state, result.reason
        elif step.action is not None:
            state = State.PLANNED
        rows.append((Record(step.key, step.interview, step.step, step.to), state, step.due, reason))
    store.save_states(rows)
    store.forget_uncreated({step.key for step in planned})


def _unsettled(store: Store) -> list[Record]:
    phases = (Phase.INTENT, Phase.IN_DOUBT)
    return [r for r in store.records().values() if r.phase in phases]
