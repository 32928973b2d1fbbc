"""The command line: thin commands that parse, call the library and print."""

from __future__ import annotations

from followup_mailer.cli.main import main

__all__ = ["main"]
