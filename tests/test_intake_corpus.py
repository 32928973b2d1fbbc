"""Every real calendar file of the shared corpus through import-ics: no crash, and true values.

The corpus (calendar files from public projects' test suites, labelled in labels.csv) lives
outside the repository, at ../shared/corpus beside it, or wherever FOLLOWUP_MAILER_CORPUS
points; these tests are skipped when it is absent. A file labelled `invite` (a VEVENT with
attendees) imports with the file's own values, or is refused with a clear reason (a repeating
or all-day event, a reply); any other file imports or is refused cleanly.
"""

from __future__ import annotations

import csv
import os
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from followup_mailer.errors import UserError
from followup_mailer.intake.append import read_schedule_file, save
from followup_mailer.intake.edit import cancelled_here
from followup_mailer.intake.invites import IcsImport, IcsOptions, import_ics
from followup_mailer.model import Interview, Outcome

NY = ZoneInfo("America/New_York")
OPTIONS = IcsOptions(own=frozenset(), default_tz=NY, company="Acme Corp", role="Engineer")
CORPUS = Path(
    os.environ.get("FOLLOWUP_MAILER_CORPUS")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)
LABELS = CORPUS / "labels.csv"
NYLAS = "ics/nylas/tests__events__fixtures__"


def calendars() -> list[tuple[str, str]]:
    """Return (file, truth) for every calendar file the corpus labels."""
    if not LABELS.exists():
        return []
    with LABELS.open(encoding="utf-8") as labels:
        rows = list(csv.DictReader(labels))
    return [(row["file"], row["truth"]) for row in rows if row["file"].endswith(".ics")]


SAMPLES = calendars()
pytestmark = pytest.mark.skipif(
    not SAMPLES, reason=f"the shared corpus is not at {CORPUS} (set FOLLOWUP_MAILER_CORPUS)"
)


def imported(file: str, existing: tuple[Interview, ...] = ()) -> IcsImport:
    with warnings.catch_warnings():  # icalendar warns about guessed vendor TZIDs
        warnings.simplefilter("ignore")
        return import_ics(
            (CORPUS / file).read_bytes(), file=file, existing=existing, options=OPTIONS
        )


@pytest.mark.parametrize(("file", "truth"), SAMPLES, ids=[file for file, _ in SAMPLES])
def test_a_real_calendar_imports_or_is_refused_cleanly(file: str, truth: str) -> None:
    try:
        found = imported(file)
    except UserError as error:  # a clear refusal: it names the file and says why
        assert file in str(error) + "".join(str(p) for p in error.problems)
        return
    for interview in found.interviews:
        assert_from_the_file(interview, CORPUS / file)


def assert_from_the_file(interview: Interview, path: Path) -> None:
    """Check an interview against the calendar file, read here with icalendar directly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = [
        e
        for e in calendar.walk("VEVENT")
        if isinstance(e, icalendar.Event) and str(e.get("UID", "")) == interview.uid
    ]
    assert events, f"{interview.id}: no event with UID {interview.uid!r} in {path.name}"
    start, end = times_of(events[-1])
    assert interview.start.astimezone(UTC) == start
    assert interview.end.astimezone(UTC) == end
    text = path.read_bytes().decode("utf-8", "replace").replace("\r\n ", "").replace("\n ", "")
    for person in interview.people:
        assert person.email.lower() in text.lower(), f"{person.email} is not in {path.name}"


def times_of(event: icalendar.Event) -> tuple[datetime, datetime]:
    start = instant(event, "DTSTART")
    if "DTEND" in event:
        end = instant(event, "DTEND")
    else:
        end = start + duration(event, "DURATION") if "DURATION" in event else start
    if end == start:
        end = start + timedelta(hours=1)
    return start.astimezone(UTC), end.astimezone(UTC)


def instant(event: icalendar.Event, name: str) -> datetime:
    """A date-time property of the event; a floating time is taken to be in New York."""
    value = parsed(event, name)
    assert isinstance(value, datetime), f"{name} is not a date-time: {value!r}"
    return value if value.tzinfo else value.replace(tzinfo=NY)


def duration(event: icalendar.Event, name: str) -> timedelta:
    """A duration property of the event."""
    value = parsed(event, name)
    assert isinstance(value, timedelta), f"{name} is not a duration: {value!r}"
    return value


def parsed(event: icalendar.Event, name: str) -> object:
    """The value icalendar read for a date, date-time or duration property."""
    prop = event[name]
    assert isinstance(prop, icalendar.vDDDTypes), f"{name} could not be read: {prop!r}"
    return prop.dt


def test_the_corpus_invites_are_mostly_imported() -> None:
    invites = [file for file, truth in SAMPLES if truth == "invite"]
    imported_ones = []
    for file in invites:
        try:
            if imported(file).interviews:
                imported_ones.append(file)
        except UserError:
            continue
    assert len(imported_ones) >= 10, imported_ones


@pytest.mark.parametrize(
    ("first", "then", "outcome"),
    [
        ("google_cancelled1.ics", "google_cancelled2.ics", Outcome.WITHDRAWN),
        ("icloud_cancelled1.ics", "icloud_cancelled2.ics", Outcome.WITHDRAWN),
        ("gcal_v1.ics", "gcal_v2.ics", Outcome.PENDING),  # moved elsewhere: still one
        ("self_sent_v1.ics", "self_sent_v2.ics", Outcome.PENDING),
    ],
)
def test_a_real_invite_then_its_update_or_cancellation(
    tmp_path: Path, first: str, then: str, outcome: Outcome
) -> None:
    path = tmp_path / "interviews.toml"
    path.write_text("# mine\n")
    for name in (first, then):
        schedule = read_schedule_file(path, default_tz=NY)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = import_ics(
                (CORPUS / (NYLAS + name)).read_bytes(),
                file=name,
                existing=schedule.interviews,
                options=OPTIONS,
                reinstatable=cancelled_here(schedule.raw.decode(), schedule.interviews),
            )
        if found.interviews or found.edits:
            save(schedule, additions=found.interviews, edits=found.edits, default_tz=NY)
    (interview,) = read_schedule_file(path, default_tz=NY).interviews
    assert interview.outcome is outcome
    assert path.read_text().startswith("# mine\n")
