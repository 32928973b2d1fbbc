"""Golden messages: every default template rendered byte for byte, and linted clean.

Regenerate after a deliberate wording change with `UPDATE_GOLDEN=1 pytest tests/test_golden.py`,
then read the diff of tests/golden/ like a recipient would.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from followup_mailer.compose.lint import lint_panel
from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Composed, Previous, Sender
from followup_mailer.model import STAY_IN_TOUCH, Format, Interview, Outcome, Person, step_key

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
EST = timezone(timedelta(hours=-5))
SENDER = Sender(
    name="Alex Rivera",
    email="alex@example.com",
    signature=("+1 555 0100", "linkedin.com/in/alexrivera"),
)
SAM = Person(name="Sam Lee", email="sam@acme.com", title="Recruiter")
PANEL = Interview(
    id="acme-backend-onsite",
    company="Acme Corp",
    role="Senior Backend Engineer",
    start=datetime(2026, 11, 20, 14, 0, tzinfo=EST),
    end=datetime(2026, 11, 20, 15, 30, tzinfo=EST),
    format=Format.PANEL,
    highlights=("your move to event sourcing", "the plan for the new billing service"),
    addendum="I have since led our own on-call rotation of twelve engineers",
    interviewers=(
        Person(name="Dana Smith", email="dana@acme.com", title="Engineering Manager",
               notes="asked how I would cut on-call load", lead=True),
        Person(name="Lee Park", email="lee@acme.com", title="Staff Engineer",
               addendum="I have since read the design doc on billing you mentioned"),
        Person(name="Kim Wu", email="kim@acme.com", title="Product Manager",
               notes="walked me through the roadmap"),
    ),
    contacts=(SAM,),
)  # fmt: skip
ONE_ON_ONE = Interview(
    id="globex-screen",
    company="Globex",
    role="Platform Engineer",
    start=datetime(2026, 12, 2, 10, 0, tzinfo=EST),
    end=datetime(2026, 12, 2, 10, 45, tzinfo=EST),
    highlights=("the migration to Kubernetes",),
    interviewers=(
        Person(name="Priya Natarajan", email="priya@globex.com", title="Director of Platform"),
    ),
)
EXPECTED = replace(PANEL, expect_response_by=datetime(2026, 11, 27, tzinfo=EST))
GROUP = replace(
    PANEL,
    id="initech-group",
    company="Initech",
    role="Backend Developer",
    format=Format.GROUP,
    addendum="",
    interviewers=(
        Person(name="Bill Lumbergh", email="bill@initech.com"),
        Person(name="Joanna Fox", email="jo@initech.com", lead=True),
    ),
)


@dataclass(frozen=True)
class Case:
    name: str
    interview: Interview
    recipient: Person
    step: str
    previous: Previous | None = None


def _thank_you_subject(interview: Interview, recipient: Person) -> Previous:
    """Return the thank-you to this person as the message a nudge follows up on."""
    sent = make(Case("", interview, recipient, "thank_you")).message
    return Previous(
        subject=str(sent["Subject"]),
        message_id="<thanks-1@example.com>",
        references="",
        sent_at=interview.end,
    )


def make(case: Case) -> Composed:
    """Compose a golden case at a fixed date."""
    return compose(
        sender=SENDER,
        interview=case.interview,
        recipient=case.recipient,
        step=case.step,
        key=step_key(case.interview.id, case.step, case.recipient.email),
        previous=case.previous,
        date=case.interview.end + timedelta(hours=20),
    )


def cases() -> list[Case]:
    """Every default template in the situations users meet."""
    dana, lee, kim = PANEL.interviewers
    thanks = _thank_you_subject(PANEL, dana)
    nudge_1 = Previous(
        subject="Re: " + thanks.subject,
        message_id="<nudge-1@example.com>",
        references="<thanks-1@example.com>",
        sent_at=None,
    )
    recruiter = Previous(
        subject="Acme Corp – next steps",
        message_id="<recruiter-3@acme.com>",
        references="<recruiter-1@acme.com>",
        sent_at=None,
    )
    return [
        Case("thank_you-one-on-one", ONE_ON_ONE, ONE_ON_ONE.interviewers[0], "thank_you"),
        Case("thank_you-panel-1-dana", PANEL, dana, "thank_you"),
        Case("thank_you-panel-2-lee", PANEL, lee, "thank_you"),
        Case("thank_you-panel-3-kim", PANEL, kim, "thank_you"),
        Case("thank_you-group-lead", GROUP, GROUP.lead, "thank_you"),
        Case("followup-1-reply", PANEL, dana, "followup-1", thanks),
        Case("followup-2-reply", PANEL, dana, "followup-2", nudge_1),
        Case("followup-1-new-thread", PANEL, SAM, "followup-1"),
        Case("rejection-reply", PANEL, SAM, "rejection", recruiter),
        Case("followup-1-date-they-gave", EXPECTED, SAM, "followup-1"),
        Case("stay_in_touch-after-rejection", replace(PANEL, outcome=Outcome.REJECTED), SAM,
             STAY_IN_TOUCH, recruiter),
        Case("stay_in_touch-after-silence", ONE_ON_ONE, ONE_ON_ONE.interviewers[0],
             STAY_IN_TOUCH),
    ]  # fmt: skip


CASES = cases()


def masked(message: EmailMessage) -> bytes:
    """Return the message bytes with the Date and Message-ID values masked."""
    raw = message.as_bytes()
    return re.sub(rb"(?m)^(Date|Message-ID):.*(\n[ \t].*)*$", rb"\1: MASKED", raw)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_message_matches_golden_file(case: Case) -> None:
    path = GOLDEN / f"{case.name}.eml"
    actual = masked(make(case).message)
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{path.name} changed; see the module docstring"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_default_message_passes_the_lint(case: Case) -> None:
    assert make(case).findings == ()


def test_golden_files_are_exactly_the_cases() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.eml")) == sorted(c.name for c in CASES)


def _panel_bodies(interview: Interview) -> dict[str, str]:
    """Render the thank-you body of every interviewer of a panel."""
    bodies = {}
    for person in interview.interviewers:
        part = make(Case("", interview, person, "thank_you")).message.get_body(("plain",))
        assert isinstance(part, EmailMessage)
        bodies[person.email] = str(part.get_content())
    return bodies


@pytest.mark.parametrize(
    "interview",
    [
        PANEL,
        replace(PANEL, highlights=("your move to event sourcing",), addendum=""),
        replace(PANEL, interviewers=tuple(replace(p, notes="") for p in PANEL.interviewers)),
    ],
    ids=["golden-panel", "one-highlight", "no-notes"],
)
def test_panel_notes_are_not_near_duplicates(interview: Interview) -> None:
    names = [person.name for person in interview.people]
    assert lint_panel(_panel_bodies(interview), names) == []


def test_identical_panel_notes_are_flagged() -> None:
    dana_body = _panel_bodies(PANEL)["dana@acme.com"]
    bodies = {person.email: dana_body for person in PANEL.interviewers}
    names = [person.name for person in PANEL.people]
    assert len(lint_panel(bodies, names)) == 3
