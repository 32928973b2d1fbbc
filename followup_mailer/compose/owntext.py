"""Our own words: a message with the user's words masked, so the lint judges only what we wrote.

The user's notes, highlights, addenda, the company, the role and everyone's names are theirs:
"Yahoo!" is not an exclamation of ours, and "desperate" in a note is not our tone. A note
reaches the message rewritten ("she asked" -> "you asked"), so its rewritten form is masked
too. For the fragment rule the first and last word of each masked span stay visible, since a
glued fragment ("you She asked", "?.") sits exactly where our words meet theirs.

The words are matched as one case-insensitive regex of whole words would match them. Compiling
that regex costs 1-2 ms a message, so the words are found with str.find in a lowercased copy
instead, wherever every character is one whose case the regex treats as lower() does; the regex
is kept for the rest ("ſ", "İ", "ß", "Σ"...).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from followup_mailer.compose.greetings import address, name_forms
from followup_mailer.compose.notes import Placed, place
from followup_mailer.compose.parts import Sender
from followup_mailer.model import Format, Interview, Person

MASK = "▢"
_WORD = re.compile(r"\w")
_ENDS_WITH_WORD = re.compile(r"\w$")  # `$` also matches before a final newline: kept as it was
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")  # every ASCII character is plain


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
    # stripped before the length is judged: a signature line "..." is no word to mask (an
    # empty one would match everywhere)
    cleaned = {straight(w.strip()).strip(" .,;:") for w in words}
    return sorted((w for w in cleaned if len(w) > 1), key=len, reverse=True)


def placed_forms(text: str, *, names: Iterable[str], shared: bool = False) -> list[str]:
    """Return a note as written and as it reaches a message (rewritten, and its topic)."""
    placed = place(text, names=tuple(names), shared=shared)
    forms = [text]
    if isinstance(placed, Placed):
        forms += [placed.text, placed.topic]
    return [form for form in forms if form.strip()]


def masked(text: str, words: list[str]) -> str:
    """Replace every piece of the user's text with the mask."""
    return _substitute(text, words, lambda piece: MASK)


def edges(text: str, words: list[str]) -> str:
    """Mask the user's text but keep the first and last word of each piece."""

    def keep_ends(piece: str) -> str:
        parts = piece.split()
        return piece if len(parts) < 3 else f"{parts[0]} {MASK} {parts[-1]}"

    return _substitute(text, words, keep_ends)


def has_word(text: str, word: str) -> bool:
    """Tell whether the word stands in the text with no word character glued to either end,
    as `(?<!\\w)word(?!\\w)` would find it, without compiling a pattern for every name."""
    start = text.find(word)
    while start != -1:
        if not _glued(text, start, start + len(word)):
            return True
        start = text.find(word, start + 1)
    return False


def _glued(text: str, start: int, end: int) -> bool:
    """Tell whether a word character touches text[start:end] on either side."""
    return bool((start > 0 and _WORD.match(text, start - 1)) or _WORD.match(text, end))


def _substitute(text: str, words: list[str], replace: Callable[[str], str]) -> str:
    """Replace each piece of the user's text that the pattern of the words matches."""
    text = straight(text)
    spans = _spans(text, tuple(words))
    if spans is None:
        pattern = _pattern(tuple(words))
        return pattern.sub(lambda match: replace(match.group(0)), text) if pattern else text
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [text[done:start], replace(text[start:end])]
        done = end
    return "".join(pieces) + text[done:]


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """Find what the pattern of the words would match, without compiling it (slow: 1-2 ms a
    message); None when a character's case could make the two disagree."""
    plan = _plan(words)
    if plan is None:
        return None
    folded = _folded(text)
    if folded is None:
        return None
    found: list[tuple[int, int, int]] = []  # start, the word's place in the list, end
    for order, (word, bounded_start, bounded_end) in enumerate(plan):
        start = folded.find(word)
        while start != -1:  # every start, overlapping ones too: a guard may reject the first
            end = start + len(word)
            if _whole(text, start, end, bounded_start=bounded_start, bounded_end=bounded_end):
                found.append((start, order, end))
            start = folded.find(word, start + 1)
    return _leftmost(found)


def _whole(text: str, start: int, end: int, *, bounded_start: bool, bounded_end: bool) -> bool:
    """Tell whether a match passes the pattern's guards: no word character just before it if
    the word starts with one, nor just after it if the word ends with one."""
    glued_before = bounded_start and start > 0 and _WORD.match(text, start - 1)
    glued_after = bounded_end and _WORD.match(text, end)
    return not glued_before and not glued_after


def _leftmost(found: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Keep the matches a regex scan takes: the leftmost, the first word in order where two
    start together, and scanning on from the end of each."""
    spans: list[tuple[int, int]] = []
    for start, _, end in sorted(found):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


@functools.lru_cache(maxsize=256)  # the lint masks the same words several times per message
def _plan(words: tuple[str, ...]) -> tuple[tuple[str, bool, bool], ...] | None:
    """Fold each word and say which ends need a word boundary; None when one is not plain
    (or empty, which the pattern matches everywhere)."""
    if not all(word and _plain(word) for word in words):
        return None
    return tuple(
        (word.lower(), bool(_WORD.match(word)), bool(_ENDS_WITH_WORD.search(word)))
        for word in words
    )


@functools.lru_cache(maxsize=16)  # the lint masks each message text twice (masked, edges)
def _folded(text: str) -> str | None:
    """Lowercase plain text, which keeps its length, so indexes line up with the text; None
    when the text is not plain."""
    return text.lower() if _plain(text) else None


def _plain(text: str) -> bool:
    """Tell whether every character of the text is plain (see _plain_character)."""
    return text.isascii() or all(map(_plain_character, set(_NOT_ASCII.findall(text))))


@functools.lru_cache(maxsize=4096)
def _plain_character(char: str) -> bool:
    """Tell whether re.IGNORECASE matches the character exactly when str.lower() folds both
    sides alike. Not plain: what lower() folds to two characters ("İ") or by context ("Σ" to
    "ς" at a word's end); a lowercase whose uppercase folds back to another one ("ſ", "ı", "µ",
    "ς", "ϐ": IGNORECASE also matches that other one) or has no one-character uppercase ("ß",
    and so "ẞ"); and, for safety, a letter folding to a lowercase without an uppercase (the
    regex would take that lowercase as caseless and match it only as itself)."""
    lower = char.lower()
    if len(lower) != 1 or char == "Σ":
        return False
    upper = lower.upper()
    return len(upper) == 1 and upper.lower() == lower and (upper != lower or lower == char)


@functools.lru_cache(maxsize=256)  # the same words are masked several times per message
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Build one pattern matching any of the words as whole words, the first in order winning
    where two start together (user_words puts the longest first)."""
    if not words:
        return None
    alternatives = []
    for word in words:
        escaped = re.escape(word)
        start = r"(?<!\w)" if _WORD.match(word) else ""
        end = r"(?!\w)" if _ENDS_WITH_WORD.search(word) else ""
        alternatives.append(start + escaped + end)
    return re.compile("|".join(alternatives), re.IGNORECASE)
