"""docs/templates.md cannot drift: every variable and helper a template sees is listed there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from followup_mailer.compose.context import template_context
from followup_mailer.compose.message import KNOWN_TEMPLATES, template_environment
from followup_mailer.compose.parts import Previous, Sender
from followup_mailer.model import Interview, Person

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "templates.md").read_text()
WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
OURS = {"long_date", "clause", "sentence", "and_list", "fit_subject"}


def names(value: Any, prefix: str = "") -> list[str]:
    """List the dotted names of a context, nested dicts included."""
    found = []
    for key, item in value.items():
        found.append(prefix + key)
        if isinstance(item, dict):
            found += names(item, prefix + key + ".")
    return found


def test_every_variable_in_the_context_is_documented() -> None:
    dana = Person(name="Dana Smith", email="dana@acme.com")
    interview = Interview(
        id="acme", company="Acme Corp", role="Engineer", start=WHEN, end=WHEN, interviewers=(dana,)
    )
    context = template_context(
        sender=Sender(name="Alex Rivera", email="alex@example.com", signature=()),
        interview=interview, recipient=dana, step="followup-1",
        previous=Previous(subject="Hi", message_id="<1@x>", references="", sent_at=WHEN),
        date=WHEN, timezone=UTC,
    )  # fmt: skip
    context["subject_limit"] = 78
    missing = [name for name in names(context) if f"`{name}`" not in DOCS]
    assert missing == []


def test_every_helper_of_ours_is_documented() -> None:
    env = template_environment(None)
    assert set(env.filters) | set(env.globals) >= OURS
    assert [name for name in OURS if f"`{name}" not in DOCS] == []


def test_every_template_name_is_documented() -> None:
    assert [name for name in KNOWN_TEMPLATES if f"`{name}`" not in DOCS] == []
