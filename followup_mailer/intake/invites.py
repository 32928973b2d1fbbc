"""Calendar invites into the schedule: which events add, update or cancel which interviews.

An event is found in the schedule by its UID (the interview's `uid`), else, for an interview
written by hand, by the same start and the same people. Then:
- a new event adds an interview: company and role from --company/--role, else from the title;
  its id is company-role-date, made unique. Every event of an onsite loop is its own interview.
- the same event again (an updated invite) changes the interview in place: its times and its
  guests (people who stay keep their notes; people no longer invited are commented out; new
  guests are added); a one-on-one that gained interviewers becomes a panel and back. The id,
  company, role, notes and highlights stay as they are.
- a cancelled event sets a pending interview's outcome to "withdrawn", with a comment saying
  why: its steps not yet created are cancelled and the notes stay. A later invite for the same
  event reinstates it.
- an event that is not an interview (all-day, repeating, nobody but you) is skipped with the
  reason; when no event of the file is an interview, the import is refused with the reasons.
Two events of one file with different UIDs but the same start and the same people are one
meeting (copied between calendars), added once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from followup_mailer.errors import Problem, UserError
from followup_mailer.intake.admit import header_problems
from followup_mailer.intake.append import base_id, unique_id
from followup_mailer.intake.edit import Edit
from followup_mailer.intake.ics_events import Invite, read_invites
from followup_mailer.intake.titles import guess_company_and_role as guess_company_and_role
from followup_mailer.model import Format, Interview, Outcome, Person

_Meeting = tuple[datetime, frozenset[str]]  # the start in UTC and everyone's address


@dataclass(frozen=True, slots=True)
class IcsOptions:
    """How to read invites: who the user is, and what the flags say."""

    own: frozenset[str]  # the account's addresses, lower-case
    default_tz: ZoneInfo
    company: str = ""
    role: str = ""
    organizer_interviews: bool = False  # the organizer was an interviewer, not the coordinator


@dataclass(frozen=True, slots=True)
class IcsImport:
    """What a calendar file does to the schedule, and a note for each event that does nothing."""

    interviews: tuple[Interview, ...]  # new interviews
    edits: tuple[Edit, ...]  # interviews updated or cancelled
    notes: tuple[str, ...]  # events already in the schedule as they are
    skipped: tuple[str, ...]  # events that are not interviews, with the reason


def import_ics(
    data: bytes,
    *,
    file: str,
    existing: Sequence[Interview],
    options: IcsOptions,
    reinstatable: frozenset[str] = frozenset(),
) -> IcsImport:
    """Decide what each event of a calendar file does; raise UserError when nothing can be done.

    `reinstatable` names the interviews withdrawn because their invite was cancelled.
    """
    invites = read_invites(
        data,
        file=file,
        own=options.own,
        default_tz=options.default_tz,
        organizer_interviews=options.organizer_interviews,
    )
    planner = _Planner(file, existing, options, reinstatable)
    for invite in invites:
        planner.take(invite)
    return planner.result()


class _Planner:
    """Matches events with interviews and collects what to add, change and say."""

    def __init__(
        self,
        file: str,
        existing: Sequence[Interview],
        options: IcsOptions,
        reinstatable: frozenset[str],
    ) -> None:
        self.file, self.options, self.reinstatable = file, options, reinstatable
        self.by_uid = {i.uid: i for i in existing if i.uid}
        self.by_start: dict[datetime, list[Interview]] = {}
        for interview in existing:
            if not interview.uid:  # written by hand: found by its start and its people
                self.by_start.setdefault(interview.start.astimezone(UTC), []).append(interview)
        self.taken = {i.id for i in existing}
        self.added: dict[_Meeting, Interview] = {}
        self.edits: dict[str, Edit] = {}
        self.notes: list[str] = []
        self.skipped: list[str] = []
        self.problems: list[Problem] = []

    def take(self, invite: Invite) -> None:
        """Decide what one event does."""
        if invite.skip:
            self.skipped.append(f"{invite.label}: {invite.skip}")
            return
        self.notes += [f"{invite.label}: {note}" for note in invite.people.left_out]
        old = self._scheduled(invite)
        if invite.cancelled:
            self._cancel(invite, old)
        elif old is not None:
            self._update(invite, old)
        else:
            self._add(invite)

    def result(self) -> IcsImport:
        if self.problems:
            raise UserError(f"cannot import {self.file}", self.problems)
        found = IcsImport(
            tuple(self.added.values()), tuple(self.edits.values()), tuple(self.notes), ()
        )
        if not (found.interviews or found.edits or found.notes):
            problems = [Problem(self.file, note) for note in self.skipped]
            raise UserError(f"nothing in {self.file} is an interview to import", problems)
        return replace(found, skipped=tuple(self.skipped))

    def _scheduled(self, invite: Invite) -> Interview | None:
        """Return the interview of this event: the same UID, else the same start and people."""
        if invite.uid in self.by_uid:
            return self.by_uid[invite.uid]
        start, people = _invite_meeting(invite)
        same_start = self.by_start.get(start, [])
        return next((i for i in same_start if people & _meeting(i)[1]), None)

    def _cancel(self, invite: Invite, old: Interview | None) -> None:
        if old is None:
            self.notes.append(f"{invite.label}: cancelled, and not in the schedule")
        elif old.outcome is Outcome.PENDING:
            self._edit(old, replace(old, outcome=Outcome.WITHDRAWN, uid=invite.uid or old.uid))
        elif old.outcome is Outcome.WITHDRAWN:
            self.notes.append(f"{invite.label}: cancelled; {old.id} is withdrawn already")
        else:
            self.notes.append(
                f"{invite.label}: cancelled; {old.id} is left as it is (outcome {old.outcome})"
            )

    def _update(self, invite: Invite, old: Interview) -> None:
        new = updated(old, invite, self.options, reinstate=old.id in self.reinstatable)
        if not new.interviewers:
            self.skipped.append(f"{invite.label}: would leave {old.id} with no interviewer")
        elif new == old:
            self.notes.append(f"{invite.label}: {old.id} is up to date")
        elif not self._refused(invite, new):
            self._edit(old, new)

    def _refused(self, invite: Invite, interview: Interview) -> bool:
        """Skip an event whose values `check` would refuse, saying why; the others go on."""
        problems = header_problems(interview)
        if problems:
            why = "; ".join(f"{p.key}: {p.message}" for p in problems)
            self.skipped.append(f"{invite.label}: has values a message cannot carry ({why})")
        return bool(problems)

    def _edit(self, old: Interview, new: Interview) -> None:
        self.edits[old.id] = Edit(self.edits[old.id].old if old.id in self.edits else old, new)

    def _add(self, invite: Invite) -> None:
        meeting = _invite_meeting(invite)
        if meeting in self.added:
            earlier = self.added[meeting].id
            self.notes.append(f"{invite.label}: the same meeting as {earlier}, added once")
            return
        interview = self._new(invite)
        if interview is not None and not self._refused(invite, interview):
            self.added[meeting] = interview
            self.taken.add(interview.id)

    def _new(self, invite: Invite) -> Interview | None:
        company, role = self._company_and_role(invite)
        if not (company and role) or invite.start is None or invite.end is None:
            return None
        people = invite.people
        tz = self.options.default_tz
        return Interview(
            id=unique_id(base_id(company, role, invite.start.astimezone(tz).date()), self.taken),
            company=company,
            role=role,
            start=invite.start,
            end=invite.end,
            timezone=None if invite.zone == tz else invite.zone,
            format=_format_for(people.interviewers),
            uid=invite.uid,
            interviewers=people.interviewers,
            contacts=people.contacts,
        )

    def _company_and_role(self, invite: Invite) -> tuple[str, str]:
        company, role = self.options.company, self.options.role
        if not (company and role):
            guessed = guess_company_and_role(invite.summary, company, role)
            company, role = company or guessed[0], role or guessed[1]
        if not (company and role):
            fix = 'give them: --company "Acme Corp" --role "Backend Engineer"'
            message = "the company and role cannot be told from the title"
            self.problems.append(Problem(self.file, message, key=invite.label, fix=fix))
        return company, role


def updated(old: Interview, invite: Invite, options: IcsOptions, *, reinstate: bool) -> Interview:
    """Return the interview with the invite's times and guests; the user's words stay."""
    wanted = {p.email.lower() for p in (*invite.people.interviewers, *invite.people.contacts)}
    there = {p.email.lower() for p in old.people}
    interviewers = _kept(old.interviewers, wanted) + _new_people(invite.people.interviewers, there)
    contacts = _kept(old.contacts, wanted) + _new_people(invite.people.contacts, there)
    zone = invite.zone if invite.zone not in (None, options.default_tz) else old.timezone
    return replace(
        old,
        start=invite.start or old.start,
        end=invite.end or old.end,
        timezone=zone,
        format=_format_after(old.format, interviewers),
        outcome=Outcome.PENDING if reinstate and old.outcome is Outcome.WITHDRAWN else old.outcome,
        uid=invite.uid or old.uid,
        interviewers=interviewers,
        contacts=contacts,
    )


def _kept(people: tuple[Person, ...], wanted: set[str]) -> tuple[Person, ...]:
    return tuple(person for person in people if person.email.lower() in wanted)


def _new_people(people: tuple[Person, ...], there: set[str]) -> tuple[Person, ...]:
    return tuple(person for person in people if person.email.lower() not in there)


def _format_for(interviewers: Sequence[Person]) -> Format:
    return Format.ONE_ON_ONE if len(interviewers) == 1 else Format.PANEL


def _format_after(written: Format, interviewers: Sequence[Person]) -> Format:
    """Keep a group interview; a one-on-one with more people becomes a panel, and back."""
    return written if written is Format.GROUP else _format_for(interviewers)


def _meeting(interview: Interview) -> _Meeting:
    emails = frozenset(person.email.lower() for person in interview.people)
    return interview.start.astimezone(UTC), emails


def _invite_meeting(invite: Invite) -> _Meeting:
    people = (*invite.people.interviewers, *invite.people.contacts)
    start = (invite.start or datetime.min.replace(tzinfo=UTC)).astimezone(UTC)
    return start, frozenset(person.email.lower() for person in people)
