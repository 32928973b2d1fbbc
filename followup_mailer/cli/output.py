"""Terminal output: one place that prints, and never reads user text as markup.

Rich interprets `[...]` as markup and `:smile:` as an emoji; every string that
may hold user text (names, file paths, error messages) goes through `escape`
before it reaches a console, and the consoles read no emoji codes, so
`interview[#3].role` and `:smile:` print as written. Rich is loaded on the
first print, so `--help` does not pay for it.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

MAX_MESSAGE_CHARS = 2_000  # an error or warning line longer than this is shortened in the middle


@functools.cache
def stdout() -> Console:
    """Return the console for results (standard output)."""
    from rich.console import Console

    # `:smile:` in a name prints as written; COLUMNS, when set, wins over any guess
    return Console(soft_wrap=True, emoji=False, width=_columns())


@functools.cache
def stderr() -> Console:
    """Return the console for warnings and errors (standard error)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, emoji=False, width=_columns())


def _columns() -> int | None:
    """Return the width COLUMNS asks for, or None to let the terminal say."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def escape(text: str) -> str:
    """Return text with rich markup neutralised, so it prints as written."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def say(text: str) -> None:
    """Print plain text (user text included) to standard output, as written."""
    if text.isascii() and text.isprintable() and "[" not in text and ":" not in text:
        print(text, flush=True)  # what rich would print: loading it costs 40 ms
        return
    stdout().print(escape(text), highlight=False)


def warn(text: str) -> None:
    """Print a warning (user text included) to standard error."""
    stderr().print(f"[yellow]warning:[/] {escape(clipped(text))}", highlight=False)


def error(text: str) -> None:
    """Print an error (user text included) to standard error."""
    stderr().print(f"[bold red]error:[/] {escape(clipped(text))}", highlight=False)


def detail(text: str) -> None:
    """Print one indented detail line (a problem, a finding) to standard error."""
    stderr().print(f"  • {escape(clipped(text))}", highlight=False)


def clipped(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Shorten a message that quotes a huge value (a 100,000-character id) to a readable one."""
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]} … ({len(text) - 2 * keep:,} characters left out) … {text[-keep:]}"
