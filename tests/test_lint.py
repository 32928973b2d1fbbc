"""The lint: each rule of SPEC section 7 flags what it should and nothing else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.compose.lint import RULES, Finding, lint, lint_panel
from followup_mailer.compose.parts import Sender
from followup_mailer.model import Interview, Person
from followup_mailer.settings import LintLimits

SENDER = Sender(
    name="Alex Rivera",
    email="alex@example.com",
    signature=("+1 555 0100", "linkedin.com/in/alexrivera"),
)
DANA = Person(name="Dana Smith", email="dana@acme.com", notes="asked how I would cut on-call load")
START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
ACME = Interview(
    id="acme-onsite",
    company="Acme Corp",
    role="Senior Backend Engineer",
    start=START,
    end=START.replace(hour=15),
    highlights=("your move to event sourcing",),
    interviewers=(DANA,),
)
SUBJECT = "Thank you – Senior Backend Engineer interview at Acme Corp"
GOOD = """Hi Dana,

Thank you for speaking with me about the Senior Backend Engineer role. I enjoyed the moment
when you asked how I would cut on-call load.

I am excited about the role and confident I would be a strong fit.

Best regards,
Alex Rivera
+1 555 0100
linkedin.com/in/alexrivera
"""
ROOT = Path(__file__).resolve().parent.parent


def check(
    text: str = GOOD,
    subject: str = SUBJECT,
    *,
    step: str = "thank_you",
    recipient: Person = DANA,
    interview: Interview = ACME,
    limits: LintLimits | None = None,
) -> list[str]:
    """Return the names of the rules a message breaks."""
    found = lint(
        text, subject, step=step, recipient=recipient, interview=interview, sender=SENDER,
        limits=limits or LintLimits(),
    )  # fmt: skip
    assert all(finding.explanation == RULES[finding.rule] for finding in found)
    return [finding.rule for finding in found]


def test_a_good_thank_you_has_no_findings() -> None:
    assert check() == []


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("Hi Dana,", "Hi there,", "greeting"),
        ("Hi Dana,", "Hello,", "greeting"),
        ("when you asked how I would cut on-call load", "when we talked", "specific-point"),
        ("Thank you for speaking", "It was good speaking", "gratitude"),
        ("I am excited about the role and confident", "I am confident", "interest"),
        ("Alex Rivera\n", "Alex\n", "signature"),
        ("+1 555 0100\nlinkedin.com/in/alexrivera\n", "", "signature"),
        ("strong fit.", "strong fit. I haven’t heard back yet.", "pushy"),
        ("strong fit.", "strong fit. I really need this job.", "tone"),
        ("strong fit.", "strong fit. Any update???", "pushy"),
        ("strong fit.", "strong fit. Per my last email, I need a decision by Friday.", "pushy"),
        ("strong fit.", "strong fit. Thx!", "informal"),
        ("I enjoyed the moment\nwhen you", "I enjoyed the moment\nwhen you She", "fragment"),
        ("strong fit.", "strong fit?.", "fragment"),
        ("Hi Dana,", "Hi Dr. Dana,", "greeting"),
        ("strong fit.", "strong fit! Really!", "exclamations"),
    ],
)
def test_each_rule_flags_its_fault(old: str, new: str, rule: str) -> None:
    assert old in GOOD
    assert check(GOOD.replace(old, new)) == [rule]


def test_one_exclamation_mark_is_fine() -> None:
    assert check(GOOD.replace("strong fit.", "strong fit!")) == []


def test_a_highlight_is_a_specific_point_too() -> None:
    text = GOOD.replace(
        "when you asked how I would cut on-call load", "your move to Event Sourcing"
    )
    assert check(text) == []


def test_a_thank_you_with_nothing_to_mention_says_so() -> None:
    bare = replace(ACME, highlights=())
    found = lint(
        GOOD, SUBJECT, step="thank_you", recipient=Person(name="Lee Park", email="lee@acme.com"),
        interview=bare, sender=SENDER,
    )  # fmt: skip
    assert [(f.rule, f.text) for f in found] == [
        ("greeting", "Hi Dana,"),
        ("specific-point", "no notes or highlights given"),
    ]


def test_an_honorific_greeting_counts_as_the_name() -> None:
    doctor = replace(DANA, name="Dr. Dana Smith")
    assert check(GOOD.replace("Hi Dana,", "Dear Dr. Smith,"), recipient=doctor) == []
    assert check(GOOD.replace("Hi Dana,", "Dear Dr.,"), recipient=doctor) == ["greeting"]


def test_names_with_apostrophes_and_hyphens_are_found() -> None:
    irish = replace(DANA, name="Siobhan O'Brien-Kelly")
    assert check(GOOD.replace("Hi Dana,", "Dear Ms. O'Brien-Kelly,"), recipient=irish) == []
    assert check(GOOD.replace("Hi Dana,", "Dear Ms. Brien,"), recipient=irish) == ["greeting"]


@pytest.mark.parametrize("subject", ["", "   ", "Re: ", "x" * 79])
def test_a_subject_must_be_present_and_short(subject: str) -> None:
    assert check(subject=subject) == ["subject"]


def test_a_reply_prefix_does_not_count_against_the_subject() -> None:
    assert check(subject="Re: " + "x" * 78, step="followup-1") == []


def filler(count: int) -> str:
    """Return a sentence of `count` distinct words (no repetition to flag)."""
    return "W" + " ".join(f"w{i}" for i in range(count)) + "."


def test_word_limits_depend_on_the_step() -> None:
    long = GOOD.replace("strong fit.", "strong fit. " + filler(180))
    assert check(long) == ["word-count"]
    medium = GOOD.replace("strong fit.", "strong fit. " + filler(90))
    assert check(medium) == []
    assert check(medium, step="followup-1") == ["word-count"]


def test_nudges_need_no_specific_point_or_thanks() -> None:
    nudge = "Hi Dana,\n\nCould you share the next steps? I remain very interested.\n\n"
    nudge += "Best,\nAlex Rivera\nlinkedin.com/in/alexrivera\n"
    assert check(nudge, step="followup-2") == []


def test_the_account_email_serves_as_a_contact_line() -> None:
    text = GOOD.replace("+1 555 0100\nlinkedin.com/in/alexrivera\n", "alex@example.com\n")
    assert check(text) == []


def test_limits_are_configurable() -> None:
    limits = LintLimits(subject_chars=20, thank_you_words=30, exclamations=0)
    assert check(GOOD.replace("fit.", "fit!"), limits=limits) == [
        "subject",
        "word-count",
        "exclamations",
    ]


def test_finding_text_gives_the_measure() -> None:
    text = GOOD.replace("fit.", "fit. " + filler(200))
    found = lint(text, SUBJECT, step="thank_you", recipient=DANA, interview=ACME, sender=SENDER)
    words = len(text.split())
    assert words > 200
    expected = f"{words} words; a thank-you stays within 200"
    assert found == [Finding(rule="word-count", explanation=RULES["word-count"], text=expected)]


PANEL = {
    "dana@acme.com": "Hi Dana,\n\nThank you for the talk about on-call load. I am keen to join.",
    "lee@acme.com": "Dear Lee,\n\nI appreciated hearing about event sourcing; the team is great.",
}


def test_different_panel_notes_pass() -> None:
    assert lint_panel(PANEL, ["Dana Smith", "Lee Park"]) == []


def test_identical_panel_notes_but_for_the_name_are_flagged() -> None:
    bodies = {
        "dana@acme.com": PANEL["dana@acme.com"],
        "lee@acme.com": PANEL["dana@acme.com"].replace("Dana", "Lee"),
        "kim@acme.com": PANEL["dana@acme.com"].replace("Dana", "Kim"),
    }
    flagged = lint_panel(bodies, ["Dana Smith", "Lee Park", "Kim Wu"])
    assert [(a, b) for a, b, _ in flagged] == [
        ("dana@acme.com", "lee@acme.com"),
        ("dana@acme.com", "kim@acme.com"),
        ("lee@acme.com", "kim@acme.com"),
    ]
    assert all(finding.rule == "panel-similarity" for _, _, finding in flagged)


def test_the_panel_limit_is_configurable() -> None:
    assert lint_panel(PANEL, ["Dana Smith", "Lee Park"], LintLimits(panel_similarity=0.0))


def test_every_rule_is_documented() -> None:
    docs = (ROOT / "docs" / "templates.md").read_text()
    assert [rule for rule in RULES if f"`{rule}`" not in docs] == []


ODD = replace(
    ACME,
    company="Yahoo!",
    interviewers=(replace(DANA, notes="asked why I was desperate to leave ASAP"),),
)


def test_the_users_own_words_are_not_judged() -> None:
    text = (
        GOOD.replace(
            "when you asked how I would cut on-call load",
            "when you asked why I was desperate to leave ASAP",
        )
        .replace("the Senior Backend Engineer role.", "the role at Yahoo!")
        .replace("fit.", "fit!")
    )
    assert check(text, interview=ODD, recipient=ODD.interviewers[0]) == []


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace("I am excited about the role and", "I would love to join the team and am"),
        GOOD.replace("+1 555 0100\nlinkedin.com/in/alexrivera\n", "").replace(
            "Alex Rivera\n", "Alex Rivera · +1 555 0100 · linkedin.com/in/alexrivera\n"
        ),
    ],
    ids=["would-love-to-join", "one-line-signature"],
)
def test_what_a_coach_accepts_is_not_flagged(text: str) -> None:
    assert check(text) == []


def test_a_gracious_disappointment_is_fine_after_a_rejection_only() -> None:
    text = GOOD.replace("I am excited about the role", "Although I am disappointed, I am excited")
    assert check(text, step="rejection") == []
    assert check(text) == ["tone"]


@pytest.mark.parametrize("subject", ["Following up", "Hi", "Checking in", "Quick question"])
def test_a_vague_subject_is_flagged(subject: str) -> None:
    assert check(subject=subject) == ["subject"]


def test_a_reply_keeps_the_threads_subject_unjudged() -> None:
    assert check(subject="Re: Checking in", step="followup-1") == []


def test_an_unplaceable_note_is_reported_with_advice() -> None:
    dana = replace(DANA, notes="mention my Kafka certification")
    interview = replace(ACME, interviewers=(dana,))
    text = GOOD.replace("when you asked how I would cut on-call load", "our talk")
    text = text.replace("our talk", "our talk about your move to event sourcing")
    assert check(text, recipient=dana, interview=interview) == ["note"]


def test_a_signature_line_of_dots_is_no_word_to_mask() -> None:
    """A line stripped to nothing must not become an empty word (it would mask everything)."""
    sender = replace(SENDER, signature=("...", *SENDER.signature))
    found = lint(
        GOOD.replace("Alex Rivera\n", "Alex Rivera\n...\n"), SUBJECT, step="thank_you",
        recipient=DANA, interview=ACME, sender=sender, limits=LintLimits(),
    )  # fmt: skip
    assert found == []
