"""Masking the user's words: str.find on lowercased text masks exactly what the regex did.

The reference below is the regex owntext.py compiled for every message before: one
case-insensitive alternation of the words, in their order, each guarded as a whole word. The
fast path must agree with it on every text and word list, the awkward cases included: letters
whose case the regex and str.lower() treat differently ("ſ", "ı", "İ", "ß", Greek sigmas,
"µ", the Kelvin sign), words inside words, words overlapping, punctuation-only words,
apostrophes straight and curly, and a word repeated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_mailer.compose.owntext import (
    MASK,
    _plain_character,
    _spans,
    edges,
    has_word,
    masked,
)
from tests.conftest import examples

Replacement = str | Callable[[re.Match[str]], str]


def reference(text: str, words: list[str], replacement: Replacement) -> str:
    """Substitute the words as the one regex of them did."""
    text = text.replace("’", "'")
    if not words:
        return text
    alternatives = []
    for word in words:
        start = r"(?<!\w)" if re.match(r"\w", word) else ""
        end = r"(?!\w)" if re.search(r"\w$", word) else ""
        alternatives.append(start + re.escape(word) + end)
    return re.compile("|".join(alternatives), re.IGNORECASE).sub(replacement, text)


def reference_masked(text: str, words: list[str]) -> str:
    return reference(text, words, MASK)


def reference_edges(text: str, words: list[str]) -> str:
    def keep_ends(match: re.Match[str]) -> str:
        parts = match.group(0).split()
        return match.group(0) if len(parts) < 3 else f"{parts[0]} {MASK} {parts[-1]}"

    return reference(text, words, keep_ends)


# Letters the fast path takes (the Kelvin sign, the Angstrom sign, titlecase "ǅ", σ and μ
# included), letters it leaves to the regex (with the dot "İ" lowercases to), and what sits
# between words.
PLAIN_LETTERS = "aAbBiIsSkKKeéÉåÅÅǅǄǆσμΜ"
AWKWARD_LETTERS = "ſıİßẞςΣµϐﬁ\u0307"
BETWEEN = " \n0_'’-.,!?▢"
PLAIN_ALPHABET = PLAIN_LETTERS + BETWEEN
EVERY_ALPHABET = PLAIN_ALPHABET + AWKWARD_LETTERS
RECASED: list[Callable[[str], str]] = [str, str.upper, str.lower, str.swapcase, str.title]
PUNCTUATION_WORDS = ["!", "?.", "...", "-", "'", "’", "'s", "’s", "a'b", "▢", "\n", "_"]


@st.composite
def word_lists(draw: st.DrawFn, text: str, alphabet: str) -> list[str]:
    """Draw words that occur in the text (recased), words of the alphabet, punctuation, and
    now and then a repeated or an empty word, in user_words' order or any order."""
    words: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["in text", "in text", "free", "punctuation"]))
        if kind == "in text" and text:
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, min(len(text), start + 12)))
            words.append(draw(st.sampled_from(RECASED))(text[start:end]))
        elif kind == "punctuation":
            words.append(draw(st.sampled_from(PUNCTUATION_WORDS)))
        else:
            words.append(draw(st.text(alphabet, min_size=1, max_size=6)))
    repeat = draw(st.booleans())
    if words and repeat:
        words.append(draw(st.sampled_from(words)))
    if draw(st.integers(0, 19)) == 0:
        words.append("")  # matches everywhere: the regex must still decide
    if draw(st.booleans()):
        words.sort(key=len, reverse=True)
    return words


@st.composite
def texts_and_words(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Draw a text and words; half of the texts are plain, so the fast path is taken often."""
    alphabet = draw(st.sampled_from([PLAIN_ALPHABET, EVERY_ALPHABET]))
    text = draw(st.text(alphabet, max_size=40))
    return text, draw(word_lists(text, alphabet))


@settings(max_examples=examples(300))
@given(case=texts_and_words())
def test_masking_matches_the_regex_on_any_text_and_words(case: tuple[str, list[str]]) -> None:
    text, words = case
    assert masked(text, words) == reference_masked(text, words)
    assert edges(text, words) == reference_edges(text, words)


def test_a_plain_character_matches_under_ignorecase_exactly_as_lower_folds_it() -> None:
    """Every cased letter of the Latin, Greek, Cyrillic and Armenian blocks, Latin and Greek
    Extended, the letterlike symbols and the Latin ligatures, with ASCII and punctuation."""
    blocks = [range(0x0530), range(0x1E00, 0x2070), range(0x2100, 0x2190), range(0xFB00, 0xFB07)]
    chars = [chr(code) for block in blocks for code in block]
    cased = [c for c in chars if c.lower() != c or c.upper() != c or c.isascii() or c in BETWEEN]
    plain = [c for c in cased if _plain_character(c)]
    everything = "".join(plain)
    for char in plain:
        matched = re.findall(re.escape(char), everything, re.IGNORECASE)
        assert matched == [c for c in plain if c.lower() == char.lower()], char


def test_the_awkward_letters_are_left_to_the_regex() -> None:
    assert [c for c in "ſıİßẞςΣµϐﬁ" if _plain_character(c)] == []
    assert all(_plain_character(chr(code)) for code in range(128))  # text.isascii() suffices


def test_the_fast_path_is_taken_for_a_plain_message_and_not_for_an_awkward_one() -> None:
    words = ["Senior Backend Engineer", "María Núñez", "Acme Corp", "Núñez"]
    assert _spans("Hi María — thank you, Acme Corp!", tuple(words)) is not None
    assert _spans("Hi Yıldız — thank you, Acme Corp!", tuple(words)) is None
    assert _spans("Hi María", ("Yıldız",)) is None


def test_the_company_and_the_names_are_masked_as_whole_words() -> None:
    words = ["Acme Corp", "Dana Smith", "Dana", "Ann"]
    text = "Hi Dana, thanks to DANA SMITH and Anna at ACME corp’s office; Ann too."
    assert masked(text, words) == "Hi ▢, thanks to ▢ and Anna at ▢'s office; ▢ too."


def test_the_first_word_in_order_wins_where_two_start_together() -> None:
    assert masked("on-call load", ["on-call", "on-call load"]) == "▢ load"
    assert masked("on-call load", ["on-call load", "on-call"]) == "▢"


def test_scanning_resumes_after_a_match_so_overlaps_are_not_masked_twice() -> None:
    assert masked("one two three", ["two three", "one two"]) == "▢ three"  # leftmost first
    assert masked("aaaa", ["aa"]) == "aaaa"  # inside a word: no match at all
    assert masked("!!!", ["!!"]) == "▢!"


def test_punctuation_and_apostrophes_are_masked_where_they_stand() -> None:
    assert masked("Yahoo! Great!", ["Yahoo!"]) == "▢ Great!"
    assert masked("Dana’s team", ["Dana's"]) == "▢ team"
    assert masked("x?.y", ["?."]) == "x▢y"


def test_edges_keep_the_first_and_last_word_of_a_long_piece() -> None:
    words = ["you asked how I would cut on-call load", "Dana"]
    text = "Dana, you asked how I would cut on-call load."
    assert edges(text, words) == "Dana, you ▢ load."


def test_awkward_letters_mask_as_the_regex_did() -> None:
    cases = [
        ("Yıldız and YILDIZ and yildiz", ["Yıldız"]),
        ("Strauß and STRAUSS and Straub", ["Strauß"]),
        ("İstanbul and istanbul", ["istanbul"]),
        ("ΟΔΟΣ and οδος and οδοσ", ["οδος"]),
        ("5 µm and 5 μm", ["µm"]),
        ("ſtop and stop", ["STOP"]),
    ]
    for text, words in cases:
        assert masked(text, words) == reference_masked(text, words), text
        assert edges(text, words) == reference_edges(text, words), text


@settings(max_examples=examples(300))
@given(text=st.text(EVERY_ALPHABET, max_size=30), word=st.text(EVERY_ALPHABET, max_size=4))
def test_a_whole_word_is_found_where_the_regex_finds_it(text: str, word: str) -> None:
    expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
    assert has_word(text, word) == expected
