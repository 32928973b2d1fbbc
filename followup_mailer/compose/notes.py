"""Notes and highlights as people jot them, read into phrases addressed to the interviewer.

A note is read in four steps, each a rule a user can predict:

1. Tidy: spaces, a bullet, final stops and a final question mark are set aside (jotting.py).
2. Refuse what cannot be placed in a sentence, with advice: more than one point, too long, not
   in English, a doubt, a to-do ("mention my Kafka work") or an instruction.
3. Read the shape from the first words: a subject and its verb ("she asked", "we compared",
   "I loved", "the team is"), a verb with the subject left out ("asked how I would..."), a
   question (question.py), a quotation, or a noun phrase ("the on-call redesign", "his
   question on X").
4. Speak to the person: she/he/they and the person's name become "you", his/her/their become
   "your", and the verb after them agrees (speaker.py).

The result says what kind of phrase it is, so that points.py can choose a sentence frame that
fits it, and names a topic the fit sentence can come back to (topics.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from followup_mailer.compose import jotting
from followup_mailer.compose import lexicon as lx
from followup_mailer.compose.jotting import tidy
from followup_mailer.compose.phrase import Phrase
from followup_mailer.compose.placed import EXAMPLE, Kind, Placed, Unplaced
from followup_mailer.compose.question import read_question
from followup_mailer.compose.speaker import to_second_person, verb_tense
from followup_mailer.compose.topics import after_preposition, clause_topic, head

__all__ = ["Kind", "Placed", "Unplaced", "place", "tidy"]

_QUESTION_ADVICE = 'write what was asked, e.g. "asked how I would scale the pipeline"'
_SHARED_ADVICE = (
    'a highlight goes to every interviewer: write it as a topic ("my Kafka experience"), or '
    "put it in that interviewer's notes"
)
_TODO_ADVICE = (
    'write what happened, e.g. "asked about my Kafka experience", or a topic: "my Kafka experience"'
)
_TODO = "reads as a to-do, not as something from the conversation"
_CONVERSATION_NOUNS = lx.word_set("chat conversation talk discussion exchange debate deep-dive")
# Things that happened rather than were discussed: "the tour of the office" is appreciated.
_ACTIVITIES = lx.word_set(
    "tour lunch visit demo walkthrough exercise session coffee presentation introduction "
    "introductions welcome"
)


def place(
    note: str, *, names: Sequence[str] = (), shared: bool = False
) -> Placed | Unplaced | None:
    """Read a note (`shared`: a highlight every interviewer of a panel gets); None when empty."""
    return _place(note, tuple(names), shared)


@functools.lru_cache(maxsize=4096)  # a message reads each note several times; results are frozen
def _place(note: str, names: tuple[str, ...], shared: bool) -> Placed | Unplaced | None:
    text, question = tidy(note)
    if not text:
        return None
    problem = jotting.shape_problem(text)
    if problem:
        reason, advice = problem
        return Unplaced(note=note, reason=reason, advice=advice)
    if jotting.wholly_quoted(text):
        if jotting.says_something(text[1:-1], question):
            return jotting.quotation(note, text, question)
        text = text[1:-1].strip()  # a quoted noun phrase ("the golden path") is just a phrase
    phrase = Phrase.read(text)
    jotting.fix_pronoun_i(phrase)
    jotting.drop_lead_in(phrase)
    if phrase.count() == 0:
        return None
    attributed = to_second_person(phrase, names)
    if jotting.doubt(phrase):
        return Unplaced(note=note, reason="recalls a doubt", advice=jotting.DOUBT_ADVICE)
    if question and re.split("['’]", phrase.word(0))[0] in lx.WH_WORDS | lx.QUESTION_AUX:
        read = read_question(phrase)
        if read is None:
            return Unplaced(
                note=note, reason="is a question the sentence cannot quote", advice=_QUESTION_ADVICE
            )
        placed = Placed(kind=Kind(read.kind), text=read.text, topic=read.topic, note=note)
        return _shared_check(placed, attributed or read.attributed, shared)
    statement = _statement(note, phrase)
    if isinstance(statement, Unplaced):
        return statement
    placed, implied = statement
    return _shared_check(placed, attributed or implied, shared)


def _shared_check(placed: Placed, attributed: bool, shared: bool) -> Placed | Unplaced:
    """Refuse a shared highlight that says what one person did: the others did not do it."""
    if shared and attributed:
        return Unplaced(note=placed.note, reason="says what one person did", advice=_SHARED_ADVICE)
    return placed


def _statement(note: str, phrase: Phrase) -> tuple[Placed, bool] | Unplaced:
    """Read a note that is not a question; also say whether "you" was implied."""
    first = phrase.word(0)
    if first in ("I", "i") or first.startswith(("i'", "i’")):
        return _from_self(note, phrase), False
    verb = _subject_verb(phrase)
    if verb is not None:
        return _clause(note, phrase, verb), False
    lead = 0
    while lead < 2 and lx.is_adverb(phrase.word(lead)):  # "really liked my answer"
        lead += 1
    tense = verb_tense(phrase, lead)
    if tense and not (phrase.capitalized(0) and phrase.capitalized(1)):  # "Will Smith": a name
        first = phrase.word(lead)
        phrase.set(0, phrase.raw(0)[:1].lower() + phrase.raw(0)[1:])
        if lx.base_of_past(first) in lx.MUTUAL_VERBS:  # "discussed X": we did, together
            phrase.insert(0, "we")
            return _clause(note, phrase, 1), False
        phrase.insert(0, "you")
        to_second_person(phrase, (), agree_from=0)
        return _clause(note, phrase, 1), True
    read = _noun_phrase(note, phrase)
    return read if isinstance(read, Unplaced) else (read, False)


def _from_self(note: str, phrase: Phrase) -> Placed:
    """Read a note about the user: "I loved their focus on testing" is a sentence of its own."""
    k = 1
    while lx.is_adverb(phrase.word(k)):
        k += 1
    verb = phrase.word(k)
    own = phrase.word(0) != "i" or verb in lx.SENTIMENTS or not lx.is_past(verb)
    kind = Kind.OWN if own else Kind.EVENT
    return Placed(kind=kind, text=phrase.text(), topic=clause_topic(phrase, k), note=note)


def _subject_verb(phrase: Phrase) -> int | None:
    """Return the index of the verb after a subject ("we", "you", "the team", "Lee"), or None."""
    first = phrase.word(0)
    if first in ("we", "you") or first.startswith(("we'", "you'", "we’", "you’")):
        if phrase.word(1) == "and" and phrase.word(2) in ("i", "me"):
            return 3
        return 1
    if not (first in lx.DETERMINERS | lx.POSSESSIVES or phrase.capitalized(0)):
        return None
    for k in range(1, min(phrase.count(), 7)):
        word, previous = phrase.word(k), phrase.word(k - 1)
        if word in lx.SUBJECT_PRONOUNS | lx.WH_WORDS | lx.CONJUNCTIONS or word == "to":
            return None
        if previous in lx.DETERMINERS | lx.POSSESSIVES or previous.endswith(("'s", "’s")):
            continue
        if verb_tense(phrase, k):
            return k
    return None


def _clause(note: str, phrase: Phrase, verb: int) -> Placed:
    """Place a clause with its subject: past events and present facts take different frames."""
    k = verb
    while lx.is_adverb(phrase.word(k)):
        k += 1
    base = lx.base_of_past(phrase.word(k))
    reported = _reported(phrase, k) if base in lx.REPORTING_VERBS else None
    if reported is not None:
        return reported
    moment = verb_tense(phrase, k) == "past" and (base in lx.CONVERSATION_VERBS or k == 0)
    return Placed(
        kind=Kind.EVENT if moment else Kind.FACT,
        text=phrase.text(),
        topic=clause_topic(phrase, k),
        note=note,
    )


def _reported(phrase: Phrase, verb: int) -> Placed | None:
    """Read "you said (that) the team ships daily" as the fact it reports, or None."""
    k = verb + 1
    while phrase.word(k) in ("me", "us", "that"):
        k += 1
    inner = Phrase.read(phrase.tail(k))
    if inner.count() < 2 or inner.word(0) in ("i", "i'm", "i'd", "i've"):
        return None
    at = _subject_verb(inner)
    if at is None:
        return None
    return Placed(
        kind=Kind.FACT, text=inner.text(), topic=clause_topic(inner, at), note=phrase.text()
    )


def _noun_phrase(note: str, phrase: Phrase) -> Placed | Unplaced:
    """Place a noun phrase, or refuse a to-do or an instruction."""
    first, second = phrase.word(0), phrase.word(1)
    if first in ("thank", "thanks") and "for" in [phrase.word(k) for k in range(1, 4)]:
        at = [phrase.word(k) for k in range(phrase.count())].index("for")
        rest = phrase.tail(at + 1)
        return (
            Placed(kind=Kind.THANKS, text=rest, topic=rest, note=note)
            if rest
            else Unplaced(note=note, reason="is empty", advice=EXAMPLE)
        )
    if first in lx.TODO_VERBS and (not phrase.capitalized(0) or second not in lx.PREPOSITIONS):
        return Unplaced(note=note, reason=_TODO, advice=_TODO_ADVICE)
    openers = lx.DETERMINERS | lx.POSSESSIVES | lx.OBJECT_PRONOUNS | lx.WH_WORDS
    if first in lx.BASE_VERBS and second in openers - {"that"}:
        return Unplaced(note=note, reason="reads as an instruction", advice=_TODO_ADVICE)
    head_noun = head(phrase)
    if head_noun in _CONVERSATION_NOUNS and after_preposition(phrase):  # "a long chat about X"
        topic = after_preposition(phrase)
        return Placed(kind=Kind.TOPIC, text=topic, topic=topic, note=note)
    owned = first in lx.DETERMINERS | lx.POSSESSIVES or first.endswith(("'s", "’s"))
    if head_noun in lx.CONTRIBUTIONS and not owned:
        phrase.insert(0, "your")  # "great question on X": theirs, so "your great question"
        first = "your"
    text = phrase.text()
    if (first == "your" and head_noun in lx.CONTRIBUTIONS) or (owned and head_noun in _ACTIVITIES):
        return Placed(kind=Kind.CREDIT, text=text, topic=after_preposition(phrase), note=note)
    return Placed(kind=Kind.TOPIC, text=text, topic=text, note=note)


_CONVERSATION_NOUNS = lx.word_set("chat conversation talk discussion exchange debate deep-dive")
# Things that happened rather than were discussed: "the tour of the office" is appreciated.
_ACTIVITIES = lx.word_set(
    "tour lunch visit demo walkthrough exercise session coffee presentation introduction "
    "introductions welcome"
)


_TODO_ADVICE = (
    'write what happened, e.g. "asked about my Kafka experience", or a topic: "my Kafka experience"'
)
