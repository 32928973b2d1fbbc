"""Calendar invites as interviews: invites shaped after Google, Outlook, iCloud, Zoom and Teams.

The files in tests/invites/ are written for this project after the shapes those calendars send
(folded lines, VTIMEZONE blocks, Windows zone names, iCloud's relay organizers, CRLF endings).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_mailer.errors import UserError
from followup_mailer.intake.append import interview_toml
from followup_mailer.intake.invites import IcsImport, IcsOptions, guess_company_and_role, import_ics
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.model import Format, Interview, Outcome, Person

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
INVITES = Path(__file__).parent / "invites"
OWN = IcsOptions(own=frozenset({"alex@example.com", "alex.rivera@gmail.example"}), default_tz=NY)


def data(name: str) -> bytes:
    return (INVITES / name).read_bytes()


def read(
    source: str | bytes, options: IcsOptions = OWN, existing: tuple[Interview, ...] = ()
) -> IcsImport:
    raw = data(source) if isinstance(source, str) else source
    return import_ics(raw, file="invite.ics", existing=existing, options=options)


def problems_of(source: str | bytes, options: IcsOptions = OWN) -> str:
    with pytest.raises(UserError) as raised:
        read(source, options)
    return "\n".join(str(p) for p in raised.value.problems) or str(raised.value)


def people(found: tuple[Person, ...]) -> list[tuple[str, str]]:
    return [(p.name, p.email) for p in found]


def parse(text: str) -> tuple[Interview, ...]:
    return parse_schedule(text, file="interviews.toml", default_tz=NY)


def calendar(*events: str, method: str = "") -> bytes:
    head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + (
        f"METHOD:{method}\n" if method else ""
    )
    return (head + "".join(events) + "END:VCALENDAR\n").replace("\n", "\r\n").encode()


def vevent(summary: str, times: str, people: str = "", uid: str = "") -> str:
    attendee = people or "ATTENDEE;CN=Dana Smith:mailto:dana@acme.example"
    lines = [f"UID:{uid or summary + times.splitlines()[0]}", f"SUMMARY:{summary}", times, attendee]
    return "BEGIN:VEVENT\n" + "\n".join(lines) + "\nEND:VEVENT\n"


# --- one invite, as each calendar sends it ------------------------------------------------------


def test_a_google_invite_is_a_panel_in_its_zone_with_the_organizer_as_contact() -> None:
    (interview,) = read("google_request.ics").interviews
    assert (interview.company, interview.role) == ("Globex", "Platform Engineer")
    assert interview.id == "globex-platform-engineer-2026-12-02"
    assert interview.uid == "7kukuqrsf5bn1p5ekj8q9k5ek6@google.com"
    assert interview.start == datetime(2026, 12, 2, 10, 0, tzinfo=LA)
    assert interview.end - interview.start == timedelta(hours=2)
    assert interview.timezone == LA and interview.format is Format.PANEL
    # not you (an alias), not the room, not who declined; a name for an address-only guest
    assert people(interview.interviewers) == [
        ("Jordan Weber", "jordan.weber@globex.example"),
        ("Priya Natarajan", "priya.natarajan@globex.example"),
    ]
    # the organizer set the meeting up: the coordinator, who gets the nudges
    assert people(interview.contacts) == [("Taylor Brooks", "taylor@globex.example")]


def test_the_organizer_can_be_named_an_interviewer() -> None:
    options = replace(OWN, organizer_interviews=True)
    (interview,) = read("google_request.ics", options).interviews
    assert interview.interviewers[0].email == "taylor@globex.example"
    assert interview.contacts == ()


def test_an_outlook_invite_with_a_windows_zone() -> None:
    (interview,) = read("outlook_request.ics").interviews
    assert (interview.company, interview.role) == ("Acme Corp", "Backend")
    assert interview.start.astimezone(UTC) == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    assert interview.timezone == BERLIN  # "W. Europe Standard Time"
    assert interview.end - interview.start == timedelta(minutes=90)
    assert interview.uid.startswith("040000008200E00074C5B7101A82E008")  # unfolded
    assert [p.email for p in interview.interviewers] == ["dana@acme.example"]  # no room
    assert [p.email for p in interview.contacts] == ["sam@acme.example"]


def test_an_icloud_organizer_is_read_from_its_email_parameter() -> None:
    (interview,) = read("icloud_request.ics").interviews
    assert (interview.company, interview.role) == ("Initech", "Data Engineer")
    assert interview.timezone == ZoneInfo("Europe/Paris")
    # the organizer writes through an imip.me.com relay; EMAIL names the person
    assert people(interview.contacts) == [("Greta Berg", "greta@initech.example")]
    assert people(interview.interviewers) == [("Omar Haddad", "omar@initech.example")]


def test_a_zoom_invite_with_only_the_organizer_makes_them_the_interviewer() -> None:
    (interview,) = read("zoom.ics").interviews
    assert (interview.company, interview.role) == ("Hooli", "Site Reliability Engineer")
    assert people(interview.interviewers) == [("Priya Raman", "priya.raman@hooli.example")]
    assert interview.contacts == () and interview.format is Format.ONE_ON_ONE
    assert interview.end - interview.start == timedelta(minutes=45)
    assert interview.timezone == ZoneInfo("America/Chicago") and interview.uid == "ZOOM84512345678"


def test_a_teams_invite_leaves_groups_out_and_asks_for_company_and_role() -> None:
    assert "--company" in problems_of("teams.ics")
    options = replace(OWN, company="Contoso", role="Staff Software Engineer")
    (interview,) = read("teams.ics", options).interviews
    assert [p.email for p in interview.interviewers] == [
        "wei.chen@contoso.example",
        "ravi.patel@contoso.example",
    ]  # not the "Hiring Team" group
    assert [p.email for p in interview.contacts] == ["jamie.ortiz@contoso.example"]
    assert interview.timezone == LA  # "Pacific Standard Time"
    assert interview.start == datetime(2026, 11, 24, 9, 0, tzinfo=LA)


def test_every_event_of_an_onsite_loop_is_its_own_interview() -> None:
    options = replace(OWN, company="Acme Corp", role="Backend Engineer")
    found = read("onsite_loop.ics", options).interviews
    assert [(i.id, people(i.interviewers)) for i in found] == [
        ("acme-corp-backend-engineer-2026-11-20", [("Dana Smith", "dana@acme.example")]),
        ("acme-corp-backend-engineer-2026-11-20-2", [("Lee Park", "lee@acme.example")]),
        ("acme-corp-backend-engineer-2026-11-20-3", [("Kim Ng", "kim@acme.example")]),
    ]
    assert {p.email for i in found for p in i.contacts} == {"sam@acme.example"}
    assert len({i.uid for i in found}) == 3


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("recurring.ics", "repeats (a recurring series)"),
        ("all_day.ics", "all-day event"),
        ("reply.ics", "METHOD:REPLY"),
    ],
)
def test_events_that_are_not_interviews_are_refused_with_the_reason(name: str, why: str) -> None:
    with pytest.raises(UserError, match=r"nothing in invite\.ics is an interview") as raised:
        read(name)
    assert why in "\n".join(str(p) for p in raised.value.problems)


def test_the_written_invites_make_a_valid_schedule() -> None:
    found = [
        i
        for name in ("google_request.ics", "outlook_request.ics", "zoom.ics")
        for i in read(name).interviews
    ]
    written = "\n".join(map(interview_toml, found))
    assert parse(written) == tuple(
        replace(i, start=p.start, end=p.end) for i, p in zip(found, parse(written), strict=True)
    )


# --- times, titles and guests ---------------------------------------------------------------------


def test_utc_floating_and_duration_times() -> None:
    (utc_event,) = read(
        calendar(vevent("Acme Corp / Backend interview", "DTSTART:20261120T190000Z"))
    ).interviews
    assert utc_event.start == datetime(2026, 11, 20, 14, 0, tzinfo=NY)
    assert utc_event.timezone is None  # UTC says where the server is, not the interviewers
    assert utc_event.end - utc_event.start == timedelta(hours=1)  # no end given
    times = "DTSTART:20261120T140000\nDURATION:PT45M"
    (floating,) = read(calendar(vevent("Acme Corp / Backend interview", times))).interviews
    assert floating.start == datetime(2026, 11, 20, 14, 0, tzinfo=NY)
    assert floating.end - floating.start == timedelta(minutes=45)


def test_an_unknown_timezone_is_refused() -> None:
    times = "DTSTART;TZID=Mars/Olympus:20261120T140000"
    assert 'unknown timezone "Mars/Olympus"' in problems_of(
        calendar(vevent("Acme / Backend", times))
    )


def test_an_event_with_only_you_and_rooms_is_refused() -> None:
    guests = (
        "ATTENDEE;CN=Alex:mailto:ALEX@example.com\n"
        "ATTENDEE;CUTYPE=ROOM;CN=Room:mailto:room@acme.example"
    )
    event = vevent("Acme Corp / Backend", "DTSTART:20261120T190000Z", guests)
    assert "nobody but you" in problems_of(calendar(event))


def test_guests_whose_address_check_would_refuse_are_left_out_with_a_note() -> None:
    guests = (
        "ATTENDEE;CN=Two People:mailto:a@b.example,c@d.example\n"
        "ATTENDEE;CN=Bob:mailto:bob@foo\n"
        "ATTENDEE;CN=Dana Smith:mailto:dana@acme.example"
    )
    found = read(calendar(vevent("Acme Corp / Backend", "DTSTART:20261120T190000Z", guests)))
    (interview,) = found.interviews
    assert [p.email for p in interview.interviewers] == ["dana@acme.example"]
    written = interview_toml(interview)
    assert "a@b.example,c@d.example" not in written and "bob@foo" not in written
    assert [note.split(": ", 1)[1][:30] for note in found.notes] == [
        "left out Two People <a@b.examp",
        "left out Bob <bob@foo>: the ad",
    ]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Interview: Senior Backend Engineer – Acme Corp",
            ("Acme Corp", "Senior Backend Engineer"),
        ),
        ("Acme Corp / Backend interview", ("Acme Corp", "Backend")),
        ("Platform Engineer at Globex", ("Globex", "Platform Engineer")),
        ("Globex: Platform Engineer interview", ("Globex", "Platform Engineer")),
        ("Interview for Data Scientist | Initech", ("Initech", "Data Scientist")),
        ("Phone interview - Initech - Product Manager", ("Initech", "Product Manager")),
        ("Hooli Phone Screen - Site Reliability Engineer", ("Hooli", "Site Reliability Engineer")),
        ("Initech - Onsite - Product Manager", ("", "")),
        ("Contoso | Staff Software Engineer - Panel Interview", ("", "")),
        ("Catch-up", ("", "")),
        ("Acme Corp – Umbrella", ("", "")),
    ],
)
def test_company_and_role_are_guessed_from_the_title(
    summary: str, expected: tuple[str, str]
) -> None:
    assert guess_company_and_role(summary) == expected


def test_one_flag_given_the_title_gives_the_other() -> None:
    summary = "Interview: Senior Backend Engineer – Acme Corp"
    assert guess_company_and_role(summary, company="Acme") == ("Acme", "Senior Backend Engineer")
    assert guess_company_and_role("Interview with Globex", role="SRE") == ("Globex", "SRE")


def test_a_title_that_says_nothing_asks_for_the_flags() -> None:
    source = calendar(vevent("Catch-up", "DTSTART:20261120T190000Z"))
    assert "--company" in problems_of(source) and "--role" in problems_of(source)
    options = replace(OWN, company="Acme Corp", role="Backend Engineer")
    (interview,) = read(source, options).interviews
    assert (interview.company, interview.role) == ("Acme Corp", "Backend Engineer")


@pytest.mark.parametrize("raw", [b"hello", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", b""])
def test_a_file_without_events_is_refused(raw: bytes) -> None:
    with pytest.raises(UserError, match=r"invite\.ics"):
        read(raw)


def test_the_latest_version_of_an_event_counts() -> None:
    older = data("google_request.ics").decode()
    newer = data("google_update.ics").decode()
    (interview,) = read((newer + older).encode()).interviews  # SEQUENCE 2 wins, wherever it is
    assert interview.start == datetime(2026, 12, 3, 14, 0, tzinfo=LA)


def test_one_meeting_in_two_calendars_is_added_once() -> None:
    session = vevent("Acme Corp / Backend interview", "DTSTART:20261120T150000Z", uid="one")
    found = read(calendar(session, session.replace("UID:one", "UID:copy")))
    assert len(found.interviews) == 1 and "added once" in found.notes[0]


@given(st.lists(st.tuples(st.integers(0, 1600), st.sampled_from(':;=\n,"-AZ09é'))))
def test_a_damaged_invite_gives_a_clear_error_or_valid_interviews(
    damage: list[tuple[int, str]],
) -> None:
    text = list(data("outlook_request.ics").decode())
    for index, char in damage:
        text[index % len(text)] = char
    try:
        found = read("".join(text).encode())
    except UserError as error:
        assert "invite.ics" in str(error)
    else:  # what it reads makes a valid schedule, with one-line names for mail headers
        written = "\n".join(map(interview_toml, found.interviews))
        assert len(parse(written)) == len(found.interviews)
        names = [p.name for i in found.interviews for p in i.people]
        texts = [t for i in found.interviews for t in (i.company, i.role)]
        assert all(t.isprintable() for t in texts + names)


# --- the same event again: updates and cancellations --------------------------------------------


class Changes(TypedDict, total=False):
    """What the user changed of an imported interview in their schedule."""

    id: str
    uid: str
    format: Format
    outcome: Outcome
    highlights: tuple[str, ...]
    interviewers: tuple[Person, ...]
    contacts: tuple[Person, ...]


def scheduled(name: str = "google_request.ics", **changes: Unpack[Changes]) -> Interview:
    (interview,) = read(name).interviews
    return replace(interview, **changes)


def test_the_same_event_again_is_up_to_date() -> None:
    mine = scheduled(id="my-own-id")
    again = read("google_request.ics", existing=(mine,))
    assert (again.interviews, again.edits) == ((), ())
    assert again.notes == (
        'event "Globex: Platform Engineer interview" on 2026-12-02T10:00:00-08:00: '
        "my-own-id is up to date",
    )


def test_an_updated_invite_moves_the_interview_and_updates_its_guests() -> None:
    jordan, priya = scheduled().interviewers
    mine = scheduled(
        interviewers=(replace(jordan, notes="asked about on-call"), replace(priya, notes="x")),
        highlights=("the migration",),
    )
    (edit,) = read("google_update.ics", existing=(mine,)).edits
    assert edit.old == mine and edit.new.id == mine.id
    assert edit.new.start == datetime(2026, 12, 3, 14, 0, tzinfo=LA)
    assert edit.new.end - edit.new.start == timedelta(minutes=90)
    assert people(edit.new.interviewers) == [
        ("Jordan Weber", "jordan.weber@globex.example"),
        ("Kim Ng", "kim.ng@globex.example"),
    ]
    assert edit.new.interviewers[0].notes == "asked about on-call"  # kept
    assert edit.new.highlights == ("the migration",) and edit.new.company == "Globex"


def test_an_updated_invite_turns_a_one_on_one_into_a_panel() -> None:
    mine = scheduled(interviewers=scheduled().interviewers[:1], format=Format.ONE_ON_ONE)
    (edit,) = read("google_request.ics", existing=(mine,)).edits
    assert edit.new.format is Format.PANEL and len(edit.new.interviewers) == 2


@pytest.mark.parametrize(
    ("request_file", "cancel_file"),
    [
        ("google_request.ics", "google_cancel.ics"),  # METHOD:CANCEL and STATUS:CANCELLED
        ("outlook_request.ics", "outlook_cancel.ics"),  # the same, with "Canceled:" titles
        ("icloud_request.ics", "icloud_cancel.ics"),  # METHOD:CANCEL alone, only you as guest
    ],
)
def test_a_cancelled_invite_withdraws_its_interview(request_file: str, cancel_file: str) -> None:
    mine = scheduled(request_file)
    found = read(cancel_file, existing=(mine,))
    (edit,) = found.edits
    assert edit.new == replace(mine, outcome=Outcome.WITHDRAWN)
    assert found.interviews == ()


def test_a_cancelled_invite_not_in_the_schedule_changes_nothing() -> None:
    found = read("google_cancel.ics")
    assert (found.interviews, found.edits) == ((), ())
    assert "cancelled, and not in the schedule" in found.notes[0]


def test_a_cancelled_invite_leaves_a_decided_outcome_alone() -> None:
    mine = scheduled(outcome=Outcome.OFFER)
    found = read("google_cancel.ics", existing=(mine,))
    assert found.edits == () and "left as it is (outcome offer)" in found.notes[0]


def test_a_new_invite_after_a_cancellation_reinstates_the_interview() -> None:
    mine = scheduled(outcome=Outcome.WITHDRAWN)
    found = import_ics(
        data("google_request.ics"),
        file="invite.ics",
        existing=(mine,),
        options=OWN,
        reinstatable=frozenset({mine.id}),
    )
    (edit,) = found.edits
    assert edit.new.outcome is Outcome.PENDING
    # withdrawn by the user, not by a cancellation: stays withdrawn
    assert read("google_request.ics", existing=(mine,)).edits == ()


def test_an_interview_written_by_hand_is_found_by_its_start_and_people() -> None:
    by_hand = scheduled(id="globex-panel", uid="", contacts=())
    (edit,) = read("google_request.ics", existing=(by_hand,)).edits
    assert edit.new.uid == "7kukuqrsf5bn1p5ekj8q9k5ek6@google.com" and edit.new.id == "globex-panel"
    assert [p.email for p in edit.new.contacts] == ["taylor@globex.example"]
