"""Header safety: our own checks, whatever the Python version's email package does.

Every value that reaches a header (names, addresses, company, role, interview id,
subjects, message ids) is refused when it holds a line break, NUL or another
control character, either literally or inside an RFC 2047 encoded word
(`=?UTF-8?Q?=0A?=`): older email packages let those through and a parser reading
the message back would see extra headers. Addresses are parsed strictly, one per
field, with our own grammar, because the standard parser in this Python accepts
`a@b.com)<c@d.com>` and friends.
"""

from __future__ import annotations

import base64
import binascii
import email
import re
import unicodedata
from datetime import datetime
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import KEY_HEADER

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
    if '"' in name.strip('"') or "@" in name:
        return f"has a display name that could be read as an address: {value!r}"
    if not _ADDR_SPEC.fullmatch(address):
        return f"is not a single valid address: {value!r}"
    return ""


def value_problem(value: str, *, where: str, file: str, required: bool = True) -> Problem | None:
    """Return the Problem with a header value (unsafe, or empty when required), else None."""
    reason = unsafe_reason(value)
    if reason:
        return Problem(file=file, key=where, message=reason, fix="remove it")
    if required and not value.strip():
        return Problem(file=file, key=where, message="is empty", fix="fill it in")
    return None


def check_header_values(interview: Interview, sender: Sender) -> list[Problem]:
    """Check every value of an interview and the sender that can reach a header."""
    iid = shown(interview.id)
    found = [
        value_problem(interview.id, where=f"{iid}: id", file=SCHEDULE_FILE),
        value_problem(interview.company, where=f"{iid}: company", file=SCHEDULE_FILE),
        value_problem(interview.role, where=f"{iid}: role", file=SCHEDULE_FILE),
        value_problem(sender.name, where="account.name", file=CONFIG_FILE),
        address_problem(sender.email, where="account.email", file=CONFIG_FILE),
    ]
    for person in interview.interviewers:
        found.extend(person_problems(interview.id, person, role="interviewer"))
    for person in interview.contacts:
        found.extend(person_problems(interview.id, person, role="contact"))
    return [problem for problem in found if problem]


def person_problems(interview_id: str, person: Person, *, role: str) -> list[Problem]:
    """Check a person's name and address, naming the interview and the person."""
    who = f"{shown(interview_id)}: {role} {person.name.strip()!r}"
    found = [
        value_problem(person.name, where=f"{who} name", file=SCHEDULE_FILE),
        address_problem(person.email, where=f"{who} email"),
    ]
    return [problem for problem in found if problem]


def message_problems(
    interview: Interview, sender: Sender, recipient: Person, previous: Previous | None, key: str
) -> list[Problem]:
    """Collect every unsafe or missing value that would reach one message's headers."""
    found = check_header_values(interview, sender)
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
        found += filter(None, [value_problem(value, where=where, file="mailbox", required=False)])
    return list(dict.fromkeys(found))


class _KeyOnOneLinePolicy(EmailPolicy):
    """Fold like policy.default, except the key header: never encoded, so it matches exactly."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() == KEY_HEADER.lower():
            return f"{name}: {value}{self.linesep}"
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == KEY_HEADER.lower():
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


MESSAGE_POLICY = _KeyOnOneLinePolicy()


def build_message(
    *,
    sender: Sender,
    recipient: Person,
    subject: str,
    date: datetime,
    key: str,
    previous: Previous | None,
) -> EmailMessage:
    """Build the headers from checked values; never from rendered header text."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = Address(display_name=sender.name.strip(), addr_spec=sender.email.strip())
    message["To"] = Address(display_name=recipient.name.strip(), addr_spec=recipient.email.strip())
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = make_msgid(domain=sender.email.strip().rpartition("@")[2])
    if previous is not None and previous.message_id.strip():
        message["In-Reply-To"] = previous.message_id.strip()
    references = f"{previous.references} {previous.message_id}" if previous else ""
    if references.strip():
        message["References"] = " ".join(references.split())
    message[KEY_HEADER] = key
    return message


def set_body(message: EmailMessage, text: str, html: str | None) -> None:
    """Set the plain-text body, and the HTML alternative when there is one."""
    message.set_content(text, cte=_transfer_encoding(text))
    if html is not None:
        message.add_alternative(html, subtype="html", cte=_transfer_encoding(html))


def _transfer_encoding(text: str) -> str:
    """Choose 7bit for plain ASCII, quoted-printable otherwise: safe through any mail server."""
    plain = text.isascii() and all(len(line) <= 998 for line in text.splitlines())
    return "7bit" if plain else "quoted-printable"


def verify_round_trip(message: EmailMessage, *, to: str, headers: list[str], where: str) -> None:
    """Read the message's bytes back; raise TemplateError unless To and the headers are as built.

    `headers` lists each intended header name once; a repeated or extra header fails.
    """
    try:
        parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    except (MessageError, ValueError) as exc:  # newer Pythons refuse to write unsound headers
        problem = Problem(file="message", key=where, message=f"cannot be written: {exc}")
        raise TemplateError(str(problem), [problem]) from None
    to_header = parsed["To"]
    addresses = [a.addr_spec for a in to_header.addresses] if to_header is not None else []
    names = [name.lower() for name in parsed.keys()]  # noqa: SIM118 (a Message is not a dict)
    if addresses != [to] or sorted(names) != sorted(name.lower() for name in headers):
        problem = Problem(file="message", key=where, message=f"reads back with To {addresses}")
        raise TemplateError(str(problem), [problem])
