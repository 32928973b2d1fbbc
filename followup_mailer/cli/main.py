"""The command line: parse, call the library, print. Errors become words in one place."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from followup_mailer import __version__, checks
from followup_mailer.backends import open_mailbox
from followup_mailer.cli import views
from followup_mailer.cli.add import add
from followup_mailer.cli.auth import auth
from followup_mailer.cli.context import Session, now_utc, pass_session, writer_for
from followup_mailer.cli.import_export import export, import_ics
from followup_mailer.cli.service import service
from followup_mailer.errors import FollowupError, UserError
from followup_mailer.logs import SecretFilter, log_formatter
from followup_mailer.model import Outcome
from followup_mailer.reconcile import current_plan, run_pass, save_plan

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("followup_mailer")


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
        from followup_mailer.daemon.loop import Daemon, Shell

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


# Signing in and the background service.
main.add_command(auth)
main.add_command(service)

# Commands that add interviews to the schedule or export the pipeline.
main.add_command(add)
main.add_command(import_ics)
main.add_command(export)
