from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.errors import ConfigError, Problem
from followup_mailer.intake.schedule import load_schedule, parse_schedule
from followup_mailer.intake.validate import KeyPath, find_line, key_lines
from followup_mailer.model import Format, Interview, Outcome

ROOT = Path(__file__).resolve().parent.parent
NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")

ONE = """\
[[interview]]
id = "acme-onsite"
company = "Acme Corp"
role = "Backend Engineer"
start = 2026-11-20T14:00:00-05:00
{extra}
  [[interview.interviewer]]
  name = "Dana Smith"
  email = "dana@acme.example"
"""


def parse(text: str) -> tuple[Interview, ...]:
    return parse_schedule(text, file="interviews.toml", default_tz=NEW_YORK)


def one(extra: str = "") -> Interview:
    (interview,) = parse(ONE.format(extra=extra))
    return interview


def problems(text: str) -> list[Problem]:
    with pytest.raises(ConfigError) as raised:
        parse(text)
    return raised.value.problems


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# --- reading ---------------------------------------------------------------------------------


def test_example_schedule_loads_as_the_spec_describes() -> None:
    onsite, panel = load_schedule(ROOT / "interviews.example.toml", default_tz=NEW_YORK)
    assert onsite.format is Format.ONE_ON_ONE and panel.format is Format.PANEL
    assert onsite.start == datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    assert onsite.end - onsite.start == timedelta(minutes=90)
    assert onsite.timezone == CHICAGO
    assert onsite.expect_response_by == datetime(2026, 11, 27, 9, 0, tzinfo=CHICAGO)
    assert onsite.lead.name == "Dana Smith" and len(onsite.contacts) == 1
    assert onsite.outcome is Outcome.PENDING
    assert len(panel.interviewers) == 3 and panel.lead == panel.interviewers[0]
    assert panel.start == datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)  # no offset: account zone
    assert panel.end - panel.start == timedelta(hours=2)


@pytest.mark.parametrize("text", ["", "# nothing planned yet\n"])
def test_a_schedule_without_interviews_is_valid(text: str) -> None:
    assert parse(text) == ()


def test_defaults() -> None:
    interview = one()
    assert interview.end - interview.start == timedelta(hours=1)
    assert (interview.format, interview.outcome) == (Format.ONE_ON_ONE, Outcome.PENDING)
    assert (interview.timezone, interview.expect_response_by) == (None, None)
    assert (interview.highlights, interview.addendum, interview.thread) == ((), "", "")
    assert interview.contacts == ()
    (dana,) = interview.interviewers
    assert (dana.title, dana.notes, dana.lead) == ("", "", False)


def test_all_keys_are_read() -> None:
    interview = one(
        'timezone = "America/Chicago"\nformat = "group"\noutcome = "next-round"\n'
        'highlights = ["event sourcing", "on-call"]\naddendum = "my Go experience"\n'
        'thread = "18c2f0a1b2"\nend = 2026-11-20T16:00:00-05:00\n'
        '  [[interview.contact]]\n  name = "Sam Lee"\n  email = "sam@acme.example"\n'
        '  title = "Recruiter"\n'
    )
    assert interview.timezone == CHICAGO
    assert (interview.format, interview.outcome) == (Format.GROUP, Outcome.NEXT_ROUND)
    assert interview.highlights == ("event sourcing", "on-call")
    assert (interview.addendum, interview.thread) == ("my Go experience", "18c2f0a1b2")
    assert interview.end - interview.start == timedelta(hours=2)
    assert [(c.name, c.email, c.title) for c in interview.contacts] == [
        ("Sam Lee", "sam@acme.example", "Recruiter")
    ]


def test_a_time_without_offset_is_in_the_account_zone() -> None:
    text = ONE.format(extra="").replace("14:00:00-05:00", "14:00:00")
    (interview,) = parse_schedule(text, file="f", default_tz=ZoneInfo("Europe/Berlin"))
    assert interview.start == datetime(2026, 11, 20, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_local_time_in_a_dst_gap_moves_forward() -> None:
    text = ONE.format(extra="").replace("2026-11-20T14:00:00-05:00", "2026-03-08T02:30:00")
    (interview,) = parse(text)
    assert interview.start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_duration_is_real_time_even_across_dst() -> None:
    text = ONE.format(extra='duration = "1h"').replace("2026-11-20T14", "2026-11-01T01")
    (interview,) = parse(text.replace("-05:00", "-04:00"))  # 01:00 EDT, the first pass
    assert interview.end.astimezone(UTC) - interview.start.astimezone(UTC) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-27", datetime(2026, 11, 27, 9, 0, tzinfo=NEW_YORK)),
        ("2026-11-27T12:00:00", datetime(2026, 11, 27, 12, 0, tzinfo=NEW_YORK)),
        ("2026-11-27T12:00:00Z", datetime(2026, 11, 27, 12, 0, tzinfo=UTC)),
    ],
)
def test_expect_response_by(written: str, expected: datetime) -> None:
    assert one(f"expect_response_by = {written}").expect_response_by == expected


def test_expected_response_date_is_in_the_interviewers_zone() -> None:
    interview = one('timezone = "America/Chicago"\nexpect_response_by = 2026-11-27')
    assert interview.expect_response_by == datetime(2026, 11, 27, 9, 0, tzinfo=CHICAGO)


def test_addresses_are_kept_as_written_apart_from_surrounding_spaces() -> None:
    text = ONE.format(extra="").replace('"dana@acme.example"', '" Dana@Acme.example "')
    assert parse(text)[0].interviewers[0].email == "Dana@Acme.example"


def test_header_unsafe_addresses_are_left_for_the_header_check() -> None:
    text = ONE.format(extra="").replace('"dana@acme.example"', '"dana@acme.example\\r\\nBcc: x@y"')
    assert parse(text)[0].interviewers[0].email == "dana@acme.example\r\nBcc: x@y"


def test_people_may_be_written_as_inline_tables() -> None:
    text = ONE.format(extra="").split("  [[interview.interviewer]]")[0]
    text += 'interviewer = [{ name = "Dana Smith", email = "dana@acme.example", lead = true }]\n'
    (dana,) = parse(text)[0].interviewers
    assert (dana.name, dana.email, dana.lead) == ("Dana Smith", "dana@acme.example", True)


def test_lead_is_read() -> None:
    text = ONE.format(extra="") + '  [[interview.interviewer]]\n  name = "Lee"\n'
    text += '  email = "lee@acme.example"\n  lead = true\n'
    assert parse(text)[0].lead.name == "Lee"


# --- problems --------------------------------------------------------------------------------


PROBLEMS = [
    # (extra lines for ONE, key, line fragment, words in message or fix)
    ("duration = '1bd'", "interview[acme-onsite].duration", "duration", "how long"),
    ("duration = '0s'", "interview[acme-onsite].duration", "duration", "how long"),
    ("duration = 'long'", "interview[acme-onsite].duration", "duration", '"90m"'),
    (
        "end = 2026-11-20T15:00:00-05:00\nduration = '1h'",
        "interview[acme-onsite].duration",
        "duration",
        "only one",
    ),
    ("end = 2026-11-20T13:00:00-05:00", "interview[acme-onsite].end", "end =", "after the start"),
    ("end = 2026-11-20", "interview[acme-onsite].end", "end =", "date and time"),
    ("timezone = 'America/Chicgo'", "interview[acme-onsite].timezone", "timezone", "Chicago"),
    ("format = 'pannel'", "interview[acme-onsite].format", "format", 'did you mean "panel"'),
    ("outcome = 'hired'", "interview[acme-onsite].outcome", "outcome", '"offer"'),
    ("outcom = 'offer'", "interview[acme-onsite].outcom", "outcom", 'did you mean "outcome"'),
    ("highlights = 'on-call'", "interview[acme-onsite].highlights", "highlights", "list of"),
    ("addendum = 3", "interview[acme-onsite].addendum", "addendum", "a string"),
    (
        "expect_response_by = 2026-11-01",
        "interview[acme-onsite].expect_response_by",
        "expect_response_by",
        "before the interview",
    ),
    (
        "expect_response_by = 'next week'",
        "interview[acme-onsite].expect_response_by",
        "expect_response_by",
        "2026-11-27",
    ),
    (
        "[interview.contact]\nname = 'Sam'\nemail = 'sam@acme.example'",
        "interview[acme-onsite].contact",
        "[interview.contact]",
        "[[interview.contact]]",
    ),
    (
        "  [[interview.contact]]\n  name = 'Sam'",
        "interview[acme-onsite].contact[1].email",
        "[[interview.contact]]",
        "add email",
    ),
    (
        "  [[interview.contact]]\n  name = 'Sam'\n  email = 'sam@acme.example'\n  lead = true",
        "interview[acme-onsite].contact[1].lead",
        "lead = true",
        "unknown key",
    ),
]


@pytest.mark.parametrize(("extra", "key", "fragment", "words"), PROBLEMS)
def test_each_problem_names_line_key_and_fix(
    extra: str, key: str, fragment: str, words: str
) -> None:
    text = ONE.format(extra=extra) if "[interview." not in extra else ONE.format(extra="") + extra
    (problem,) = problems(text)
    assert (problem.file, problem.key) == ("interviews.toml", key)
    assert problem.line == line_of(text, fragment)
    assert problem.fix
    assert words in f"{problem.message} {problem.fix}"


@pytest.mark.parametrize("key", ["id", "company", "role", "start"])
def test_missing_required_key_points_at_the_interview(key: str) -> None:
    text = "\n".join(line for line in ONE.format(extra="").splitlines() if not line.startswith(key))
    (problem,) = problems(text)
    assert problem.key.endswith(f".{key}") and problem.message == "missing"
    assert problem.line == 1


def test_start_needs_a_time() -> None:
    text = ONE.format(extra="").replace("2026-11-20T14:00:00-05:00", "2026-11-20")
    (problem,) = problems(text)
    assert problem.key == "interview[acme-onsite].start"
    assert "date without a time" in problem.message
    assert problem.fix == "write start = 2026-11-20T14:00:00-05:00"


@pytest.mark.parametrize("bad_id", ["Acme Onsite", "acme/onsite", ""])
def test_ids_are_lower_case_words(bad_id: str) -> None:
    text = ONE.format(extra="").replace('"acme-onsite"', f'"{bad_id}"')
    (problem,) = problems(text)
    assert problem.key == "interview[#1].id" and problem.line == 2


def test_duplicate_ids_are_refused_at_the_second() -> None:
    text = ONE.format(extra="") + ONE.format(extra="")
    (problem,) = problems(text)
    assert problem.line == 10 + 1  # the id line of the second interview
    assert "interview #1" in problem.message


def test_an_interview_needs_an_interviewer() -> None:
    text = ONE.format(extra="").split("  [[interview.interviewer]]")[0]
    (problem,) = problems(text)
    assert problem.key == "interview[acme-onsite].interviewer"
    assert "[[interview.interviewer]]" in problem.fix and problem.line == 1


def test_only_one_lead() -> None:
    text = ONE.format(extra="").replace(
        '"dana@acme.example"\n', '"dana@acme.example"\nlead = true\n'
    )
    text += '  [[interview.interviewer]]\n  name = "Lee"\n  email = "lee@acme.example"\n'
    text += "  lead = true\n"
    (problem,) = problems(text)
    assert problem.key == "interview[acme-onsite].interviewer[2].lead"
    assert problem.line == len(text.splitlines())


def test_interviewer_problems_use_their_position() -> None:
    text = ONE.format(extra="") + '  [[interview.interviewer]]\n  name = "Lee"\n  mail = "x"\n'
    found = problems(text)
    assert [(p.key, p.line) for p in found] == [
        ("interview[acme-onsite].interviewer[2].email", line_of(text, 'name = "Lee"') - 1),
        ("interview[acme-onsite].interviewer[2].mail", line_of(text, 'mail = "x"')),
    ]
    assert 'did you mean "email"' in found[1].message


def test_unknown_top_level_key_suggests_interview() -> None:
    text = '[[interviews]]\nid = "acme-onsite"\n'
    (problem,) = problems(text)
    assert problem.key == "interviews" and 'did you mean "interview"' in problem.message
    assert problem.line == 1


def test_all_problems_of_all_interviews_are_reported_together() -> None:
    second = ONE.format(extra="format = 'circle'").replace("acme-onsite", "acme-final")
    text = ONE.format(extra="timezone = 'Nowhere/Town'") + second.replace("Acme Corp", "")
    with pytest.raises(ConfigError) as raised:
        parse(text)
    assert str(raised.value) == "interviews.toml has 3 problems"
    assert [(p.key, p.line) for p in raised.value.problems] == [
        ("interview[acme-onsite].timezone", line_of(text, "Nowhere")),
        ("interview[acme-final].company", line_of(text, 'company = ""')),
        ("interview[acme-final].format", line_of(text, "circle")),
    ]


def test_syntax_error_names_its_line() -> None:
    text = ONE.format(extra="format = panel")
    (problem,) = problems(text)
    assert problem.line == line_of(text, "format = panel")


def test_missing_schedule_file_says_where_it_is_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_schedule(tmp_path / "interviews.toml", default_tz=NEW_YORK)
    (problem,) = raised.value.problems
    assert problem.file == str(tmp_path / "interviews.toml")
    assert "[schedule] path" in problem.fix


# --- finding lines in TOML text --------------------------------------------------------------

# Each line marked "#> path" must be found for that path (parts split on "/", digits = index).
LOCATED = '''\
top = 1                                   #> top
"quoted key" = 2                          #> quoted key
'literal.key' = 3                         #> literal.key
dotted.inner = 4                          #> dotted/inner
[delivery]                                #> delivery
# [not.a.header]
send_window = "Mon-Fri 09:00-17:00"       #> delivery/send_window
note = "# [neither] = 1"
[ "spaced table" . sub ]                  #> spaced table/sub
key = 1                                   #> spaced table/sub/key
[[interview]]                             #> interview/0
id = "first"                              #> interview/0/id
addendum = """
[[interview]]
id = "not an entry"
\\"""still inside\\"""
"""
highlights = [                            #> interview/0/highlights
  "a",
  ["b"],
  { c = "[d]" },
]
  [[interview.interviewer]]               #> interview/0/interviewer/0
  email = "a@x"                           #> interview/0/interviewer/0/email
  [[interview.interviewer]]               #> interview/0/interviewer/1
  email = "b@x"                           #> interview/0/interviewer/1/email
[[interview]]                             #> interview/1
literal = \'\'\'
[[interview.interviewer]]
\'\'\'
  [[interview.interviewer]]               #> interview/1/interviewer/0
  email = "c@x"                           #> interview/1/interviewer/0/email
  [interview.interviewer.extra]           #> interview/1/interviewer/0/extra
'''


def marked_paths(text: str) -> list[tuple[KeyPath, int]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if "#> " in line:
            parts = line.split("#> ")[1].strip().split("/")
            path = tuple(int(part) if part.isdigit() else part for part in parts)
            found.append((path, number))
    return found


def test_locator_finds_every_marked_key() -> None:
    marked = marked_paths(LOCATED)
    assert len(marked) == 19
    for path, number in marked:
        assert find_line(LOCATED, path) == number, path


def test_locator_falls_back_to_the_enclosing_table() -> None:
    assert find_line(LOCATED, ("delivery", "mode")) == line_of(LOCATED, "[delivery]")
    assert (
        find_line(LOCATED, ("interview", 1, "interviewer", 0, "name"))
        == line_of(LOCATED, 'email = "c@x"') - 1
    )
    assert find_line(LOCATED, ("interview",)) == line_of(LOCATED, "[[interview]]")
    assert find_line(LOCATED, ("cadence", "max_followups")) is None


def test_locator_is_not_fooled_by_strings_and_comments() -> None:
    assert find_line(LOCATED, ("not", "a", "header")) is None
    assert ("interview", 2) not in key_lines(LOCATED)  # the [[interview]] inside a string
    assert find_line(LOCATED, ("delivery", "neither")) == line_of(LOCATED, "[delivery]")
    assert find_line(LOCATED, ("interview", 0, "c")) == line_of(LOCATED, "[[interview]]")
