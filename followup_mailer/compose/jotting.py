"""Notes as they are jotted: tidied, refused when they cannot sit in one sentence, quoted.

These are the first two steps of reading a note (notes.py has the rest): set aside what is
only punctuation or habit (a bullet, "!!", "re:", a doubled word), and refuse with advice what
no sentence can hold (two points, a note in another language, thirty words, a doubt).
"""

from __future__ import annotations

import re
import unicodedata

from followup_mailer.compose import lexicon as lx
from followup_mailer.compose.phrase import Phrase
from followup_mailer.compose.placed import EXAMPLE, Kind, Placed
from followup_mailer.compose.speaker import verb_tense

MAX_WORDS = 30
DOUBT_ADVICE = (
    "a thank-you recalls the good moments: answer a doubt in `addendum` instead "
    '("I have since shipped a caching layer that...")'
)
_ABBREVIATIONS = lx.word_set("e.g i.e g e dr mr ms mrs prof vs etc inc st jr sr no approx")
_LEAD_INS = lx.word_set("re about regarding topic note notes when that also and plus oh btw ps q")
_LOWER_FIRST = (
    lx.DETERMINERS | lx.POSSESSIVES | lx.SUBJECT_PRONOUNS | lx.PREPOSITIONS | lx.WH_WORDS
) - {"i"}


def tidy(note: str) -> tuple[str, bool]:
    """Return the note without extra spaces, bullet or final stops, and whether it asked."""
    text = " ".join(note.split())
    text = re.sub(r"^(?:[-*•·–]+\s*|\d+[.)]\s+)", "", text)
    text = re.sub(r"\s+([?!.,;:])", r"\1", text)
    text = re.sub(r"\b(?!(?:that|had)\b)(\w+)(\s+\1)+\b", r"\1", text, flags=re.IGNORECASE)
    question = False
    while text and text[-1] in ".!;,:…?":
        question = question or text[-1] == "?"
        text = text[:-1].rstrip()
    return text, question


def shape_problem(text: str) -> tuple[str, str] | None:
    """Say why a note cannot sit inside one sentence (reason, advice), or None."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "has no words", EXAMPLE
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    if latin < len(letters) / 2:
        return "is not in English, the language of the messages", "write the note in English"
    if _sentences(text) > 1:
        one = 'keep one point per note, e.g. "asked how I would cut on-call load"'
        return "holds more than one point", one
    words = re.findall(r"\w[\w'’-]*", text)
    if len(words) > MAX_WORDS:
        return f"has {len(words)} words, too many for one sentence", f"keep it under {MAX_WORDS}"
    if len(words) > 2 and sum(1 for w in words if w.isupper() and len(w) > 1) > len(words) / 2:
        return "is written in capitals", "write it in ordinary case"
    return None


def _sentences(text: str) -> int:
    """Count the sentences outside quotation marks (an abbreviation's stop ends none)."""
    outside = re.sub(r"[\"“][^\"”]*[\"”]", "quote", text)
    breaks = 0
    for match in re.finditer(r"(\w*)([.!?;])\s+\S", outside):
        word = lx.lower(match.group(1))
        if match.group(2) != "." or (word not in _ABBREVIATIONS and len(word) > 1):
            breaks += 1
    return breaks + 1


def wholly_quoted(text: str) -> bool:
    """Tell whether the whole note is one quotation."""
    if text[:1] in "'‘" and text[-1:] in "'’" and len(text) > 2:
        return not re.search(r"\s['‘]|['’]\s", text[1:-1])
    marks = [c for c in text if c in '"“”']
    return len(marks) == 2 and text[0] in '"“' and text[-1] in '"”'


def says_something(inner: str, question: bool) -> bool:
    """Tell whether quoted words are a remark or a question, not only a noun phrase."""
    if question or inner.rstrip().endswith("?"):
        return True
    phrase = Phrase.read(inner)
    words = {phrase.word(k) for k in range(phrase.count())}
    return bool(words & lx.SUBJECT_PRONOUNS) or any(
        verb_tense(phrase, k) for k in range(1, phrase.count())
    )


def quotation(note: str, text: str, question: bool) -> Placed:
    """Quote someone's exact words, unattributed: "the question “How do you deploy?”"."""
    inner = text[1:-1].strip()
    inner = inner[:1].upper() + inner[1:]
    asks = inner.endswith("?") or question
    if inner[-1:] not in ".?!":
        inner += "?" if asks else "."
    noun = "the question" if asks else "the remark"
    return Placed(kind=Kind.CREDIT, text=f"{noun} “{inner}”", topic="", note=note)


def fix_pronoun_i(phrase: Phrase) -> None:
    """Capitalise the pronoun "i" and its contractions ("i'd" -> "I'd")."""
    for k in range(phrase.count()):
        word = phrase.raw(k)
        if not phrase.is_quoted(k) and re.fullmatch(r"i(?:['’](?:m|d|ve|ll))?", word):
            phrase.set(k, "I" + word[1:])


def drop_lead_in(phrase: Phrase) -> None:
    """Drop words that only introduce the note ("re:", "about", "when", "also"...)."""
    while phrase.count() > 1 and phrase.word(0) in _LEAD_INS and not phrase.is_quoted(0):
        if phrase.word(0) == "that" and phrase.word(1) in lx.DETERMINERS:
            break  # "that moment when...": a noun phrase
        phrase.drop(0)
        phrase.strip_leading_punctuation()
    if phrase.count() and phrase.word(0) in _LOWER_FIRST and phrase.raw(0) != "I":
        phrase.set(0, phrase.raw(0)[:1].lower() + phrase.raw(0)[1:])


def doubt(phrase: Phrase) -> bool:
    """Tell whether the note says they were not convinced ("wasn't sure about my Go")."""
    words = [phrase.word(k) for k in range(phrase.count())]
    for k, word in enumerate(words[:-1]):
        if word in lx.NEGATIONS and any(w in lx.DOUBTS for w in words[k + 1 : k + 3]):
            return True
    return False
