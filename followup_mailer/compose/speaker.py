"""Who a note speaks about: third person becomes second, and verbs agree with "you".

The person a note is about is "she", "he", "they", or their name; in the message they are
"you". "They" may also mean the company, which reads just as well as "you" (their stack is
your stack), unless a plural noun came first ("my reports said they..."), in which case it is
left alone. Words inside quotation marks are someone's exact words and never change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from followup_mailer.compose import lexicon as lx
from followup_mailer.compose.phrase import Phrase

_SINGULAR = lx.word_pairs(
    "she:you he:you him:you his:your hers:yours herself:yourself himself:yourself "
    "she's:you're he's:you're she'd:you'd he'd:you'd she'll:you'll he'll:you'll"
)
_PLURAL = lx.word_pairs(
    "they:you them:you their:your theirs:yours themselves:yourselves themself:yourself "
    "they're:you're they've:you've they'd:you'd they'll:you'll"
)
_SUBJECTS = lx.word_set("she he she'd he'd she'll he'll")
_NOT_PLURAL = lx.word_set("us is was has does its this yes his hers whereas perhaps less")
_NOT_AFTER_HER = lx.PREPOSITIONS | lx.DETERMINERS | lx.CONJUNCTIONS | lx.OBJECT_PRONOUNS
_NOT_AFTER_HER |= lx.POSSESSIVES | lx.WH_WORDS | {"that", "to", "as", "too", "again"}


def to_second_person(phrase: Phrase, names: Sequence[str], agree_from: int | None = None) -> bool:
    """Turn the person (pronouns, `names`) into "you"; return whether a word named them."""
    named = _names_to_you(phrase, names)
    for k in range(phrase.count()):
        if phrase.is_quoted(k):
            continue
        word = phrase.word(k)
        if word in _SINGULAR or word == "her":
            named = True
            _replace(phrase, k, _singular(phrase, k))
            if word in _SUBJECTS:
                _agree(phrase, k)
                _agree_aux_before(phrase, k)
        elif word in _PLURAL and not _plural_before(phrase, k):
            _replace(phrase, k, _PLURAL[word])
            if word == "they":
                _agree_aux_before(phrase, k)
    if agree_from is not None:
        _agree(phrase, agree_from)
    return named


def _names_to_you(phrase: Phrase, names: Sequence[str]) -> bool:
    """Replace the person's name with "you" ("Dana's" with "your"); return whether it was there."""
    found = False
    variants = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    for name in variants:
        parts = re.findall(r"\w[\w'’-]*", name)
        if not parts:  # a "name" of punctuation only names no one
            continue
        k = 0
        while k + len(parts) <= phrase.count():
            if _matches(phrase, k, parts):
                possessive = lx.lower(phrase.raw(k + len(parts) - 1)).endswith("'s")
                if len(parts) > 1:
                    phrase.drop(k + 1, len(parts) - 1)
                phrase.set(k, "your" if possessive else "you")
                if not possessive:
                    _agree(phrase, k)
                found = True
            k += 1
    return found


_S = ("'s", "’s")  # a name's possessive ending


def _matches(phrase: Phrase, k: int, parts: list[str]) -> bool:
    """Tell whether the words from k spell the name (the last may carry "'s")."""
    for i, part in enumerate(parts):
        word = phrase.raw(k + i)
        if phrase.is_quoted(k + i):
            return False
        last = i == len(parts) - 1
        if word != part and not (last and word[: len(part)] == part and word[len(part) :] in _S):
            return False
    return True


def _singular(phrase: Phrase, k: int) -> str:
    """Return what "she", "her", "his"... become; "her" is "your" before a noun."""
    word = phrase.word(k)
    if word == "her":
        nxt = phrase.word(k + 1)
        owns = phrase.next_is_word(k) and nxt and nxt not in _NOT_AFTER_HER
        return "your" if owns and not verb_tense(phrase, k + 1) else "you"
    if word in ("she's", "he's") and phrase.word(k + 1) in lx.PARTICIPLES | {"been", "got"}:
        return "you've"
    return _SINGULAR[word]


def _plural_before(phrase: Phrase, k: int) -> bool:
    """Tell whether a plural noun before word k could be what "they" means."""
    for j in range(k):
        word = phrase.word(j)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            owner = phrase.word(j - 1) if j else ""
            owned = owner in lx.DETERMINERS | lx.POSSESSIVES or owner.endswith("'s")
            if owned and word not in _NOT_PLURAL:
                return True
    return False


def _replace(phrase: Phrase, k: int, word: str) -> None:
    """Replace the k-th word, keeping a curly apostrophe if the user typed one."""
    if "’" in phrase.raw(k):
        word = word.replace("'", "’")
    phrase.set(k, word)


def _agree(phrase: Phrase, subject: int) -> None:
    """Make the verb after a new "you" agree with it, and the verbs joined to it by "and"."""
    k = subject + 1
    while lx.is_adverb(phrase.word(k)):
        k += 1
    _agree_word(phrase, k)
    for j in range(k + 1, phrase.count()):
        word = phrase.word(j)
        if word in lx.SUBJECT_PRONOUNS | lx.WH_WORDS | {"that"}:
            return
        if word in ("and", "but", "or", "then"):
            n = j + 1
            while lx.is_adverb(phrase.word(n)):
                n += 1
            if lx.base_of_present(phrase.word(n)) and verb_tense(phrase, n):
                _agree_word(phrase, n)


def _agree_word(phrase: Phrase, k: int) -> None:
    """Put one verb in the form "you" takes."""
    if 0 <= k < phrase.count() and not phrase.is_quoted(k):
        raw = phrase.raw(k)
        _replace(phrase, k, lx.second_person(raw.replace("’", "'")))


def _agree_aux_before(phrase: Phrase, subject: int) -> None:
    """In a question, make the auxiliary before the new "you" agree ("does she" -> "do you")."""
    if subject and phrase.word(subject - 1) in lx.AGREEMENT:
        _agree_word(phrase, subject - 1)


def verb_tense(phrase: Phrase, k: int) -> str:
    """Return "past" or "present" when the k-th word is a finite verb, else ""."""
    word, nxt = phrase.word(k), phrase.word(k + 1)
    if not word or phrase.is_quoted(k):
        return ""
    if word in _PAST_AUX:
        return "past"
    if word in _PRESENT_AUX or word in lx.MODALS:
        return "present"
    complement = _opens_complement(phrase, k + 1)
    if word in lx.ADJECTIVE_PASTS:
        return "past" if complement else ""
    if lx.is_known_past(word):
        return "past"
    if lx.is_past(word):
        return "past" if complement else ""
    base = lx.base_of_present(word)
    if not base or base == "be" or nxt == "of" or (nxt == "for" and base in ("plan", "need")):
        return ""
    if nxt in lx.PREPOSITIONS and base not in _PREPOSITIONAL:  # "questions on X" is a noun
        return "present" if word in _SURE_PRESENT else ""
    return "present" if word in _SURE_PRESENT or (nxt and complement) else ""


_PAST_AUX = lx.word_set("was were had did wasn't weren't hadn't didn't")
_PRESENT_AUX = lx.word_set(
    "is are am has have do does isn't aren't hasn't haven't don't doesn't 's 're 've"
)
_PREPOSITIONAL = lx.word_set("work focus care talk worry report run lead")
_SURE_PRESENT = lx.word_set(
    "wants thinks believes likes loves prefers expects seems says knows owns manages oversees "
    "cares feels sounds wishes intends means enjoys hopes"
)


def _opens_complement(phrase: Phrase, k: int) -> bool:
    """Tell whether the k-th word can start what follows a verb (an object, "to", an adverb)."""
    word = phrase.word(k)
    if not word:
        return True
    return (
        lx.is_function_word(word)
        or lx.is_adverb(word)
        or word[0].isdigit()
        or phrase.capitalized(k)
        or phrase.is_quoted(k)
    )
