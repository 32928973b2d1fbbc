"""Notes and highlights as people write them become sentences addressed to the interviewer.

The corpus (notes_corpus.py) holds each note with the sentence its reader gets; a note that
cannot be placed is refused with a reason and advice, and the message leaves it out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_mailer.compose.lint import glued_fragment
from followup_mailer.compose.message import compose
from followup_mailer.compose.notes import Kind, Placed, Unplaced, place
from followup_mailer.compose.parts import Sender
from followup_mailer.compose.points import FRAMES, VARIANTS, point_sentence
from followup_mailer.intake.schedule import load_schedule
from followup_mailer.model import Interview, Person, step_key
from tests.conftest import examples
from tests.notes_corpus import HIGHLIGHTS, NOTES, REFUSED_HIGHLIGHTS, REFUSED_NOTES

NAMES = ("Dana Smith", "Dana", "Smith")
ROOT = Path(__file__).resolve().parent.parent
SENDER = Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",))
WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def sentence(note: str, variant: int = 0, *, shared: bool = False) -> str:
    """Place a note for Dana and put it in the frame of a wording variant."""
    placed = place(note, names=NAMES, shared=shared)
    assert isinstance(placed, Placed), placed
    return point_sentence(placed, variant)


def test_the_corpus_is_large_and_varied() -> None:
    assert len(NOTES) + len(REFUSED_NOTES) >= 100
    assert len(HIGHLIGHTS) + len(REFUSED_HIGHLIGHTS) >= 40
    placed = [place(note, names=NAMES) for note, _ in NOTES]
    assert all(isinstance(p, Placed) for p in placed)
    kinds = {p.kind for p in placed if isinstance(p, Placed)}
    assert kinds == set(Kind)


@pytest.mark.parametrize(("note", "expected"), NOTES, ids=[n for n, _ in NOTES])
def test_a_note_becomes_the_sentence_a_reader_expects(note: str, expected: str) -> None:
    assert sentence(note) == expected


@pytest.mark.parametrize(("note", "expected"), HIGHLIGHTS, ids=[n for n, _ in HIGHLIGHTS])
def test_a_highlight_becomes_the_sentence_a_reader_expects(note: str, expected: str) -> None:
    assert sentence(note, shared=True) == expected


@pytest.mark.parametrize(
    ("note", "reason", "shared"),
    [(n, r, False) for n, r in REFUSED_NOTES] + [(n, r, True) for n, r in REFUSED_HIGHLIGHTS],
)
def test_a_note_that_cannot_be_placed_says_why_and_how(
    note: str, reason: str, shared: bool
) -> None:
    refused = place(note, names=NAMES, shared=shared)
    assert isinstance(refused, Unplaced)
    assert refused.reason == reason
    assert re.search(r"write|keep|answer", refused.advice)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("asked how I would cut on-call load", "you asked how I would cut on-call load"),
        ("She asked about my Kafka experience", "you asked about my Kafka experience"),
        ("we compared back-pressure strategies", "we compared back-pressure strategies"),
        ("his question on idempotent consumers", "your question on idempotent consumers"),
        ("the on-call redesign", "the on-call redesign"),
    ],
)
def test_the_spec_examples_speak_to_the_person(note: str, expected: str) -> None:
    placed = place(note, names=NAMES)
    assert isinstance(placed, Placed) and placed.text == expected


def test_a_highlight_about_one_person_is_placed_in_a_one_on_one() -> None:
    assert sentence("asked about my Kafka experience") == (
        "I especially enjoyed the moment when you asked about my Kafka experience."
    )


def _all_placed() -> list[Placed]:
    placed = [place(note, names=NAMES) for note, _ in NOTES]
    placed += [place(note, shared=True) for note, _ in HIGHLIGHTS]
    return [p for p in placed if isinstance(p, Placed)]


@pytest.mark.parametrize("variant", range(VARIANTS))
def test_every_wording_of_every_note_is_one_clean_sentence(variant: int) -> None:
    for placed in _all_placed():
        text = point_sentence(placed, variant)
        assert text[:1].isupper(), text
        assert re.search(r"[.?!][”\"]?$", text), text
        assert glued_fragment(text) == "", text


def test_each_kind_has_a_frame_per_variant() -> None:
    assert all(len(frames) == VARIANTS for frames in FRAMES.values())


def test_a_refused_note_is_left_out_and_reported(tmp_path: Path) -> None:
    dana = Person(name="Dana Smith", email="dana@acme.com", notes="mention my Kafka certification")
    interview = Interview(
        id="acme", company="Acme Corp", role="Backend Engineer", start=WHEN, end=WHEN,
        highlights=("the roadmap",), interviewers=(dana,),
    )  # fmt: skip
    composed = compose(
        sender=SENDER, interview=interview, recipient=dana, step="thank_you",
        key=step_key("acme", "thank_you", dana.email), previous=None, date=WHEN,
    )  # fmt: skip
    body = composed.message.get_content()
    assert "certification" not in body and "the roadmap" in body
    [note] = [f for f in composed.findings if f.rule == "note"]
    assert "'mention my Kafka certification' reads as a to-do" in note.text
    assert 'write what happened, e.g. "asked about my Kafka experience"' in note.text


def test_the_example_schedule_renders_cleanly() -> None:
    example = ROOT / "followup_mailer" / "examples" / "interviews.example.toml"
    for interview in load_schedule(example, default_tz=ZoneInfo("UTC")):
        interview = replace(interview, expect_response_by=None)
        for person in interview.interviewers:
            composed = compose(
                sender=SENDER, interview=interview, recipient=person, step="thank_you",
                key=step_key(interview.id, "thank_you", person.email), previous=None,
                date=interview.end,
            )  # fmt: skip
            assert composed.findings == (), (person.name, composed.findings)
            assert person.notes.split()[-1] in composed.message.get_content()


@settings(max_examples=examples(300))
@given(
    note=st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(
                ["she", "asked", "about", "my", "Kafka", "we", "his", "question", "?", "the",
                 "i", "you", "Dana", "'s", '"', "how", "would", "did", "and", "wants", ".", ","]
            ),
            max_size=12,
        ).map(" ".join),
    )
)  # fmt: skip
def test_any_text_is_placed_or_refused_never_crashes(note: str) -> None:
    placed = place(note, names=NAMES, shared=True)
    if isinstance(placed, Placed):
        for variant in range(VARIANTS):
            assert point_sentence(placed, variant).strip()
