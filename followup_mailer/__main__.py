"""Allow `python -m followup_mailer`."""

from __future__ import annotations

from followup_mailer.cli import main

main(prog_name="followup-mailer")
