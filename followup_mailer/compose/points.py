"""The sentence that names the point from the conversation, in the frame that fits the note.

Each kind of placed note has VARIANTS frames, one per wording of the default templates, so the
notes to the members of a panel introduce their points in different words.
"""

from __future__ import annotations

import re

from followup_mailer.compose.notes import Kind, Placed

VARIANTS = 8
FRAMES: dict[Kind, tuple[str, ...]] = {
    Kind.EVENT: (
        "I especially enjoyed the moment when {}.",
        "One part that stayed with me was when {}.",
        "It was a highlight of the conversation for me when {}.",
        "I particularly enjoyed the part where {}.",
        "I keep coming back to the moment when {}.",
        "I valued the point when {}.",
        "A moment that stuck with me was when {}.",
        "A moment that was especially useful to me was when {}.",
    ),
    Kind.FACT: (
        "It was good to learn that {}.",
        "It stayed with me that {}.",
        "I was glad to discover that {}.",
        "I enjoyed finding out that {}.",
        "It was encouraging to hear that {}.",
        "I was pleased to learn that {}.",
        "I came away glad to know that {}.",
        "It was exciting to learn that {}.",
    ),
    Kind.TOPIC: (
        "I especially enjoyed our discussion of {}.",
        "One part that stayed with me was when we got to {}.",
        "Talking about {} was a highlight of the conversation for me.",
        "I particularly enjoyed the part where we talked about {}.",
        "I keep coming back to our exchange about {}.",
        "I valued the time we spent on {}.",
        "I enjoyed getting into {} with you.",
        "Our discussion of {} was especially useful to me.",
    ),
    Kind.CREDIT: (
        "I especially appreciated {}.",
        "One thing that stayed with me was {}.",
        "A highlight of the conversation for me was {}.",
        "I particularly valued {}.",
        "I keep coming back to {}.",
        "I am still thinking about {}.",
        "Thank you as well for {}.",
        "What stayed with me most was {}.",
    ),
    Kind.THANKS: ("Thank you as well for {}.", "I am also grateful for {}.") * (VARIANTS // 2),
    Kind.OWN: ("{}",) * VARIANTS,
}
_ENDS_WITH_STOP = re.compile(r"[.?!][”\"’']?$")


def point_sentence(placed: Placed, variant: int) -> str:
    """Put a placed note in the frame of its kind for this wording variant."""
    frame = FRAMES[placed.kind][variant % VARIANTS]
    return finish(frame.format(placed.text))


def finish(text: str) -> str:
    """Make text one sentence: a capital first letter and one final stop (a quote's counts)."""
    text = text.strip()
    if not text:
        return ""
    text = re.sub(r"[.]+$", "", text) if re.search(r"[?!][”\"’']?\.+$", text) else text
    text = re.sub(r"([”\"’'])\.$", r"\1", text) if _ENDS_WITH_STOP.search(text[:-1]) else text
    first = text.split(" ", 1)[0]
    if first.islower():  # "iOS" or "eBay" keep their own capitals
        text = text[0].upper() + text[1:]
    return text if _ENDS_WITH_STOP.search(text) else text + "."
