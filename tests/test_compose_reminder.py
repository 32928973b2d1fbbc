"""The reminder note to oneself: the drafts waiting, each with its recipient and deadline."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.compose.message import Writer
from followup_mailer.compose.parts import Reminder, Sender
from followup_mailer.compose.reminder import compose_reminder
from followup_mailer.errors import TemplateError
from followup_mailer.model import KEY_HEADER

WRITER = Writer(
    Sender("Alex Rivera", "alex@example.com", ("+1 555 0100",)), None,
    timezone=ZoneInfo("America/New_York"),
)  # fmt: skip
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
ACME = ("acme", "Acme Corp", "Senior Backend Engineer")
ITEMS = [
    Reminder(*ACME, "followup-1", "Sam Lee", "sam@acme.com", None, False),
    Reminder(*ACME, "thank_you", "Dana Smith", "dana@acme.com",
             datetime(2026, 11, 21, 19, 30, tzinfo=UTC), True),
    Reminder("globex", "Globex", "Platform Engineer", "thank_you", "Priya Natarajan",
             "priya@globex.com", datetime(2026, 11, 22, 15, 0, tzinfo=UTC), False),
]  # fmt: skip


def test_the_reminder_goes_to_oneself_with_our_key() -> None:
    message = compose_reminder(WRITER, items=ITEMS, key="reminder/2026-11-21", date=NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["From"] == parsed["To"] == "Alex Rivera <alex@example.com>"
    assert parsed[KEY_HEADER] == "reminder/2026-11-21"
    assert parsed["Subject"] == "3 drafts waiting to be sent (1 overdue)"


def test_it_lists_each_draft_with_recipient_and_deadline_in_the_accounts_zone() -> None:
    body = compose_reminder(WRITER, items=ITEMS, key="k", date=NOW).get_content()
    assert body.splitlines()[2:5] == [
        "- Thank-you note to Dana Smith <dana@acme.com>",
        "  Senior Backend Engineer at Acme Corp (acme)",
        "  OVERDUE: it was due by Saturday, November 21, 14:30 EST",
    ]
    assert "send by Sunday, November 22, 10:00 EST" in body
    assert "Follow-up 1 to Sam Lee <sam@acme.com>" in body and "send when you are ready" in body


def test_a_control_character_in_a_listed_value_cannot_break_a_line() -> None:
    odd = Reminder(
        "x", "Acme\nBcc: evil@x.com", "Role", "thank_you", "Dana\x00", "d@acme.com", None, False
    )
    body = compose_reminder(WRITER, items=[odd], key="k", date=NOW).get_content()
    assert "Acme\ufffdBcc" in body and "\x00" not in body


def test_an_unsafe_account_is_refused() -> None:
    writer = Writer(Sender("Alex\r\nBcc: evil@x.com", "alex@example.com", ()), None)
    with pytest.raises(TemplateError, match=r"account\.name"):
        compose_reminder(writer, items=ITEMS, key="k", date=NOW)
