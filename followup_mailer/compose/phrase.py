"""A note as a list of tokens that can be read word by word and edited in place.

Only words are ever changed; the punctuation and spacing the user typed stay as they were, and
words inside quotation marks are never changed at all (they are someone's exact words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from followup_mailer.compose.lexicon import lower

_TOKEN = re.compile(r"(\w[\w'’\-]*|[^\w\s])(\s*)")
QUOTES = frozenset("\"“”‘'’")  # a lone ' or ’ is a quotation mark; inside a word it is not


@dataclass
class Phrase:
    """Tokens with the space after each; `words` indexes the tokens that are words.

    Reading a note asks for `words` over a hundred times, so it is worked out once and kept until
    a method here changes the tokens (nothing else may change them)."""

    tokens: list[str]
    spaces: list[str]
    quoted: set[int] = field(default_factory=set)
    _words: tuple[int, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def read(cls, text: str) -> Phrase:
        """Split text into tokens, marking those inside quotation marks."""
        pairs = _TOKEN.findall(text)
        phrase = cls([token for token, _ in pairs], [space for _, space in pairs])
        inside = False
        for index, token in enumerate(phrase.tokens):
            if token in QUOTES:
                inside = not inside
            elif inside:
                phrase.quoted.add(index)
        return phrase

    def text(self) -> str:
        """Join the tokens back with the spacing they had."""
        return "".join(t + s for t, s in zip(self.tokens, self.spaces, strict=True)).strip()

    @property
    def words(self) -> tuple[int, ...]:
        """Return the token indexes of the words, in order."""
        if self._words is None:
            self._words = tuple(i for i, token in enumerate(self.tokens) if _is_word(token))
        return self._words

    def word(self, k: int) -> str:
        """Return the k-th word folded for lookups, or "" past either end."""
        words = self.words
        return lower(self.tokens[words[k]]) if 0 <= k < len(words) else ""

    def raw(self, k: int) -> str:
        """Return the k-th word as written."""
        words = self.words
        return self.tokens[words[k]] if 0 <= k < len(words) else ""

    def count(self) -> int:
        """Return the number of words."""
        return len(self.words)

    def is_quoted(self, k: int) -> bool:
        """Tell whether the k-th word sits inside quotation marks."""
        words = self.words
        return 0 <= k < len(words) and words[k] in self.quoted

    def capitalized(self, k: int) -> bool:
        """Tell whether the k-th word starts with a capital letter (a name, "I")."""
        return self.raw(k)[:1].isupper()

    def next_is_word(self, k: int) -> bool:
        """Tell whether the k-th word is followed directly by another word (no punctuation)."""
        words = self.words
        return k + 1 < len(words) and words[k + 1] == words[k] + 1

    def set(self, k: int, word: str) -> None:
        """Replace the k-th word."""
        self.tokens[self.words[k]] = word
        self._words = None  # the new text may not be a word

    def drop(self, k: int, n: int = 1) -> None:
        """Remove n words from the k-th on, with any punctuation between them."""
        words = self.words
        first, last = words[k], words[k + n - 1]
        del self.tokens[first : last + 1]
        del self.spaces[first : last + 1]
        self._words = None
        self.quoted = {
            i if i < first else i - (last + 1 - first) for i in self.quoted if i < first or i > last
        }

    def insert(self, k: int, word: str) -> None:
        """Insert a word before the k-th word (or at the end)."""
        words = self.words
        at = words[k] if k < len(words) else len(self.tokens)
        self.tokens.insert(at, word)
        self.spaces.insert(at, " ")
        self._words = None
        self.quoted = {i if i < at else i + 1 for i in self.quoted}

    def strip_leading_punctuation(self) -> None:
        """Drop punctuation before the first word (a bullet, a colon left by a dropped word)."""
        while self.tokens and not (self.tokens[0][0].isalnum() or self.tokens[0] in QUOTES):
            del self.tokens[0], self.spaces[0]
            self.quoted = {i - 1 for i in self.quoted}
            self._words = None

    def tail(self, k: int) -> str:
        """Return the text from the k-th word to the end."""
        words = self.words
        if k >= len(words):
            return ""
        start = words[k]
        return "".join(
            t + s for t, s in zip(self.tokens[start:], self.spaces[start:], strict=True)
        ).strip()

    def span(self, k: int, end: int) -> str:
        """Return the text of words k..end-1 with what lies between them."""
        words = self.words
        if k >= min(end, len(words)):
            return ""
        first, last = words[k], words[min(end, len(words)) - 1]
        pairs = zip(self.tokens[first : last + 1], self.spaces[first : last + 1], strict=True)
        return "".join(t + s for t, s in pairs).strip()


def _is_word(token: str) -> bool:
    """Tell whether a token is a word (it starts with a letter, a digit or "_")."""
    return token[0].isalnum() or token[0] == "_"
