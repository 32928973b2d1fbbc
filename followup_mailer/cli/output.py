"""Terminal output: one place that prints, and never reads user text as markup.

Rich interprets `[...]` as markup; every string that may hold user text
(names, file paths, error messages) goes through `escape` before it reaches
a console, so `interview[#3].role` prints as written.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def say(text: str) -> None:
    """Print plain text (user text included) to standard output, as written."""
    out.print(escape(text), highlight=False)


def warn(text: str) -> None:
    """Print a warning (user text included) to standard error."""
    err.print(f"[yellow]warning:[/] {escape(text)}", highlight=False)


def error(text: str) -> None:
    """Print an error (user text included) to standard error."""
    err.print(f"[bold red]error:[/] {escape(text)}", highlight=False)


def detail(text: str) -> None:
    """Print one indented detail line (a problem, a finding) to standard error."""
    err.print(f"  • {escape(text)}", highlight=False)
