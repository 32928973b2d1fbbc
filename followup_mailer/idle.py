"""`run --once` with nothing to do costs a few file stats, whatever the schedule's size.

After a pass that attempted nothing and left nothing in doubt, the ledger keeps an
idle stamp: what the pass was made from (the settings and the schedule file, the
ledger's generation, the stamps of the maildir folders) and until when its plans
hold (the earliest moment a step falls due or a reminder comes near, as the
planner's clock noted, and at most an hour ahead). A later `run --once` that finds
everything as stamped, before that moment, has nothing to do and says so without
loading the schedule, reading the mail or taking the lock: it writes nothing.
The daemon keeps its stamp in memory instead, and skips its polls the same way.
Gmail has no stamp: what arrived there is only known by asking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from followup_mailer import __version__
from followup_mailer.settings import Settings
from followup_mailer.store import GENERATION, Store

if TYPE_CHECKING:  # the check that a pass may be skipped loads neither
    from followup_mailer.model import Interview, Record, StepPlan
    from followup_mailer.plan_memory import PlanMemory
    from followup_mailer.reconcile import PassReport

STAMP = "idle_stamp"
HORIZON = timedelta(hours=1)  # a full pass at least this often, whatever the stamp says
BLOCK = 64 * 1024  # bytes of the schedule digested at a time


def nothing_to_do(settings: Settings, store: Store, now: datetime) -> bool:
    """Tell whether the idle stamp in the ledger (left by `run --once`) still holds now."""
    try:
        stamp = json.loads(store.get(STAMP) or "{}")
    except ValueError:
        return False
    return holds(stamp, settings, store, now)


def holds(stamp: Mapping[str, str] | None, settings: Settings, store: Store, now: datetime) -> bool:
    """Tell whether an idle stamp still holds now (one unreadable, say from another version,
    does not: the pass is made)."""
    if stamp is None:
        return False
    try:
        since, until = (datetime.fromisoformat(stamp[k]) for k in ("since", "until"))
        return (
            stamp["generation"] == store.get(GENERATION, "0")
            and since <= now < until
            and stamp["mail"] == mail_stamp(settings)
            and stamp["made_from"] == made_from(settings)
        )
    except (ValueError, KeyError, TypeError):
        return False


def stamp_of(
    settings: Settings,
    store: Store,
    report: PassReport,
    *,
    interviews: tuple[Interview, ...],
    memory: PlanMemory,
    now: datetime,
) -> dict[str, str] | None:
    """Return the stamp of a pass that left nothing to do (None: it attempted something,
    left something to do, or the mail cannot be stamped)."""
    mail = mail_stamp(settings)
    if mail is None or report.created:
        return None
    until = _until(settings, interviews, report.planned, memory, now)
    # the pass's own snapshot (cached unless it wrote): every step with a phase is in it
    if until is None or _in_doubt(store.snapshot({i.id for i in interviews}).records):
        return None
    return {
        "generation": store.get(GENERATION, "0"),
        "since": now.isoformat(),
        "until": until.isoformat(),
        "mail": mail,
        "made_from": made_from(settings),
    }


def keep_stamp(store: Store, stamp: Mapping[str, str] | None) -> None:
    """Keep a pass's stamp in the ledger for the next `run --once` (None: take any away)."""
    if stamp is None:
        if store.get(STAMP):
            store.put(STAMP, "")
        return
    own_write = str(int(stamp["generation"]) + 1)  # the one this write itself makes
    store.put(STAMP, json.dumps({**stamp, "generation": own_write}))


def mail_stamp(settings: Settings) -> str | None:
    """Return what changes when mail enters, leaves or moves in the mailbox, where that can
    be told without asking the mailbox (the maildir's folders); None for Gmail."""
    if settings.delivery.backend != "maildir":
        return None
    from followup_mailer.mailbox.maildir_files import folders_stamp

    return folders_stamp(settings.delivery.maildir)


def made_from(settings: Settings) -> str:
    """Digest the program's version, the settings and the schedule file as they are now."""
    head = f"{__version__}\0{settings!r}\0".encode()  # a new version plans anew
    made = hashlib.sha256(head)
    try:  # read in blocks: a daemon digests it every poll, and must not hold it all at once
        with settings.schedule.path.open("rb") as schedule:
            for block in iter(lambda: schedule.read(BLOCK), b""):
                made.update(block)
    except OSError:
        return hashlib.sha256(head).hexdigest()  # the pass said why; a missing file's stamp
    return made.hexdigest()


def _until(
    settings: Settings,
    interviews: tuple[Interview, ...],
    planned: tuple[StepPlan, ...],
    memory: PlanMemory,
    now: datetime,
) -> datetime | None:
    """Return when the plans or the reminders next change (None: something is due now)."""
    from followup_mailer import reminders

    plans = memory.next_change({i.id for i in interviews})
    if plans is None or any(step.action is not None for step in planned):
        return None
    waiting = reminders.waiting_drafts(planned, {i.id: i for i in interviews}, settings, now)
    moments = [plans, reminders.next_news(waiting, settings=settings, now=now)]
    return min([now + HORIZON, *(m for m in moments if m is not None)])


def _in_doubt(records: Mapping[str, Record]) -> bool:
    """Tell whether a pass would look for an intent's outcome (one left from a crash)."""
    from followup_mailer.model import Phase

    return any(r.phase in (Phase.INTENT, Phase.IN_DOUBT) for r in records.values())
