"""Shared fixtures: real config files in temporary folders."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from followup_mailer.cli import output
from followup_mailer.intake.config import load_settings
from followup_mailer.mailbox.protocol import Mailbox, Poll, Watch
from followup_mailer.settings import Settings

# Timings are measured by scripts/bench, not asserted: no per-example deadline, which would
# only make the property tests flaky on a busy machine. HYPOTHESIS_PROFILE chooses how many
# examples each property test generates: "followup-mailer" (scripts/test, and so CI) as many
# as the test asks; "fast" (scripts/test --fast, the quick loop while working) a quarter of
# them; "campaign" three times as many (docs/reliability.md).
EXAMPLES_SCALE = {"fast": 0.25, "followup-mailer": 1.0, "campaign": 3.0}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "followup-mailer")
for name, scale in EXAMPLES_SCALE.items():
    settings.register_profile(name, deadline=None, max_examples=round(100 * scale))
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """Return how many examples a property test that asks for `count` generates under the
    profile: `count` itself by default, scaled in the fast profile (never under 10) and in a
    campaign."""
    return max(10, round(count * EXAMPLES_SCALE.get(PROFILE, 1.0)))


BASE_CONFIG: dict[str, dict[str, object]] = {
    "account": {
        "email": "alex@example.com",
        "name": "Alex Rivera",
        "timezone": "America/New_York",
    },
    "signature": {"lines": ["+1 555 0100", "linkedin.com/in/alexrivera"]},
    "delivery": {"mode": "draft", "backend": "maildir", "maildir": "mail"},
    "state": {"dir": "state"},
}


def toml_value(value: object) -> str:
    """Write a Python value as TOML (just what these configs need)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(overrides: dict[str, dict[str, object]] | None = None) -> str:
    """Return config.toml text: the base config with some keys changed."""
    sections = {name: dict(keys) for name, keys in BASE_CONFIG.items()}
    for name, keys in (overrides or {}).items():
        sections.setdefault(name, {}).update(keys)
    lines = []
    for name, keys in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in keys.items()]
        lines.append("")
    return "\n".join(lines)


MakeSettings = Callable[..., Settings]

# Modules whose tests share a set-up of seconds (a module-scoped fixture) run first: xdist's
# work stealing takes tests from the end of a worker's queue, so each of these stays whole on
# one worker instead of building its set-up on both, and no worker ends the run alone on one.
SHARED_SETUP_FIRST = ("test_corpus_stop_rules.py", "test_corpus.py", "test_gmail_full_check.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in SHARED_SETUP_FIRST)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Take what collection built (modules, thousands of test items, all kept to the end of the
    run) out of the garbage collector's sight: every full collection walked it again."""
    gc.freeze()


@pytest.fixture
def make_settings(tmp_path: Path) -> MakeSettings:
    """Write a config.toml (base + overrides) into tmp_path and load it."""

    def make(**overrides: dict[str, object]) -> Settings:
        path = tmp_path / "config.toml"
        path.write_text(config_text(overrides), encoding="utf-8")
        return load_settings(path)

    return make


def polled(mailbox: Mailbox, watch: Watch) -> Poll:
    """Poll as a pass does: record nothing, but acknowledge the poll so the next one moves on."""
    poll = mailbox.poll(watch)
    mailbox.acknowledge(poll.cursor)
    return poll


@pytest.fixture(autouse=True)
def fresh_consoles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Give each test consoles of a known width (a command makes them once per process)."""
    monkeypatch.setenv("COLUMNS", "200")
    output.stdout.cache_clear()
    output.stderr.cache_clear()
    yield
    output.stdout.cache_clear()
    output.stderr.cache_clear()
