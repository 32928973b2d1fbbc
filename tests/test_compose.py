"""compose(): the message a user will see, its headers, templates and template errors."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import TypedDict

import pytest

from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Composed, Previous, Sender
from followup_mailer.errors import TemplateError
from followup_mailer.model import KEY_HEADER, Format, Interview, Person, step_key
from followup_mailer.settings import LintLimits

EST = timezone(timedelta(hours=-5))
WHEN = datetime(2026, 11, 21, 9, 0, tzinfo=EST)
SENDER = Sender(
    name="Alex Rivera",
    email="alex@example.com",
    signature=("+1 555 0100", "linkedin.com/in/alexrivera"),
)
DANA = Person(
    name="Dana Smith",
    email="dana@acme.com",
    title="Engineering Manager",
    notes="asked how I'd cut on-call load.",
)
LEE = Person(name="Lee Park", email="lee@acme.com")
KIM = Person(name="Kim Wu", email="kim@acme.com")
JO = Person(name="Jo Diaz", email="jo@acme.com")
SAM = Person(name="Sam Lee", email="sam@acme.com")
ACME = Interview(
    id="acme-onsite",
    company="Acme Corp",
    role="Senior Backend Engineer",
    start=datetime(2026, 11, 20, 14, 0, tzinfo=EST),
    end=datetime(2026, 11, 20, 15, 30, tzinfo=EST),
    format=Format.PANEL,
    highlights=("your move to event sourcing",),
    interviewers=(DANA, LEE, KIM),
    contacts=(SAM,),
)
THREAD = Previous(
    subject="Thank you – Senior Backend Engineer interview at Acme Corp",
    message_id="<t2@example.com>",
    references="<t0@acme.com> <t1@acme.com>",
    sent_at=WHEN,
)


def make(
    recipient: Person = DANA,
    step: str = "thank_you",
    *,
    interview: Interview = ACME,
    previous: Previous | None = None,
    templates_dir: Path | None = None,
    sender: Sender = SENDER,
) -> Composed:
    """Compose a message with the test defaults."""
    return compose(
        sender=sender,
        interview=interview,
        recipient=recipient,
        step=step,
        key=step_key(interview.id, step, recipient.email),
        previous=previous,
        date=WHEN,
        templates_dir=templates_dir,
    )


def body(message: EmailMessage) -> str:
    """Return the plain-text body as a reader sees it."""
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def read_back(message: EmailMessage) -> EmailMessage:
    """Parse the message's bytes as a mail client would."""
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def templates(tmp_path: Path, **files: str) -> Path:
    """Write user templates (name_with_underscores_for_dots=text) into a folder."""
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return tmp_path


def test_thank_you_headers_name_sender_recipient_and_key() -> None:
    message = read_back(make().message)
    assert message["From"] == "Alex Rivera <alex@example.com>"
    assert message["To"] == "Dana Smith <dana@acme.com>"
    assert message["Subject"] == "Thank you – Senior Backend Engineer interview at Acme Corp"
    assert message["Date"].datetime == WHEN
    assert message["Message-ID"].endswith("@example.com>")
    assert message[KEY_HEADER] == "acme-onsite/thank_you/dana@acme.com"
    assert message["In-Reply-To"] is None and message["References"] is None


def test_a_nudge_replies_in_the_thread() -> None:
    message = read_back(make(SAM, "followup-1", previous=THREAD).message)
    assert message["Subject"] == "Re: " + THREAD.subject
    assert message["In-Reply-To"] == "<t2@example.com>"
    assert message["References"] == "<t0@acme.com> <t1@acme.com> <t2@example.com>"


@pytest.mark.parametrize("subject", ["Re: Next steps", "RE: Next steps", "re:Next steps"])
def test_a_reply_subject_never_gets_a_second_prefix(subject: str) -> None:
    previous = replace(THREAD, subject=subject)
    assert make(SAM, "followup-2", previous=previous).message["Subject"] == subject


def test_a_nudge_with_no_thread_starts_one_with_its_own_subject() -> None:
    message = read_back(make(SAM, "followup-1").message)
    assert message["Subject"] == "Following up – Senior Backend Engineer interview at Acme Corp"
    assert message["In-Reply-To"] is None


def test_a_long_key_stays_on_one_unencoded_line() -> None:
    long = replace(DANA, email="dana.smith-engineering@acme-corporation-international.com")
    interview = replace(ACME, id="acme-corporation-backend-onsite-round-two", interviewers=(long,))
    raw = make(long, interview=interview).message.as_bytes()
    key = "acme-corporation-backend-onsite-round-two/thank_you/" + long.email
    assert f"{KEY_HEADER}: {key}\n".encode() in raw


def test_the_thank_you_says_the_specific_point_interest_and_signature() -> None:
    text = body(make().message)
    assert text.splitlines()[0].endswith(" Dana,")
    assert "you asked how I'd cut on-call load" in text
    assert "load.." not in text and "load.;" not in text  # the note reads inside a sentence
    assert text.rstrip().endswith("Alex Rivera\n+1 555 0100\nlinkedin.com/in/alexrivera")
    assert len(text.split()) < 150


def test_without_notes_the_thank_you_names_a_highlight() -> None:
    assert "your move to event sourcing" in body(make(LEE).message)


def test_the_addendum_is_added_as_a_sentence() -> None:
    interview = replace(ACME, addendum="i have since shipped the migration")
    assert "I have since shipped the migration." in body(make(interview=interview).message)


def test_a_group_thank_you_thanks_everyone_through_the_lead() -> None:
    group = replace(ACME, format=Format.GROUP, interviewers=(LEE, replace(DANA, lead=True)))
    assert "Please pass my thanks on to Lee as well." in body(
        make(group.lead, interview=group).message
    )
    alone = replace(group, interviewers=(replace(DANA, lead=True),))
    assert "Please pass my thanks on to everyone who took part." in body(
        make(alone.lead, interview=alone).message
    )


@pytest.mark.parametrize("panel", [(DANA, LEE, KIM), (DANA, LEE, KIM, JO)])
def test_each_panel_member_gets_a_different_opening_and_closing(panel: tuple[Person, ...]) -> None:
    interview = replace(ACME, interviewers=panel)
    texts = [body(make(person, interview=interview).message) for person in panel]
    openings = {text.split("\n\n")[1].split(".")[0] for text in texts}
    closings = {text.split("\n\n")[-2] for text in texts}
    assert len(openings) == len(closings) == len(panel)


def test_the_wording_is_the_same_every_time() -> None:
    assert body(make(KIM).message) == body(make(KIM).message)


def test_the_second_nudge_is_shorter_than_the_first() -> None:
    first = body(make(SAM, "followup-1", previous=THREAD).message)
    second = body(make(SAM, "followup-2", previous=THREAD).message)
    assert len(second.split()) < len(first.split()) < 120


def test_the_rejection_note_asks_for_feedback() -> None:
    text = body(make(SAM, "rejection", previous=THREAD).message)
    assert "feedback" in text and "Thank you" in text


def test_a_long_role_and_company_give_a_shortened_subject() -> None:
    interview = replace(
        ACME,
        role="Principal Distributed Systems Engineer, Payments Infrastructure",
        company="Acme Interplanetary Logistics Corporation",
    )
    subject = make(interview=interview).message["Subject"]
    assert len(subject) <= 78 and subject.startswith("Thank you – ")


def test_an_honorific_greets_by_title_and_last_name() -> None:
    doctor = replace(KIM, name="Dr. Kim Wu")
    interview = replace(ACME, interviewers=(doctor,))
    assert body(make(doctor, interview=interview).message).splitlines()[0].endswith(" Dr. Wu,")


def test_non_ascii_text_reads_back_unchanged() -> None:
    jose = Person(name="José Núñez", email="jose@acme.com", notes="asked about Zürich")
    interview = replace(ACME, interviewers=(jose,))
    parsed = read_back(make(jose, interview=interview).message)
    assert str(parsed["To"]) == "José Núñez <jose@acme.com>"
    assert "José," in body(parsed) and "Zürich" in body(parsed)


def test_default_messages_come_with_no_findings() -> None:
    assert make().findings == ()


def test_a_pushy_user_template_comes_back_with_findings(tmp_path: Path) -> None:
    folder = templates(tmp_path, followup__txt__j2="Hey!!! Any update??? I'm still waiting.\n")
    rules = {finding.rule for finding in make(SAM, "followup-1", templates_dir=folder).findings}
    assert {"greeting", "pushy", "informal", "exclamations", "signature", "interest"} <= rules


def test_user_templates_override_file_by_file(tmp_path: Path) -> None:
    folder = templates(tmp_path, thank_you__subject__j2="Thanks from {{ account.first_name }}\n")
    message = make(templates_dir=folder).message
    assert message["Subject"] == "Thanks from Alex"
    assert "your move to event sourcing" in body(make(LEE, templates_dir=folder).message)


def test_an_html_template_adds_an_escaped_alternative(tmp_path: Path) -> None:
    folder = templates(tmp_path, thank_you__html__j2="<p>Hi {{ recipient.name }}</p>\n")
    odd = replace(DANA, name="Dana <b>Smith</b>")
    interview = replace(ACME, interviewers=(odd,))
    parsed = read_back(make(odd, interview=interview, templates_dir=folder).message)
    html = parsed.get_body(preferencelist=("html",))
    assert isinstance(html, EmailMessage)
    assert "<p>Hi Dana &lt;b&gt;Smith&lt;/b&gt;</p>" in html.get_content()
    assert "&" not in body(parsed)  # the plain-text part is not escaped


def test_defaults_have_no_html_part() -> None:
    assert make().message.get_content_type() == "text/plain"


def _refusal(tmp_path: Path, text: str) -> TemplateError:
    """Return the error compose raises for a user thank-you body template."""
    folder = templates(tmp_path, thank_you__txt__j2=text)
    with pytest.raises(TemplateError) as caught:
        make(templates_dir=folder)
    return caught.value


def test_an_undefined_variable_names_file_line_and_variable(tmp_path: Path) -> None:
    problem = _refusal(
        tmp_path, "Hi {{ recipient.first_name }},\n\n{{ interviewer_name }}\n"
    ).problems[0]
    assert problem.file == str(tmp_path / "thank_you.txt.j2")
    assert (problem.line, problem.key) == (3, "interviewer_name")


def test_a_missing_field_of_a_variable_is_named(tmp_path: Path) -> None:
    problem = _refusal(tmp_path, "Hi {{ recipient.nickname }}\n").problems[0]
    assert (problem.line, problem.key) == (1, "nickname")


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    problem = _refusal(tmp_path, "Hi\n{% if %}\n").problems[0]
    assert (problem.file, problem.line) == (str(tmp_path / "thank_you.txt.j2"), 2)


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ recipient|attr('__class__') }}",
        "{{ '{0.__class__}'.format(1) }}",
    ],
)
def test_sandbox_escapes_are_refused(tmp_path: Path, text: str) -> None:
    assert _refusal(tmp_path, text + "\n").problems[0].file.endswith("thank_you.txt.j2")


def test_any_runtime_failure_in_a_template_is_a_template_error(tmp_path: Path) -> None:
    assert _refusal(tmp_path, "line one\n{{ 1 / 0 }}\n").problems[0].line == 2


def test_a_subject_template_cannot_inject_a_header(tmp_path: Path) -> None:
    folder = templates(tmp_path, thank_you__subject__j2="Hi\nBcc: evil@x.com\n")
    with pytest.raises(TemplateError, match="acme-onsite: subject"):
        make(templates_dir=folder)


class Change(TypedDict, total=False):
    company: str
    role: str
    interviewers: tuple[Person, ...]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"company": "  "}, "acme-onsite: company"),
        ({"role": ""}, "acme-onsite: role"),
        ({"interviewers": (replace(DANA, name=" "),)}, "acme-onsite: interviewer '' name"),
    ],
)
def test_empty_required_values_are_refused_not_rendered(change: Change, field: str) -> None:
    interview = replace(ACME, **change)
    with pytest.raises(TemplateError) as caught:
        make(interview.interviewers[0], interview=interview)
    assert field in [problem.key for problem in caught.value.problems]


def test_an_empty_account_name_is_refused() -> None:
    with pytest.raises(TemplateError, match=r"account\.name"):
        make(sender=replace(SENDER, name=""))


def test_an_unsafe_recipient_address_names_interview_and_person() -> None:
    evil = replace(DANA, email="dana@acme.com\r\nBcc: evil@x.com")
    with pytest.raises(TemplateError) as caught:
        make(evil, interview=replace(ACME, interviewers=(evil,)))
    assert caught.value.problems[0].key == "acme-onsite: interviewer 'Dana Smith' email"


def test_an_unsafe_thread_subject_is_refused() -> None:
    previous = replace(THREAD, subject="Hello=?UTF-8?Q?=0A?=Bcc: evil@x.com")
    with pytest.raises(TemplateError, match="previous message subject"):
        make(SAM, "followup-1", previous=previous)


def test_a_missing_templates_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"templates\.dir"):
        make(templates_dir=tmp_path / "nope")


def test_a_naive_date_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compose(
            sender=SENDER, interview=ACME, recipient=DANA, step="thank_you", key="k",
            previous=None, date=WHEN.replace(tzinfo=None),
        )  # fmt: skip


def test_limits_reach_the_lint() -> None:
    composed = compose(
        sender=SENDER, interview=ACME, recipient=DANA, step="thank_you", key="k",
        previous=None, date=WHEN, limits=LintLimits(thank_you_words=20),
    )  # fmt: skip
    assert [finding.rule for finding in composed.findings] == ["word-count"]


def test_the_documented_example_templates_render_cleanly(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "templates.md").read_text()
    *_, body_example, subject_example = re.findall(r"```jinja\n(.*?)```", docs, re.DOTALL)
    folder = templates(tmp_path, thank_you__txt__j2=body_example)
    (folder / "thank_you.subject.j2").write_text(subject_example)
    composed = make(templates_dir=folder)
    assert composed.message["Subject"] == "Thanks, Dana – Senior Backend Engineer at Acme Corp"
    assert "Thank you for your time yesterday." in body(composed.message)
    assert "you asked how I'd cut on-call load." in body(composed.message)
    assert composed.findings == ()
