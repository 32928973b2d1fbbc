"""`init`: a commented config and an example schedule for a new user."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from followup_mailer.cli.context import Session, pass_session
from followup_mailer.cli.output import say
from followup_mailer.errors import UserError


@click.command()
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
        say(f"wrote {target}")
    config_hint = (
        ""
        if folder / "config.toml" == session.config_path
        else f" --config {folder / 'config.toml'}"
    )
    say(
        "\nNext: put your name, address and timezone in config.toml, your interviews in "
        f"interviews.toml, then run `followup-mailer{config_hint} check`."
    )
