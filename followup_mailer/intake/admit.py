"""The header rules at the door: what `add` and `import-ics` write, `check` and `run` accept.

The schedule file's own validation (schedule.py) checks structure only, so that one bad address
fails only its own interview when the daemon runs (SPEC 9). The rules for values that reach a
mail header live in compose/headers.py; this module applies the same functions to interviews
before they are written, so nothing one command writes is refused by another.
"""

from __future__ import annotations

from collections.abc import Iterable

from followup_mailer.compose.headers import CONFIG_FILE, address_problem, check_header_values
from followup_mailer.compose.parts import Sender
from followup_mailer.errors import Problem, UserError
from followup_mailer.model import Interview

# check_header_values looks at the sender too; the account's values are the config's business
_ANY_SENDER = Sender(name="Account Holder", email="account@example.com", signature=())


def header_problems(interview: Interview) -> list[Problem]:
    """Return the problems `check` finds with an interview's header values, each once."""
    found = check_header_values(interview, _ANY_SENDER)
    return list(dict.fromkeys(problem for problem in found if problem.file != CONFIG_FILE))


def refuse_unsafe(interviews: Iterable[Interview], *, file: str) -> None:
    """Raise UserError listing every header problem of these interviews, if there is any."""
    problems = [problem for interview in interviews for problem in header_problems(interview)]
    if problems:
        raise UserError(f"not written to {file}: the interview has problems", problems)


def address_error(address: str, *, where: str) -> str:
    """Return why `address` is not one plain address by the rule `check` uses, or ""."""
    problem = address_problem(address, where=where)
    return f"{problem.message} ({problem.fix})" if problem else ""
