"""The planner's memory (plan_memory.py): a plan recalled is always the plan made anew.

The daemon keeps each interview's plan between passes and recalls it while what it was
made from is equal and the clock has not reached the moment the plan changes. These tests
hold it to the only thing that matters: with or without the memory, the answer is the same.
The state machine in test_reconcile.py holds the daemon's passes to it too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_mailer.due import Clock
from followup_mailer.model import Facts, Phase, StepPlan
from followup_mailer.plan import plan
from followup_mailer.plan_memory import PlanMemory
from followup_mailer.settings import Settings
from tests.conftest import MakeSettings, examples
from tests.test_plan import (
    ACME,
    DANA,
    END,
    THANK_YOU_DUE,
    by_step,
    facts,
    histories,
    record,
    reply,
    sent,
)


@pytest.fixture
def cfg(make_settings: MakeSettings) -> Settings:
    return make_settings()


def with_memory(memory: PlanMemory, facts_: Facts, now: datetime, cfg: Settings) -> list[StepPlan]:
    """Plan with the memory, as one pass, and check the answer is the one a fresh planner gives."""
    with memory.one_pass():
        planned = plan(facts_, now, cfg, memory)
    assert planned == plan(facts_, now, cfg)
    return planned


def test_a_plan_is_recalled_until_a_step_falls_due(cfg: Settings) -> None:
    memory = PlanMemory()
    history = facts((ACME,), sent("thank_you", DANA, THANK_YOU_DUE))
    [_, nudge, _] = with_memory(memory, history, THANK_YOU_DUE, cfg)
    assert nudge.due is not None and nudge.action is None
    with_memory(memory, history, THANK_YOU_DUE + timedelta(minutes=1), cfg)
    assert memory.recalled == {"acme"}
    due_now = with_memory(memory, history, nudge.due, cfg)
    assert memory.recalled == set() and by_step(due_now)[nudge.step, nudge.to].action is not None
    assert len(memory) == 0  # a plan with something due is never kept


def test_a_new_fact_plans_again(cfg: Settings) -> None:
    memory = PlanMemory()
    history = facts((ACME,), sent("thank_you", DANA, THANK_YOU_DUE))
    with_memory(memory, history, THANK_YOU_DUE, cfg)
    answered = replace(history, seen=(reply(THANK_YOU_DUE + timedelta(hours=1)),))
    planned = with_memory(memory, answered, THANK_YOU_DUE + timedelta(hours=2), cfg)
    assert memory.recalled == set()
    assert by_step(planned)["followup-1", DANA.email].reason == "replied"


def test_a_clock_set_back_plans_again(cfg: Settings) -> None:
    # an unsent thank-you draft is overdue past its mark, and is not before it
    memory = PlanMemory()
    draft = facts((ACME,), record("thank_you", DANA, Phase.DRAFTED, draft_id="d1"))
    mark = END + cfg.cadence.thank_you_by
    late = with_memory(memory, draft, mark + timedelta(hours=1), cfg)
    assert late[0].reason.startswith("overdue")
    earlier = with_memory(memory, draft, mark - timedelta(hours=1), cfg)
    assert not earlier[0].reason.startswith("overdue")


def test_the_clock_notes_the_earliest_moment_a_not_yet_turns() -> None:
    clock = Clock(END)
    assert clock.before(END + timedelta(hours=3)) and clock.before(END + timedelta(hours=1))
    assert not clock.before(END) and not clock.before(END - timedelta(hours=1))
    assert clock.next_change == END + timedelta(hours=1)


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(histories(), st.lists(st.integers(-500, 3000), min_size=1, max_size=4))
def test_a_plan_from_memory_is_the_plan_made_anew_at_any_later_or_earlier_time(
    cfg: Settings, history: tuple[Facts, datetime], hours: list[int]
) -> None:
    facts_, now = history
    memory = PlanMemory()
    for offset in [0, *hours]:
        with_memory(memory, facts_, now + timedelta(hours=offset), cfg)


def test_a_pass_that_fails_forgets_every_plan(cfg: Settings) -> None:
    # what it planned may not be stored, so no later pass may take it as stored
    memory = PlanMemory()
    with_memory(memory, facts((ACME,), sent("thank_you", DANA, THANK_YOU_DUE)), THANK_YOU_DUE, cfg)
    assert len(memory) == 1
    with pytest.raises(OSError), memory.one_pass():
        raise OSError("disk full")
    assert len(memory) == 0
