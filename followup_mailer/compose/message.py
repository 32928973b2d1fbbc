"""Render one step for one recipient into an EmailMessage, with safe headers and a lint.

Templates are sandboxed Jinja2 with undefined variables as errors and a budget of time and
size (sandbox.py); the user's templates folder overrides the built-in templates file by file.
Every value that reaches the message is checked first (headers.py), and the built message is
read back to prove it has exactly the intended recipient and headers (envelope.py).
"""

from __future__ import annotations

import functools
import re
import textwrap
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context

from followup_mailer.compose import envelope, headers, sandbox
from followup_mailer.compose.context import long_date, template_context
from followup_mailer.compose.lint import lint
from followup_mailer.compose.parts import Composed, Previous, Sender, Writer
from followup_mailer.compose.points import finish
from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import (
    FOLLOWUP_PREFIX,
    REJECTION,
    STAY_IN_TOUCH,
    THANK_YOU,
    Interview,
    Person,
    followup_number,
    step_key,
)
from followup_mailer.settings import LintLimits

TEMPLATES_DOC = "docs/templates.md lists every variable"
STEMS = ("thank_you", "followup", "followup_later", "rejection", STAY_IN_TOUCH)
# Every template file we know; nothing else is ever listed or read from the folder by name.
KNOWN_TEMPLATES = tuple(
    name
    for stem in STEMS
    for name in (f"{stem}.subject.j2", f"{stem}.txt.j2", f"{stem}.html.j2")
    if name != "followup_later.subject.j2"
)
UTC = ZoneInfo("UTC")
Vars = dict[str, Any]
_REPLY_PREFIX = re.compile(r"re\s*:", re.IGNORECASE)


def compose(
    *,
    sender: Sender,
    interview: Interview,
    recipient: Person,
    step: str,
    key: str,
    previous: Previous | None,
    date: datetime,
    templates_dir: Path | None = None,
    limits: LintLimits = LintLimits(),  # noqa: B008 (frozen, so sharing it is safe)
    timezone: tzinfo | None = None,
) -> Composed:
    """Render the step's templates for the recipient, build the message and lint it."""
    if date.utcoffset() is None:
        raise ValueError("compose needs a timezone-aware date")
    zone = timezone or date.tzinfo or UTC
    _raise_for(headers.message_problems(interview, sender, recipient, previous, key))
    env = template_environment(templates_dir)
    context = template_context(
        sender=sender,
        interview=interview,
        recipient=recipient,
        step=step,
        previous=previous,
        date=date,
        timezone=zone,
    )
    context["subject_limit"] = limits.subject_chars
    subject_name, body_name = template_names(step)
    subject = _subject(env, subject_name, context, interview.id, previous)
    text = _render(env, f"{body_name}.txt.j2", context)
    html = _render_optional(env, f"{body_name}.html.j2", context)
    message = envelope.build_message(
        sender=sender, recipient=recipient, subject=subject, date=date, key=key, previous=previous
    )
    envelope.set_body(message, text, html)
    envelope.verify_round_trip(
        message, to=recipient.email.strip(), headers=message.keys(), where=key
    )
    found = lint(
        text,
        subject,
        step=step,
        recipient=recipient,
        interview=interview,
        sender=sender,
        limits=limits,
    )
    return Composed(message=message, findings=tuple(found))


def render(
    writer: Writer,
    *,
    interview: Interview,
    to: str,
    step: str,
    previous: Previous | None,
    date: datetime,
) -> Composed:
    """Render one step's message to the person of the interview with address `to`."""
    recipient = next(p for p in interview.people if p.email.lower() == to.lower())
    return compose(
        sender=writer.sender,
        interview=interview,
        recipient=recipient,
        step=step,
        key=step_key(interview.id, step, recipient.email),
        previous=previous,
        date=date,
        templates_dir=writer.templates_dir,
        limits=writer.limits,
        timezone=writer.timezone,
    )


def _raise_for(problems: list[Problem]) -> None:
    """Raise one TemplateError carrying every problem, if there is any."""
    if problems:
        raise TemplateError("\n".join(str(problem) for problem in problems), problems)


def template_names(step: str) -> tuple[str, str]:
    """Return the subject template and the body template stem for a step."""
    if step in (THANK_YOU, REJECTION, STAY_IN_TOUCH):
        return f"{step}.subject.j2", step
    if followup_number(step) == 1:
        return "followup.subject.j2", "followup"
    if step.startswith(FOLLOWUP_PREFIX) and followup_number(step) > 1:
        return "followup.subject.j2", "followup_later"
    raise ValueError(f"unknown step {step!r}")


@functools.lru_cache(maxsize=8)
def template_environment(templates_dir: Path | None) -> jinja2.Environment:
    """Build the bounded sandbox: the user's folder first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("followup_mailer", "templates")]
    if templates_dir is not None:
        if not templates_dir.is_dir():
            problem = Problem(
                file=str(templates_dir),
                key="templates.dir",
                message="is not a folder",
                fix="create it, or leave [templates] dir empty for the built-in templates",
            )
            raise TemplateError(str(problem), [problem])
        loaders.insert(0, sandbox.FolderLoader(templates_dir))
    env = sandbox.BoundedSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
    )
    env.add_filters(long_date=long_date, clause=clause, sentence=finish, and_list=and_list)
    env.globals["fit_subject"] = fit_subject
    return env


def user_templates(templates_dir: Path | None) -> list[str]:
    """Return the known template names the user's folder overrides (never listing the folder)."""
    if templates_dir is None or not templates_dir.is_dir():
        return []
    loader = sandbox.FolderLoader(templates_dir)
    return [name for name in KNOWN_TEMPLATES if loader.has(name)]


def clause(text: str) -> str:
    """Trim a phrase so it can sit inside a sentence: no outer spaces or final stop."""
    return text.strip().rstrip(" .;,!")


def and_list(names: list[str]) -> str:
    """Join names as prose: "Lee", "Lee and Kim", "Lee, Kim and Jo"."""
    names = [name for name in names if name]
    return names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]


@jinja2.pass_context
def fit_subject(context: Context, *candidates: str) -> str:
    """Return the first candidate subject within the limit, else the last one shortened."""
    limit = int(context.get("subject_limit", 78))
    fitting = [c.strip() for c in candidates if len(c.strip()) <= limit]
    if fitting or not candidates:
        return fitting[0] if fitting else ""
    return textwrap.shorten(candidates[-1], width=limit, placeholder="…")


def reply_subject(subject: str) -> str:
    """Prefix 'Re: ' unless the subject already starts with a reply prefix."""
    subject = subject.strip()
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def _subject(
    env: jinja2.Environment, name: str, context: Vars, where: str, previous: Previous | None
) -> str:
    """Return the reply subject, or render the subject template and check it."""
    if previous is not None:
        return reply_subject(previous.subject)
    subject = _render(env, name, context).strip()
    problem = headers.value_problem(subject, where=f"{where}: subject", file=name, required=False)
    _raise_for([problem] if problem else [])
    return subject


def _render(env: jinja2.Environment, name: str, context: Vars) -> str:
    """Render a template within its budget; any failure is a TemplateError naming the file."""
    filename = name
    try:
        with sandbox.budget():
            template = env.get_template(name)
            filename = template.filename or name
            return sandbox.render(template, context)
    except sandbox.TemplateRefused as exc:
        fix = "keep your templates as plain files inside the templates folder"
        problem = Problem(file=str(exc.path), message=exc.reason, fix=fix)
    except jinja2.TemplateSyntaxError as exc:
        problem = Problem(file=exc.filename or name, line=exc.lineno, message=exc.message or "")
    except jinja2.TemplateNotFound as exc:
        problem = Problem(file=str(exc.name or name), message="template not found")
    except Exception as exc:  # a user's template can fail in many ways: report it, no traceback
        problem = _runtime_problem(exc, filename)
    raise TemplateError(str(problem), [problem])


def render_one(env: jinja2.Environment, name: str, context: Vars) -> str:
    """Render one template on its own, within its budget (so `check` can name each that fails)."""
    return _render(env, name, context)


def _render_optional(env: jinja2.Environment, name: str, context: Vars) -> str | None:
    """Render a template if it exists in either folder, else return None."""
    try:
        env.get_template(name)
    except jinja2.TemplateNotFound:
        return None
    except jinja2.TemplateError:
        pass  # let _render report it with file and line
    return _render(env, name, context)


def _runtime_problem(exc: Exception, name: str) -> Problem:
    """Describe an error raised while rendering, at the template line that raised it."""
    file, line = name, None
    traceback = exc.__traceback__
    while traceback is not None:  # Jinja rewrites frames so they point at template lines
        if traceback.tb_frame.f_code.co_filename.endswith(".j2"):
            file, line = traceback.tb_frame.f_code.co_filename, traceback.tb_lineno
        traceback = traceback.tb_next
    found = re.search(r"'([^']+)' is undefined|no attribute '([^']+)'", str(exc))
    variable = next((group for group in found.groups() if group), "") if found else ""
    if isinstance(exc, sandbox.LimitExceeded):
        fix = "simplify the template: docs/templates.md gives the limits"
        return Problem(file=file, line=line, message=f"over a template limit: {exc}", fix=fix)
    kinds: dict[type[Exception], str] = {
        jinja2.UndefinedError: "undefined variable",
        SecurityError: "not allowed in a template",
        RecursionError: "nested or calling itself too deeply",
    }
    kind = kinds.get(type(exc), type(exc).__name__)
    return Problem(file=file, line=line, key=variable, message=f"{kind}: {exc}", fix=TEMPLATES_DOC)
