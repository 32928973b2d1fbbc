"""Panel notes compared: interviewers compare notes, so no two may be near-identical.

Similarity is measured word by word (difflib's ratio over the word sequences) with every
person's name removed, so two notes that differ only in the name count as identical.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from difflib import SequenceMatcher

from followup_mailer.compose.findings import DEFAULT_LIMITS, Finding, finding
from followup_mailer.compose.owntext import normalize
from followup_mailer.settings import LintLimits


def lint_panel(
    bodies: Mapping[str, str],
    names: Iterable[str],
    limits: LintLimits = DEFAULT_LIMITS,
) -> list[tuple[str, str, Finding]]:
    """Flag each pair of panel notes whose bodies, names removed, are near-identical."""
    flagged = []
    for (first, second), ratio in panel_similarities(bodies, names).items():
        if ratio > limits.panel_similarity:
            text = f"{ratio:.0%} alike, limit {limits.panel_similarity:.0%}"
            flagged.append((first, second, finding("panel-similarity", text)))
    return flagged


def panel_similarities(
    bodies: Mapping[str, str], names: Iterable[str]
) -> dict[tuple[str, str], float]:
    """Return how alike each pair of panel notes is (0 to 1), names removed."""
    strip = _name_stripper(names)
    words = {email: strip(body) for email, body in bodies.items()}
    pairs = itertools.combinations(words, 2)
    return {(a, b): similarity(words[a], words[b]) for a, b in pairs}


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
