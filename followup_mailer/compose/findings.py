"""What the lint reports: a Finding per broken rule, the rules in words, and the limits."""

from __future__ import annotations

from dataclasses import dataclass

from followup_mailer.settings import LintLimits

DEFAULT_LIMITS = LintLimits()


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One broken rule: which, why it matters, and what was found."""

    rule: str
    explanation: str
    text: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.explanation} ({self.text})"


RULES: dict[str, str] = {
    "greeting": "the first line greets the recipient by name, in a register that fits",
    "specific-point": "a thank-you mentions a highlight or the interviewer's notes",
    "gratitude": "a thank-you says thank you",
    "interest": "the message renews your interest in the role",
    "subject": "a clear subject: present, at most 78 characters, naming the role or company",
    "word-count": "a thank-you stays within 200 words, a nudge within 120",
    "signature": "the message ends with your full name and a contact line",
    "tone": "no complaint, desperation or self-deprecation",
    "pushy": "no pressure: no demands, deadlines, ultimatums or pointed reminders",
    "informal": "no text-speak, emoji, shouting or 'Hey'",
    "exclamations": "at most one exclamation mark in your own words",
    "fragment": "no glued fragments: doubled words, 'you She asked', '?.', '..'",
    "repetition": "no word or sentence opening repeated across sentences",
    "note": "every note and highlight can be placed in a sentence",
    "panel-similarity": "notes to the interviewers of one panel are not near-identical",
}


def finding(rule: str, text: str) -> Finding:
    """Build a Finding with the rule's standard explanation."""
    return Finding(rule=rule, explanation=RULES[rule], text=text)
