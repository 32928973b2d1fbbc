"""Mailbox backends behind one protocol (see protocol.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from followup_mailer.config import Settings
from followup_mailer.errors import UserError
from followup_mailer.mailbox.protocol import Mailbox


def open_mailbox(settings: Settings, *, clock: Callable[[], datetime]) -> Mailbox:
    """Return the backend the config asks for."""
    delivery = settings.delivery
    if delivery.backend == "maildir":
        from followup_mailer.mailbox.maildir import MaildirMailbox

        return MaildirMailbox(delivery.maildir, sendmail=delivery.sendmail, clock=clock)
    raise UserError(
        f'{settings.path}: [delivery] backend = "{delivery.backend}" is not available in this '
        'version yet; use backend = "maildir" (local folders, no Google account needed)'
    )
