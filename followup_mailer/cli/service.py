"""The `service` commands: run the daemon in the background (systemd user unit or LaunchAgent)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from followup_mailer.cli.context import Session, pass_session
from followup_mailer.daemon import service as services
from followup_mailer.errors import UserError


@click.group()
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
