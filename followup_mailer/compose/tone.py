"""The phrases a career coach strikes out, by rule; each pattern is one plain-English habit.

The patterns run on our own words only (lint.py masks the user's notes, names and company
first), lower-cased, with curly apostrophes straightened and spaces collapsed.
"""

from __future__ import annotations

import re

_I_WILL = r"i(?:'ll| will| would| am going to| have to| will have to)"
PUSHY = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?:as )?per my (?:last|previous|earlier) (?:e-?mail|message|note)",
        r"\bas i (?:already |previously )?(?:mentioned|said|stated|noted|explained)\b",
        r"(?:^|[.!?]\s+)any (?:updates?|news)\b",
        r"\bany (?:updates?|news)(?: yet| on this| at all)?\s*\?",
        r"\b(?:just )?(?:checking|following|circling) (?:in|up|back) "
        r"(?:again|yet again|one more time)",
        r"\bbump(?:ing)? (?:this|my (?:e-?mail|message|note))",
        r"\b(?:haven't|have not|hasn't|has not|never) (?:yet )?heard (?:back|anything|from you)",
        r"\bno (?:response|reply|answer|word) (?:yet|so far)",
        r"\b(?:didn't|did not|never|haven't|have not) (?:yet )?"
        r"(?:respond|replied|reply|gotten back|get back|answer)",
        r"\bi (?:really )?(?:need|require|expect|must have) (?:a|an|your) "
        r"(?:decision|answer|response|reply|update)",
        r"\b(?:need|expect) (?:to hear|an answer|a decision|a response|a reply) (?:back )?"
        r"(?:from you )?(?:by|before|within)\b",
        r"(?:^|[.!?]\s+|please |kindly |you (?:must|need to|should) |(?:can|could) you )"
        r"(?:respond|reply|get back to me|let me know|decide|answer) (?:by|before|within)\b",
        r"\b(?:by|before) (?:the )?"
        r"(?:end of (?:the )?(?:day|week|business)|eod|eow|cob|close of business)\b",
        r"\basap\b|\bas soon as possible\b|\burgent(?:ly)?\b|\bimmediately\b|\bright away\b",
        rf"\botherwise,? {_I_WILL}\b|\bor else\b",
        r"\bif i (?:don't|do not) hear (?:back )?(?:from you )?(?:by|before|soon|within|this)",
        r"\bif you (?:don't|do not|can't|cannot) (?:respond|reply|get back|answer|decide)",
        rf"\b{_I_WILL} (?:accept|take|go with|sign) "
        r"(?:another|the other|a different|a competing|their) (?:offer|role|position|job)",
        rf"\b{_I_WILL} (?:withdraw|move on|assume)",
        r"\b(?:friendly|gentle|quick) reminder\b|^reminder\b",
        r"\bdid you (?:get|receive|see|read) my (?:last |previous |earlier )?"
        r"(?:e-?mail|message|note)",
        r"\bplease advise\b|\bkindly (?:revert|respond|reply)",
        r"\bstill waiting\b|\bwaiting (?:on|for) (?:you|your (?:reply|response|answer|decision))",
        r"\bwhy (?:haven't|have you not|hasn't|didn't|did you not)\b",
        r"\bwhat is taking\b|\btaking (?:so|this) long",
        r"\?{2,}|\?!|!\?",
        rf"\b{_I_WILL} (?:call|phone|stop by|drop by|come by|keep calling)\b",
        r"\byou (?:need|have|must) to (?:respond|reply|decide|tell me|let me know|get back)",
        r"\bi deserve (?:a|an) (?:answer|response|reply)",
        r"\bi(?:'ve| have) (?:been waiting|waited) ",
    )
)
TONE = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bdesperate(?:ly)?\b|\bi (?:really )?need this (?:job|role|position)\b",
        r"\bplease (?:give me a chance|hire me|consider me,? please)\b|\bplease,? please\b",
        r"\b(?:i'll|i will|i would|i'd) do anything\b|\bbeg(?:ging)?\b",
        r"\bmy (?:last|only) (?:hope|chance)\b",
        r"\bi can't afford\b|\b(?:unemployed|out of work) (?:for|since)\b",
        r"\b(?:i'd|i would) (?:take|accept) any (?:salary|pay|offer)\b|\bwork for less\b",
        r"\bfrustrat|\bunacceptable\b|\bignored\b|\bunprofessional\b|\brude(?:ly|ness)?\b",
        r"\bdisrespect|\bwaste (?:of )?(?:my )?time\b|\bwasted my time\b|\bunfair(?:ly)?\b",
        r"\bannoy|\bupset\b|\bangry\b|\bridiculous\b|\bdisorgani[sz]ed\b|\bchaotic\b|\ba mess\b",
        r"\bkept me waiting\b|\bterrible\b|\bawful\b|\bhorrible\b|\bhate\b|\btoxic\b",
        r"\bincompetent\b|\bclueless\b|\bstupid\b|\bdisappoint",
        r"\bi know i(?:'m| am) not (?:the )?(?:best|most qualified|strongest|ideal)",
        r"\bi(?:'m| am) not sure i(?:'m| am) (?:qualified|good enough|the right)",
        r"\bi (?:probably |totally )?(?:bombed|blew it|messed up|screwed up)\b",
        r"\bsorry (?:to|for) (?:bother|bug|pester)",
        r"\b(?:i'm|i am) sorry (?:i|that i|for) (?:was|did|didn't|couldn't|rambl)",
    )
)
# In a reply to a rejection a little sadness, said graciously, is fine.
GRACIOUS = re.compile(
    r"\b(?:although|though|while|naturally|of course|understandably)?,? ?i(?:'m| am| was)"
    r"(?: a (?:little|bit))?(?: very)? (?:disappointed|sad)\b"
)
TEXT_SPEAK = re.compile(
    r"\b(?:thx|thnx|thanx|pls|plz|u|ur|gonna|wanna|gotta|lol|omg|btw|tbh|imo|idk|ya|yeah|yep"
    r"|nope|dude|bro|cya|ttyl|xoxo)\b|(?:^|\s)[:;]-?[)(dp](?:\s|$)"
)
CASUAL_GREETING = re.compile(r"^\s*(?:hey|yo|hiya|sup|howdy)\b", re.IGNORECASE)


def first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str:
    """Return the first phrase any pattern finds in the text, or ""."""
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0).strip(" .!?") or found.group(0)
    return ""


def informal(ours: str) -> str:
    """Describe the first casual habit in a text ("Hey", text-speak, emoji, capitals), or ""."""
    if CASUAL_GREETING.match(ours):
        return repr(ours.split()[0])
    speak = TEXT_SPEAK.search(ours.casefold())
    if speak:
        return repr(speak.group(0).strip())
    emoji = next(
        (c for c in ours if 0x1F300 <= ord(c) <= 0x1FAFF or 0x2600 <= ord(c) <= 0x27BF), ""
    )
    if emoji:
        return f"emoji {emoji}"
    shouted = [word for word in re.findall(r"\b[A-Z]{4,}\b", ours) if word != "ASAP"]
    return f"capitals: {shouted[0]}" if shouted else ""
