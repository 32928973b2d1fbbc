"""Build what the benchmarks measure: a config, a schedule, a maildir and a ledger of a given size.

The state is what weeks of use leave behind: every interview has its
thank-yous sent (filed in Sent and recorded in the ledger) and its nudges
planned for later, and every third interview has a reply in INBOX. Building
30,000 sent messages through real passes would take many minutes, so the
files are written directly and the ledger rows inserted in one transaction,
after the command under test has created its ledger (so either version of
the program measures a ledger of its own schema).
"""

from __future__ import annotations

import mailbox
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

KEY_HEADER = "X-Followup-Mailer-Key"
PEOPLE = 3  # interviewers per interview


@dataclass(frozen=True)
class Workspace:
    """One benchmark's folder: config.toml, interviews.toml, mail/ and state/."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def schedule(self) -> Path:
        return self.root / "interviews.toml"

    @property
    def maildir(self) -> Path:
        return self.root / "mail"

    @property
    def ledger(self) -> Path:
        return self.root / "state" / "state.db"


def config_text(extra: str = "") -> str:
    return f"""[account]
email = "alex@example.com"
name = "Alex Rivera"
timezone = "America/New_York"

[signature]
lines = ["+1 555 0100", "linkedin.com/in/alexrivera"]

[delivery]
mode = "draft"
backend = "maildir"
maildir = "mail"
send_window = "always"

[state]
dir = "state"
{extra}"""


def interview_block(number: int, end: datetime, people: int = PEOPLE) -> str:
    lines = [
        "[[interview]]",
        f'id = "i{number}"',
        f'company = "Company {number}"',
        'role = "Backend Engineer"',
        f"start = {(end - timedelta(hours=1)).isoformat()}",
        f"end = {end.isoformat()}",
        f'format = "{"panel" if people > 1 else "one-on-one"}"',
        'highlights = ["the move to event sourcing"]',
    ]
    for person in range(people):
        lines += [
            "[[interview.interviewer]]",
            f'name = "Person {person} Number{number}"',
            f'email = "p{person}@c{number}.example"',
            'notes = "asked how I would cut on-call load"',
        ]
    return "\n".join(lines) + "\n\n"


def write_schedule(ws: Workspace, count: int, end: datetime, people: int = PEOPLE) -> None:
    ws.root.mkdir(parents=True, exist_ok=True)
    ws.config.write_text(config_text(), encoding="utf-8")
    text = "".join(interview_block(n, end, people) for n in range(count))
    ws.schedule.write_text(text, encoding="utf-8")


def sent_history(
    ws: Workspace, command: list[str], count: int, now: datetime, env: dict[str, str] | None = None
) -> None:
    """Write weeks of history for `count` interviews: sent thank-yous, and some replies.

    `command` (run with `env`: the program under test) creates the ledger, of its own schema.
    """
    end = now - timedelta(days=1)
    write_schedule(ws, count, end)
    subprocess.run(
        [*command, "--config", str(ws.config), "status"], check=True, capture_output=True, env=env
    )
    sent_at = end + timedelta(hours=3)
    ws.maildir.mkdir(exist_ok=True)
    folders = {name: mailbox.Maildir(ws.maildir / name, create=True) for name in ("Sent", "INBOX")}
    rows = []
    for number in range(count):
        for person in range(PEOPLE):
            address = f"p{person}@c{number}.example"
            key = f"i{number}/thank_you/{address}"
            message_id = f"<ty-{number}-{person}@example.com>"
            folders["Sent"].add(_message(key, address, message_id, sent_at))
            rows.append((key, f"i{number}", "thank_you", address, sent_at, message_id))
        if number % 3 == 0:
            folders["INBOX"].add(_reply(number, now - timedelta(hours=2)))
    _insert_sent(ws.ledger, rows)


def _message(key: str, to: str, message_id: str, when: datetime) -> bytes:
    message = EmailMessage()
    message["From"] = "Alex Rivera <alex@example.com>"
    message["To"] = to
    message["Subject"] = "Thank you"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    message[KEY_HEADER] = key
    message.set_content("Dear someone,\n\nThank you for your time.\n\nAlex Rivera\n")
    return message.as_bytes()


def _reply(number: int, when: datetime) -> bytes:
    message = EmailMessage()
    message["From"] = f"Person 0 <p0@c{number}.example>"
    message["To"] = "alex@example.com"
    message["Subject"] = "Re: Thank you"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<reply-{number}@c{number}.example>"
    message["In-Reply-To"] = f"<ty-{number}-0@example.com>"
    message["References"] = f"<ty-{number}-0@example.com>"
    message.set_content("Thanks! We will be in touch next week.\n")
    return message.as_bytes()


def _insert_sent(ledger: Path, rows: list[tuple[str, str, str, str, datetime, str]]) -> None:
    """Record the thank-yous as sent, with the columns every schema version has."""
    db = sqlite3.connect(ledger)
    with db:
        db.executemany(
            "INSERT INTO steps (key, interview, step, recipient, phase, state, intent_at,"
            " sent_at, thread_id, message_id, mode)"
            " VALUES (?, ?, ?, ?, 'sent', 'sent', ?, ?, ?, ?, 'draft')",
            [
                (key, interview, step, to, when.isoformat(), when.isoformat(), mid, mid)
                for key, interview, step, to, when, mid in rows
            ],
        )
    db.close()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
