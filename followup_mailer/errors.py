"""One base exception, and a user-error kind that carries every problem found."""

from __future__ import annotations

from dataclasses import dataclass


class FollowupError(Exception):
    """Base of every error this package raises on purpose; exit_code is what the CLI exits with."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file the user edits, and how to fix it."""

    file: str
    message: str
    line: int | None = None
    key: str = ""
    fix: str = ""

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f"{self.key}: {self.message}" if self.key else self.message
        return f"{where}: {what}" + (f" ({self.fix})" if self.fix else "")


class UserError(FollowupError):
    """A problem the user must fix (config, schedule, template, auth): exit code 1."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class ConfigError(UserError):
    """config.toml or interviews.toml is wrong; carries every problem found."""


class TemplateError(UserError):
    """A template failed to render or a rendered message is unsafe."""


class AuthError(UserError):
    """Signing in is needed or failed."""
