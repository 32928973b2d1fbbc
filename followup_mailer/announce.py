"""The last step of a pass: telling the user about drafts waiting to be sent.

A desktop notification when there is a desktop, else a log line; and, when asked for, one
short note in the user's own mailbox, announced in the ledger like any step so that it is
delivered at most once. Which drafts are worth telling about is decided in reminders.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from followup_mailer import apply, reminders
from followup_mailer.compose.parts import Writer
from followup_mailer.errors import FollowupError
from followup_mailer.mailbox.protocol import Mailbox
from followup_mailer.model import Interview, Record, StepPlan
from followup_mailer.settings import Settings
from followup_mailer.store import Store

log = logging.getLogger(__name__)


def remind(
    settings: Settings,
    interviews: tuple[Interview, ...],
    planned: list[StepPlan],
    records: Mapping[str, Record],
    *,
    store: Store,
    mailbox: Mailbox,
    writer: Writer,
    drafted: set[str],
    now: datetime,
    show: Callable[[str, str], bool],
) -> None:
    """Tell the user about the drafts waiting, when something about them is new."""
    waiting = reminders.waiting_drafts(planned, {i.id: i for i in interviews}, settings, now)
    news = reminders.worth_telling(
        waiting, created=drafted, records=records, settings=settings, now=now
    )
    if not news:
        return
    store.record_reminded(news, now)  # first: a crash may lose a reminder, never repeat one
    text = reminders.summary(waiting)
    if not (settings.reminders.desktop and show("Drafts waiting for you to send", text)):
        log.info("%s (press Send in your mail client)", text)
    if settings.reminders.email:
        _email_reminder(settings, waiting, store=store, mailbox=mailbox, writer=writer, now=now)


def _email_reminder(
    settings: Settings,
    waiting: list[reminders.Waiting],
    *,
    store: Store,
    mailbox: Mailbox,
    writer: Writer,
    now: datetime,
) -> None:
    """Send the user one note listing the drafts waiting (its own intent, like every step)."""
    from followup_mailer.compose.reminder import compose_reminder

    own = settings.account.email
    key = reminders.reminder_key(own, now)
    try:
        message = compose_reminder(writer, items=reminders.listed(waiting), key=key, date=now)
    except FollowupError as error:
        log.warning("no reminder note: %s", error)
        return
    result = apply.note_to_self(message, store=store, mailbox=mailbox, own=own, now=now)
    log.info("reminder note to %s: %s", own, result.summary)
