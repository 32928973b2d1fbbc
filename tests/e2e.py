"""A workspace for end-to-end tests: real files, the real `followup-mailer` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests import mailtools
from tests.conftest import config_text

COMMAND = str(Path(sys.executable).with_name("followup-mailer"))


def interview_toml(
    interview_id: str,
    *,
    end: datetime,
    people: list[tuple[str, str]],
    company: str = "Acme Corp",
    format: str = "one-on-one",
    extra: str = "",
) -> str:
    """Write one [[interview]] of the schedule, with its interviewers."""
    start = end - timedelta(hours=1)
    lines = [
        "[[interview]]",
        f'id = "{interview_id}"',
        f'company = "{company}"',
        'role = "Senior Backend Engineer"',
        f"start = {start.isoformat(timespec='seconds')}",
        f"end = {end.isoformat(timespec='seconds')}",
        f'format = "{format}"',
        'highlights = ["your move to event sourcing"]',
        extra,
    ]
    for name, email in people:
        lines += ["[[interview.interviewer]]", f'name = "{name}"', f'email = "{email}"']
    return "\n".join(lines) + "\n\n"


@dataclass
class Workspace:
    """A config, a schedule and a maildir in one folder."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def maildir(self) -> Path:
        return self.root / "mail"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def schedule(self) -> Path:
        return self.root / "interviews.toml"

    def write_config(self, **overrides: Mapping[str, object]) -> None:
        base: dict[str, dict[str, object]] = {"delivery": {"send_window": "always"}}
        for name, keys in overrides.items():
            base.setdefault(name, {}).update(keys)
        self.config.write_text(config_text(base), encoding="utf-8")

    def write_schedule(self, text: str) -> None:
        """Replace the schedule as editors do: write a new file, rename it over the old one."""
        fresh = self.schedule.with_suffix(".new")
        fresh.write_text(text, encoding="utf-8")
        fresh.replace(self.schedule)

    def run(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run followup-mailer with this workspace's config; fail on an unexpected exit code."""
        result = subprocess.run(
            [COMMAND, "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=self.environ(**env),
        )
        if check and result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def environ(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "COLUMNS": "200", **self.env, **extra}

    def status(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.run("status", "--json").stdout)
        return data

    def step(self, key: str) -> dict[str, Any]:
        interview, step, to = key.split("/")
        return next(
            s
            for s in self.status()
            if (s["interview"], s["step"], s["to"]) == (interview, step, to)
        )

    def drafts(self) -> list[Path]:
        return mailtools.files(self.maildir, "Drafts")

    def sent(self) -> list[Path]:
        return mailtools.files(self.maildir, "Sent")


def ended_recently() -> datetime:
    """An interview end three hours ago: its thank-you (due two hours after) is due now."""
    return (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
