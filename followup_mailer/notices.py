"""What `status` tells the user besides the steps: decisions to make and things to do (pure).

- a next-round invitation arrived: record the outcome (`followup-mailer outcome ID next-round`);
- an interview is on hold, and until when;
- interviewers not yet connected with on LinkedIn, once the interview has ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from followup_mailer.history import History, Index
from followup_mailer.model import Facts, Interview, Outcome


@dataclass(frozen=True, slots=True)
class Notice:
    """One line for the user about one interview."""

    interview: str
    text: str


def notices(facts: Facts, now: datetime) -> list[Notice]:
    """Return the notices for every interview of the schedule, in schedule order."""
    index = Index(facts)
    found: list[Notice] = []
    for interview in facts.interviews:
        outcome = facts.outcomes.get(interview.id, interview.outcome)
        found += _invited(interview, History(interview, facts, index), outcome)
        found += _held(interview, facts)
        found += _linkedin(interview, now)
    return found


def _invited(interview: Interview, history: History, outcome: Outcome) -> Iterable[Notice]:
    if history.invite is None or outcome is not Outcome.PENDING:
        return
    who = history.invite.organizer or history.invite.sender
    yield Notice(
        interview.id,
        f"invited to a next round by {who}: run `followup-mailer outcome {interview.id} "
        "next-round` (the nudges have stopped)",
    )


def _held(interview: Interview, facts: Facts) -> Iterable[Notice]:
    hold = facts.holds.get(interview.id)
    if hold is None:
        return
    until = f"until {hold.until:%a %d %b %Y}" if hold.until else "until you resume it"
    yield Notice(interview.id, f"on hold {until}: `followup-mailer resume {interview.id}`")


def _linkedin(interview: Interview, now: datetime) -> Iterable[Notice]:
    if now.astimezone(UTC) < interview.end.astimezone(UTC):
        return
    names = [p.name for p in interview.interviewers if not p.linkedin_connected]
    if names:
        yield Notice(
            interview.id,
            f"connect on LinkedIn with {', '.join(names)}, then set linkedin_connected = true",
        )
