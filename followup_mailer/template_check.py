"""Check the user's templates: parse each one we know by name, then render them on a sample.

A template is found by name only, never by walking its folder (a folder of "/" costs nothing).
Each step is rendered once as a whole, and each of the user's templates once on its own, so
that every template over a limit (time, size, loops, a link out of the folder) is named.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jinja2

from followup_mailer.compose.context import template_context
from followup_mailer.compose.message import (
    KNOWN_TEMPLATES,
    render,
    render_one,
    template_environment,
    template_names,
    user_templates,
)
from followup_mailer.compose.parts import Writer
from followup_mailer.compose.sandbox import TemplateRefused
from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import (
    REJECTION,
    STAY_IN_TOUCH,
    THANK_YOU,
    Format,
    Interview,
    Person,
)


def check_templates(
    templates_dir: Path | None, writer: Writer | None = None, now: datetime | None = None
) -> list[Problem]:
    """Parse each template we know by name, and try the user's own on a sample interview."""
    try:
        env = template_environment(templates_dir)
    except TemplateError as error:
        return list(error.problems)
    problems = []
    for name in KNOWN_TEMPLATES:  # by name only: the folder itself is never walked
        try:
            env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        except TemplateRefused as error:
            fix = "keep your templates as plain files inside the templates folder"
            problems.append(Problem(str(error.path), error.reason, None, "", fix))
        except jinja2.TemplateSyntaxError as error:
            where = error.filename or name
            problems.append(Problem(where, error.message or "", error.lineno))
        except RecursionError:  # the parser recurses once per bracket or block
            fix = "nest brackets and blocks a few levels deep at most"
            where = str(templates_dir / name) if templates_dir else name
            problems.append(Problem(where, "is nested too deeply to read", None, "", fix))
    if writer is not None and user_templates(templates_dir):
        problems += _trial_renders(writer, now or datetime.now(UTC))
        problems += _each_template(writer, now or datetime.now(UTC))
    return list(dict.fromkeys(problems))  # a template refused here fails its trial render too


def _each_template(writer: Writer, now: datetime) -> list[Problem]:
    """Render each of the user's templates on its own, so every one over a limit is named."""
    env = template_environment(writer.templates_dir)
    mine = set(user_templates(writer.templates_dir))
    sample, steps = _sample(now)
    problems: list[Problem] = []
    for step, person in steps:
        subject, body = template_names(step)
        names = [n for n in (subject, f"{body}.txt.j2", f"{body}.html.j2") if n in mine]
        context = template_context(
            sender=writer.sender, interview=sample, recipient=person, step=step,
            previous=None, date=now, timezone=writer.timezone,
        )  # fmt: skip
        context["subject_limit"] = writer.limits.subject_chars
        for name in names:
            try:
                render_one(env, name, context)
            except TemplateError as error:
                problems += error.problems
    return problems


def _sample(now: datetime) -> tuple[Interview, list[tuple[str, Person]]]:
    """Return a sample interview and each step with its recipient, for the trial renders."""
    dana = Person(
        name="Dana Smith",
        email="dana@example.com",
        title="Engineering Manager",
        notes="asked about my work",
    )
    sam = Person(name="Sam Lee", email="sam@example.com", title="Recruiter")
    sample = Interview(
        id="sample",
        company="Example Corp",
        role="Engineer",
        start=now - timedelta(days=1),
        end=now - timedelta(days=1, hours=-1),
        format=Format.ONE_ON_ONE,
        highlights=("the roadmap",),
        interviewers=(dana,),
        contacts=(sam,),
    )
    steps = [(THANK_YOU, dana), ("followup-1", sam), ("followup-2", sam)]
    return sample, [*steps, (REJECTION, sam), (STAY_IN_TOUCH, sam)]


def _trial_renders(writer: Writer, now: datetime) -> list[Problem]:
    """Render every step once for a sample interview, so a slow or huge template shows now."""
    sample, steps = _sample(now)
    problems: list[Problem] = []
    for step, person in steps:
        try:
            render(writer, interview=sample, to=person.email, step=step, previous=None, date=now)
        except TemplateError as error:
            problems += error.problems
    return list(dict.fromkeys(problems))
