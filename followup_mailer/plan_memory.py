"""The planner's memory: an interview is planned again only when that could change its plan.

`plan()` is pure, and its answer for one interview depends only on what it was
made from: the interview, its records, the messages that may concern it, its
outcome and hold, the settings, and the clock. The clock enters only through
`due.Clock.before`, which notes the earliest moment a "not yet" would turn. So
a plan holds while what it was made from is equal and the clock has not
reached that moment: the daemon's idle pass plans nothing again. A plan with a
step due now is never kept (creating the step changes its records anyway).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from followup_mailer.history import Index
from followup_mailer.model import Facts, Interview, StepPlan
from followup_mailer.settings import Settings


def made_from(
    interview: Interview, facts: Facts, index: Index, settings: Settings
) -> tuple[object, ...]:
    """Return everything but the clock that an interview's plan is made from."""
    records, seen = index.concerning(interview)
    outcome, hold = facts.outcomes.get(interview.id), facts.holds.get(interview.id)
    return (interview, settings, tuple(records), tuple(seen), outcome, hold)


FOREVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Kept:
    made_from: tuple[object, ...]
    steps: tuple[StepPlan, ...]
    since: datetime  # when it was made (a clock set back must not find it)
    until: datetime | None  # None: only a change of what it was made from ends it


class PlanMemory:
    """The plans of earlier passes, by interview (one per daemon; empty for `run --once`)."""

    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}
        # the interviews whose plan this pass recalled (one_pass): a plan kept is one that its
        # pass stored (a pass that fails forgets them all), so it need not be compared again
        self.recalled: set[str] = set()

    @contextmanager
    def one_pass(self) -> Iterator[None]:
        """Hold a pass: what it recalls is noted afresh, and if it fails every plan is
        forgotten (what it planned may not be stored)."""
        self.recalled.clear()
        try:
            yield
        except BaseException:
            self.forget()
            raise

    def recall(
        self, interview: str, made_from: tuple[object, ...], now: datetime
    ) -> tuple[StepPlan, ...] | None:
        """Return the plan kept for an interview if it still holds, else None."""
        kept = self._kept.get(interview)
        if kept is None or now < kept.since or (kept.until is not None and now >= kept.until):
            return None
        if kept.made_from != made_from:
            return None
        self.recalled.add(interview)
        return kept.steps

    def keep(
        self,
        interview: str,
        made_from: tuple[object, ...],
        steps: tuple[StepPlan, ...],
        since: datetime,
        until: datetime | None,
    ) -> None:
        """Keep a fresh plan, unless something in it is due now."""
        self.recalled.discard(interview)
        if any(step.action is not None for step in steps):
            self._kept.pop(interview, None)
        else:
            self._kept[interview] = _Kept(made_from, steps, since, until)

    def keep_only(self, interviews: set[str]) -> None:
        """Forget the plans of interviews no longer in the schedule."""
        if len(self._kept) > len(interviews):
            self._kept = {i: kept for i, kept in self._kept.items() if i in interviews}

    def next_change(self, interviews: Collection[str]) -> datetime | None:
        """Return the earliest moment a kept plan of these interviews changes (FOREVER when
        none does), or None when one of them has no kept plan (something is due)."""
        kept = [self._kept.get(interview) for interview in interviews]
        if any(k is None for k in kept):
            return None
        return min((k.until for k in kept if k is not None and k.until), default=FOREVER)

    def forget(self) -> None:
        """Forget every plan (a pass that failed may not have stored what it planned)."""
        self._kept.clear()
        self.recalled.clear()

    def __len__(self) -> int:
        return len(self._kept)
