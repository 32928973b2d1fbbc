"""Hypothesis strategies for broken config.toml and interviews.toml files.

Each file starts from a sound one and is broken in one to four ways an adversarial user would
try: a value of the wrong type, a huge or odd string (100,000 characters, RTL marks, zero-width
joiners, NUL, CR/LF, rich markup), an impossible or extreme date (9999-12-31, 0001-01-01,
February 30), an unknown key or section, a missing required key, nesting 5,000 levels deep, a
path to a device, a FIFO, a folder, a symlink loop or "/", and TOML syntax errors. Lone
surrogates are left out: TOML text cannot hold them.

Special paths are written as placeholders (`@fifo@`, ...) that `placed` replaces with real
files in the test's folder.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from datetime import date, datetime

from hypothesis import strategies as st


@dataclass(frozen=True)
class Raw:
    """TOML text written as is: a date-time literal, a deep nesting, a broken value."""

    text: str


DEEP = 5_000
ODD_STRINGS = (
    "",
    "   ",
    "x" * 100_000,
    "\u202eevil\u202c",  # right-to-left override
    "a\u200db\u200dc",  # zero-width joiners
    "nul\x00inside",
    "line\r\nBcc: eve@example.com",
    "=?UTF-8?Q?=0A?=Bcc: eve@example.com",
    "[/b]",
    "[bold red]loud[/bold red]",
    "[link=https://example.com]click[/link]",
    ":smiley: :thumbs_up:",
    "🎉" * 500,
    "~nobody-here/x",
    "../../../../etc/passwd",
    "a@b.com,c@d.com",
    "9999-12-31T23:59:59Z",
    "0001-01-01",
    "2026-02-30T10:00",
    "1" * 5_000 + "d",
    "-5bd",
    "Mon-Sun 25:00-26:00",
    "Etc/GMT+99",
)
PLACEHOLDERS = ("/dev/zero", "/dev/null", "@fifo@", "@folder@", "@loop@", "/")
DATES = (
    Raw("9999-12-31T23:59:59Z"),
    Raw("0001-01-01T00:00:00Z"),
    Raw("9999-12-31"),
    Raw("0001-01-01"),
    Raw("2026-11-20T14:00"),  # TOML 1.1: no seconds
    Raw("2026-03-08T02:30:00"),  # a time that does not exist in New York
    Raw("2026-02-30T10:00:00Z"),  # February 30: a syntax error
    Raw("12:30:00"),
)
DEEP_VALUES = (Raw("[" * DEEP + "]" * DEEP), Raw("{a = " * DEEP + "1" + "}" * DEEP))

odd_text = st.one_of(st.sampled_from(ODD_STRINGS), st.text(max_size=40))
odd_value = st.one_of(
    odd_text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([True, False, 0, -1, 10**18, math.inf, -math.inf, math.nan, 1e308]),
    st.sampled_from(DATES + DEEP_VALUES),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.dates(),
    st.lists(odd_text, max_size=3),
    st.dictionaries(st.sampled_from(["a", "name", "[/b]"]), odd_text, max_size=2),
)
any_key = st.one_of(st.sampled_from(["[/b]", ":smiley:", "x" * 2000, "naïve", "a.b"]), st.text())


# --- writing TOML ---------------------------------------------------------------------------------


def toml(value: object) -> str:
    """Write a value as TOML (inline), whatever its type."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)} = {toml(v)}" for k, v in value.items()) + "}"
    # a JSON string is a TOML basic string once DEL is escaped too
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _float(number: float) -> str:
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return repr(number)


def key(name: str) -> str:
    """Write a key, quoted unless it is a bare TOML key."""
    bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else toml(name)


def table_text(header: str, table: dict[str, object]) -> str:
    lines = [header] + [f"{key(k)} = {toml(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n\n"


# --- sound files, then broken ones --------------------------------------------------------------

CONFIG: dict[str, dict[str, object]] = {
    "account": {"email": "alex@example.com", "name": "Alex Rivera", "timezone": "UTC"},
    "signature": {"lines": ["+1 555 0100"]},
    "delivery": {"mode": "draft", "backend": "maildir", "maildir": "mail", "send_window": "always"},
    "schedule": {"path": "interviews.toml"},
    "templates": {"dir": ""},
    "state": {"dir": "state"},
    "reminders": {"desktop": False},
    # never the real Gmail: a closed local port, should a broken file switch the backend
    "gmail": {"api_endpoint": "http://127.0.0.1:9/", "token_uri": "http://127.0.0.1:9/token"},
}
PATH_KEYS = (("schedule", "path"), ("templates", "dir"), ("state", "dir"), ("delivery", "maildir"))
INTERVIEW: dict[str, object] = {
    "id": "acme",
    "company": "Acme Corp",
    "role": "Backend Engineer",
    "start": Raw("2026-11-20T14:00:00Z"),
    "end": Raw("2026-11-20T15:00:00Z"),
    "highlights": ["your move to event sourcing"],
    "interviewer": [{"name": "Dana Smith", "email": "dana@acme.example"}],
}
PERSON_KEYS = ("name", "email", "title", "notes", "addendum", "greeting", "lead")
TEXT_KEYS = ("company", "role", "thread", "addendum", "uid", "name", "email", "notes", "title")


@st.composite
def config_files(draw: st.DrawFn, *, breaks: int = 4) -> str:
    """A config.toml broken in up to `breaks` ways (none: a sound one)."""
    sections = copy.deepcopy(CONFIG)
    top = ""  # keys before the first section: a section written as a value
    for _ in range(draw(st.integers(min(1, breaks), breaks))):
        section = draw(st.sampled_from([*sections, "bogus"]))
        table = sections.setdefault(section, {})
        how = draw(st.sampled_from(["value", "unknown", "drop", "path", "not a table"]))
        if how == "path":
            where, name = draw(st.sampled_from(PATH_KEYS))
            sections[where][name] = draw(st.sampled_from(PLACEHOLDERS))
        elif how == "value" and table:
            table[draw(st.sampled_from(sorted(table)))] = draw(odd_value.filter(_not_gmail))
        elif how == "unknown":
            table[draw(any_key)] = draw(odd_value)
        elif how == "drop" and table:
            del table[draw(st.sampled_from(sorted(table)))]
        elif how == "not a table":
            top += f"{key(section)} = {toml(draw(odd_value))}\n"
    text = top + "".join(table_text(f"[{key(name)}]", keys) for name, keys in sections.items())
    return draw(syntax_broken(text)) if breaks else text


@st.composite
def schedule_files(draw: st.DrawFn, *, breaks: int = 4) -> str:
    """An interviews.toml of one or two interviews broken in up to `breaks` ways (none: sound)."""
    interviews = [copy.deepcopy(INTERVIEW) for _ in range(draw(st.integers(1, 2)))]
    interviews[-1]["id"] = f"beta-{len(interviews)}"
    for _ in range(draw(st.integers(min(1, breaks), breaks))):
        interview = draw(st.sampled_from(interviews))
        how = draw(
            st.sampled_from(["text"] * 4 + ["value", "date", "person", "unknown", "drop", "deep"])
        )
        if how == "text":  # the right type, a hostile value: it reaches check and the pass
            _odd_text_in(interview, draw(st.sampled_from(TEXT_KEYS)), draw(odd_text))
        elif how == "value":
            interview[draw(st.sampled_from(sorted(interview)))] = draw(odd_value)
        elif how == "date":
            interview[draw(st.sampled_from(["start", "end", "expect_response_by"]))] = draw(
                st.sampled_from(DATES)
            )
        elif how == "person" and isinstance(people := interview.get("interviewer"), list):
            person = people[0] if people and isinstance(people[0], dict) else {}
            person[draw(st.sampled_from(PERSON_KEYS))] = draw(odd_value)
            interview["interviewer"] = [person]
        elif how == "unknown":
            interview[draw(any_key)] = draw(odd_value)
        elif how == "drop" and interview:
            del interview[draw(st.sampled_from(sorted(interview)))]
        elif how == "deep":
            interview[draw(st.sampled_from(["highlights", "thread"]))] = draw(
                st.sampled_from(DEEP_VALUES)
            )
    text = "".join(table_text("[[interview]]", table) for table in interviews)
    return draw(syntax_broken(text)) if breaks else text


@st.composite
def file_sets(draw: st.DrawFn) -> tuple[str, str]:
    """A config and a schedule: the config broken, the schedule broken, or both."""
    broken = draw(st.sampled_from(["config", "schedule", "schedule", "both"]))
    config = draw(config_files(breaks=3 if broken in ("config", "both") else 0))
    schedule = draw(schedule_files(breaks=3 if broken in ("schedule", "both") else 0))
    return config, schedule


@st.composite
def syntax_broken(draw: st.DrawFn, text: str) -> str:
    """The text, or (one time in six) the text with a syntax error an editor could leave."""
    if draw(st.integers(0, 5)):
        return text
    at = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["cut", "insert", "duplicate", "quote"]))
    if how == "cut":
        return text[:at]
    if how == "insert":
        junk = draw(st.sampled_from(["=", "[", "]]", '"', "\\", "\x00", "\ufeff"]))
        return text[:at] + junk + text[at:]
    if how == "duplicate":
        line = next((line for line in text.splitlines() if " = " in line), "a = 1")
        return text + line + "\n"
    return text + 'unclosed = "no end\n'


def _odd_text_in(interview: dict[str, object], name: str, text: str) -> None:
    """Write a hostile text into an interview's field, or its first interviewer's."""
    people = interview.get("interviewer")
    if name in ("name", "email", "notes", "title") and isinstance(people, list) and people:
        if isinstance(people[0], dict):
            people[0][name] = text
    else:
        interview[name] = text


def _not_gmail(value: object) -> bool:
    """Keep the backend off Gmail: these tests never reach a network."""
    return value != "gmail"
