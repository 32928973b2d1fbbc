"""The message lint: the advice of SPEC section 1, checked on every rendered message.

Each rule returns a Finding (a warning): in draft mode it is shown in `status`, in
send mode it turns the message into a draft. The rules are deliberately simple
text checks, so a user can see at once why a message was flagged.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from followup_mailer.model import REJECTION, THANK_YOU, Interview, Person, followup_number

if TYPE_CHECKING:
    from followup_mailer.compose.parts import Sender


@dataclass(frozen=True, slots=True)
class LintLimits:
    subject_chars: int = 78
    thank_you_words: int = 200
    nudge_words: int = 120
    exclamations: int = 1
    panel_similarity: float = 0.8


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    explanation: str
    text: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.explanation} ({self.text})"


RULES: dict[str, str] = {
    "greeting": "the first line greets the recipient by name",
    "specific-point": "a thank-you mentions a highlight or the interviewer's notes",
    "gratitude": "a thank-you says thank you",
    "interest": "the message renews your interest in the role",
    "subject": "a subject is present and at most 78 characters (a reply's 'Re: ' is not counted)",
    "word-count": "a thank-you stays within 200 words, a nudge within 120",
    "signature": "the message ends with your full name and a contact line",
    "tone": "no complaint or desperation phrases",
    "exclamations": "at most one exclamation mark",
    "panel-similarity": "notes to the interviewers of one panel are not near-identical",
}

HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "professor", "sir", "madam"})
GRATITUDE = ("thank", "grateful", "appreciat", "gratitude")
INTEREST = ("interest", "excite", "enthusias", "eager", "keen", "look forward", "would welcome")
COMPLAINTS = (
    "desperate",
    "please respond",
    "please reply",
    "i haven't heard back",
    "i have not heard back",
    "haven't heard from you",
    "still waiting",
    "any update??",
    "why haven't",
    "why have you not",
    "i really need this job",
    "need this job",
    "as i said",
    "as i mentioned before",
    "frustrat",
    "disappoint",
    "unacceptable",
    "ignored",
    "begging",
    "last chance",
    "asap",
)
_REPLY_PREFIX = re.compile(r"\s*re\s*:\s*", re.IGNORECASE)


def lint(
    message_text: str,
    subject: str,
    *,
    step: str,
    recipient: Person,
    interview: Interview,
    sender: Sender,
    limits: LintLimits = LintLimits(),
) -> list[Finding]:
    """Check one rendered message against every rule that applies to its step."""
    found = [
        _greeting(message_text, recipient),
        _interest(message_text),
        _subject(subject, limits),
        _word_count(message_text, step, limits),
        _signature(message_text, sender),
        _tone(message_text + "\n" + subject),
        _exclamations(message_text + subject, limits),
    ]
    if step == THANK_YOU:
        found += [_specific_point(message_text, recipient, interview), _gratitude(message_text)]
    return [finding for finding in found if finding]


def _finding(rule: str, text: str) -> Finding:
    """Build a Finding with the rule's standard explanation."""
    return Finding(rule=rule, explanation=RULES[rule], text=text)


def name_words(name: str) -> list[str]:
    """Return the words of a person's name that a greeting may use (no honorifics)."""
    words = [word.strip(".,") for word in name.split()]
    return [word for word in words if word and word.casefold() not in HONORIFICS]


def _greeting(text: str, recipient: Person) -> Finding | None:
    """Flag a first line that does not name the recipient."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    folded = first.casefold()
    words = (re.escape(word.casefold()) for word in name_words(recipient.name))
    if any(re.search(rf"(?<!\w){word}(?!\w)", folded) for word in words):
        return None
    return _finding("greeting", first or "(empty message)")


def _contains_any(text: str, phrases: Iterable[str]) -> str:
    """Return the first phrase found in the text (case-insensitive), or ""."""
    folded = normalize(text)
    return next((phrase for phrase in phrases if phrase in folded), "")


def normalize(text: str) -> str:
    """Fold case, curly apostrophes and runs of white space, for phrase matching."""
    return " ".join(text.replace("’", "'").casefold().split())


def _interest(text: str) -> Finding | None:
    """Flag a message that never says you are still interested."""
    return None if _contains_any(text, INTEREST) else _finding("interest", "no words of interest")


def _gratitude(text: str) -> Finding | None:
    """Flag a thank-you with no thanks in it."""
    return None if _contains_any(text, GRATITUDE) else _finding("gratitude", "no thanks found")


def _specific_point(text: str, recipient: Person, interview: Interview) -> Finding | None:
    """Flag a thank-you that mentions neither the interviewer's notes nor a highlight."""
    points = [recipient.notes, *interview.highlights]
    wanted = [normalize(point).rstrip(".!?;, ") for point in points if point.strip()]
    if wanted and _contains_any(text, wanted):
        return None
    return _finding("specific-point", "none found" if wanted else "no notes or highlights given")


def _subject(subject: str, limits: LintLimits) -> Finding | None:
    """Flag a missing subject or one over the limit; a reply prefix is not counted."""
    own = _REPLY_PREFIX.sub("", subject, count=1).strip()
    if not own:
        return _finding("subject", "no subject")
    if len(own) > limits.subject_chars:
        return _finding("subject", f"{len(own)} characters, limit {limits.subject_chars}")
    return None


def _word_count(text: str, step: str, limits: LintLimits) -> Finding | None:
    """Flag a body over the word limit of its step."""
    limit = limits.nudge_words if followup_number(step) else limits.thank_you_words
    count = len(text.split())
    if count <= limit:
        return None
    kind = "a nudge" if followup_number(step) else "a thank-you" if step != REJECTION else "a note"
    return _finding("word-count", f"{count} words; {kind} stays within {limit}")


def _signature(text: str, sender: Sender) -> Finding | None:
    """Flag a body without a line with the full name followed by a contact line."""
    lines = [normalize(line) for line in text.splitlines() if line.strip()]
    name = normalize(sender.name)
    if name not in lines:
        return _finding("signature", f"no line with your full name, {sender.name}")
    after = lines[len(lines) - 1 - lines[::-1].index(name) + 1 :]
    contacts = {normalize(line) for line in (*sender.signature, sender.email) if line.strip()}
    if contacts.intersection(after):
        return None
    return _finding("signature", "no contact line (phone, LinkedIn, email) after your name")


def _tone(text: str) -> Finding | None:
    """Flag complaint or desperation phrases."""
    phrase = _contains_any(text, COMPLAINTS)
    return _finding("tone", repr(phrase)) if phrase else None


def _exclamations(text: str, limits: LintLimits) -> Finding | None:
    """Flag more exclamation marks than the limit."""
    count = text.count("!")
    if count <= limits.exclamations:
        return None
    return _finding("exclamations", f"{count} exclamation marks, limit {limits.exclamations}")


def lint_panel(
    bodies: Mapping[str, str],
    names: Iterable[str],
    limits: LintLimits = LintLimits(),
) -> list[tuple[str, str, Finding]]:
    """Flag each pair of panel notes whose bodies, names removed, are near-identical."""
    strip = _name_stripper(names)
    words = {email: strip(body) for email, body in bodies.items()}
    flagged = []
    for first, second in itertools.combinations(words, 2):
        ratio = similarity(words[first], words[second])
        if ratio > limits.panel_similarity:
            text = f"{ratio:.0%} alike, limit {limits.panel_similarity:.0%}"
            flagged.append((first, second, _finding("panel-similarity", text)))
    return flagged


def _name_stripper(names: Iterable[str]) -> Callable[[str], list[str]]:
    """Build a function that turns a body into its words with every given name removed."""
    removed = {word.casefold() for name in names for word in re.findall(r"\w+", name)}

    def strip(body: str) -> list[str]:
        return [word for word in re.findall(r"\w+", normalize(body)) if word not in removed]

    return strip


def similarity(first: list[str], second: list[str]) -> float:
    """Return how alike two word sequences are, from 0 (nothing shared) to 1 (identical)."""
    if not first and not second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()
