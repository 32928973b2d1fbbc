"""Which drafts to remind the user of, and when (pure; SPEC section 8).

Gmail does not announce drafts, and a draft never sent holds every nudge
behind it. So, after a pass that created drafts, and again when a thank-you
draft is still unsent `before_deadline` before its `thank_you_by` mark, the
user is told about every draft waiting (desktop notification or log line,
and optionally a note to their own address). A draft counts as new for a
reminder once when it is created and once when its deadline comes near;
nothing is said when nothing is new.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from followup_mailer.compose.parts import Reminder
from followup_mailer.model import REMINDER, THANK_YOU, Interview, Record, State, StepPlan
from followup_mailer.settings import Settings


@dataclass(frozen=True, slots=True)
class Waiting:
    """A draft waiting for the user to press Send."""

    key: str
    interview: Interview
    step: str
    to_name: str
    to_email: str
    send_by: datetime | None  # a thank-you's thank_you_by mark; None for other steps
    overdue: bool


def waiting_drafts(
    planned: Iterable[StepPlan],
    interviews: Mapping[str, Interview],
    settings: Settings,
    now: datetime,
) -> list[Waiting]:
    """List the drafts awaiting approval, with the time to send each by."""
    found = []
    for step in planned:
        interview = interviews.get(step.interview)
        if step.state is not State.AWAITING_APPROVAL or interview is None:
            continue
        send_by = _mark(interview, settings) if step.step == THANK_YOU else None
        overdue = send_by is not None and now.astimezone(UTC) >= send_by
        found.append(Waiting(step.key, interview, step.step, step.name, step.to, send_by, overdue))
    return found


def worth_telling(
    waiting: Iterable[Waiting],
    *,
    created: Collection[str],
    records: Mapping[str, Record],
    settings: Settings,
    now: datetime,
) -> list[str]:
    """Return the keys of the drafts that are news: made in this pass, or near their mark."""
    news = []
    for draft in waiting:
        if draft.key in created:
            news.append(draft.key)
        elif draft.send_by is not None:
            window_opens = draft.send_by - settings.reminders.before_deadline
            last = records[draft.key].reminded_at if draft.key in records else None
            if now >= window_opens and (last is None or last < window_opens):
                news.append(draft.key)
    return news


def next_news(waiting: Iterable[Waiting], *, settings: Settings, now: datetime) -> datetime | None:
    """Return when a draft waiting now next becomes news (its mark comes near), or None:
    the moment `worth_telling` starts to say yes (a reminder is always before that)."""
    moments = [
        opens
        for draft in waiting
        if draft.send_by is not None
        and now < (opens := draft.send_by - settings.reminders.before_deadline)
    ]
    return min(moments, default=None)


def reminder_key(own: str, now: datetime) -> str:
    """Return the key of this pass's note to self (one a pass at most)."""
    return f"{REMINDER}s/{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}/{own.lower()}"


def listed(waiting: Iterable[Waiting]) -> list[Reminder]:
    """Describe the drafts waiting as the note to self lists them."""
    return [
        Reminder(
            interview=d.interview.id,
            company=d.interview.company,
            role=d.interview.role,
            step=d.step,
            to_name=d.to_name,
            to_email=d.to_email,
            send_by=d.send_by,
            overdue=d.overdue,
        )
        for d in waiting
    ]


def summary(waiting: Iterable[Waiting]) -> str:
    """Say in one line what waits: "3 drafts to send: Dana Smith (Acme Corp), ..."."""
    drafts = list(waiting)
    names = ", ".join(f"{d.to_name or d.to_email} ({d.interview.company})" for d in drafts)
    noun = "draft" if len(drafts) == 1 else "drafts"
    return f"{len(drafts)} {noun} to send: {names}"


def _mark(interview: Interview, settings: Settings) -> datetime:
    return interview.end.astimezone(UTC) + settings.cadence.thank_you_by
