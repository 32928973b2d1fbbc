"""What every command shares: the config, loaded on first use; the clock and the writer.

The library is imported where a command first needs it, not here: `--help`
and the commands that need little start fast.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from followup_mailer.intake.paths import config_path

if TYPE_CHECKING:
    from followup_mailer.auth.tokens import TokenStore
    from followup_mailer.compose.parts import Writer
    from followup_mailer.model import Interview
    from followup_mailer.settings import Settings
    from followup_mailer.store import Store

LOCK_WAIT = 60.0  # seconds a command waits for a pass of the daemon to finish
LOCK_WAIT_ENV = "FOLLOWUP_MAILER_LOCK_WAIT"  # another wait, in seconds


class Session:
    """What every command shares: where the config is, loaded on first use."""

    def __init__(self, config: Path | None) -> None:
        self.config_path = config_path(config, os.environ)
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from followup_mailer.intake.config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    def schedule(self) -> tuple[Interview, ...]:
        from followup_mailer.intake.schedule import load_schedule
        from followup_mailer.intake.schedule_cache import CACHE_NAME

        settings = self.settings
        return load_schedule(
            settings.schedule.path,
            default_tz=settings.account.timezone,
            cache=settings.state_dir / CACHE_NAME,
        )

    def store(self) -> Store:
        from followup_mailer.store import Store

        return Store.open(self.settings.state_dir)

    def writer(self) -> Writer:
        return writer_for(self.settings)

    def locked(self) -> AbstractContextManager[None]:
        """Hold the state folder's pass lock (waiting a little for a pass in flight)."""
        from followup_mailer.cli.output import warn
        from followup_mailer.lock import holding

        wait = float(os.environ.get(LOCK_WAIT_ENV) or LOCK_WAIT)
        return holding(self.settings.state_dir, wait=wait, what="a pass", waiting=warn)

    def token_store(self) -> TokenStore:
        from followup_mailer.auth.stores import token_store

        settings = self.settings
        return token_store(
            kind=settings.gmail.token_store,
            account=settings.account.email,
            state_dir=settings.state_dir,
        )


def writer_for(settings: Settings) -> Writer:
    """Return what renders messages for these settings."""
    from followup_mailer.compose.parts import Sender, Writer

    account = settings.account
    sender = Sender(name=account.name, email=account.email, signature=settings.signature.lines)
    return Writer(
        sender=sender,
        templates_dir=settings.templates_dir,
        limits=settings.lint,
        timezone=account.timezone,
    )


def now_utc() -> datetime:
    return datetime.now(UTC)


pass_session = click.make_pass_decorator(Session)
