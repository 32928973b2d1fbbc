"""Odd files: only regular files are read, bounded; special paths are refused by name.

In the maildir, a FIFO, links to /dev/zero and to nowhere, a link loop, a folder, names that are
not UTF-8 or hold a newline, a 200 MB sparse file and garbage never stop a pass, and a real reply
among them is still seen. Paths given on the command line (import-ics, auth import) that are
devices, FIFOs, folders or link loops are refused in one message. A user's templates that
overrun their limits are each reported by `check`.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import mailtools
from tests.e2e import ended_recently, interview_toml
from tests.hostile import SPECIAL_NAMES, run_clean, special_path
from tests.hostile_toml import CONFIG, table_text

KEY = "acme/thank_you/dana@acme.example"


class Folder:
    """One interview, on a maildir, in draft mode."""

    def __init__(self, root: Path, **sections: dict[str, object]) -> None:
        self.root, self.config = root, root / "config.toml"
        merged = {name: dict(keys) for name, keys in CONFIG.items()}
        for name, keys in sections.items():
            merged.setdefault(name, {}).update(keys)
        self.config.write_text("".join(table_text(f"[{n}]", k) for n, k in merged.items()))
        people = [("Dana Smith", "dana@acme.example")]
        (root / "interviews.toml").write_text(
            interview_toml("acme", end=ended_recently(), people=people)
        )

    def run(self, *args: str) -> tuple[int, str]:
        result = run_clean(["--config", str(self.config), *args])
        return result.exit_code, result.output

    def step(self, step: str = "thank_you") -> dict[str, str]:
        rows = json.loads(run_clean(["--config", str(self.config), "status", "--json"]).stdout)
        return next(row for row in rows if row["step"] == step)


def litter(folder: Path) -> None:
    """Leave in a maildir folder every kind of file that is not a message one can read."""
    for sub in ("new", "cur", "tmp"):
        place = folder / sub
        place.mkdir(parents=True, exist_ok=True)
        os.mkfifo(place / "a-fifo")
        (place / "zero").symlink_to("/dev/zero")
        (place / "nowhere").symlink_to(place / "gone")
        (place / "loop").symlink_to(place / "loop")
        (place / "a-folder").mkdir()
        (place / "line\nbreak:2,S").write_bytes(b"From: x@acme.example\n\nhi\n")
        os.close(os.open(bytes(place) + b"/not-utf8-\xff\xfe", os.O_CREAT | os.O_WRONLY, 0o600))
        with (place / "huge").open("wb") as huge:
            huge.truncate(200 * 1024 * 1024)  # sparse: costs no disk, would cost memory
        (place / "garbage").write_bytes(bytes(range(256)) * 20)
        (place / "empty").write_bytes(b"")


def test_odd_files_in_every_maildir_folder_never_stop_a_pass(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    assert folder.run("run", "--once")[0] == 0
    sent_at = datetime.now(UTC).replace(microsecond=0)
    sent = mailtools.read(mailtools.approve_draft(tmp_path / "mail", KEY, sent_at=sent_at))
    mailtools.deliver_reply(
        tmp_path / "mail", frm="Dana Smith <dana@acme.example>", to="alex@example.com",
        subject="Re: " + str(sent["Subject"]), date=sent_at, in_reply_to=str(sent["Message-ID"]),
    )  # fmt: skip
    for name in ("INBOX", "Sent", "Drafts"):
        litter(tmp_path / "mail" / name)
    for _ in range(2):
        assert folder.run("run", "--once")[0] == 0
    assert folder.step()["state"] == "replied"
    assert folder.step("followup-1")["state"] == "cancelled"


@pytest.mark.parametrize("special", [name for name in SPECIAL_NAMES if name != "/"])
def test_import_ics_refuses_a_device_pipe_folder_or_loop(tmp_path: Path, special: str) -> None:
    folder = Folder(tmp_path)
    target = special_path(tmp_path, special)
    code, printed = folder.run("import-ics", str(target))
    assert code in (1, 2) and str(target) in printed


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_auth_import_refuses_a_device_or_pipe(tmp_path: Path, special: str) -> None:
    folder = Folder(tmp_path, gmail={"token_store": "file"})
    target = special_path(tmp_path, special)
    code, printed = folder.run("auth", "import", str(target))
    assert code == 1 and str(target) in printed and "not a file" in printed


def test_import_ics_reads_a_bounded_standard_input(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    result = run_clean(["--config", str(folder.config), "import-ics", "-"], input=b"\0" * 10**6)
    assert result.exit_code == 1 and "standard input" in result.output


BOMBS = {
    "thank_you.txt.j2": "{% for a in range(999) %}{% for b in range(999) %}x{% endfor %}"
    "{% endfor %}",
    "thank_you.subject.j2": "{{ lipsum(10**6) }}",
    "followup.txt.j2": "{{ 'x' * 10**8 }}",
    "followup.subject.j2": "{{ " + "(" * 5_000 + "1" + ")" * 5_000 + " }}",
    "followup_later.txt.j2": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "stay_in_touch.txt.j2": "x" * 40_000,
}


def test_check_reports_each_template_over_its_limits(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, text in BOMBS.items():
        (templates / name).write_text(text)
    (tmp_path / "secret.txt").write_text("the user's secret")
    (templates / "rejection.txt.j2").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(templates / "rejection.subject.j2")
    folder = Folder(tmp_path, templates={"dir": str(templates)})
    code, printed = folder.run("check")
    assert code == 1
    for name in (*BOMBS, "rejection.txt.j2", "rejection.subject.j2"):
        assert name in printed, f"{name} is not reported:\n{printed}"
    assert "the user's secret" not in printed
    code, printed = folder.run("run", "--once")
    assert code == 0 and f"failed    {KEY}" in printed
