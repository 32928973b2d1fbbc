"""Terminal output: one place that prints, and never reads user text as markup.

Rich interprets `[...]` as markup; every string that may hold user text
(names, file paths, error messages) goes through `escape` before it reaches
a console, so `interview[#3].role` prints as written. Rich is loaded on the
first print, so `--help` does not pay for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def stdout() -> Console:
    """Return the console for results (standard output)."""
    from rich.console import Console

    return Console(soft_wrap=True)


@functools.cache
def stderr() -> Console:
    """Return the console for warnings and errors (standard error)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def escape(text: str) -> str:
    """Return text with rich markup neutralised, so it prints as written."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def say(text: str) -> None:
    """Print plain text (user text included) to standard output, as written."""
    stdout().print(escape(text), highlight=False)


def warn(text: str) -> None:
    """Print a warning (user text included) to standard error."""
    stderr().print(f"[yellow]warning:[/] {escape(text)}", highlight=False)


def error(text: str) -> None:
    """Print an error (user text included) to standard error."""
    stderr().print(f"[bold red]error:[/] {escape(text)}", highlight=False)


def detail(text: str) -> None:
    """Print one indented detail line (a problem, a finding) to standard error."""
    stderr().print(f"  • {escape(text)}", highlight=False)


def __getattr__(name: str) -> Console:
    """Give `out` and `err`, the two consoles, to modules that print rich renderables."""
    if name == "out":
        return stdout()
    if name == "err":
        return stderr()
    raise AttributeError(name)
