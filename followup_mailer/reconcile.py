"""One pass of the loop, as one story: settle, observe, plan, apply, record.

1. settle   intents a crashed process left behind are looked for in the mailbox
            (only a holder of the pass lock runs a pass, so they are orphans);
2. observe  the mailbox reports approvals, declines and new messages, recorded
            in one transaction before the mailbox's position moves on;
3. plan     the pure planner decides every step's state and what is due (the
            daemon recalls the plans that still hold: plan_memory.py);
4. apply    each due step: render, then intent -> mailbox call -> outcome;
5. record   the interviews apply touched are planned again, and the steps
            whose state changed are stored (an idle pass writes nothing);
6. remind   when drafts were made, or a thank-you draft nears its mark, the
            user is told what waits (reminders.py).

`plan` and `status` use `current_plan` (ledger and schedule, no mailbox, no
writes); `run --once` and the daemon use `run_pass`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from followup_mailer import announce, apply, desktop
from followup_mailer.compose.parts import Writer
from followup_mailer.mailbox.protocol import Mailbox, Poll, Watch
from followup_mailer.model import Facts, Interview, Kind, Phase, Record, State, StepPlan
from followup_mailer.plan import plan
from followup_mailer.plan_memory import PlanMemory
from followup_mailer.prepare import Prepared, Result, prepare
from followup_mailer.settings import Settings
from followup_mailer.store import StateView, Store
from followup_mailer.store.rows import changed_view

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PassReport:
    """What one pass did, for the log and for `run --once`."""

    settled: dict[str, str] = field(default_factory=dict)
    approved: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    new_messages: int = 0
    created: dict[str, str] = field(default_factory=dict)
    planned: tuple[StepPlan, ...] = ()


def facts_of(
    store: Store, interviews: tuple[Interview, ...], records: dict[str, Record] | None = None
) -> Facts:
    """Gather what the planner needs from the ledger (records: when already read)."""
    if records is None:
        records = store.snapshot({i.id for i in interviews}).records
    return Facts(
        interviews=interviews,
        records=records,
        seen=store.seen(),
        outcomes=store.outcomes(),
        holds=store.holds(),
    )


def current_plan(
    *, settings: Settings, interviews: tuple[Interview, ...], store: Store, now: datetime
) -> list[StepPlan]:
    """Plan from what the ledger knows, touching nothing."""
    return plan(facts_of(store, interviews), now, settings)


def run_pass(
    *,
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    mailbox: Mailbox,
    writer: Writer,
    now: datetime,
    show: Callable[[str, str], bool] = desktop.show,
    memory: PlanMemory | None = None,
) -> PassReport:
    """Settle, observe, plan, create what is due, record every step's state, and remind.

    memory: the daemon's plans of earlier passes (plan_memory.py); a pass that fails
    forgets them, since what it planned may not be stored.
    """
    memory = PlanMemory() if memory is None else memory
    with memory.one_pass():
        scheduled = {i.id for i in interviews}
        ledger = store.snapshot(scheduled)  # read again below only after something changed it
        settled = {r.key: apply.settle(store, r, mailbox) for r in _orphans(ledger.records)}
        if settled:
            ledger = store.snapshot(scheduled)
        poll = observe(
            settings=settings,
            interviews=interviews,
            store=store,
            mailbox=mailbox,
            records=ledger.records,
        )
        if poll.approved or poll.declined or poll.restored:
            ledger = store.snapshot(scheduled)
        facts = facts_of(store, interviews, ledger.records)
        planned = plan(facts, now, settings, memory)
        memory.keep_only(scheduled)
        due = [step for step in planned if step.action is not None]
        prepared = prepare(
            due,
            interviews={i.id: i for i in interviews},
            writer=writer,
            records=facts.records,
            mailbox=mailbox,
            now=now,
        )
        results = {p.step.key: _created(p, store, mailbox, now) for p in prepared}
        final = _replanned(planned, results, store, interviews, now, settings, memory)
        if results:
            ledger = store.snapshot(scheduled)
        save_plan(store, final, results, known=ledger.states, stored=memory.recalled)
        drafted = {key for key, result in results.items() if result.summary == "drafted"}
        announce.remind(
            settings,
            interviews,
            final,
            ledger.records,
            store=store,
            mailbox=mailbox,
            writer=writer,
            drafted=drafted,
            now=now,
            show=show,
        )
        new = sum(1 for s in poll.seen if s.kind is not Kind.OWN)
        return PassReport(
            settled=settled,
            approved=tuple(poll.approved),
            declined=tuple(poll.declined),
            new_messages=new,
            created={k: r.summary for k, r in results.items()},
            planned=tuple(final),
        )


def _created(prepared: Prepared, store: Store, mailbox: Mailbox, now: datetime) -> Result:
    result = apply.create(prepared, store=store, mailbox=mailbox, now=now)
    log.info("%s: %s", prepared.step.key, result.summary)
    return result


def _replanned(
    planned: list[StepPlan],
    results: Mapping[str, Result],
    store: Store,
    interviews: tuple[Interview, ...],
    now: datetime,
    settings: Settings,
    memory: PlanMemory,
) -> list[StepPlan]:
    """Plan again only the interviews whose steps apply just created (the rest is unchanged)."""
    touched = {key.split("/")[0] for key in results}
    if not touched:
        return planned
    again = [i for i in interviews if i.id in touched]
    fresh = plan(facts_of(store, tuple(again)), now, settings, memory)
    by_key = {step.key: step for step in fresh if step.interview in touched}
    return [by_key.get(step.key, step) for step in planned]


def observe(
    *,
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    mailbox: Mailbox,
    records: Mapping[str, Record] | None = None,
) -> Poll:
    """Record what the mailbox shows: approved and declined drafts, replies and the like.

    A mailbox with more to tell at once (Gmail's full check, a chunk per poll) is
    polled again before anything is planned, each poll recorded and acknowledged
    on its own, so a restart repeats one chunk, never the whole check.
    """
    polls = [_observe_once(settings, interviews, store, mailbox, records or store.records())]
    while polls[-1].more:
        polls.append(_observe_once(settings, interviews, store, mailbox, store.records()))
    if len(polls) == 1:
        return polls[0]
    return Poll(
        approved={key: placed for poll in polls for key, placed in poll.approved.items()},
        declined=tuple(key for poll in polls for key in poll.declined),
        seen=tuple(seen for poll in polls for seen in poll.seen),
        cursor=polls[-1].cursor,
        restored={key: placed for poll in polls for key, placed in poll.restored.items()},
    )


def _observe_once(
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    mailbox: Mailbox,
    records: Mapping[str, Record],
) -> Poll:
    """Poll once, record the findings, then let the mailbox move past them."""
    poll = mailbox.poll(watch_for(settings, interviews, records))
    store.record_poll(poll.approved, poll.declined, poll.seen, poll.restored)
    for key in poll.approved:
        log.info("%s: you sent the draft", key)
    for key in poll.declined:
        log.info("%s: you deleted the draft; it will not be created again", key)
    mailbox.acknowledge(poll.cursor)  # only now: a crash before this repeats the poll
    return poll


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
        # a deleted draft may still come back sent (a client that moves it while you edit)
        declined=frozenset(r.key for r in live if r.phase is Phase.DECLINED),
    )


def save_plan(
    store: Store,
    planned: Iterable[StepPlan],
    results: Mapping[str, Result] | None = None,
    *,
    known: Mapping[str, StateView],
    stored: Collection[str] = (),
) -> None:
    """Store the state of every step whose state changed, with this pass's failures.

    stored: interviews whose plan is one an earlier pass stored (not compared again).
    """
    results = results or {}
    rows = []
    for step in planned:
        if step.interview in stored:
            continue
        state, reason = step.state, step.reason
        result = results.get(step.key)
        if result is not None and result.state is not None:
            # an attempt that created nothing: what it ran into, until a later pass succeeds
            state, reason = result.state, result.reason
        elif step.action is not None:
            state = State.PLANNED
        record = Record(key=step.key, interview=step.interview, step=step.step, recipient=step.to)
        row = (record, state, step.due, reason)
        if changed_view(row, known.get(step.key)):
            rows.append(row)
    store.save_states(rows, known)
    store.forget_uncreated({step.key for step in planned}, known)


def _orphans(records: Mapping[str, Record]) -> list[Record]:
    """Return the intents whose outcome no live process will record."""
    return [r for r in records.values() if r.phase in (Phase.INTENT, Phase.IN_DOUBT)]
