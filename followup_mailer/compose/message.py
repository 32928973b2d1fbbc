"""Render one step for one recipient into an EmailMessage, with safe headers and a lint.

Templates are sandboxed Jinja2 with undefined variables as errors; the user's
templates folder overrides the built-in templates file by file. Headers are only
ever set as values, after headers.py has checked them, and the built message is
read back to prove it has exactly the intended recipient and headers.

Serialize a composed message with its own policy (`message.as_bytes()`): that
policy keeps the X-Followup-Mailer-Key header on one line, unencoded, so the
mailbox can find it again by its exact value.
"""

from __future__ import annotations

import functools
import hashlib
import re
import textwrap
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from followup_mailer.compose import headers
from followup_mailer.compose.lint import HONORIFICS, Finding, LintLimits, lint
from followup_mailer.compose.parts import Previous, Sender
from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import (
    FOLLOWUP_PREFIX,
    REJECTION,
    THANK_YOU,
    Interview,
    Person,
    followup_number,
    step_key,
)

VARIANTS = 4  # distinct wordings in the default templates; a panel of up to four never repeats
TEMPLATES_DOC = "docs/templates.md lists every variable"
Vars = dict[str, Any]
_REPLY_PREFIX = re.compile(r"re\s*:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Writer:
    """What rendering a message needs besides the step: who writes, their templates, the limits."""

    sender: Sender
    templates_dir: Path | None
    limits: LintLimits = LintLimits()  # noqa: RUF009 (frozen, so sharing it is safe)


@dataclass(frozen=True, slots=True)
class Composed:
    message: EmailMessage
    findings: tuple[Finding, ...]  # lint warnings


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
) -> Composed:
    """Render the step's templates for the recipient, build the message and lint it."""
    if date.utcoffset() is None:
        raise ValueError("compose needs a timezone-aware date")
    _raise_for(headers.message_problems(interview, sender, recipient, previous, key))
    env = template_environment(templates_dir)
    context = template_context(
        sender=sender, interview=interview, recipient=recipient, step=step, previous=previous
    )
    context["subject_limit"] = limits.subject_chars
    subject_name, body_name = template_names(step)
    subject = _subject(env, subject_name, context, interview.id, previous)
    text = _render(env, f"{body_name}.txt.j2", context)
    html = _render_optional(env, f"{body_name}.html.j2", context)
    message = headers.build_message(
        sender=sender, recipient=recipient, subject=subject, date=date, key=key, previous=previous
    )
    headers.set_body(message, text, html)
    headers.verify_round_trip(
        message, to=recipient.email.strip(), headers=message.keys(), where=key
    )
    found = lint(
        text, subject, step=step, recipient=recipient, interview=interview, sender=sender,
        limits=limits,
    )  # fmt: skip
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
    )


def _raise_for(problems: list[Problem]) -> None:
    """Raise one TemplateError carrying every problem, if there is any."""
    if problems:
        raise TemplateError("\n".join(str(problem) for problem in problems), problems)


def template_names(step: str) -> tuple[str, str]:
    """Return the subject template and the body template stem for a step."""
    if step in (THANK_YOU, REJECTION):
        return f"{step}.subject.j2", step
    if followup_number(step) == 1:
        return "followup.subject.j2", "followup"
    if step.startswith(FOLLOWUP_PREFIX) and followup_number(step) > 1:
        return "followup.subject.j2", "followup_later"
    raise ValueError(f"unknown step {step!r}")


@functools.lru_cache(maxsize=8)
def template_environment(templates_dir: Path | None) -> jinja2.Environment:
    """Build the sandboxed environment: the user's folder first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("followup_mailer", "templates")]
    if templates_dir is not None:
        if not templates_dir.is_dir():
            problem = Problem(
                file=str(templates_dir), key="templates.dir", message="is not a folder",
                fix="create it, or leave [templates] dir empty for the built-in templates",
            )  # fmt: skip
            raise TemplateError(str(problem), [problem])
        loaders.insert(0, jinja2.FileSystemLoader(templates_dir))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
    )  # fmt: skip
    env.filters.update(long_date=long_date, clause=clause, sentence=sentence)
    env.globals["fit_subject"] = fit_subject
    return env


def template_context(
    *, sender: Sender, interview: Interview, recipient: Person, step: str, previous: Previous | None
) -> dict[str, Any]:
    """Build the variables every template sees (documented in docs/templates.md)."""
    index = _panel_index(interview, recipient)
    highlights = [h.strip() for h in interview.highlights if h.strip()]
    lines = [line.strip() for line in sender.signature if line.strip()] or [sender.email.strip()]
    return {
        "account": _person_vars(Person(name=sender.name, email=sender.email)),
        "interview": {
            "id": interview.id, "company": interview.company.strip(),
            "role": interview.role.strip(), "format": str(interview.format),
            "start": interview.start, "end": interview.end, "highlights": highlights,
            "addendum": interview.addendum.strip(),
        },
        "recipient": _person_vars(recipient),
        "highlights": highlights,
        "highlight": highlights[index % len(highlights)] if highlights else "",
        "step": {"name": step, "number": followup_number(step)},
        "previous": None if previous is None else {
            "subject": previous.subject.strip(), "sent_at": previous.sent_at,
        },
        "signature": {
            "name": sender.name.strip(), "lines": lines,
            "text": "\n".join([sender.name.strip(), *lines]),
        },
        "variant": choose_variant(interview, recipient),
    }  # fmt: skip


def _person_vars(person: Person) -> dict[str, str]:
    """Describe a person for templates."""
    return {
        "name": person.name.strip(), "first_name": greeting_name(person.name),
        "email": person.email.strip(), "title": person.title.strip(),
        "notes": person.notes.strip(),
    }  # fmt: skip


def greeting_name(name: str) -> str:
    """Return how a greeting names someone: the first name, or 'Dr. Smith' after an honorific."""
    words = name.split()
    if len(words) > 1 and words[0].strip(".").casefold() in HONORIFICS:
        return f"{words[0]} {words[-1]}"
    return words[0] if words else ""


def choose_variant(interview: Interview, recipient: Person) -> int:
    """Pick the wording variant: stable per recipient, distinct across a panel of up to four."""
    return (_stable_number(interview.id) + _panel_index(interview, recipient)) % VARIANTS


def _panel_index(interview: Interview, recipient: Person) -> int:
    """Return the recipient's place among the interviewers, else a stable number for them."""
    emails = [person.email.strip().lower() for person in interview.interviewers]
    email = recipient.email.strip().lower()
    return emails.index(email) if email in emails else _stable_number(f"{interview.id}/{email}")


def _stable_number(text: str) -> int:
    """Hash text to a number that is the same in every run (unlike hash())."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def long_date(value: datetime) -> str:
    """Format a date for prose: 'Friday, November 20'."""
    return f"{value:%A}, {value:%B} {value.day}"


def clause(text: str) -> str:
    """Trim a phrase so it can sit inside a sentence: no outer spaces or final stop."""
    return text.strip().rstrip(" .;,!")


def sentence(text: str) -> str:
    """Make a phrase a sentence: capital first letter, final stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


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
    env: jinja2.Environment,
    name: str,
    context: Vars,
    where: str,
    previous: Previous | None,
) -> str:
    """Return the reply subject, or render the subject template and check it."""
    if previous is not None:
        return reply_subject(previous.subject)
    subject = _render(env, name, context).strip()
    problem = headers.value_problem(subject, where=f"{where}: subject", file=name, required=False)
    _raise_for([problem] if problem else [])
    return subject


def _render(env: jinja2.Environment, name: str, context: Vars) -> str:
    """Render a template; any failure becomes a TemplateError naming file, line and variable."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        problem = Problem(file=exc.filename or name, line=exc.lineno, message=exc.message or "")
    except jinja2.TemplateNotFound as exc:
        problem = Problem(file=str(exc.name or name), message="template not found")
    except Exception as exc:  # a user's template can fail in many ways: report it, no traceback
        problem = _runtime_problem(exc, name)
    raise TemplateError(str(problem), [problem])


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
    kinds: dict[type[Exception], str] = {
        jinja2.UndefinedError: "undefined variable",
        SecurityError: "not allowed in a template",
    }
    kind = kinds.get(type(exc), type(exc).__name__)
    return Problem(file=file, line=line, key=variable, message=f"{kind}: {exc}", fix=TEMPLATES_DOC)
