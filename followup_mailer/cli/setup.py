"""`init`: a commented config and an example schedule for a new user, and the way on from there.

A first run cannot misfire: the config holds the user's own name, address, timezone and backend
(asked in a terminal, else taken from flags or this machine), the example interviews are dated
next week, and the next steps printed lead to a working setup on the chosen backend.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from followup_mailer.cli import first_run
from followup_mailer.cli.context import Session, pass_session
from followup_mailer.cli.output import say
from followup_mailer.errors import UserError
from followup_mailer.intake.admit import address_error

BACKENDS = ("maildir", "gmail")
_PLACEHOLDER_EMAIL = "you@example.com"


@click.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write into [default: the folder of the config path].",
)
@click.option("--name", help="Your full name, for your signature.")
@click.option("--email", help="The address you send from.")
@click.option("--timezone", "zone", help="Your IANA timezone [default: this machine's].")
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    help="maildir: local mail folders, to try it out; gmail: your Gmail account "
    "[default: maildir].",
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for what the flags do not give [default: when run in a terminal].",
)
@pass_session
def init(
    session: Session,
    folder: Path | None,
    name: str | None,
    email: str | None,
    zone: str | None,
    backend: str | None,
    interactive: bool | None,
) -> None:
    """Write a commented config.toml and an example interviews.toml; never overwrites.

    In a terminal it asks for your name, address, timezone and backend;
    otherwise it takes them from the flags (or this machine's settings). The
    example interviews are dated next week: nothing is created for them
    before you replace them with yours.
    """
    config = folder / "config.toml" if folder else session.config_path
    schedule = config.parent / "interviews.toml"
    existing = [str(path) for path in (config, schedule) if path.exists()]
    if existing:
        raise UserError(f"refusing to overwrite {', '.join(existing)}; move it away or use --dir")
    ask = sys.stdin.isatty() if interactive is None else interactive
    account = _account(name, email, zone, backend, ask)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(first_run.config_text(account), encoding="utf-8")
    say(f"wrote {config}")
    text, day = first_run.schedule_text(datetime.now().date())
    schedule.write_text(text, encoding="utf-8")
    say(f"wrote {schedule} (two example interviews, dated {day:%a %d %b})")
    command = "followup-mailer" + ("" if config == session.config_path else f" --config {config}")
    guessed = [] if ask else [key for key, flag in (("name", name), ("email", email)) if not flag]
    for line in _next_steps(account, config.parent, command, guessed=guessed):
        say(line)


def _account(
    name: str | None, email: str | None, zone: str | None, backend: str | None, ask: bool
) -> first_run.Account:
    """Return the account's values: flags, else answers, else this machine's; all checked."""
    if ask:
        name = name or _ask("Your full name, for your signature", first_run.system_name(), _name)
        email = email or _ask("The email address you send from", "", _email)
        zone = zone or _ask("Your timezone", first_run.system_zone(), _zone)
        backend = backend or click.prompt(
            "Send with maildir (local mail folders, to try it out) or gmail (your Gmail account)",
            type=click.Choice(BACKENDS),
            default="maildir",
        )
    chosen = backend or "maildir"
    return first_run.Account(
        name=_name(name or first_run.system_name() or first_run.login_name()),
        email=_email(email or _PLACEHOLDER_EMAIL),
        timezone=_zone(zone or first_run.system_zone()),
        backend=chosen,
        token_store=_token_store() if chosen == "gmail" else "keyring",
    )


def _ask(text: str, default: str, check: Callable[[str], str]) -> str:
    """Ask until the answer passes `check` (click asks again on a BadParameter)."""
    answer: str = click.prompt(text, default=default or None, value_proc=check)
    return answer


def _name(name: str) -> str:
    if not name.strip() or any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise click.BadParameter(f"{name!r} is not a name on one line", param_hint="--name")
    return name.strip()


def _email(email: str) -> str:
    problem = address_error(email.strip(), where="--email")
    if problem:
        raise click.BadParameter(f'"{email}" {problem}', param_hint="--email")
    return email.strip()


def _zone(zone: str) -> str:
    from followup_mailer import timing
    from followup_mailer.timing import BadValue

    try:
        return timing.parse_timezone(zone.strip()).key
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}", param_hint="--timezone") from None


def _token_store() -> str:
    """Return "keyring" where the OS keyring can keep the token, else "file" (a 0600 file)."""
    from followup_mailer.auth.keyring_store import usable_backend
    from followup_mailer.errors import AuthError

    try:
        usable_backend()
    except AuthError:
        return "file"
    except Exception:  # a keyring that cannot even load (a bad backend setting) keeps nothing
        return "file"
    return "keyring"


def _next_steps(
    account: first_run.Account, folder: Path, command: str, *, guessed: list[str]
) -> list[str]:
    """Say what to do next, on the backend chosen, with every step inline."""
    lines = [""]
    if guessed:
        values = ", ".join(f'{key} = "{getattr(account, key)}"' for key in guessed)
        lines.append(
            f"config.toml has stand-ins under [account] ({values}): put yours in, "
            "or run init again with --name and --email."
        )
    if account.backend == "maildir":
        mail = folder / "mail"
        lines += [
            "Next steps (local mail folders, no Google account needed):",
            f"  drafts appear in   {mail / 'Drafts'}/",
            f"  sent mail goes to  {mail / 'Sent'}/  (a mail client moves a draft there as you "
            "send it)",
            f"  replies arrive in  {mail / 'INBOX'}/",
        ]
    else:
        store = "your OS keyring" if account.token_store == "keyring" else "a 0600 file"
        lines += [
            "Next steps (Gmail):",
            '  Create a Google Cloud OAuth client of type "Desktop app" for your account and save',
            f"  its JSON as {folder / 'client_secret.json'} (about ten minutes, once;",
            f"  `{command} help auth` prints every step). Then sign in:",
            _step(command, "auth login", f"the token is kept in {store}"),
        ]
    lines += [
        "  Replace the example interviews in interviews.toml with yours, then:",
        _step(command, "check", "validates both files, renders every message"),
        _step(command, "plan", "what will happen when; changes nothing"),
        _step(command, "run --once", "one pass: creates the drafts that are due"),
    ]
    if account.backend == "maildir":
        lines.append(
            f'  To use Gmail later: backend = "gmail" in config.toml; `{command} help auth`.'
        )
    return lines


def _step(command: str, arguments: str, why: str) -> str:
    return f"    {command} {arguments:<12} # {why}"
