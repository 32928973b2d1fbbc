"""What a note was about: the short topic a fit sentence can come back to.

"asked how I would cut on-call load" was about "how I would cut on-call load"; "walked me
through the roadmap" about "the roadmap"; "his question on idempotent consumers" about
"idempotent consumers". A topic too long to repeat, or only a pronoun, is no topic.
"""

from __future__ import annotations

import re

from followup_mailer.compose import lexicon as lx
from followup_mailer.compose.phrase import Phrase

MAX_TOPIC_WORDS = 12
_OBJECT_VERBS = lx.word_set(
    "compare discuss explain describe cover review outline sketch present introduce share show "
    "debate whiteboard design demo pitch mention"
)
_PARTICLE_VERBS = lx.word_set("walk talk go dig dive drill map")  # only with "through", "into"
_PARTICLES = lx.word_set("me us you through over into out up")
_TOPIC_BEFORE_ON = lx.word_set(
    "question questions thoughts views take deep time focus focused back insight insights "
    "advice tips feedback perspective"
)


def clause_topic(phrase: Phrase, verb: int) -> str:
    """Find what a clause was about: after "about", a verb's object, or an asked question."""
    for k in range(verb, phrase.count()):
        if phrase.word(k) in ("on", "around", "into") and phrase.word(k - 1) in _TOPIC_BEFORE_ON:
            return trim_topic(phrase, k + 1)
        if phrase.word(k) == "about":
            return trim_topic(phrase, k + 1)
    base = lx.base_of_past(phrase.word(verb)) or lx.base_of_present(phrase.word(verb))
    base = base or phrase.word(verb)
    k = verb + 1
    while phrase.word(k) in _PARTICLES:
        k += 1
    if base in ("ask", "wonder", "inquire") and phrase.word(k) in lx.WH_WORDS:
        return trim_topic(phrase, k)
    takes_object = base in _OBJECT_VERBS or (base in _PARTICLE_VERBS and k > verb + 1)
    if takes_object and phrase.word(k) not in lx.SUBJECT_PRONOUNS | {"that", ""}:
        return trim_topic(phrase, k)
    return ""


def trim_topic(phrase: Phrase, k: int) -> str:
    """Return the words from k as a topic, unless they are too long or only a pronoun."""
    topic = phrase.tail(k).strip(" ,;:")
    topic = re.split(r",|;| and then | but ", topic)[0].strip()
    topic = re.sub(r"^(?:notes|ideas|thoughts|views) (?:on|about) ", "", topic)
    words = topic.split()
    while words and (lx.lower(words[-1]) in lx.EVALUATIVE or lx.is_adverb(words[-1])):
        words.pop()  # "your take on observability really useful": the judgement goes
    topic = " ".join(words)
    if not words or len(words) > MAX_TOPIC_WORDS:
        return ""
    if lx.lower(topic) in lx.OBJECT_PRONOUNS | {"that", "this"}:
        return ""
    return "" if re.search(r"(?<!\w)['’]|['’](?!\w)|[\"“”]", topic) else topic


def head(phrase: Phrase) -> str:
    """Return the noun a noun phrase is about: the last word before its first preposition."""
    words = [phrase.word(k) for k in range(phrase.count())]
    cut = next((k for k, w in enumerate(words) if k and w in lx.PREPOSITIONS), len(words))
    return words[cut - 1]


def after_preposition(phrase: Phrase) -> str:
    """Return what follows the first preposition ("your question on X" -> "X"), or ""."""
    for k in range(1, phrase.count()):
        if phrase.word(k) in lx.PREPOSITIONS:
            return trim_topic(phrase, k + 1)
    return ""
