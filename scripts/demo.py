"""The demo behind scripts/demo: one follow-up cycle on a throwaway maildir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import mailtools

COMMAND = shutil.which("followup-mailer") or "followup-mailer"

CONFIG = """\
[account]
email = "alex@example.com"
name = "Alex Rivera"
timezone = "America/New_York"

[signature]
lines = ["+1 555 0100", "linkedin.com/in/alexrivera"]

[delivery]
mode = "draft"            # you approve each message by sending it
backend = "maildir"       # local folders instead of Gmail
maildir = "mail"
send_window = "always"    # the demo runs at any hour; the default is Mon-Fri 09:00-17:00

[state]
dir = "state"
"""


def schedule(ended: datetime) -> str:
    start, end = (ended - timedelta(hours=1)).isoformat(), ended.isoformat()
    return f"""\
[[interview]]
id = "acme-backend"
company = "Acme Corp"
role = "Senior Backend Engineer"
start = {start}
end = {end}
highlights = ["your move to event sourcing"]

  [[interview.interviewer]]
  name = "Dana Smith"
  email = "dana@acme.com"
  title = "Engineering Manager"
  notes = "asked how I would cut on-call load"

[[interview]]
id = "globex-platform"
company = "Globex"
role = "Platform Engineer"
format = "panel"
start = {start}
end = {end}
highlights = ["the migration to Kubernetes", "your on-call rotation"]

  [[interview.interviewer]]
  name = "Priya Natarajan"
  email = "priya@globex.com"
  notes = "walked me through the incident review culture"
  lead = true

  [[interview.interviewer]]
  name = "Marco Rossi"
  email = "marco@globex.com"
  notes = "explained the build-time budget"
"""


def say(title: str, text: str = "") -> None:
    print(f"\n\033[1m== {title}\033[0m")
    if text:
        print(textwrap.fill(text, width=88))


def run(folder: Path, *args: str) -> None:
    shown = " ".join(("followup-mailer", *args))
    print(f"\n$ {shown}", flush=True)
    # tables read best at 100 columns or more
    width = str(max(shutil.get_terminal_size().columns, 100))
    env = {**os.environ, "COLUMNS": width}
    subprocess.run([COMMAND, "--config", str(folder / "config.toml"), *args], check=True, env=env)


def show_drafts(maildir: Path) -> None:
    for path in mailtools.files(maildir, "Drafts"):
        message = mailtools.read(path)
        print(f"\n  To: {message['To']}\n  Subject: {message['Subject']}")
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        # paragraphs are single lines in the message (mail clients wrap them); wrap them here
        shown = [textwrap.fill(line, width=84) if line else "" for line in text.strip().split("\n")]
        print(textwrap.indent("\n".join(shown), "  | ", lambda line: True))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="followup-mailer-demo-"))
    maildir = folder / "mail"
    ended = (datetime.now(UTC) - timedelta(hours=25)).replace(microsecond=0)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "interviews.toml").write_text(schedule(ended), encoding="utf-8")
    say(
        "A throwaway setup in " + str(folder),
        "Two interviews ended yesterday: a one-on-one with Dana at Acme, and a panel with "
        "Priya and Marco at Globex. Mail lives in local folders (Drafts/, Sent/, INBOX/).",
    )

    say("1. One pass: the thank-you notes are due (24 hours after each interview)")
    run(folder, "run", "--once")
    say("The drafts it wrote (each interviewer gets their own note and wording):")
    show_drafts(maildir)
    run(folder, "plan")

    say(
        "2. You press Send on the drafts; then Priya at Globex replies",
        "Your mail client moves each sent draft into Sent/; the reply lands in INBOX/.",
    )
    sent_at = datetime.now(UTC).replace(microsecond=0)
    for key in (
        "acme-backend/thank_you/dana@acme.com",
        "globex-platform/thank_you/priya@globex.com",
        "globex-platform/thank_you/marco@globex.com",
    ):
        filed = mailtools.approve_draft(maildir, key, sent_at=sent_at)
        if "priya" in key:
            thanks = mailtools.read(filed)
    mailtools.deliver_reply(
        maildir,
        frm="Priya Natarajan <priya@globex.com>",
        to="alex@example.com",
        subject="Re: " + str(thanks["Subject"]),
        date=sent_at + timedelta(seconds=1),
        in_reply_to=str(thanks["Message-ID"]),
        references=str(thanks["Message-ID"]),
    )

    time.sleep(1)  # the reply must be in the past when the pass looks
    say("3. The next pass notices both")
    run(folder, "run", "--once")
    run(folder, "status")
    say(
        "What happened",
        "Acme: your thank-you went out, nobody answered yet, so a polite nudge is planned five "
        "business days after you sent it. Globex: Priya replied, so every nudge is cancelled. "
        "Nothing is ever created twice: run the pass again and nothing changes.",
    )
    run(folder, "run", "--once")
    print(f"\nThe demo's files stay in {folder} for you to look at.")


if __name__ == "__main__":
    main()
