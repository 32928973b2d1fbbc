"""The keys of interviews.toml: for each, its kind, an example for fixes, and its default."""

from __future__ import annotations

from followup_mailer.intake.validate import (
    BOOLEAN,
    DATETIME_OR_TEXT,
    DAY_OR_TEXT,
    STRING,
    STRINGS,
    TABLES,
    Field,
)

PEOPLE_FIX = (
    'add a section per person: [[interview.{0}]] with name = "..." and email = "..." below it'
)


def _person_fields(*, with_lead: bool) -> dict[str, Field]:
    fields = {
        "name": Field(STRING, '"Dana Smith"', required=True),
        "email": Field(STRING, '"dana@acme.example"', required=True),
        "title": Field(STRING, '"Engineering Manager"', ""),
        "notes": Field(STRING, '"asked how I would cut on-call load"', ""),
        "addendum": Field(STRING, '"I have since read your paper on sharding"', ""),
        "greeting": Field(STRING, '"Dr. Núñez"', ""),
        "linkedin_connected": Field(BOOLEAN, "true", False),
    }
    return fields | {"lead": Field(BOOLEAN, "true", False)} if with_lead else fields


INTERVIEWER = _person_fields(with_lead=True)
CONTACT = _person_fields(with_lead=False)
INTERVIEW = {
    "id": Field(STRING, '"acme-backend-onsite"', required=True),
    "company": Field(STRING, '"Acme Corp"', required=True),
    "role": Field(STRING, '"Senior Backend Engineer"', required=True),
    "start": Field(DATETIME_OR_TEXT, "2026-11-20T14:00:00-05:00", required=True),
    "end": Field(DATETIME_OR_TEXT, "2026-11-20T15:30:00-05:00"),
    "duration": Field(STRING, '"90m"'),
    "timezone": Field(STRING, '"America/Chicago"'),
    "format": Field(STRING, '"one-on-one"', "one-on-one"),
    "highlights": Field(STRINGS, '["your move to event sourcing"]', []),
    "addendum": Field(STRING, '""', ""),
    "expect_response_by": Field(DAY_OR_TEXT, "2026-11-27"),
    "thread": Field(STRING, '""', ""),
    "outcome": Field(STRING, '"pending"', "pending"),
    "uid": Field(STRING, '""', ""),
    "interviewer": Field(TABLES, "", [], fix=PEOPLE_FIX.format("interviewer")),
    "contact": Field(TABLES, "", [], fix=PEOPLE_FIX.format("contact")),
}
TOP = {"interview": Field(TABLES, "", [], fix="start each interview with a line [[interview]]")}
