"""The `auth` commands: sign in to Gmail, import a token, show it, remove it."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from followup_mailer.auth import login as auth_login
from followup_mailer.auth import signin
from followup_mailer.cli.context import Session, now_utc, pass_session
from followup_mailer.errors import UserError


@click.group()
def auth() -> None:
    """Sign in to Gmail and manage the stored token (`followup-mailer help auth` explains)."""


@auth.command()
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the sign-in address and read back the address the browser ends on (over SSH).",
)
@pass_session
def login(session: Session, no_browser: bool) -> None:
    """Sign in with Google and store the token (in the keyring, or a 0600 file)."""
    saved = auth_login.login(
        settings=session.settings,
        store=session.token_store(),
        now=now_utc(),
        browser=not no_browser,
        ask=lambda prompt: str(click.prompt(prompt, prompt_suffix=": ")),
        say=click.echo,
    )
    _print_saved(saved)


@auth.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_session
def auth_import(session: Session, file: Path) -> None:
    """Store an authorized-user JSON (refresh_token, client_id, client_secret) made elsewhere."""
    from followup_mailer.intake.reading import special_kind

    kind = special_kind(file)  # a FIFO would block the read, /dev/zero would never end
    if kind:
        raise UserError(f"{file} is {kind}, not a file; give the authorized-user JSON file")
    saved = signin.import_token(
        settings=session.settings,
        store=session.token_store(),
        path=file,
        now=now_utc(),
        say=click.echo,
    )
    _print_saved(saved)
    click.echo(f"{file} is no longer needed; delete it so the token exists in one place only.")


@auth.command()
@pass_session
def logout(session: Session) -> None:
    """Remove the stored token from this machine."""
    store, account = session.token_store(), session.settings.account.email
    if not signin.logout(store):
        click.echo(f"No token was stored for {account} in the {store.where}.")
        return
    click.echo(f"Removed the token for {account} from the {store.where}.")
    click.echo(
        "Google keeps listing followup-mailer among your account's connected apps until you "
        "remove it at https://myaccount.google.com/connections"
    )


def _print_saved(saved: signin.Saved) -> None:
    click.echo(f"Stored the token for {saved.account} in the {saved.where}.")
    if saved.consented_at is not None:
        end = _date(saved.consented_at + signin.TESTING_LIFETIME)
        click.echo(
            f'If your OAuth app is still in "Testing", Google ends this sign-in on {end}; '
            'publish it "In production" to keep it (`followup-mailer help auth`).'
        )


@auth.command("status")
@click.option("--offline", is_flag=True, help="Do not ask Google whether the token still works.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_session
def auth_status(session: Session, offline: bool, as_json: bool) -> None:
    """Show the account, the token store, scopes and consent date (never the token)."""
    settings = session.settings
    found = signin.status(
        settings=settings, store=session.token_store(), now=now_utc(), check=not offline
    )
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2))
    else:
        click.echo(_auth_text(found, settings.delivery.backend))
    if not found.signed_in:
        sys.exit(1)


def _date(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M %Z") if when else "unknown"


def _auth_text(found: signin.Status, backend: str) -> str:
    """Lay out `auth status` for people."""
    lines = [f"account      {found.account}", f"token store  {found.where}"]
    if found.token_account or found.scopes or found.check != "not checked" or found.signed_in:
        lines += [
            f"token for    {found.token_account or 'unknown'}",
            f"scopes       {', '.join(found.scopes) or 'not recorded'}",
            f"consent      {_date(found.consented_at)}",
            f"stored       {_date(found.stored_at)}",
            f"check        {found.check}",
        ]
    if backend != "gmail":
        lines.append(f'note: [delivery] backend = "{backend}": Gmail is not used until "gmail"')
    return "\n".join(lines + [f"note: {note}" for note in found.notes])
