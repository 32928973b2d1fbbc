"""The `followup-mailer` command group: global options, the error translator, the commands.

Commands live in one module per family and are imported only when run (or
listed by --help), so starting the program costs little.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

import click

from followup_mailer import __version__
from followup_mailer.cli.oserrors import os_error
from followup_mailer.cli.output import detail, error
from followup_mailer.errors import FollowupError

# command name -> where it lives ("module:attribute" under followup_mailer.cli) and the
# summary --help lists, kept here so that --help imports no command (a test holds each
# summary to its command's own help)
COMMANDS = {
    "init": (
        "setup:init",
        "Write a commented config.toml and an example interviews.toml; never overwrites.",
    ),
    "check": (
        "messages:check",
        "Validate config, schedule and templates; render and lint every planned message.",
    ),
    "plan": ("pipeline:plan_command", "Show the timeline: what will happen when. Changes nothing."),
    "preview": (
        "messages:preview",
        "Print a message as it will be created: headers, body, then its lint results.",
    ),
    "status": (
        "pipeline:status",
        "Show each interview, recipient and step with its state and times.",
    ),
    "outcome": (
        "decisions:outcome",
        "Record an interview's outcome (it overrides the schedule file's `outcome`).",
    ),
    "hold": (
        "decisions:hold",
        "Put an interview on hold: nothing is created for it until then (replies still count).",
    ),
    "resume": (
        "decisions:resume",
        "Take an interview off hold: what is due is created at the next pass.",
    ),
    "run": ("run:run", "Run the daemon in the foreground (or one pass with --once)."),
    "auth": (
        "auth:auth",
        "Sign in to Gmail and manage the stored token (`followup-mailer help auth` explains).",
    ),
    "service": (
        "service:service",
        "Run the daemon in the background: a systemd user unit (Linux) or a LaunchAgent (macOS).",
    ),
    "add": ("add:add", "Add an interview to the schedule file, from flags or by asking."),
    "import-ics": (
        "import_export:import_ics",
        'Add or update interviews from a calendar invite (.ics; "-" reads stdin).',
    ),
    "export": (
        "import_export:export",
        "Print every step of every interview, for a spreadsheet or a job tracker.",
    ),
    "help": (
        "help:help_command",
        "Print a guide (auth), or a command's help; with nothing, list them.",
    ),
}


class _Group(click.Group):
    """Loads each command on first use, and translates our errors into one clear message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS) + [name for name in self.commands if name not in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, _, attribute = COMMANDS[cmd_name][0].partition(":")
        command: click.Command = getattr(
            importlib.import_module(f"followup_mailer.cli.{module}"), attribute
        )
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from their summaries, as click would, without importing them."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=summary).get_short_help_str(limit))
            for name, (_, summary) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FollowupError as problem:
            if ctx.meta.get("debug"):
                raise
            fail(problem)
        except OSError as problem:  # a full disk, a read-only folder: the machine, not a bug
            if ctx.meta.get("debug"):
                raise
            fail(os_error(problem))


def fail(problem: FollowupError) -> NoReturn:
    """Print an error for people (never a traceback) and exit with the error's code."""
    error(str(problem))
    for each in getattr(problem, "problems", []):
        detail(str(each))
    sys.exit(problem.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),  # text: pathlib would cost --help 10 ms
    help="config.toml to use [default: $FOLLOWUP_MAILER_CONFIG, else your user config folder].",
)
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug detail).")
@click.option("-q", "--quiet", count=True, help="Say less: warnings and errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="followup-mailer")
@click.pass_context
def main(ctx: click.Context, config: str | None, verbose: int, quiet: int, debug: bool) -> None:
    """Thank-you notes and polite follow-ups after job interviews, at the right time, exactly once.

    Reads your interviews from a schedule file, drafts (or sends) a personal
    thank-you to each interviewer, nudges politely when nobody answers, and
    stops as soon as someone from the company replies.

    Start with `followup-mailer init`, then `check`, `plan` and `run`.
    """
    ctx.meta["debug"] = debug
    ctx.meta["verbosity"] = (verbose, quiet)
    # imported here, not above: --help never reaches this line and stays quick
    from pathlib import Path

    from followup_mailer.cli.context import Session
    from followup_mailer.cli.logging import setup_logging

    setup_logging(verbose, quiet)
    ctx.obj = Session(Path(config) if config is not None else None)
