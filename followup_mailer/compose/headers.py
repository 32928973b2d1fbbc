"""Header safety: our own checks, whatever the Python version's email package does.

Every value that reaches a header (names, addresses, company, role, interview id,
subjects, message ids) is refused when it holds a line break, NUL or another
control character, either literally or inside an RFC 2047 encoded word
(`=?UTF-8?Q?=0A?=`): older email packages let those through and a parser reading
the message back would see extra headers. Addresses are parsed strictly, one per
field, with our own grammar, because the standard parser in this Python accepts
`a@b.com)<c@d.com>` and friends.

Values are bounded too, so that no header line can grow past the 998 octets RFC 5322 allows:
a name, company, role or subject of at most 200 characters, an address of at most 254 octets,
no unbroken word of more than 900 octets in a thread's subject or references. Text that only
reaches the body (notes, highlights, addenda, titles, signature lines) may hold no control
character but a tab or a line break.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import TYPE_CHECKING

from followup_mailer.errors import Problem, TemplateError

if TYPE_CHECKING:
    from followup_mailer.compose.parts import Previous, Sender
    from followup_mailer.model import Interview, Person

SCHEDULE_FILE = "interviews.toml"
CONFIG_FILE = "config.toml"

# Cc: control characters (C0, DEL, C1), Zl/Zp: line and paragraph separators,
# Cs: lone surrogates, which cannot even be encoded.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+")
_NAME_AND_ADDRESS = re.compile(r"(?P<name>[^<>]*)<(?P<address>[^<>]*)>")
MAX_VALUE_CHARS = 200  # a name, company, role or subject
MAX_ADDRESS_OCTETS = 254  # RFC 5321: 256 with the angle brackets
MAX_WORD_OCTETS = 900  # an unbroken word must fit on one header line with its field name
MAX_BODY_TEXT = 2_000  # a note, highlight, addendum or signature line
_BODY_SAFE = frozenset("\t\n\r")


def unsafe_reason(value: str) -> str:
    """Return why a header value is unsafe, or "" when it is fine."""
    for char in value:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            return f"contains the control character {_describe(char)}"
    for match in _ENCODED_WORD.finditer(value):
        if any(byte < 0x20 or byte == 0x7F for byte in _decode_encoded_word(match)):
            return f"contains an encoded line break or control character ({match.group(0)})"
    if "=?" in _ENCODED_WORD.sub(" ", value):  # lenient decoders decode broken words too
        return "contains a malformed RFC 2047 encoded word ('=?')"
    return ""


def shown(value: str) -> str:
    """Return a value as it can be printed in an error: quoted and escaped when unsafe."""
    return repr(value) if unsafe_reason(value) else value


def _describe(char: str) -> str:
    """Name a control character the way a user can find it."""
    names = {"\r": "CR (carriage return)", "\n": "LF (line feed)", "\0": "NUL"}
    return names.get(char, f"U+{ord(char):04X}")


def _decode_encoded_word(match: re.Match[str]) -> bytes:
    """Decode the payload of one RFC 2047 encoded word; b"" when it is malformed."""
    encoding, payload = match.group(2).upper(), match.group(3)
    if encoding == "Q":
        return _decode_q(payload)
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        return b""


def _decode_q(payload: str) -> bytes:
    """Decode RFC 2047 "Q" text: underscores are spaces, =XX are bytes."""
    text = payload.replace("_", " ")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode())


def parse_address(value: str, *, where: str) -> tuple[str, str]:
    """Parse exactly one address, bare or as `Name <address>`; raise TemplateError otherwise."""
    problem = address_problem(value, where=where, with_name=True)
    if problem:
        raise TemplateError(str(problem), [problem])
    match = _NAME_AND_ADDRESS.fullmatch(value.strip())
    if not match:
        return "", value.strip()
    return match.group("name").strip().strip('"').strip(), match.group("address").strip()


def address_problem(
    value: str, *, where: str, file: str = SCHEDULE_FILE, with_name: bool = False
) -> Problem | None:
    """Return the Problem with an address field, or None when it holds exactly one address.

    An email field holds the bare address; `with_name` also accepts `Name <address>`.
    """
    reason = unsafe_reason(value) or _address_shape_reason(value.strip(), with_name=with_name)
    if not reason:
        return None
    fix = "write exactly one address, such as dana@acme.com"
    return Problem(file=file, key=where, message=reason, fix=fix)


def _address_shape_reason(value: str, *, with_name: bool) -> str:
    """Say what is wrong with the shape of an address, or "" when it is one plain address."""
    match = _NAME_AND_ADDRESS.fullmatch(value)
    if match and not with_name:
        return f"holds a name as well: {value!r} (write only the address)"
    address = match.group("address").strip() if match else value
    name = match.group("name").strip() if match else ""
    if not address:
        return "is empty"
    if not address.isascii():
        return "has non-ASCII characters (write the domain in its xn-- form)"
    if len(address) > MAX_ADDRESS_OCTETS or len(address.partition("@")[0]) > 64:
        return f"is {len(address)} characters long: an address has at most {MAX_ADDRESS_OCTETS}"
    if any(len(label) > 63 for label in address.partition("@")[2].split(".")):
        return "has a domain label longer than 63 characters"
    if '"' in name.strip('"') or "@" in name:
        return f"has a display name that could be read as an address: {value!r}"
    if not _ADDR_SPEC.fullmatch(address):
        return f"is not a single valid address: {value!r}"
    return ""


def value_problem(
    value: str, *, where: str, file: str, required: bool = True, limit: int = MAX_VALUE_CHARS
) -> Problem | None:
    """Return the Problem with a header value (unsafe, too long, empty when required), else None."""
    reason = unsafe_reason(value)
    if reason:
        return Problem(file=file, key=where, message=reason, fix="remove it")
    if required and not value.strip():
        return Problem(file=file, key=where, message="is empty", fix="fill it in")
    if len(value.strip()) > limit:
        message = f"is {len(value.strip())} characters long (at most {limit})"
        return Problem(file=file, key=where, message=message, fix="shorten it")
    longest = max((len(word.encode()) for word in value.split()), default=0)
    if longest > MAX_WORD_OCTETS:
        message = f"has a word of {longest} octets, too long for a header line"
        return Problem(file=file, key=where, message=message, fix="shorten it")
    return None


def body_text_problem(value: str, *, where: str, file: str) -> Problem | None:
    """Return the Problem with text that reaches a body (a control character, too long)."""
    for char in value:
        if char not in _BODY_SAFE and unicodedata.category(char) in _UNSAFE_CATEGORIES:
            message = f"contains the control character {_describe(char)}"
            return Problem(file=file, key=where, message=message, fix="remove it")
    if len(value) > MAX_BODY_TEXT:
        message = f"is {len(value)} characters long (at most {MAX_BODY_TEXT})"
        return Problem(file=file, key=where, message=message, fix="shorten it")
    return None


def check_body_values(interview: Interview, sender: Sender) -> list[Problem]:
    """Check the text of an interview and the sender that reaches a body."""
    iid = shown(interview.id)
    found = [body_text_problem(interview.addendum, where=f"{iid}: addendum", file=SCHEDULE_FILE)]
    found += [
        body_text_problem(text, where=f"{iid}: highlights[{i}]", file=SCHEDULE_FILE)
        for i, text in enumerate(interview.highlights)
    ]
    found += [
        body_text_problem(line, where=f"signature.lines[{i}]", file=CONFIG_FILE)
        for i, line in enumerate(sender.signature)
    ]
    return [problem for problem in found if problem]


def check_header_values(interview: Interview, sender: Sender) -> list[Problem]:
    """Check every value of an interview and the sender that can reach a header."""
    iid = shown(interview.id)
    found = [
        value_problem(interview.id, where=f"{iid}: id", file=SCHEDULE_FILE),
        value_problem(interview.company, where=f"{iid}: company", file=SCHEDULE_FILE),
        value_problem(interview.role, where=f"{iid}: role", file=SCHEDULE_FILE),
        _thread_problem(interview.thread, where=f"{iid}: thread"),
        value_problem(sender.name, where="account.name", file=CONFIG_FILE),
        address_problem(sender.email, where="account.email", file=CONFIG_FILE),
    ]
    for person in interview.interviewers:
        found.extend(person_problems(interview.id, person, role="interviewer"))
    for person in interview.contacts:
        found.extend(person_problems(interview.id, person, role="contact"))
    return [problem for problem in found if problem]


def _thread_problem(thread: str, *, where: str) -> Problem | None:
    """Check a thread id (it reaches References and In-Reply-To): one safe word, or empty."""
    problem = value_problem(
        thread, where=where, file=SCHEDULE_FILE, required=False, limit=MAX_WORD_OCTETS
    )
    if problem is None and len(thread.split()) > 1:
        return Problem(SCHEDULE_FILE, "holds spaces", key=where, fix="write one thread id")
    return problem


def person_problems(interview_id: str, person: Person, *, role: str) -> list[Problem]:
    """Check a person's name and address, naming the interview and the person."""
    name = person.name.strip()
    who = f"{shown(interview_id)}: {role} {name if len(name) <= 60 else name[:60] + '…'!r}"
    found = [
        value_problem(person.name, where=f"{who} name", file=SCHEDULE_FILE),
        address_problem(person.email, where=f"{who} email"),
    ]
    for field in ("title", "notes", "addendum", "greeting"):
        text = getattr(person, field)
        found.append(body_text_problem(text, where=f"{who} {field}", file=SCHEDULE_FILE))
    return [problem for problem in found if problem]


def message_problems(
    interview: Interview, sender: Sender, recipient: Person, previous: Previous | None, key: str
) -> list[Problem]:
    """Collect every unsafe or missing value that would reach one message's headers."""
    found = check_header_values(interview, sender) + check_body_values(interview, sender)
    if recipient not in interview.people:
        found += person_problems(interview.id, recipient, role="recipient")
    iid = shown(interview.id)
    if not key.isascii():
        found.append(Problem(file="mailbox", key=f"{iid}: key", message="is not ASCII"))
    values = {"key": key}
    if previous is not None:
        values |= {
            "previous message subject": previous.subject,
            "previous Message-ID": previous.message_id,
            "previous References": previous.references,
        }
    for field, value in values.items():
        where = f"{iid}: {field}"
        limit = 10 * MAX_WORD_OCTETS  # a thread's subject and references are the mailbox's
        problem = value_problem(value, where=where, file="mailbox", required=False, limit=limit)
        found += [problem] if problem else []
    return list(dict.fromkeys(found))
