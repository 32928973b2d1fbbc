"""The docs cannot drift: every command has help and appears in the README."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from followup_mailer.cli.main import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "") -> list[str]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        found.append(prefix + name)
        if isinstance(command, click.Group):
            found += commands(command, prefix + name + " ")
    return found


@pytest.mark.parametrize("command", commands(main))
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    written = README.replace("\\|", "|")
    assert f"`{command}" in written or f"{command} " in written or f"| {command}" in written, (
        f"README does not mention `{command}`"
    )


def test_the_command_reference_is_what_the_program_prints() -> None:
    reference = Path(__file__).parent.parent / "scripts" / "commands_doc.py"
    spec = importlib.util.spec_from_file_location("commands_doc", reference)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (Path(__file__).parent.parent / "docs" / "commands.md").read_text(encoding="utf-8")
    assert written == module.reference(), (
        "docs/commands.md is out of date: run scripts/commands_doc.py"
    )


def test_the_readme_gives_the_two_commands() -> None:
    assert "scripts/demo" in README and "scripts/test" in README


def test_the_readme_template_example_renders(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from followup_mailer.compose.message import compose
    from followup_mailer.compose.parts import Sender
    from followup_mailer.model import Interview, Person

    example = README.split("```jinja\n", 1)[1].split("```", 1)[0]
    (tmp_path / "thank_you.txt.j2").write_text(example, encoding="utf-8")
    dana = Person(
        name="Dana Smith", email="dana@acme.com", notes="asked how I would cut on-call load"
    )
    when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    interview = Interview(
        id="acme",
        company="Acme Corp",
        role="Backend Engineer",
        start=when,
        end=when,
        interviewers=(dana,),
    )
    composed = compose(
        sender=Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",)),
        interview=interview,
        recipient=dana,
        step="thank_you",
        key="acme/thank_you/dana@acme.com",
        previous=None,
        date=when,
        templates_dir=tmp_path,
    )
    body = composed.message.get_content()
    assert "the moment you asked how I would cut on-call load." in body
    assert body.rstrip().endswith("+1 555 0100")
