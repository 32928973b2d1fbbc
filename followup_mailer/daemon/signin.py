"""The daemon's mailbox, or a pause while Google refuses the sign-in.

When Gmail refuses the token, Gmail work pauses instead of the daemon
exiting (so systemd does not restart it in a loop): the error is said once,
every state is kept, and work resumes by itself once the stored token
changes, that is, once the user has signed in again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from followup_mailer.auth.stores import token_store
from followup_mailer.auth.tokens import TokenWatch
from followup_mailer.backends import open_mailbox
from followup_mailer.errors import AuthError
from followup_mailer.mailbox.guarded import Pulse, guard
from followup_mailer.mailbox.protocol import Mailbox
from followup_mailer.settings import Settings
from followup_mailer.store import Store

log = logging.getLogger(__name__)


class MailboxSlot:
    """Holds the open mailbox, or the refused token it waits to see replaced."""

    def __init__(self, *, clock: Callable[[], datetime], store: Store, pulse: Pulse) -> None:
        self.clock, self.store, self.pulse = clock, store, pulse
        self.mailbox: Mailbox | None = None
        self.waiting: TokenWatch | None = None

    @property
    def paused(self) -> bool:
        return self.waiting is not None

    def open(self, settings: Settings) -> None:
        """Open the mailbox; a refused or missing sign-in pauses Gmail work instead."""
        self.waiting = None
        try:
            mailbox = open_mailbox(
                settings, clock=self.clock, store=self.store, pace=self.pulse.pace()
            )
        except AuthError as error:
            self.pause(settings, error)
            return
        self.mailbox = guard(mailbox, self.pulse)

    def pause(self, settings: Settings, error: AuthError) -> None:
        """Stop Gmail work, say so once, and remember the token that was refused."""
        self.mailbox = None
        gmail, account = settings.gmail, settings.account
        tokens = token_store(
            kind=gmail.token_store, account=account.email, state_dir=settings.state_dir
        )
        self.waiting = TokenWatch(tokens)
        advice = "" if "auth login" in str(error) else "; run `followup-mailer auth login`"
        log.error(
            "Gmail work is paused: %s%s. The daemon resumes by itself once you have signed in "
            "again; nothing is lost",
            error,
            advice,
        )

    def ready(self, settings: Settings) -> Mailbox | None:
        """Return the open mailbox; while paused, reopen it once the token changed."""
        if self.waiting is None:
            return self.mailbox
        if not self.waiting.changed():
            log.debug("still paused: waiting for a new sign-in")
            return None
        log.info("a new sign-in was stored; resuming Gmail work")
        self.open(settings)
        return self.mailbox
