"""Questions jotted as notes, turned into reported questions or quoted word for word.

"how would I scale the pipeline?" is what they asked the user: it becomes "you asked how I
would scale the pipeline". "how does the team deploy?" names no one: it becomes the topic "how
the team deploys". Any other question is quoted as it was asked: "the question “Is remote
OK?”", or, when it was about the user, "your question, “How big was your last team?”".
"""

from __future__ import annotations

from dataclasses import dataclass

from followup_mailer.compose import lexicon as lx
from followup_mailer.compose.phrase import Phrase

_BACKSHIFT = lx.word_pairs("will:would can:could won't:wouldn't can't:couldn't")
_COPULAS = frozenset(["is", "was", "are", "were"])
_DO = frozenset(["do", "does", "did"])
_WH_IS = lx.word_set("what's how's where's who's when's why's")


@dataclass(frozen=True, slots=True)
class Asked:
    """A question read: the kind of phrase (notes.Kind), its text and topic, who it names."""

    kind: str
    text: str
    topic: str
    attributed: bool  # it says the person asked it


def read_question(phrase: Phrase) -> Asked | None:
    """Read a question whose first word is a wh-word or an auxiliary; None when too short."""
    words = [phrase.word(k) for k in range(phrase.count())]
    if len(words) < 2:
        return None
    raw = [phrase.raw(k) for k in range(phrase.count())]
    if words[0] in _WH_IS:  # "what's the plan" reads as "what is the plan"
        words[0:1], raw[0:1] = [words[0][:-2], "is"], [raw[0][:-2], "is"]
    mine = any(word in lx.FIRST_PERSON for word in words)
    if words[0] in lx.WH_WORDS - {"whether", "if"}:
        reported = _wh(words, raw)
    else:
        reported = _yes_no(words, raw)
    if reported is None:
        return _quoted(phrase, words, mine)
    if mine:
        return Asked("event", "you asked " + reported, reported, True)
    return Asked("topic", reported, reported, False)


def _wh(words: list[str], raw: list[str]) -> str | None:
    """Report a wh-question: "how would I scale X" -> "how I would scale X"."""
    aux, subject = words[1], words[2] if len(words) > 2 else ""
    if aux in lx.QUESTION_AUX and subject in ("i", "we"):
        return " ".join([raw[0], raw[2], *_verb_group(aux, words[3:], raw[3:])])
    rest = raw[2:]
    if aux in _COPULAS and subject in lx.DETERMINERS | lx.POSSESSIVES and _no_verb(words[2:]):
        return " ".join([raw[0], *rest, aux])
    if aux in _DO and subject and subject not in lx.SUBJECT_PRONOUNS:
        verb = _verb_after_subject(words)
        if verb is None:
            return None
        return " ".join([raw[0], *raw[2:verb], _inflect(aux, words[verb]), *raw[verb + 1 :]])
    return None


def _verb_after_subject(words: list[str]) -> int | None:
    """Find the verb after a question's subject: "how does the team deploy" -> "deploy"."""
    for k in range(3, min(len(words), 7)):
        if words[k] in lx.BASE_VERBS and words[k - 1] not in lx.DETERMINERS | lx.POSSESSIVES:
            return k
    return None


def _yes_no(words: list[str], raw: list[str]) -> str | None:
    """Report a yes/no question about the user: "do I have X" -> "whether I have X"."""
    if words[0] in lx.QUESTION_AUX and words[1] in ("i", "we"):
        return " ".join(["whether", raw[1], *_verb_group(words[0], words[2:], raw[2:])])
    return None


def _verb_group(aux: str, words: list[str], raw: list[str]) -> list[str]:
    """Put the auxiliary back after the subject: "do" goes, "did" makes the verb past."""
    if aux in ("do", "does"):
        return raw
    if aux == "did":
        k = next((i for i, word in enumerate(words) if not lx.is_adverb(word)), None)
        if k is None:
            return raw
        return [*raw[:k], lx.past_of(words[k]), *raw[k + 1 :]]
    return [_BACKSHIFT.get(aux, aux), *raw]


def _inflect(aux: str, base: str) -> str:
    """Give a verb the tense its "do" auxiliary carried: does+deploy -> deploys."""
    if aux == "does":
        return lx.third_person(base)
    return lx.past_of(base) if aux == "did" else base


def _no_verb(words: list[str]) -> bool:
    """Tell whether a copula question's rest is only a noun phrase (no verb, no -ing)."""
    return not any(w.endswith("ing") or w in lx.SUBJECT_PRONOUNS or lx.is_past(w) for w in words)


def _quoted(phrase: Phrase, words: list[str], mine: bool) -> Asked:
    """Quote a question as asked; one about the user is put back in the asker's words."""
    yours = any(word.startswith("you") for word in words)
    if mine and not yours:
        for k, word in enumerate(words):
            if word in lx.TO_ASKER:
                phrase.set(k, lx.TO_ASKER[word])
            elif word == "am":
                phrase.set(k, "are")
    text = phrase.text()
    text = text[:1].upper() + text[1:] + "?"
    if mine and not yours:
        return Asked("credit", f"your question, “{text}”", "", True)
    return Asked("credit", f"the question “{text}”", "", False)
