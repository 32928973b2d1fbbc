"""The message itself: headers set from checked values only, the body, and a read-back proof.

Headers are only ever set as values, after headers.py has checked them, never from rendered
header text; the built message is then read back from its bytes to prove it has exactly the
intended recipient and headers, and no line longer than RFC 5322 allows.

Serialize a composed message with its own policy (`message.as_bytes()`, writing.py): that
policy keeps the X-Followup-Mailer-Key header on one line, unencoded, so the mailbox can find
it again by its exact value, and From and To on one line, so a long quoted name keeps its
quotes.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from followup_mailer.compose.writing import MESSAGE_POLICY, address_header
from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import KEY_HEADER

if TYPE_CHECKING:
    from followup_mailer.compose.parts import Previous, Sender
    from followup_mailer.model import Person

MAX_LINE_OCTETS = 998  # RFC 5322 section 2.1.1


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
    message["From"] = address_header("From", sender.name.strip(), sender.email.strip())
    message["To"] = address_header("To", recipient.name.strip(), recipient.email.strip())
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
        written = message.as_bytes()
        # the fast parser reads the header block as written; To is then read as a mail
        # client reads it (the standard header classes, as policy.default parses a message)
        parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(written)
        to_raw = parsed["To"]
        to_header = None if to_raw is None else MESSAGE_POLICY.header_fetch_parse("To", str(to_raw))
    except (MessageError, ValueError) as exc:  # newer Pythons refuse to write unsound headers
        problem = Problem(file="message", key=where, message=f"cannot be written: {exc}")
        raise TemplateError(str(problem), [problem]) from None
    long_line = _longest_header_line(written)
    if long_line > MAX_LINE_OCTETS:
        message_text = f"has a header line of {long_line} octets (at most {MAX_LINE_OCTETS})"
        problem = Problem(file="message", key=where, message=message_text)
        raise TemplateError(str(problem), [problem])
    addresses = [a.addr_spec for a in to_header.addresses] if to_header is not None else []
    names = [name.lower() for name in parsed.keys()]  # noqa: SIM118 (a Message is not a dict)
    if addresses != [to] or sorted(names) != sorted(name.lower() for name in headers):
        problem = Problem(file="message", key=where, message=f"reads back with To {addresses}")
        raise TemplateError(str(problem), [problem])


def _longest_header_line(written: bytes) -> int:
    """Return the length in octets of the longest line of a written message's header."""
    head = written.split(b"\n\n", 1)[0]
    return max((len(line.rstrip(b"\r")) for line in head.split(b"\n")), default=0)
