"""Write docs/commands.md: every command's --help, as the program prints it.

    scripts/commands_doc.py          rewrite docs/commands.md
    scripts/commands_doc.py --check  exit 1 when docs/commands.md is out of date

tests/test_docs.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from followup_mailer.cli.main import main

TARGET = Path(__file__).resolve().parent.parent / "docs" / "commands.md"
HEADER = """# Command reference

Every command's `--help`, as `followup-mailer` prints it. This file is written by
`scripts/commands_doc.py` from the program itself; `scripts/test` fails when it is out of date.
"""


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """List every command path: ("status",), ("auth", "login"), ... in --help order."""
    found: list[tuple[str, ...]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += command_paths(command, (*prefix, name))
    return found


def help_text(path: tuple[str, ...]) -> str:
    """Return the --help of one command path, at a fixed width."""
    result = CliRunner().invoke(
        main, [*path, "--help"], terminal_width=100, prog_name="followup-mailer"
    )
    if result.exit_code != 0:
        raise RuntimeError(f"followup-mailer {' '.join(path)} --help failed: {result.output}")
    return result.output.rstrip()


def reference() -> str:
    """Return the whole reference as Markdown."""
    sections = [HEADER, "## followup-mailer\n\n```\n" + help_text(()) + "\n```\n"]
    for path in command_paths(main):
        title = "followup-mailer " + " ".join(path)
        sections.append(f"## {title}\n\n```\n{help_text(path)}\n```\n")
    return "\n".join(sections)


def main_() -> int:
    text = reference()
    if "--check" in sys.argv[1:]:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run scripts/commands_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
