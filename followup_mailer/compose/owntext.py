"""Our own words: a message with the user's words masked, so the lint judges only what we wrote.

The user's notes, highlights, addenda, the company, the role and everyone's names are theirs:
"Yahoo!" is not an exclamation of ours, and "desperate" in a note is not our tone. A note
reaches the message rewritten ("she asked" -> "you asked"), so its rewritten form is masked
too. For the fragment rule the first and last word of each masked span stay visible, since a
glued fragment ("you She asked", "?.") sits exactly where our words meet theirs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from followup_mailer.compose.greetings import address, name_forms
from followup_mailer.compose.notes import Placed, place
from followup_mailer.compose.parts import Sender
from followup_mailer.model import Format, Interview, Person

MASK = "▢"


def straight(text: str) -> str:
    """Straighten curly apostrophes, so both sides of a comparison spell words alike."""
    return text.replace("’", "'")


def normalize(text: str) -> str:
    """Fold case, curly apostrophes and runs of white space, for phrase matching."""
    return " ".join(straight(text).casefold().split())


def user_words(*, interview: Interview, recipient: Person, sender: Sender) -> list[str]:
    """List every piece of the user's own text that may appear in a message."""
    words = [interview.company, interview.role, interview.addendum, recipient.addendum]
    words += [sender.name, sender.email, *sender.signature]
    for person in interview.people:
        words += [person.name, person.title, *name_forms(person.name, person.greeting)]
        words.append(address(person.name, person.greeting)[0])
    words += placed_forms(recipient.notes, names=name_forms(recipient.name, recipient.greeting))
    shared = len(interview.interviewers) > 1 and interview.format is not Format.ONE_ON_ONE
    for highlight in interview.highlights:
        names = name_forms(recipient.name, recipient.greeting)
        words += placed_forms(highlight, names=names, shared=shared)
    cleaned = {straight(w.strip()).strip(" .,;:") for w in words if len(w.strip()) > 1}
    return sorted(cleaned, key=len, reverse=True)


def placed_forms(text: str, *, names: Iterable[str], shared: bool = False) -> list[str]:
    """Return a note as written and as it reaches a message (rewritten, and its topic)."""
    placed = place(text, names=tuple(names), shared=shared)
    forms = [text]
    if isinstance(placed, Placed):
        forms += [placed.text, placed.topic]
    return [form for form in forms if form.strip()]


def masked(text: str, words: list[str]) -> str:
    """Replace every piece of the user's text with the mask."""
    pattern = _pattern(tuple(words))
    return pattern.sub(MASK, straight(text)) if pattern else straight(text)


def edges(text: str, words: list[str]) -> str:
    """Mask the user's text but keep the first and last word of each piece."""
    pattern = _pattern(tuple(words))
    if pattern is None:
        return straight(text)

    def keep_ends(match: re.Match[str]) -> str:
        parts = match.group(0).split()
        return match.group(0) if len(parts) < 3 else f"{parts[0]} {MASK} {parts[-1]}"

    return pattern.sub(keep_ends, straight(text))


@functools.lru_cache(maxsize=256)  # the lint masks the same words several times per message
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Build one pattern matching any of the words as whole words, longest first."""
    if not words:
        return None
    alternatives = []
    for word in words:
        escaped = re.escape(word)
        start = r"(?<!\w)" if re.match(r"\w", word) else ""
        end = r"(?!\w)" if re.search(r"\w$", word) else ""
        alternatives.append(start + escaped + end)
    return re.compile("|".join(alternatives), re.IGNORECASE)
