"""The command line: parse, call the library, print. Errors become words in one place."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from followup_mailer import __version__, checks, views
from followup_mailer import auth as signin
from followup_mailer import service as services
from followup_mailer.apply import Writer
from followup_mailer.cli_more import add, export, import_ics
from followup_mailer.compose import Sender
from followup_mailer.config import Settings, config_path, load_settings
from followup_mailer.errors import FollowupError, UserError
from followup_mailer.mailbox import open_mailbox
from followup_mailer.model import Interview, Outcome
from followup_mailer.notify import SecretFilter, log_formatter
from followup_mailer.reconcile import current_plan, run_pass, save_plan
from followup_mailer.schedule import load_schedule
from followup_mailer.store import Store
from followup_mailer.tokens import TokenStore, token_store

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("followup_mailer")


class Session:
    """What every command shares: where the config is, loaded on first use."""

    def __init__(self, config: Path | None) -> None:
        self.config_path = config_path(config, os.environ)
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    def schedule(self) -> tuple[Interview, ...]:
        settings = self.settings
        return load_schedule(settings.schedule.path, default_tz=settings.account.timezone)

    def store(self) -> Store:
        return Store.open(self.settings.state_dir)

    def writer(self) -> Writer:
        return writer_for(self.settings)

    def token_store(self) -> TokenStore:
        settings = self.settings
        return token_store(
            kind=settings.gmail.token_store,
            account=settings.account.email,
            state_dir=settings.state_dir,
        )


def writer_for(settings: Settings) -> Writer:
    """Return what renders messages for these settings."""
    account = settings.account
    sender = Sender(account.name, account.email, settings.signature.lines)
    return Writer(sender, settings.templates_dir, settings.lint)


def now_utc() -> datetime:
    return datetime.now(UTC)


class _Group(click.Group):
    """Translates our errors into one clear message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as error:
            if ctx.meta.get("debug"):
                raise
            fail(error)


def fail(error: FollowupError) -> NoReturn:
    """Print an error for people (never a traceback) and exit 1."""
    err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
    for problem in getattr(error, "problems", []):
        err.print(f"  • {escape(str(problem))}", highlight=False)
    sys.exit(1)


def setup_logging(verbose: int, quiet: int, *, base: int = logging.WARNING) -> None:
    """Log to stderr, one line per event, in a form journald reads well, secrets blanked out.

    -v and -vv show our own detail; other libraries speak below WARNING only
    from -vvv on (their debug output is noise, and some of it names tokens).
    """
    level = max(base - 10 * verbose + 10 * quiet, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter(os.environ))
    handler.addFilter(SecretFilter())
    libraries = level if verbose >= 3 else max(level, logging.WARNING)
    logging.basicConfig(level=libraries, handlers=[handler], force=True)
    logging.getLogger("followup_mailer").setLevel(level)


pass_session = click.make_pass_decorator(Session)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="config.toml to use [default: $FOLLOWUP_MAILER_CONFIG, else your user config folder].",
)
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug detail).")
@click.option("-q", "--quiet", count=True, help="Say less: warnings and errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="followup-mailer")
@click.pass_context
def main(ctx: click.Context, config: Path | None, verbose: int, quiet: int, debug: bool) -> None:
    """Thank-you notes and polite follow-ups after job interviews, at the right time, exactly once.

    Reads your interviews from a schedule file, drafts (or sends) a personal
    thank-you to each interviewer, nudges politely when nobody answers, and
    stops as soon as someone from the company replies.

    Start with `followup-mailer init`, then `check`, `plan` and `run`.
    """
    ctx.meta["debug"] = debug
    ctx.meta["verbosity"] = (verbose, quiet)
    setup_logging(verbose, quiet)
    ctx.obj = Session(config)


@main.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write into [default: the folder of the config path].",
)
@pass_session
def init(session: Session, folder: Path | None) -> None:
    """Write a commented config.toml and an example interviews.toml; never overwrites."""
    folder = folder or session.config_path.parent
    targets = {
        "config.example.toml": folder / "config.toml",
        "interviews.example.toml": folder / "interviews.toml",
    }
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing:
        raise UserError(f"refusing to overwrite {', '.join(existing)}; move it away or use --dir")
    folder.mkdir(parents=True, exist_ok=True)
    examples = resources.files("followup_mailer") / "examples"
    for source, target in targets.items():
        target.write_text((examples / source).read_text(encoding="utf-8"), encoding="utf-8")
        out.print(f"wrote {target}")
    config_hint = (
        ""
        if folder / "config.toml" == session.config_path
        else f" --config {folder / 'config.toml'}"
    )
    out.print(
        "\nNext: put your name, address and timezone in config.toml, your interviews in "
        f"interviews.toml, then run `followup-mailer{config_hint} check`."
    )


@main.command()
@pass_session
def check(session: Session) -> None:
    """Validate config, schedule and templates; render and lint every planned message."""
    settings = session.settings
    interviews = session.schedule()
    with session.store() as store:
        report = checks.check_messages(
            settings=settings,
            interviews=interviews,
            store=store,
            writer=session.writer(),
            now=now_utc(),
        )
    out.print(f"config    {settings.path}: ok")
    out.print(f"schedule  {settings.schedule.path}: {len(interviews)} interview(s)")
    out.print(f"messages  {report.rendered} rendered, {len(report.findings)} lint finding(s)")
    if report.findings:
        out.print(checks.findings_table(report.findings))
    if report.problems:
        raise UserError(f"{len(report.problems)} message(s) cannot be created", report.problems)


@main.command("plan")
@click.option("--at", "at", type=click.DateTime(), help="Plan as if it were this time (local).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_session
def plan_command(session: Session, at: datetime | None, as_json: bool) -> None:
    """Show the timeline: what will happen when. Changes nothing."""
    settings = session.settings
    now = at.replace(tzinfo=settings.account.timezone) if at else now_utc()
    interviews = session.schedule()
    with session.store() as store:
        planned = current_plan(settings=settings, interviews=interviews, store=store, now=now)
        records = store.records()
    if as_json:
        data = [
            row.as_json() | {"action": p.action.mode if p.action else None}
            for p, row in zip(planned, views.rows(planned, records), strict=True)
        ]
        click.echo(json.dumps(data, indent=2))
        return
    out.print(views.timeline(planned, settings.account.timezone, now))


@main.command()
@click.argument("interview_id", metavar="ID")
@click.option("--to", "to", help="Recipient address [default: the first one].")
@click.option("--step", help="thank_you, followup-1, ..., rejection [default: the next one].")
@pass_session
def preview(session: Session, interview_id: str, to: str | None, step: str | None) -> None:
    """Print a message as it will be created: headers, body, then its lint results."""
    settings = session.settings
    interviews = session.schedule()
    with session.store() as store:
        text = checks.preview(
            settings=settings,
            interviews=interviews,
            store=store,
            writer=session.writer(),
            interview_id=interview_id,
            to=to,
            step=step,
            now=now_utc(),
        )
    click.echo(text)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_session
def status(session: Session, as_json: bool) -> None:
    """Show each interview, recipient and step with its state and times."""
    settings = session.settings
    with session.store() as store:
        records = store.records()
        try:
            planned = current_plan(
                settings=settings, interviews=session.schedule(), store=store, now=now_utc()
            )
            items = views.rows(planned, records)
        except UserError as error:
            # the ledger still knows what happened; say the file is broken
            err.print(
                f"[yellow]warning:[/] {error}; showing the last recorded state", highlight=False
            )
            for problem in error.problems:
                err.print(f"  • {problem}", highlight=False)
            items = views.ledger_rows(records)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in items], indent=2))
    elif items:
        out.print(views.status_table(items, settings.account.timezone))
    else:
        out.print("Nothing yet: add interviews to the schedule, then `followup-mailer run`.")


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("value", metavar="OUTCOME", type=click.Choice([o.value for o in Outcome]))
@pass_session
def outcome(session: Session, interview_id: str, value: str) -> None:
    """Record an interview's outcome (it overrides the schedule file's `outcome`)."""
    settings = session.settings
    interviews = session.schedule()
    if interview_id not in {i.id for i in interviews}:
        known = ", ".join(i.id for i in interviews) or "none"
        raise UserError(
            f"no interview {interview_id!r} in {settings.schedule.path} (known: {known})"
        )
    with session.store() as store:
        store.set_outcome(interview_id, Outcome(value), now_utc())
        planned = current_plan(settings=settings, interviews=interviews, store=store, now=now_utc())
        save_plan(store, planned)
    out.print(f"{interview_id}: outcome {value}")
    for step in planned:
        if step.interview == interview_id:
            out.print(f"  {step.step:<11} {step.to:<28} {step.state}  {step.reason}")


@main.command()
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon in the foreground (or one pass with --once).

    The daemon polls the mailbox every `[gmail] poll_interval`, wakes up when
    a step is due, and re-reads the schedule when it changes. It logs to
    stderr; stop it with Ctrl-C or SIGTERM.
    """
    session: Session = ctx.obj
    settings = session.settings
    if not once:
        from followup_mailer.daemon import Daemon, Shell

        setup_logging(*ctx.meta["verbosity"], base=logging.INFO)
        shell = Shell(clock=now_utc, writer_for=writer_for, environ=os.environ)
        sys.exit(Daemon(settings, shell).run())
    interviews = session.schedule()
    with session.store() as store:
        mailbox = open_mailbox(settings, clock=now_utc, store=store)
        report = run_pass(
            settings=settings,
            interviews=interviews,
            store=store,
            mailbox=mailbox,
            writer=session.writer(),
            now=now_utc(),
        )
    _print_pass(report.created, report.approved, report.declined, report.new_messages)


def _print_pass(
    created: dict[str, str], approved: tuple[str, ...], declined: tuple[str, ...], new: int
) -> None:
    show: Callable[[str], None] = out.print
    for key in approved:
        show(f"approved  {key} (you sent the draft)")
    for key in declined:
        show(f"declined  {key} (draft deleted; it will not come back)")
    for key, summary in created.items():
        show(f"{summary:<9} {key}")
    if new:
        show(f"{new} new message(s) from the companies noted")
    if not (created or approved or declined or new):
        show("nothing to do right now; `followup-mailer plan` shows what comes next")


# Signing in -------------------------------------------------------------------------------------


@main.group()
def auth() -> None:
    """Sign in to Gmail and manage the stored token (see docs/auth.md)."""


@auth.command()
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the sign-in address and read back the address the browser ends on (over SSH).",
)
@pass_session
def login(session: Session, no_browser: bool) -> None:
    """Sign in with Google and store the token (in the keyring, or a 0600 file)."""
    saved = signin.login(
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
            'publish it "In production" to keep it (docs/auth.md).'
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


# The background service --------------------------------------------------------------------------


@main.group()
def service() -> None:
    """Run the daemon in the background: a systemd user unit (Linux) or a LaunchAgent (macOS)."""


def _host() -> services.Host:
    places = services.Places.for_user(Path.home(), os.environ)
    return services.Host(platform=sys.platform, places=places, uid=os.getuid())


@service.command("install")
@pass_session
def service_install(session: Session) -> None:
    """Write and start the service that runs `followup-mailer run` with this config."""
    session.schedule()  # a broken config or schedule would stop the service at once
    command = services.current_command(session.settings.path)
    _print_service(services.install(_host(), command))


@service.command("uninstall")
def service_uninstall() -> None:
    """Stop the service and remove its file."""
    _print_service(services.uninstall(_host()))


@service.command("status")
def service_status() -> None:
    """Show whether the service is installed and running, and where its logs are."""
    _print_service(services.status(_host()))


def _print_service(report: services.Report) -> None:
    for line in report.lines:
        click.echo(line)
    if report.todo:
        click.echo("\nTo finish, run:\n" + "\n".join(f"  {command}" for command in report.todo))
    if report.failed:
        raise UserError("the service manager refused: " + "; ".join(report.failed))


# Commands that add interviews to the schedule or export the pipeline.
main.add_command(add)
main.add_command(import_ics)
main.add_command(export)
