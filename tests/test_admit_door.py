"""Bad values are refused at the door: one rule for add, import-ics, check and the pass.

Every value that reaches a header (the recruiter `thread` included) is checked by the rules of
compose/headers.py before an intent is written. One interview's bad value fails that interview
alone, with the reason in `status`; the others go on. Lengths are bounded where the standards
bound them (an address of 254 octets, a header line of 998), and no header line of a message
that passed the door is longer.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Previous
from followup_mailer.intake.admit import header_problems
from followup_mailer.model import KEY_HEADER, Person, step_key
from tests.conftest import examples
from tests.e2e import ended_recently
from tests.hostile import run_clean
from tests.hostile_toml import CONFIG, table_text
from tests.test_headers import INTERVIEW, SENDER, WHEN

GOOGLE_INVITE = Path(__file__).parent / "invites" / "google_request.ics"
BAD_THREADS = {
    "control character": "abc\x01def",
    "line break": "<t1@acme.example>\r\nBcc: eve@example.com",
    "encoded line break": "=?UTF-8?Q?=0A?=",
    "two words": "<t1@acme.example> <t2@acme.example>",
    "a word past a header line": "t" * 1_000,
    "100,000 characters": "t" * 100_000,
}


class Folder:
    """Two interviews that ended recently, acme with `acme` changed and beta as it should be."""

    def __init__(self, root: Path, **acme: object) -> None:
        self.root, self.config = root, root / "config.toml"
        self.config.write_text("".join(table_text(f"[{n}]", k) for n, k in CONFIG.items()))
        end = ended_recently()
        base = {"start": end - timedelta(hours=1), "end": end, "role": "Backend Engineer"}
        good = base | {"id": "beta", "company": "Beta", "interviewer": [_person("Lee", "beta")]}
        bad = base | {"id": "acme", "company": "Acme", "interviewer": [_person("Dana", "acme")]}
        schedule = table_text("[[interview]]", bad | acme) + table_text("[[interview]]", good)
        (root / "interviews.toml").write_text(schedule, "utf-8")

    def run(self, *args: str) -> tuple[int, str, str]:
        result = run_clean(["--config", str(self.config), *args])
        return result.exit_code, result.stdout, result.stderr

    def states(self) -> dict[str, tuple[str, str]]:
        rows = json.loads(self.run("status", "--json")[1])
        return {f"{r['interview']}/{r['step']}": (r["state"], r["reason"] or "") for r in rows}


def _person(name: str, company: str) -> dict[str, object]:
    return {"name": f"{name} Smith", "email": f"{name.lower()}@{company}.example"}


@pytest.mark.parametrize("thread", BAD_THREADS.values(), ids=BAD_THREADS.keys())
def test_a_bad_thread_id_fails_its_interview_alone_with_the_reason_in_status(
    tmp_path: Path, thread: str
) -> None:
    folder = Folder(tmp_path, thread=thread)
    code, _, stderr = folder.run("check")
    assert code == 1 and "acme: thread" in stderr and "beta" not in stderr
    code, stdout, _ = folder.run("run", "--once")
    assert code == 0 and "drafted   beta/thank_you" in stdout and "failed    acme/" in stdout
    states = folder.states()
    assert states["beta/thank_you"][0] == "awaiting-approval"
    state, reason = states["acme/thank_you"]
    assert state == "failed" and "thread" in reason


def test_add_refuses_a_bad_thread_and_writes_nothing(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    before = (tmp_path / "interviews.toml").read_bytes()
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    for thread in BAD_THREADS.values():
        code, _, stderr = folder.run(
            "add", "--company", "Gamma", "--role", "Engineer", "--start", start,
            "--interviewer", "Kim Ortiz <kim@gamma.example>", "--thread", thread,
        )  # fmt: skip
        assert code in (1, 2) and "thread" in stderr
    assert (tmp_path / "interviews.toml").read_bytes() == before


def test_add_refuses_two_addresses_in_one_field(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    code, _, stderr = folder.run(
        "add", "--company", "Gamma", "--role", "Engineer", "--start", "2026-11-20T10:00",
        "--interviewer", "Kim <a@b.com,c@d.com>",
    )  # fmt: skip
    assert code == 2 and "not a single valid address" in stderr


def invite_with(extra_event: str) -> str:
    """The Google invite with one more event after it."""
    text = GOOGLE_INVITE.read_text(encoding="utf-8")
    return text.replace("END:VCALENDAR", extra_event + "END:VCALENDAR")


def event(uid: str, start: str, attendee: str, summary: str = "Initech: QA interview") -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART:{start}\nDTEND:{start[:9]}235900Z\n"
        f"SUMMARY:{summary}\nORGANIZER:mailto:hr@initech.example\nATTENDEE;{attendee}\n"
        "END:VEVENT\n"
    )


@pytest.mark.parametrize(
    ("bad_event", "why"),
    [
        (event("n", "20261203T100000Z", f"CN={'Q' * 300}:mailto:q@initech.example"), "300 char"),
        (event("d", "99991231T100000Z", "CN=Q Ortiz:mailto:q@initech.example"), "9999-12-31"),
        (event("o", "00010101T100000Z", "CN=Q Ortiz:mailto:q@initech.example"), "0001-01-01"),
    ],
    ids=["a 300-character name", "9999-12-31", "0001-01-01"],
)
def test_import_ics_skips_an_event_with_bad_values_and_imports_the_others(
    tmp_path: Path, bad_event: str, why: str
) -> None:
    folder = Folder(tmp_path)
    calendar = tmp_path / "invite.ics"
    calendar.write_text(invite_with(bad_event), "utf-8")
    code, stdout, _ = folder.run("import-ics", str(calendar))
    assert code == 0 and "added globex-platform-engineer" in stdout
    assert "skipped" in stdout and why in stdout
    assert folder.run("check")[0] in (0, 1)  # the file still loads: nothing bad was written
    assert "initech" not in (tmp_path / "interviews.toml").read_text()


def test_import_ics_leaves_out_a_guest_with_two_addresses_saying_why(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    text = GOOGLE_INVITE.read_text(encoding="utf-8")
    calendar = tmp_path / "invite.ics"
    comma = "mailto:a@globex.example,c@globex.example"
    calendar.write_text(text.replace("mailto:jordan.weber@globex.example", comma), "utf-8")
    code, stdout, _ = folder.run("import-ics", str(calendar))
    assert (
        code == 0 and "left out Jordan Weber" in stdout and "not a single valid address" in stdout
    )
    assert "a@globex.example,c@globex.example" not in (tmp_path / "interviews.toml").read_text()


# --- what passes the door makes messages whose header lines fit ------------------------------

long_text = st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=220)
local_part = st.text("abcdefghijklmnopqrstuvwxyz0123456789.+-_", min_size=1, max_size=64)
domain = st.lists(st.text("abcdefghij0123456789", min_size=1, max_size=63), min_size=2, max_size=4)
addresses = st.builds(lambda a, d: f"{a}@{'.'.join(d)}", local_part, domain)


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(
    name=long_text, company=long_text, role=long_text, address=addresses, reply=st.booleans(),
    interview_id=st.from_regex(r"[a-z0-9._-]{1,200}", fullmatch=True),
)  # fmt: skip
def test_values_that_pass_the_door_make_header_lines_of_at_most_998_octets(
    name: str, company: str, role: str, address: str, reply: bool, interview_id: str
) -> None:
    person = Person(name=name, email=address)
    interview = replace(
        INTERVIEW, id=interview_id, company=company, role=role, interviewers=(person,)
    )
    if header_problems(interview):
        return  # refused at the door, naming the field: tested above and in test_headers.py
    key = step_key(interview.id, "followup-1" if reply else "thank_you", address)
    subject = "Re: " + ("Thank you " * 80)
    previous = (
        Previous(
            subject=subject, message_id=f"<{'m' * 240}@acme.example>", references="", sent_at=WHEN
        )
        if reply
        else None
    )
    composed = compose(
        sender=SENDER, interview=interview, recipient=person,
        step="followup-1" if reply else "thank_you", key=key, previous=previous, date=WHEN,
    )  # fmt: skip
    lines = composed.message.as_bytes().split(b"\r\n\r\n", 1)[0].splitlines()
    assert max(len(line) for line in lines) <= 998
    assert composed.message[KEY_HEADER] == key


@pytest.mark.parametrize(
    ("line", "named"),
    [("+1 555\x000100", "NUL"), ("linkedin.com/in/alex\x1b[31m", "U+001B"), ("x" * 3_000, "3000")],
)
def test_a_bad_signature_line_fails_check_and_every_step_saying_which(
    tmp_path: Path, line: str, named: str
) -> None:
    folder = Folder(tmp_path)
    config = folder.config.read_text()
    config = config.replace('lines = ["+1 555 0100"]', f"lines = [{json.dumps(line)}]")
    folder.config.write_text(config)
    code, _, stderr = folder.run("check")
    assert code == 1 and "signature.lines[0]" in stderr and named in stderr
    assert folder.run("run", "--once")[0] == 0
    assert {state for state, _ in folder.states().values() if state != "planned"} == {"failed"}
