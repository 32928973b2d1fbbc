"""Opens the mailbox backend the config asks for (the one place that wires settings to it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from followup_mailer.errors import UserError
from followup_mailer.files import private_folder
from followup_mailer.mailbox.protocol import Mailbox, Pace
from followup_mailer.settings import Settings
from followup_mailer.store import Store


def open_mailbox(
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    store: Store | None = None,
    pace: Pace = Pace(),  # noqa: B008 (frozen, so sharing it is safe)
) -> Mailbox:
    """Return the backend the config asks for.

    The Gmail backend keeps its history position in the ledger: in `store` when
    given, else in its own connection to the state directory's ledger.
    """
    delivery = settings.delivery
    if delivery.backend == "maildir":
        from followup_mailer.mailbox.maildir import MaildirMailbox

        return MaildirMailbox(
            delivery.maildir,
            sendmail=delivery.sendmail,
            clock=clock,
            state=private_folder(settings.state_dir),
            pace=pace,
        )
    if delivery.backend == "gmail":
        store = store or Store.open(settings.state_dir)
        return _open_gmail(settings, clock=clock, store=store, pace=pace)
    raise UserError(
        f'{settings.path}: [delivery] backend = "{delivery.backend}" is not available; '
        'use backend = "gmail" or "maildir"'
    )


def _open_gmail(
    settings: Settings, *, clock: Callable[[], datetime], store: Store, pace: Pace
) -> Mailbox:
    """Open Gmail with the stored token, the configured endpoints and the ledger's position."""
    from followup_mailer.auth.stores import token_store_for
    from followup_mailer.auth.tokens import check_token
    from followup_mailer.mailbox.gmail import POSITION_NAME, Position, open_gmail

    tokens = token_store_for(settings)

    def load_token() -> dict[str, Any] | None:
        """Return the stored token once it has what a refresh needs (else AuthError)."""
        token = tokens.load()
        if token is not None:
            check_token(token, source="the stored Gmail token")
        return token

    return open_gmail(
        load_token=load_token,
        save_token=tokens.save,  # a refreshed access token is kept: the next start needs none
        api_endpoint=settings.gmail.api_endpoint,
        token_uri=settings.gmail.token_uri,
        position=Position(
            load=lambda: store.get(POSITION_NAME),
            save=lambda value: store.put(POSITION_NAME, value),
        ),
        clock=clock,
        sleep=pace.sleep,
        beat=pace.beat,
    )
