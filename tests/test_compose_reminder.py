"""The reminder note to oneself: the drafts waiting, each with its recipient and deadline."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.compose.parts import Reminder, Sender, Writer
from followup_mailer.compose.reminder import compose_reminder
from followup_mailer.errors import TemplateError
from followup_mailer.model import KEY_HEADER

WRITER = Writer(
    sender=Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",)),
    templates_dir=None, timezone=ZoneInfo("America/New_York"),
)  # fmt: skip
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
ITEMS = [
    Reminder(interview="acme", company="Acme Corp", role="Senior Backend Engineer",
             step="followup-1", to_name="Sam Lee", to_email="sam@acme.com",
             send_by=None, overdue=False),
    Reminder(interview="acme", company="Acme Corp", role="Senior Backend Engineer",
             step="thank_you", to_name="Dana Smith", to_email="dana@acme.com",
             send_by=datetime(2026, 11, 21, 19, 30, tzinfo=UTC), overdue=True),
    Reminder(interview="globex", company="Globex", role="Platform Engineer", step="thank_you",
             to_name="Priya Natarajan", to_email="priya@globex.com",
             send_by=datetime(2026, 11, 22, 15, 0, tzinfo=UTC), overdue=False),
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
        interview="x",
        company="Acme\nBcc: evil@x.com",
        role="Role",
        step="thank_you",
        to_name="Dana\x00",
        to_email="d@acme.com",
        send_by=None,
        overdue=False,
    )
    body = compose_reminder(WRITER, items=[odd], key="k", date=NOW).get_content()
    assert "Acme\ufffdBcc" in body and "\x00" not in body


def test_an_unsafe_account_is_refused() -> None:
    writer = Writer(
        sender=Sender(name="Alex\r\nBcc: evil@x.com", email="alex@example.com", signature=()),
        templates_dir=None,
    )
    with pytest.raises(TemplateError, match=r"account\.name"):
        compose_reminder(writer, items=ITEMS, key="k", date=NOW)
