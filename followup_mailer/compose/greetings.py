"""How a message greets someone: the name form and the register ("Hi Dana", "Dear Dr. Núñez").

A name is read into title, given name, family name and suffix:

- titles (Dr., Prof., Ms., ...) and suffixes (Jr., III, PhD, ...) are set apart; a doctorate
  suffix gives the title "Dr." when none is written ("Jane Doe, PhD" -> "Dr. Doe");
- "Last, First" is turned around; a nickname in quotes or brackets is the name they go by;
- the family name keeps its particles and compounds ("van der Berg", "de la Cruz",
  "García López"); a word in capitals among others is a family name ("Jean DUPONT");
- names in Chinese, Japanese or Korean script are greeted in full, family name first as
  written; a Russian name with a patronymic is greeted by name and patronymic.

Titles take "Dear"; first names take "Hi" or "Hello". The schedule's `greeting` wins over all
of this: "Dr. Núñez" is greeted "Dear Dr. Núñez", "Sam" is greeted "Hi Sam".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from followup_mailer.compose.lexicon import word_pairs, word_set

TITLES = word_pairs(
    "dr:Dr. doctor:Dr. prof:Prof. professor:Professor mr:Mr. mrs:Mrs. ms:Ms. miss:Miss mx:Mx. "
    "sir:Sir dame:Dame rev:Rev. reverend:Rev. fr:Fr. hon:Hon."
)
SUFFIXES = word_set(
    "jr sr ii iii iv v phd ph.d md m.d dds dmd dvm edd ed.d dphil psyd esq mba cpa pe rn obe "
    "mbe cbe frs msc ma bsc ba"
)
DOCTORATES = word_set("phd ph.d md m.d dds dmd dvm edd ed.d dphil psyd")
PARTICLES = word_set(
    "van von de del della der den di da dos das du la le ter ten bin binti ibn al el st st."
)
HISPANIC = word_set(
    "garcía garcia lópez lopez pérez perez sánchez sanchez ramírez ramirez torres flores "
    "rivera gómez gomez díaz diaz cruz morales reyes gutiérrez gutierrez ortiz ramos chávez "
    "chavez ruiz mendoza álvarez alvarez castillo jiménez jimenez moreno romero herrera "
    "medina aguilar vargas guzmán guzman núñez nunez navarro domínguez dominguez vázquez "
    "vazquez fernández fernandez muñoz munoz rojas silva soto castro suárez suarez molina "
    "delgado ortega vega campos santos guerrero cortés cortes luna ríos rios contreras "
    "estrada figueroa sandoval salazar mejía mejia ibarra acosta peña pena cabrera pacheco "
    "fuentes serrano ferreira oliveira costa pereira rodrigues almeida carvalho sousa lima "
    "gomes martins martínez martinez rodríguez rodriguez hernández hernandez gonzález gonzalez"
)
SALUTATIONS = ("dear ", "hi ", "hello ", "hey ", "good morning ", "good afternoon ")
POLITE_SUFFIXES = ("-san", "-sama", "-sensei", "様", "さん", "님", "先生")
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична)$", re.IGNORECASE)
_NICKNAME = re.compile(r"[\"“]([^\"”]+)[\"”]|\(([^)]+)\)")
_INITIAL = re.compile(r"^(?:\w\.)+\w?\.?$")


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name read into its parts."""

    full: str  # as written, without title, suffix or nickname
    title: str = ""
    given: str = ""
    family: str = ""
    suffix: str = ""
    nickname: str = ""
    patronymic: str = ""
    script: str = "latin"  # "latin", "cjk" or "other"
    original: str = ""  # the name in another script, in brackets ("Wang Wei (王伟)")


@lru_cache(maxsize=4096)  # a message asks for the same names many times
def parse_name(name: str) -> Name:
    """Read a name into title, given name, family name and suffix."""
    text, nickname, original = _without_nickname(" ".join(name.split()).strip(" ,;"))
    if text.islower() and script_of(text) == "latin":  # "dana smith" typed in a hurry
        text = " ".join(w if w in PARTICLES else w[:1].upper() + w[1:] for w in text.split())
    script = script_of(text)
    if script == "cjk":
        return Name(full=text, script=script, nickname=nickname)
    parts = [part.strip() for part in text.split(",") if part.strip()]
    suffix = " ".join(part for part in parts[1:] if _all_suffixes(part))
    parts = [part for i, part in enumerate(parts) if i == 0 or not _all_suffixes(part)]
    if len(parts) == 2:  # "García López, Dr. María": family name first
        titles, given_words = _titles(parts[1].split())
        family_words = parts[0].split()
    else:
        titles, words = _titles(" ".join(parts).split())
        while len(words) > 1 and _dotless(words[-1]) in SUFFIXES:
            suffix = " ".join(filter(None, [words.pop(), suffix]))
        given_words, family_words = _given_and_family(words)
    if not titles and any(_dotless(word) in DOCTORATES for word in suffix.split()):
        titles = ["Dr."]
    return Name(
        full=" ".join([*given_words, *family_words]),
        title=" ".join(titles),
        given=given_words[0] if given_words else "",
        family=" ".join(family_words),
        suffix=suffix,
        nickname=nickname,
        patronymic=_patronymic(given_words, family_words),
        script=script,
        original=original,
    )


def _without_nickname(text: str) -> tuple[str, str, str]:
    """Take out what is in quotes or brackets: a nickname, or the name in another script."""
    nickname = original = ""
    for match in list(_NICKNAME.finditer(text)):
        inner = (match.group(1) or match.group(2) or "").strip()
        rest = text.replace(match.group(0), " ")
        if inner and script_of(inner) != script_of(rest):
            original = inner
        elif inner and len(inner.split()) == 1:
            nickname = nickname or inner
        text = rest
    return " ".join(text.split()).strip(" ,"), nickname, original


def _titles(words: list[str]) -> tuple[list[str], list[str]]:
    """Split leading titles ("Prof. Dr.") from the rest of the words."""
    titles = []
    while len(words) > 1 and _dotless(words[0]) in TITLES:
        titles.append(TITLES[_dotless(words[0])])
        words = words[1:]
    return titles, words


def _all_suffixes(part: str) -> bool:
    """Tell whether a comma-separated part holds only suffixes ("Jr.", "PhD")."""
    return all(_dotless(word) in SUFFIXES for word in part.split())


def _dotless(word: str) -> str:
    """Fold a word for title and suffix lookups: "Ph.D." -> "ph.d", "Dr." -> "dr"."""
    return word.casefold().rstrip(".")


def _given_and_family(words: list[str]) -> tuple[list[str], list[str]]:
    """Split words into given and family names; words in capitals are the family name."""
    capitals = [w for w in words if w.isupper() and len(w) > 1 and w.isalpha()]
    if capitals and len(capitals) < len(words):  # "Jean DUPONT", "DUPONT Jean"
        given = [w for w in words if w not in capitals]
        return given, [w.capitalize() for w in capitals]
    if len(words) == 3 and _PATRONYMIC.search(words[2]):  # "Петров Иван Сергеевич"
        return words[1:], words[:1]
    cut = _family_start(words)
    return words[:cut], words[cut:]


def _family_start(words: list[str]) -> int:
    """Return where the family name starts: a particle, a compound, a word in capitals."""
    if len(words) < 2:
        return len(words)
    for i, word in enumerate(words[1:], start=1):
        if _dotless(word) in PARTICLES or (word.casefold() in ("y", "e") and i >= 2):
            return i - 1 if word.casefold() in ("y", "e") else i
    if len(words) >= 3 and _hispanic(words[-2]):
        return len(words) - 2
    return len(words) - 1


def _hispanic(word: str) -> bool:
    """Tell whether a word is a Spanish or Portuguese family name (the first of a compound)."""
    folded = word.casefold()
    return folded in HISPANIC or (folded.endswith("ez") and len(folded) > 4 and word[:1].isupper())


def _patronymic(given: list[str], family: list[str]) -> str:
    """Return a Russian patronymic after the given name (or at the end), else ""."""
    if len(given) >= 2 and _PATRONYMIC.search(given[1]):
        return given[1]
    if len(family) >= 2 and _PATRONYMIC.search(family[-1]):
        return family[-1]
    return ""


def script_of(text: str) -> str:
    """Name the script of a text's letters: "cjk" (Han, kana, Hangul), "latin" or "other"."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "latin"
    names = [unicodedata.name(c, "") for c in letters]
    if any(n.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) for n in names):
        return "cjk"
    latin = sum(1 for n in names if n.startswith("LATIN"))
    return "latin" if latin * 2 >= len(letters) else "other"


def address(name: str, override: str = "") -> tuple[str, bool]:
    """Return how a greeting names someone and whether that form is formal."""
    if override.strip():
        form = re.sub(
            r"^(?:dear|hi|hello|hey|good (?:morning|afternoon))\s+",
            "",
            override.strip(" ,;:"),
            flags=re.I,
        )
        titled = _dotless(form.split()[0]) in TITLES if form.split() else False
        return form, titled or form.endswith(POLITE_SUFFIXES) or script_of(form) == "cjk"
    parsed = parse_name(name)
    if parsed.script == "cjk":
        return parsed.full, True
    if parsed.title in ("Sir", "Dame"):  # "Sir John", never "Sir Smith"
        return f"{parsed.title} {parsed.given or parsed.full}", True
    if parsed.title:
        return f"{parsed.title} {parsed.family or parsed.given or parsed.full}".strip(), True
    if parsed.original:  # "Wang Wei (王伟)": which part is the family name is not known
        return parsed.full, True
    if parsed.nickname:
        return parsed.nickname, False
    if parsed.patronymic and parsed.given:
        return f"{parsed.given} {parsed.patronymic}", True
    if _INITIAL.match(parsed.given or ""):
        return parsed.full, True
    return parsed.given or parsed.full, False


def greeting_name(name: str, override: str = "") -> str:
    """Return how a greeting names someone: "Dana", "Dr. Núñez", "韩梅梅"."""
    return address(name, override)[0]


def salutation(name: str, override: str = "", variant: int = 0) -> str:
    """Return the greeting line without its comma: "Hi Dana", "Dear Dr. Núñez"."""
    given = override.strip(" ,;:")
    if given.casefold().startswith(SALUTATIONS):
        return given
    form, formal = address(name, override)
    if formal:
        return f"Dear {form}"
    return f"{'Hi' if variant % 2 == 0 else 'Hello'} {form}"


@lru_cache(maxsize=4096)
def name_forms(name: str, override: str = "") -> tuple[str, ...]:
    """Return every way a note or a greeting may name the person, longest first."""
    parsed = parse_name(name)
    forms = {
        " ".join(name.split()).strip(" ,"),
        parsed.full,
        parsed.given,
        parsed.family,
        parsed.nickname,
        greeting_name(name, override),
        override.strip(" ,;:"),
    }
    if parsed.title and parsed.family:
        forms.add(f"{parsed.title} {parsed.family}")
    return tuple(sorted((f for f in forms if len(f) > 1), key=len, reverse=True))
