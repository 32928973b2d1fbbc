"""The `followup-mailer` command group: global options, the error translator, the commands.

Commands live in one module per family and are imported only when run (or
listed by --help), so starting the program costs little.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from followup_mailer import __version__
from followup_mailer.cli.context import Session
from followup_mailer.cli.logging import setup_logging
from followup_mailer.cli.oserrors import os_error
from followup_mailer.cli.output import detail, error
from followup_mailer.errors import FollowupError

# command name -> "module:attribute" under followup_mailer.cli, in the order --help lists them
COMMANDS = {
    "init": "setup:init",
    "check": "messages:check",
    "plan": "pipeline:plan_command",
    "preview": "messages:preview",
    "status": "pipeline:status",
    "outcome": "decisions:outcome",
    "hold": "decisions:hold",
    "resume": "decisions:resume",
    "run": "run:run",
    "auth": "auth:auth",
    "service": "service:service",
    "add": "add:add",
    "import-ics": "import_export:import_ics",
    "export": "import_export:export",
    "help": "help:help_command",
}


class _Group(click.Group):
    """Loads each command on first use, and translates our errors into one clear message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS) + [name for name in self.commands if name not in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command: click.Command = getattr(
            importlib.import_module(f"followup_mailer.cli.{module}"), attribute
        )
        return command

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
