"""`help`: the guides shipped inside the package, and any command's help.

Errors that need more than a line to explain point here (`followup-mailer help auth`), so the
steps are on every machine the package is installed on, with or without the repository's docs.
"""

from __future__ import annotations

from importlib import resources

import click

GUIDES = {
    "auth": "signing in to Gmail: the OAuth client, `auth login`, where the token is kept",
}


def guide(topic: str) -> str:
    """Return the text of a guide shipped in the package."""
    return (resources.files("followup_mailer") / "guides" / f"{topic}.md").read_text(
        encoding="utf-8"
    )


@click.command("help")
@click.argument("topic", required=False, metavar="[TOPIC|COMMAND]")
@click.pass_context
def help_command(ctx: click.Context, topic: str | None) -> None:
    """Print a guide (auth), or a command's help; with nothing, list them."""
    group = ctx.parent.command if ctx.parent else None
    if topic in GUIDES:
        click.echo(guide(topic), nl=False)
        return
    if topic is not None and isinstance(group, click.Group):
        command = group.get_command(ctx, topic)
        if command is not None:
            with click.Context(command, info_name=topic, parent=ctx.parent) as inner:
                click.echo(command.get_help(inner))
            return
    if topic is not None:
        raise click.UsageError(f"no guide or command {topic!r}; `followup-mailer help` lists them")
    lines = ["Guides (followup-mailer help TOPIC):"]
    lines += [f"  {name:<10} {about}" for name, about in GUIDES.items()]
    lines += ["", "Every command also has --help; `followup-mailer --help` lists them."]
    click.echo("\n".join(lines))
