"""The message lint: the advice of SPEC section 1, checked on every rendered message.

Each rule returns a Finding (a warning): in draft mode it is shown in `status`, in send mode it
turns the message into a draft. The rules are plain text checks, so a user sees at once why a
message was flagged, and they judge only our own words: the user's notes, highlights, addenda,
the company, the role and the names are masked first (owntext.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from followup_mailer.compose import tone
from followup_mailer.compose.findings import DEFAULT_LIMITS, RULES, Finding, finding
from followup_mailer.compose.greetings import TITLES, name_forms
from followup_mailer.compose.lexicon import base_of_present, word_set
from followup_mailer.compose.notes import Unplaced, place
from followup_mailer.compose.owntext import (
    MASK,
    edges,
    has_word,
    masked,
    normalize,
    placed_forms,
    straight,
    user_words,
)
from followup_mailer.compose.panel import lint_panel, panel_similarities, similarity
from followup_mailer.compose.parts import Sender
from followup_mailer.model import (
    REJECTION,
    STAY_IN_TOUCH,
    THANK_YOU,
    Format,
    Interview,
    Person,
    followup_number,
)
from followup_mailer.settings import LintLimits

__all__ = [
    "RULES",
    "Finding",
    "LintLimits",
    "glued_fragment",
    "lint",
    "lint_panel",
    "normalize",
    "panel_similarities",
    "similarity",
]

GRATITUDE = ("thank", "grateful", "appreciat", "gratitude")
INTEREST = (
    *("interest", "excite", "enthusias", "eager", "keen", "look forward", "would welcome"),
    *("would love", "glad to be considered", "hope to join", "want to join"),
)
STOPWORDS = word_set(
    "about above after again also been before being below between both could does doing down "
    "during each from further have having here into just more most once only other ours over "
    "same should some such than that their them then there these they this those through "
    "under until very were what when where which while will with would your yours thank "
    "thanks time well"
)
_REPLY_PREFIX = re.compile(r"\s*re\s*:\s*", re.IGNORECASE)
_CONTACT = re.compile(r"@|https?://|www\.|linkedin|github|\+?\d[\d\s().-]{6,}\d", re.IGNORECASE)
_ABBREVIATION = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|inc|ltd|co|corp|llc|dr|mr|ms|mrs|prof|st|jr|sr|no)\.$", re.IGNORECASE
)


def lint(
    message_text: str,
    subject: str,
    *,
    step: str,
    recipient: Person,
    interview: Interview,
    sender: Sender,
    limits: LintLimits = DEFAULT_LIMITS,
) -> list[Finding]:
    """Check one rendered message against every rule that applies to its step."""
    theirs = user_words(interview=interview, recipient=recipient, sender=sender)
    ours = masked(message_text, theirs)
    own_subject = masked(subject, theirs)
    found = [
        _greeting(message_text, recipient, ours),
        _interest(message_text),
        _subject(subject, interview, limits),
        _word_count(message_text, step, limits),
        _signature(message_text, sender),
        _phrases("pushy", tone.PUSHY, normalize(ours + "\n" + own_subject)),
        _tone(normalize(ours + "\n" + own_subject), step),
        _informal(ours),
        _exclamations(ours + own_subject, limits),
        _fragment(edges(message_text, theirs)),
        _repetition(ours),
    ]
    if step == THANK_YOU:
        found += [
            _specific_point(message_text, recipient, interview),
            _gratitude(_before_sign_off(message_text, sender)),
        ]
        found += _notes(recipient, interview)
    return [item for item in found if item]


def _contains_any(text: str, phrases: Iterable[str]) -> str:
    """Return the first phrase found in the text (case-insensitive), or ""."""
    folded = normalize(text)
    return next((phrase for phrase in phrases if phrase and phrase in folded), "")


def name_words(name: str) -> list[str]:
    """Return the words of a person's name that a greeting may use (no titles)."""
    words = [word.strip(".,") for word in name.split()]
    return [word for word in words if word and word.casefold() not in TITLES]


def _greeting(text: str, recipient: Person, ours: str) -> Finding | None:
    """Flag a first line that does not name the recipient, or says "Hi" to a title."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    folded = straight(first).casefold()
    forms = {*name_forms(recipient.name, recipient.greeting), *name_words(recipient.name)}
    forms |= set(name_words(recipient.greeting))
    if not any(has_word(folded, straight(form).casefold()) for form in forms if form):
        return finding("greeting", first or "(empty message)")
    informal = re.match(r"\s*(?:hi|hello|hey)\s+(\w+)", folded)
    if informal and informal.group(1) in TITLES:
        return finding("greeting", f"{first!r}: a title takes 'Dear'")
    return None


def _interest(text: str) -> Finding | None:
    """Flag a message that never says you are still interested."""
    return None if _contains_any(text, INTEREST) else finding("interest", "no words of interest")


def _before_sign_off(text: str, sender: Sender) -> str:
    """Return the text before the sign-off ("With thanks," above your name)."""
    lines = text.splitlines()
    name = normalize(sender.name)
    at = [i for i, line in enumerate(lines) if name and normalize(line).startswith(name)]
    return "\n".join(lines[: max(at[-1] - 1, 0)]) if at else text


def _gratitude(text: str) -> Finding | None:
    """Flag a thank-you with no thanks in it."""
    return None if _contains_any(text, GRATITUDE) else finding("gratitude", "no thanks found")


def _specific_point(text: str, recipient: Person, interview: Interview) -> Finding | None:
    """Flag a thank-you that mentions neither the interviewer's notes nor a highlight."""
    names = name_forms(recipient.name, recipient.greeting)
    points = placed_forms(recipient.notes, names=names)
    for highlight in interview.highlights:
        points += placed_forms(highlight, names=names)
    wanted = [normalize(point).rstrip(".!?;, ") for point in points if point.strip()]
    if wanted and _contains_any(text, wanted):
        return None
    return finding("specific-point", "none found" if wanted else "no notes or highlights given")


def _notes(recipient: Person, interview: Interview) -> list[Finding]:
    """Flag each note or highlight that cannot be placed in a sentence, with how to write it."""
    names = name_forms(recipient.name, recipient.greeting)
    shared = len(interview.interviewers) > 1 and interview.format is not Format.ONE_ON_ONE
    found = []
    note = place(recipient.notes, names=names)
    if isinstance(note, Unplaced):
        where = f"notes of {recipient.name.strip()}"
        found.append(finding("note", f"{where}: {note.note!r} {note.reason}; {note.advice}"))
    for highlight in interview.highlights:
        placed = place(highlight, names=names, shared=shared)
        if isinstance(placed, Unplaced):
            text = f"highlight {placed.note!r} {placed.reason}; {placed.advice}"
            found.append(finding("note", text))
    return found


def _subject(subject: str, interview: Interview, limits: LintLimits) -> Finding | None:
    """Flag a missing, long or vague subject; a reply's subject is the thread's."""
    reply = bool(_REPLY_PREFIX.match(subject))
    own = _REPLY_PREFIX.sub("", subject, count=1).strip()
    if not own:
        return finding("subject", "no subject")
    if len(own) > limits.subject_chars:
        return finding("subject", f"{len(own)} characters, limit {limits.subject_chars}")
    named = {w for text in (interview.company, interview.role) for w in re.findall(r"\w{3,}", text)}
    if not reply and not any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", own, re.I) for w in named):
        return finding("subject", f"{own!r} names neither the role nor the company")
    return None


def _word_count(text: str, step: str, limits: LintLimits) -> Finding | None:
    """Flag a body over the word limit of its step."""
    limit = limits.nudge_words if followup_number(step) else limits.thank_you_words
    count = len(text.split())
    if count <= limit:
        return None
    kind = "a nudge" if followup_number(step) else "a thank-you" if step == THANK_YOU else "a note"
    return finding("word-count", f"{count} words; {kind} stays within {limit}")


def _signature(text: str, sender: Sender) -> Finding | None:
    """Flag a body without your full name followed by (or next to) a contact line."""
    lines = [normalize(line) for line in text.splitlines() if line.strip()]
    name = normalize(sender.name)
    at = [
        i
        for i, line in enumerate(lines)
        if name and name in line and len(line) < 3 * len(name) + 80
    ]
    if not at:
        return finding("signature", f"no line with your full name, {sender.name}")
    contacts = {normalize(line) for line in (*sender.signature, sender.email) if line.strip()}
    tail = lines[at[-1] :]
    if any(c in line for c in contacts for line in tail) or any(
        _CONTACT.search(line) for line in tail
    ):
        return None
    return finding("signature", "no contact line (phone, LinkedIn, email) with your name")


def _phrases(rule: str, patterns: tuple[re.Pattern[str], ...], text: str) -> Finding | None:
    """Flag the first phrase of a list that the text uses."""
    phrase = tone.first_match(patterns, text)
    return finding(rule, repr(phrase)) if phrase else None


def _tone(text: str, step: str) -> Finding | None:
    """Flag complaints and desperation; a gracious "I am disappointed" after a rejection is fine."""
    if step in (REJECTION, STAY_IN_TOUCH):
        text = tone.GRACIOUS.sub(" ", text)
    return _phrases("tone", tone.TONE, text)


def _informal(ours: str) -> Finding | None:
    """Flag "Hey", text-speak, emoji and words in capitals."""
    found = tone.informal(ours)
    return finding("informal", found) if found else None


def _exclamations(text: str, limits: LintLimits) -> Finding | None:
    """Flag more exclamation marks than the limit, in our own words."""
    count = text.count("!")
    if count <= limits.exclamations:
        return None
    return finding("exclamations", f"{count} exclamation marks, limit {limits.exclamations}")


_GLUED = (
    re.compile(r"\b(?!(?:that|had)\b)(\w+)\s+\1\b(?![-'’])", re.IGNORECASE),
    re.compile(r"\b(?:you|that|when|where) (?:She|He|They|She's|He's)\b"),
    re.compile(r"\b(?:that|when|where|as) you (?:she|he|they|his|her|him)\b"),
    re.compile(r"[?!]\s*\.|(?<!\.)\.\.(?!\.)|,\s*,|,\.|[;:]\s*\.|\s[,.;:?!](?:\s|$)"),
    re.compile(r"\(\s*\)|“\s*”|\"\s*\""),
)


def _fragment(text: str) -> Finding | None:
    """Flag glued fragments: doubled words, "you She asked", "you wants", "?.", ".."."""
    glued = glued_fragment(text)
    return finding("fragment", repr(glued)) if glued else None


def glued_fragment(text: str) -> str:
    """Return the first glued fragment in a text, or ""."""
    for pattern in _GLUED:
        found = pattern.search(text)
        if found:
            return found.group(0).strip()
    for match in re.finditer(r"(?<!thank )\byou (\w+s)\b", text, re.IGNORECASE):
        word = match.group(1).casefold()
        if base_of_present(word) and word not in ("always", "sometimes", "perhaps"):
            return match.group(0)
    for match in re.finditer(r"(\S+)\.\s+([a-z]\w*)", text):
        initialism = re.fullmatch(r"(?:\w\.)*\w", match.group(1))  # "a.m.", "U.S."
        if not initialism and not _ABBREVIATION.search(match.group(1) + "."):
            return match.group(0)
    return ""


def _repetition(ours: str) -> Finding | None:
    """Flag a word used in three sentences, or two sentences that open with the same words."""
    body = [line for line in ours.splitlines() if len(line.split()) > 3]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(body)) if s.strip(MASK + " ")]
    openings = Counter(" ".join(re.findall(r"[a-z']+", s.casefold())[:3]) for s in sentences)
    repeated = [o for o, n in openings.items() if n > 1 and len(o.split()) == 3]
    if repeated:
        return finding("repetition", f"two sentences open with {repeated[0]!r}")
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(
            {w for w in re.findall(r"[a-z]{4,}", sentence.casefold()) if w not in STOPWORDS}
        )
    word, times = counts.most_common(1)[0] if counts else ("", 0)
    return finding("repetition", f"{word!r} in {times} sentences") if times >= 3 else None
