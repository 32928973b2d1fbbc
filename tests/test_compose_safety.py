"""Template safety: a user's template cannot hang a run, fill the disk, or read outside its
folder, and `check` names each breach; header values stay within what RFC 5322 allows."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict, Unpack

import pytest

from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Previous, Sender, Writer
from followup_mailer.errors import TemplateError
from followup_mailer.model import Interview, Person, step_key
from followup_mailer.template_check import check_templates

SENDER = Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",))
WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
DANA = Person(name="Dana Smith", email="dana@acme.com", notes="asked how I would cut on-call load")
ACME = Interview(
    id="acme", company="Acme Corp", role="Engineer", start=WHEN, end=WHEN, interviewers=(DANA,)
)


def make(
    folder: Path | None = None,
    *,
    interview: Interview = ACME,
    sender: Sender = SENDER,
    previous: Previous | None = None,
    step: str = "thank_you",
) -> str:
    """Compose Dana's message and return its body."""
    person = interview.interviewers[0]
    composed = compose(
        sender=sender, interview=interview, recipient=person, step=step,
        key=step_key(interview.id, step, person.email), previous=previous, date=WHEN,
        templates_dir=folder,
    )  # fmt: skip
    return str(composed.message.get_content())


def refusal(tmp_path: Path, text: str, name: str = "thank_you.txt.j2") -> TemplateError:
    """Write a user template and return the error composing with it raises."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        make(tmp_path)
    assert time.monotonic() - started < 5, "a template limit was not enforced quickly"
    return caught.value


BOMBS = {
    "nested-loops": "{% for a in range(2000) %}{% for b in range(2000) %}{% endfor %}{% endfor %}",
    "output": "{% for a in range(2000) %}{{ 'x' * 100 }}{% endfor %}",
    "lipsum": "{{ lipsum(10**6) }}",
    "repeat": "{{ 'x' * 10**8 }}",
    "big-range": "{% for i in range(10**9) %}{{ i }}{% endfor %}",
    "doubling": "{% set x = 'xxxxxxxxxx' %}" + "{% set x = x ~ x %}" * 40 + "{{ x }}",
    "center": "{{ 'x'|center(10**8) }}",
    "percent": "{{ '%999999999s' % 'x' }}",
    "format": "{{ '{:>999999999}'.format(1) }}",
    "replace": "{{ ('x' * 10000)|replace('x', 'xxxxxxxxxx') }}",
    "power": "{{ 7 ** 10000000 }}",
    "recursion": "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "wide-macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(40) }}",
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_a_template_bomb_fails_fast_naming_the_template(tmp_path: Path, text: str) -> None:
    problem = refusal(tmp_path, text).problems[0]
    assert problem.file == str(tmp_path / "thank_you.txt.j2")


def test_the_limits_hold_in_a_worker_thread(tmp_path: Path) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(BOMBS["nested-loops"], encoding="utf-8")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            make(tmp_path)
        except TemplateError as error:
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and len(errors) == 1
    assert "over a template limit" in str(errors[0])


def test_ordinary_loops_and_filters_still_work(tmp_path: Path) -> None:
    text = (
        "Hi {{ recipient.first_name }},\n{% for h in highlights %}{{ h|upper }} {% endfor %}"
        "{{ range(3)|join(', ') }} {{ 'abc'|center(9) }}\n{{ signature.text }}\n"
    )
    (tmp_path / "thank_you.txt.j2").write_text(text, encoding="utf-8")
    assert "0, 1, 2" in make(tmp_path)


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder, outside = tmp_path / "templates", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_text("root:x:0:0\n")
    (folder / "thank_you.txt.j2").symlink_to(outside)
    with pytest.raises(TemplateError, match="outside the templates folder") as caught:
        make(folder)
    assert "root:x" not in str(caught.value)


def test_a_link_inside_the_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "mine.j2").write_text("Hi {{ recipient.first_name }},\n{{ signature.text }}\n")
    (tmp_path / "thank_you.txt.j2").symlink_to(tmp_path / "mine.j2")
    assert make(tmp_path).startswith("Hi Dana,")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "thank_you.txt.j2")
    with pytest.raises(TemplateError, match="is not a regular file"):
        make(tmp_path)


def test_a_huge_template_file_is_refused(tmp_path: Path) -> None:
    assert "larger than 32768 bytes" in str(refusal(tmp_path, "x" * 40_000))


def test_check_lists_only_the_names_it_knows(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "thank_you.txt.j2").write_text("{% if %}")
    (tmp_path / "scratch.j2").write_text("{% if %}")
    assert check_templates(tmp_path) == []


def test_check_never_walks_the_disk_from_the_root() -> None:
    started = time.monotonic()
    check_templates(Path("/"))
    assert time.monotonic() - started < 2


def test_check_reports_each_breach(tmp_path: Path) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(BOMBS["nested-loops"])
    (tmp_path / "secret").write_text("x")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "thank_you.txt.j2").write_text(BOMBS["repeat"])
    (folder / "rejection.txt.j2").symlink_to(tmp_path / "secret")
    writer = Writer(sender=SENDER, templates_dir=folder)
    problems = check_templates(folder, writer, WHEN)
    files = sorted(problem.file for problem in problems)
    assert files == [str(folder / "rejection.txt.j2"), str(folder / "thank_you.txt.j2")]
    problems = check_templates(tmp_path, Writer(sender=SENDER, templates_dir=tmp_path), WHEN)
    assert [p.file for p in problems] == [str(tmp_path / "thank_you.txt.j2")]
    assert "over a template limit" in problems[0].message


# -- header and body values


class Changes(TypedDict, total=False):
    """Values to change: the interviewer's, the interview's, the account's signature."""

    name: str
    email: str
    notes: str
    addendum: str
    title: str
    company: str
    role: str
    signature: tuple[str, ...]


def refused(**changes: Unpack[Changes]) -> TemplateError:
    """Compose with some values changed and return the refusal."""
    person = replace(
        DANA,
        name=changes.get("name", DANA.name),
        email=changes.get("email", DANA.email),
        notes=changes.get("notes", DANA.notes),
        addendum=changes.get("addendum", DANA.addendum),
        title=changes.get("title", DANA.title),
    )
    interview = replace(
        ACME,
        company=changes.get("company", ACME.company),
        role=changes.get("role", ACME.role),
        interviewers=(person,),
    )
    sender = replace(SENDER, signature=changes.get("signature", SENDER.signature))
    with pytest.raises(TemplateError) as caught:
        make(interview=interview, sender=sender)
    return caught.value


@pytest.mark.parametrize(
    ("changes", "where", "what"),
    [
        ({"name": "D" * 5000}, "interviewer 'DDDD", "5000 characters long (at most 200)"),
        ({"name": "Dana " + "Ñ" * 400}, "name", "characters long"),
        ({"company": "Acme" * 300}, "acme: company", "characters long"),
        ({"email": "d" * 60 + "@" + ("a" * 60 + ".") * 4 + "com"}, "email", "at most 254"),
        ({"email": "d" * 70 + "@acme.com"}, "email", "at most 254"),
        ({"signature": ("+1 555\x000100",)}, "signature.lines[0]", "NUL"),
        ({"notes": "asked about\x00 Kafka"}, "notes", "NUL"),
        ({"addendum": "I shipped it\x1b[31m"}, "addendum", "U+001B"),
        ({"title": "Manager\x7f"}, "title", "U+007F"),
    ],
)
def test_values_out_of_bounds_are_refused_by_name(changes: Changes, where: str, what: str) -> None:
    problem = refused(**changes).problems[0]
    assert where in problem.key and what in problem.message


def test_a_huge_unbroken_thread_subject_is_refused() -> None:
    previous = Previous(
        subject="Re: " + "x" * 2000, message_id="<t1@acme.com>", references="", sent_at=WHEN
    )
    with pytest.raises(TemplateError, match="too long for a header line"):
        make(previous=previous, step="followup-1")


def test_a_long_but_foldable_name_keeps_every_header_line_short() -> None:
    long = replace(DANA, name="Dana " + " ".join(["Núñez-García"] * 14))
    interview = replace(ACME, interviewers=(long,))
    raw = compose(
        sender=SENDER, interview=interview, recipient=long, step="thank_you", key="k",
        previous=None, date=WHEN,
    ).message.as_bytes()  # fmt: skip
    head = raw.split(b"\n\n", 1)[0]
    assert max(len(line) for line in head.split(b"\n")) <= 998


def test_tabs_and_line_breaks_in_body_text_are_fine() -> None:
    interview = replace(ACME, addendum="I have since\tshipped it")
    assert "shipped it" in make(interview=interview)


if sys.platform == "win32":  # pragma: no cover - symlinks need privileges there
    pytestmark = pytest.mark.skip(reason="symlink tests need a POSIX system")
