"""--help costs little: it imports no command, and its summaries are the commands' own."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from followup_mailer.cli.main import COMMANDS, main

HEAVY = ("jinja2", "icalendar", "holidays", "googleapiclient", "apscheduler", "sqlite3", "rich")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_its_commands_help(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert command is not None and command.help is not None
    first_paragraph = " ".join(command.help.split("\n\n")[0].split())
    assert COMMANDS[name][1] == first_paragraph


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["status", "--help"]])
def test_help_and_version_import_none_of_the_heavy_libraries(args: list[str]) -> None:
    # a fresh interpreter: this one has long since imported everything
    probe = (
        "import sys\n"
        "from followup_mailer.cli import main\n"
        "try:\n"
        f"    main({args!r}, prog_name='followup-mailer')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    if args == ["status", "--help"]:
        # a command's own --help loads that command's module, but not the mailbox or templates
        assert "jinja2" not in loaded and "googleapiclient" not in loaded
    else:
        assert loaded == "[]"
