"""Header safety: unsafe values are refused by name, addresses are strict, nothing is injected."""

from __future__ import annotations

import base64
import email
import re
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_mailer.compose.envelope import verify_round_trip
from followup_mailer.compose.headers import check_header_values, parse_address, unsafe_reason
from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Composed, Previous, Sender
from followup_mailer.errors import TemplateError
from followup_mailer.model import KEY_HEADER, Format, Interview, Person, step_key
from tests.conftest import examples

SENDER = Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",))
DANA = Person(
    name="Dana Smith", email="dana@acme.com", notes="asked how I would cut on-call load", lead=True
)
SAM = Person(name="Sam Lee", email="sam@acme.com")
WHEN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
INTERVIEW = Interview(
    id="acme-onsite",
    company="Acme Corp",
    role="Senior Backend Engineer",
    start=WHEN,
    end=WHEN.replace(hour=15),
    format=Format.ONE_ON_ONE,
    highlights=("your move to event sourcing",),
    interviewers=(DANA,),
    contacts=(SAM,),
)
KEY = "acme-onsite/thank_you/dana@acme.com"
INJECTIONS = [
    "Dana\r\nBcc: evil@x.com",
    "Dana\nBcc: evil@x.com",
    "Dana\n",
    "Dana\rBcc: evil@x.com",
    "Dana\0",
    "Dana\x0bSmith",
    "Dana\u2028Bcc: evil@x.com",
    "Dana\x85Bcc: evil@x.com",
    "=?UTF-8?Q?=0A?=Bcc: evil@x.com",
    "=?utf-8?q?Dana=0D=0ABcc:_evil@x.com?=",
    "=?UTF-8?B?" + base64.b64encode(b"Dana\r\nBcc: evil@x.com").decode() + "?=",
    "=?iso-8859-1?b?" + base64.b64encode(b"\nx").decode().rstrip("=") + "?=",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_line_breaks_and_controls_are_unsafe_literally_or_encoded(value: str) -> None:
    assert unsafe_reason(value)


@pytest.mark.parametrize(
    "value", ["Acme Corp", "José Núñez", "O'Brien, Dana", "=?utf-8?q?Jos=C3=A9?=", "A – B"]
)
def test_ordinary_values_are_safe(value: str) -> None:
    assert unsafe_reason(value) == ""


@pytest.mark.parametrize("value", INJECTIONS)
def test_an_injected_interviewer_name_names_the_interview_and_field(value: str) -> None:
    bad = replace(INTERVIEW, interviewers=(replace(DANA, name=value),))
    [problem] = check_header_values(bad, SENDER)
    assert problem.key.startswith("acme-onsite: interviewer ")
    assert problem.key.endswith(" name")
    assert problem.file == "interviews.toml"


def test_every_unsafe_or_empty_field_is_reported_at_once() -> None:
    bad = replace(
        INTERVIEW,
        company="Acme\r\nBcc: evil@x.com",
        role="   ",
        interviewers=(replace(DANA, email="dana@acme.com, evil@x.com"),),
        contacts=(replace(SAM, name=""),),
    )
    sender = Sender(name="", email="alex@example.com\n", signature=())
    keys = {problem.key for problem in check_header_values(bad, sender)}
    assert keys == {
        "acme-onsite: company",
        "acme-onsite: role",
        "acme-onsite: interviewer 'Dana Smith' email",
        "acme-onsite: contact '' name",
        "account.name",
        "account.email",
    }


def test_an_email_field_holds_only_the_address() -> None:
    bad = replace(INTERVIEW, interviewers=(replace(DANA, email="Dana <dana@acme.com>"),))
    [problem] = check_header_values(bad, SENDER)
    assert problem.key == "acme-onsite: interviewer 'Dana Smith' email"
    assert "write only the address" in problem.message


def test_clean_values_have_no_problems() -> None:
    assert check_header_values(INTERVIEW, SENDER) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("dana@acme.com", ("", "dana@acme.com")),
        ("  dana.smith+jobs@mail.acme.co.uk ", ("", "dana.smith+jobs@mail.acme.co.uk")),
        ("Dana Smith <dana@acme.com>", ("Dana Smith", "dana@acme.com")),
        ('"Smith, Dana" <dana@acme.com>', ("Smith, Dana", "dana@acme.com")),
    ],
)
def test_one_address_parses(value: str, expected: tuple[str, str]) -> None:
    assert parse_address(value, where="acme-onsite: interviewer 'Dana' email") == expected


@pytest.mark.parametrize(
    "value",
    [
        "a@b.com)<c@d.com>",
        "alice@example.org)<bob@example.org>",
        "a@b.com, c@d.com",
        "a@b.com c@d.com",
        "group: a@b.com, c@d.com;",
        "dana.acme.com",
        "@acme.com",
        "dana@",
        "dana@acme",
        "dana@acme.com.",
        "dana@acme..com",
        "dana@bücher.de",
        "a@b.com <c@d.com>",
        "",
        "dana@acme.com\nBcc: evil@x.com",
    ],
)
def test_anything_but_one_address_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_address(value, where="acme-onsite: interviewer 'Dana' email")
    assert caught.value.problems[0].key == "acme-onsite: interviewer 'Dana' email"
    assert "acme-onsite: interviewer 'Dana' email" in str(caught.value)


# The property: whatever text reaches names, company, role or the thread's subject,
# either compose refuses it, or the bytes read back carry exactly the intended headers.
fuzzed_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(INJECTIONS),
    st.builds(
        lambda a, b, c: a + b + c, st.text(max_size=10), st.sampled_from(INJECTIONS), st.text()
    ),
    st.text(alphabet=st.sampled_from('<>@,;:"\\()[] .=?_abcQB\r\n\t'), max_size=30),
)


FIELDS = ["sender name", "recipient name", "recipient email", "company", "role", "subject"]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=fuzzed_text, reply=st.booleans())
def test_no_input_can_add_a_recipient_or_a_header(field: str, value: str, reply: bool) -> None:
    try:
        composed = _compose_with(field, value, reply=reply)
    except TemplateError as refused:
        # refused by the input checks, not by the last-resort read-back guard
        assert all(problem.file != "message" for problem in refused.problems)
        return
    parsed = email.message_from_bytes(composed.message.as_bytes(), policy=policy.default)
    intended = value.strip() if field == "recipient email" else "dana@acme.com"
    assert [address.addr_spec for address in parsed["To"].addresses] == [intended]
    assert parsed["Cc"] is None and parsed["Bcc"] is None
    expected = {"From", "To", "Subject", "Date", "Message-ID", KEY_HEADER}
    expected |= {"MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
    expected |= {"In-Reply-To", "References"} if reply else set()
    assert {name.lower() for name in parsed.keys()} == {name.lower() for name in expected}  # noqa: SIM118
    assert parsed[KEY_HEADER] == composed.message[KEY_HEADER]


def _compose_with(field: str, value: str, *, reply: bool) -> Composed:
    """Compose Dana's thank-you with one field replaced by the given text."""
    recipient = replace(
        DANA,
        name=value if field == "recipient name" else DANA.name,
        email=value if field == "recipient email" else DANA.email,
    )
    interview = replace(
        INTERVIEW,
        company=value if field == "company" else INTERVIEW.company,
        role=value if field == "role" else INTERVIEW.role,
        interviewers=(recipient,),
    )
    subject = value if field == "subject" else "Thank you – Senior Backend Engineer"
    return compose(
        sender=replace(SENDER, name=value) if field == "sender name" else SENDER,
        interview=interview,
        recipient=recipient,
        step="followup-1" if reply else "thank_you",
        key=step_key(interview.id, "thank_you", "dana@acme.com"),
        previous=Previous(subject=subject, message_id="<t1@acme.com>", references="", sent_at=WHEN)
        if reply
        else None,
        date=WHEN,
    )


def test_the_read_back_guard_catches_a_header_smuggled_past_the_builder() -> None:
    message = EmailMessage(policy=policy.default)
    message["To"] = "dana@acme.com"
    message.set_raw("Subject", "Hello\nBcc: evil@x.com")  # bypasses the policy's own checks
    with pytest.raises(TemplateError, match=re.escape(KEY)):
        verify_round_trip(message, to="dana@acme.com", headers=message.keys(), where=KEY)


def test_the_read_back_guard_passes_a_sound_message() -> None:
    message = EmailMessage(policy=policy.default)
    message["To"] = "Dana Smith <dana@acme.com>"
    message["Subject"] = "Hello"
    verify_round_trip(message, to="dana@acme.com", headers=message.keys(), where=KEY)


LONG_NAMES = [
    "Smith, Dana (Engineering Manager, Platform Infrastructure and Reliability)",
    "Dana [/b] [/b] [/b] [link=https://example.com/x] [link=https://example.com/x] Smith",
    'Dana "DJ" Smith-Okonkwo-Van der Berg, PhD; Director of Engineering, Payments',
]


@pytest.mark.parametrize("field", ["sender name", "recipient name"])
@pytest.mark.parametrize("name", LONG_NAMES)
def test_a_long_name_with_commas_or_brackets_reads_back_as_written(field: str, name: str) -> None:
    # Python 3.11 drops the quotes of a display name it folds: the name would read back as
    # several addresses and the message be refused
    composed = _compose_with(field, name, reply=False)
    parsed = email.message_from_bytes(composed.message.as_bytes(), policy=policy.default)
    header = parsed["From" if field == "sender name" else "To"]
    assert [(a.display_name, a.addr_spec) for a in header.addresses] == [
        (name, "alex@example.com" if field == "sender name" else "dana@acme.com")
    ]
