"""The small English lexicon the notes grammar reads with: word classes and verb forms.

Notes are short and their vocabulary is narrow (what was asked, shown, discussed), so a few
closed word lists and the regular inflection rules go a long way; a word the lists do not
know is read as part of a noun phrase, the safe default.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """Read a space-separated word list."""
    return frozenset(text.split())


def word_pairs(text: str) -> dict[str, str]:
    """Read "key:value key:value" into a dict."""
    return {key: value for key, _, value in (pair.partition(":") for pair in text.split())}


DETERMINERS = word_set(
    "the a an this that these those some any each every all both no another other such "
    "many much more most few several one two three four five"
)
POSSESSIVES = word_set("my your our his her their its")
SUBJECT_PRONOUNS = word_set("i we you she he they")
OBJECT_PRONOUNS = word_set("me us you him her them it")
PREPOSITIONS = word_set(
    "about on in into over through with for of at to from by around across behind under "
    "after before during between regarding re onto upon via like"
)
WH_WORDS = word_set("how what why when where which who whom whose whether if")
CONJUNCTIONS = word_set("and but or so then")
ADVERBS = word_set(
    "also really still always never just even often already briefly again first both all "
    "then later almost quite very so too much rather twice once daily weekly monthly mostly "
    "together here there now today usually"
)
# Notes that read as a to-do for the user, not as something from the conversation.
TODO_VERBS = word_set(
    "mention ask send follow remind tell bring attach include add check remember email call "
    "connect research prepare share forward schedule book reach write note update"
)
# What a person gives in a conversation: "your question on X" is something to credit them for.
CONTRIBUTIONS = word_set(
    "question questions point points insight insights advice perspective view views take "
    "story stories example examples explanation walkthrough feedback comment comments "
    "suggestion suggestions demo tour candor candour honesty description overview thoughts "
    "challenge puzzle exercise tips tip idea ideas answer answers recommendation "
    "recommendations pitch presentation whiteboard sketch diagram"
)
# Verbs after "I" that make a sentence of their own ("I loved their focus on testing").
SENTIMENTS = word_set(
    "enjoyed liked loved appreciated valued admired learned learnt found felt thought was am "
    "'m love like enjoy appreciate admire value think feel find left came got really still "
    "keep kept want wanted hope hoped would could"
)

BASE_VERBS = word_set(
    """
    ask answer explain describe mention discuss compare show walk talk share tell say give take
    draw lead run speak think bring build write go make know meet see send keep leave find
    feel teach spend get have be do begin choose come hold hear mean put set understand dig
    sit stand win drive grow throw shake buy catch seek lose pay read ride sell shoot sleep
    wear wake break forget hide hit let cut want need plan hope expect believe like love prefer
    care manage own oversee work use focus value seem sound look hire try aim intend wish
    worry enjoy mentor champion push favor favour host maintain support handle cover help
    report split switch move migrate deploy ship probe press challenge question grill quiz
    test offer suggest propose note point stress emphasize emphasise highlight appreciate
    agree disagree joke laugh drill review outline sketch present introduce invite encourage
    recommend praise compliment interrupt struggle admit confess reveal dive stop create
    design lead rebuild redesign rewrite cut reduce improve scale monitor measure track
    debug fix solve learn teach follow ping remind attach include add check remember email
    call connect research prepare forward schedule book reach update dislike doubt wonder
    consider mind miss imagine recall remember notice realise realize listen watch start
    finish continue keep spend pair whiteboard code implement architect advocate argue
    insist inquire enquire probe want run lead chair coordinate organize organise
    """
)

IRREGULAR_PAST = word_pairs(
    "said:say told:tell gave:give took:take drew:draw led:lead ran:run spoke:speak "
    "thought:think brought:bring built:build wrote:write went:go made:make knew:know met:meet "
    "saw:see sent:send kept:keep left:leave found:find felt:feel taught:teach spent:spend "
    "got:get had:have was:be were:be did:do began:begin chose:choose came:come held:hold "
    "heard:hear meant:mean understood:understand dug:dig sat:sit stood:stand won:win "
    "drove:drive grew:grow threw:throw shook:shake bought:buy caught:catch sought:seek "
    "lost:lose paid:pay rode:ride sold:sell shot:shoot slept:sleep wore:wear woke:wake "
    "broke:break forgot:forget hid:hide learnt:learn dove:dive rebuilt:rebuild rewrote:rewrite"
)
_VARIANT_PASTS = ("were", "learnt", "dove")  # the base takes its usual past: was, learned
PAST_FORMS = {base: past for past, base in IRREGULAR_PAST.items() if past not in _VARIANT_PASTS}
PARTICIPLES = word_set(
    "been done gone seen taken given written known shown spoken driven grown chosen broken "
    "forgotten begun drawn fallen hidden ridden thrown woken worn got gotten"
) | frozenset(IRREGULAR_PAST)
MODALS = word_set(
    "will would can could should may might must shall won't wouldn't can't couldn't "
    "shouldn't 'll 'd"
)
# Present forms that change when "she" becomes "you".
AGREEMENT = word_pairs(
    "is:are was:were has:have does:do isn't:aren't wasn't:weren't hasn't:haven't "
    "doesn't:don't 's:'re"
)
# Past forms that also open noun phrases as adjectives ("shared ownership", "distributed tracing"):
# read as verbs only when a complement follows ("shared their roadmap").
ADJECTIVE_PASTS = word_set(
    "shared detailed advanced automated proposed distributed mixed limited focused based related "
    "used planned scheduled managed tested typed fixed paired structured nested cached hosted "
    "rated designed unified balanced layered written spoken"
)
# Words ending in -ed that are not past tenses.
ED_WORDS = word_set("need speed seed feed breed greed weed bed red shed embed bred")


def lower(word: str) -> str:
    """Fold a word for lookups: case, curly apostrophes."""
    return word.replace("’", "'").casefold()


def base_of_past(word: str) -> str:
    """Return the base form of a past tense ("asked" -> "ask"), or "" when it is not one."""
    word = lower(word)
    if word in IRREGULAR_PAST:
        return IRREGULAR_PAST[word]
    if len(word) < 4 or not word.endswith("ed") or word in ED_WORDS:
        return ""
    stem = word[:-2]
    candidates = [stem, word[:-1], stem[:-1] if stem[-1:] == stem[-2:-1] else "", stem[:-1] + "y"]
    if word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    return next((c for c in candidates if c in BASE_VERBS), "?")


def is_past(word: str) -> bool:
    """Tell whether a word is a past tense (known, or a regular -ed form)."""
    return bool(base_of_past(word))


def is_known_past(word: str) -> bool:
    """Tell whether a word is the past tense of a verb the lexicon knows."""
    return base_of_past(word) not in ("", "?")


def base_of_present(word: str) -> str:
    """Return the base of a third-person present ("wants" -> "want"), or "" when not one."""
    word = lower(word)
    if word in ("is", "has", "does", "was"):
        return {"is": "be", "has": "have", "does": "do", "was": "be"}[word]
    if len(word) < 3 or not word.endswith("s") or word.endswith("ss"):
        return ""
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(cut) and word[: -len(cut)] + add in BASE_VERBS:
            return word[: -len(cut)] + add
    return ""


def second_person(word: str) -> str:
    """Return the form a third-person verb takes after "you" ("wants" -> "want")."""
    folded = lower(word)
    if folded in AGREEMENT:
        return AGREEMENT[folded]
    base = base_of_present(word)
    return base if base and base != "be" else word


def past_of(base: str) -> str:
    """Return the past tense of a base verb ("lead" -> "led", "use" -> "used")."""
    if base in PAST_FORMS:
        return PAST_FORMS[base]
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


def third_person(base: str) -> str:
    """Return the third-person present of a base verb ("deploy" -> "deploys")."""
    if base in ("be", "have", "do"):
        return {"be": "is", "have": "has", "do": "does"}[base]
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def is_adverb(word: str) -> bool:
    """Tell whether a word is an adverb that may sit between a subject and its verb."""
    folded = lower(word)
    return folded in ADVERBS or (folded.endswith("ly") and len(folded) > 4)


def is_function_word(word: str) -> bool:
    """Tell whether a word opens a complement: article, pronoun, preposition, wh-word..."""
    folded = lower(word)
    groups = (DETERMINERS, POSSESSIVES, OBJECT_PRONOUNS, PREPOSITIONS, WH_WORDS)
    return any(folded in group for group in groups) or folded in ("that", "up", "out", "down")


QUESTION_AUX = word_set(
    "do does did is are am was were have has had will would can could should may might must shall"
)
FIRST_PERSON = word_set("i me my mine myself i'm i've i'd i'll")
TO_ASKER = word_pairs(
    "i:you me:you my:your mine:yours myself:yourself i'm:you're i've:you've i'd:you'd"
)
# Verbs of the conversation itself: in the past tense they name a moment ("you asked", "we
# compared"); other past verbs name a fact learned ("we both started in game dev").
CONVERSATION_VERBS = word_set(
    "ask answer explain describe mention discuss compare show walk talk share tell say give "
    "draw sketch whiteboard push press probe challenge question grill quiz laugh joke offer "
    "suggest propose recommend introduce invite encourage praise compliment interrupt dig dive "
    "drill cover review outline present go spend keep seem agree disagree debate wonder want "
    "be point stress emphasize emphasise highlight demo pitch take"
)
REPORTING_VERBS = word_set("say mention tell note add admit confirm share")
# Words that judge rather than name, trimmed from the end of a topic ("... really useful").
EVALUATIVE = word_set(
    "useful helpful interesting great fascinating inspiring insightful valuable fun cool "
    "impressive thoughtful clear together today yesterday briefly politely again too well"
)
# After a negation these recall a doubt ("didn't like my first answer"): that belongs in an
# addendum that answers it, not in the point a thank-you recalls fondly.
DOUBTS = word_set("like love enjoy agree buy think sure convinced impressed happy keen fond")
NEGATIONS = word_set("not never n't didn't don't doesn't wasn't weren't isn't aren't hardly")
# Verbs two people do together: with the subject left out, the subject is "we".
MUTUAL_VERBS = word_set("discuss talk compare debate agree disagree chat brainstorm cover review")
