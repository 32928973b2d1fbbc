"""What reading a note gives: a phrase ready for a sentence frame, or why it cannot be one."""

from __future__ import annotations

import enum
from dataclasses import dataclass

EXAMPLE = (
    'write it as something they did ("asked how I would cut on-call load") or as a topic '
    '("the on-call redesign")'
)


class Kind(enum.StrEnum):
    """The kind of phrase a note was read into; each takes its own sentence frames."""

    EVENT = "event"  # a past clause: "you asked how I would cut on-call load"
    FACT = "fact"  # a present clause: "you want to halve deploy times"
    OWN = "own"  # a sentence of the user's own: "I loved your focus on testing"
    TOPIC = "topic"  # a noun phrase: "the on-call redesign"
    CREDIT = "credit"  # something they gave: "your question on idempotent consumers"
    THANKS = "thanks"  # "thank her for the tour": "the tour"


@dataclass(frozen=True, slots=True, kw_only=True)
class Placed:
    """A note read into a phrase addressed to the person, ready for a sentence frame."""

    kind: Kind
    text: str  # second person, no final stop
    topic: str  # a noun phrase the fit sentence can name, or ""
    note: str  # as the user wrote it


@dataclass(frozen=True, slots=True, kw_only=True)
class Unplaced:
    """A note that cannot be placed in a sentence, and how to write it so that it can."""

    note: str
    reason: str
    advice: str
