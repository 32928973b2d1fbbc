"""Terminal output never interprets user text: rich markup and emoji codes print as written.

Names, companies, roles, notes, addresses, folder names and calendar titles holding `[/b]`,
`[bold red]`, `[link=...]` or `:smiley:` go through every command that prints user text (status,
plan, check, preview, run --once, outcome, hold, add, import-ics, export, init); each prints the
text exactly as written, with no traceback. The output helpers themselves are checked on any
text at all.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_mailer.cli import output
from tests.conftest import examples
from tests.e2e import ended_recently
from tests.hostile import PLAIN_ENV, fresh_consoles, run_clean
from tests.hostile_toml import CONFIG, table_text, toml

TAGS = ("[/b]", "[bold red]", "[/]", "[link=https://example.com/x]", "[i]", "[/link]", "[[x]]")
EMOJI = (":smiley:", ":thumbs_up:", ":red_heart:", ":cross_mark:")
GOOGLE_INVITE = Path(__file__).parent / "invites" / "google_request.ics"

# lower case: an address shows in lower case in status and plan (the key's form)
words = st.text(st.characters(whitelist_categories=["Ll", "Nd"]), min_size=1, max_size=6)
markup = st.lists(st.one_of(st.sampled_from(TAGS + EMOJI), words), min_size=2, max_size=5).map(
    " ".join
)


class Folder:
    """A config and a schedule whose user text is `text`, and the commands to run on them."""

    def __init__(self, root: Path, text: str) -> None:
        self.root, self.text = root, text
        self.config = root / "config.toml"
        sections = {name: dict(keys) for name, keys in CONFIG.items()}
        sections["account"]["name"] = f"Alex {text}"
        self.config.write_text(
            "".join(table_text(f"[{name}]", keys) for name, keys in sections.items()), "utf-8"
        )
        (root / "interviews.toml").write_text(self._schedule(), "utf-8")

    def _schedule(self) -> str:
        end = ended_recently()
        good = {
            "id": "acme",
            "company": f"Acme {self.text}",
            "role": f"Engineer {self.text}",
            "start": end - timedelta(hours=1),
            "end": end,
            "highlights": [f"mention my {self.text} certificate"],  # a to-do: check shows it
            "interviewer": [{"name": f"Dana {self.text}", "email": "dana@acme.example"}],
        }
        bad_address = f"{self.text}@acme.example"  # refused: the reason quotes it
        bad = good | {"id": "beta", "interviewer": [{"name": "Lee Kim", "email": bad_address}]}
        return table_text("[[interview]]", good) + table_text("[[interview]]", bad)

    def run(self, *args: str, input: str | None = None) -> str:
        return run_clean(["--config", str(self.config), *args], input=input).output


def shown_as_written(text: str, printed: str) -> None:
    assert text in printed, f"{text!r} not printed as written in:\n{printed[-2000:]}"


def every_command(folder: Folder) -> None:
    text = folder.text
    shown_as_written(text, folder.run("check"))  # the note, the refused address
    shown_as_written(text, folder.run("preview", "acme"))
    shown_as_written(text, folder.run("run", "--once"))  # the refused address, in the reason
    for printed in (folder.run("status"), folder.run("plan")):
        shown_as_written(text, printed)  # beta's failed step, with its reason
    rows = json.loads(folder.run("status", "--json"))  # JSON writes "µ" as "\\u00b5"
    shown_as_written(text, json.dumps(rows, ensure_ascii=False))
    shown_as_written(text, folder.run("export"))
    shown_as_written(text, folder.run("outcome", "beta", "rejected"))
    shown_as_written(text, folder.run("hold", "beta"))
    start = (datetime.now(UTC) + timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    added = folder.run(
        "add", "--company", f"Gamma {text}", "--role", "Engineer", "--start", start,
        "--interviewer", f"Kim {text} <kim@gamma.example>", "--id", "gamma",
    )  # fmt: skip
    shown_as_written(text, added)
    invite = GOOGLE_INVITE.read_text(encoding="utf-8")
    calendar = folder.root / "invite.ics"
    guest = invite.replace("CN=Jordan\n  Weber", f'CN="Jordan {text}"')  # a quoted value
    calendar.write_text(guest, "utf-8")
    shown_as_written(text, folder.run("import-ics", str(calendar), "--dry-run"))
    made = folder.root / f"init {text}"
    created = run_clean(["init", "--dir", str(made), "--name", "Alex Rivera", "--email",
                         "alex@example.com", "--timezone", "UTC"])  # fmt: skip
    shown_as_written(str(made), created.output)


@pytest.mark.parametrize("text", [*TAGS, *EMOJI, "[bold red]x[/] :smiley: [link=https://e.x]y"])
def test_known_markup_prints_as_written_in_every_command(tmp_path: Path, text: str) -> None:
    every_command(Folder(tmp_path, text))


@settings(max_examples=examples(15))
@given(markup)
def test_any_markup_prints_as_written_in_every_command(text: str) -> None:
    with tempfile.TemporaryDirectory() as root:
        every_command(Folder(Path(root), text))


printable = st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=80)


@settings(max_examples=examples(300))
@given(st.one_of(markup, printable))
def test_the_output_helpers_print_any_text_as_written(text: str) -> None:
    fresh_consoles()
    for helper in (output.say, output.warn, output.error, output.detail):
        printed = _printed(lambda: helper(text))  # noqa: B023 (called at once)
        shown_as_written(text.strip(), printed)


def _printed(action: object) -> str:
    runner = CliRunner()
    with runner.isolation(env=PLAIN_ENV) as (out, err, _):
        fresh_consoles()
        assert callable(action)
        action()
        fresh_consoles()
        return out.getvalue().decode() + err.getvalue().decode()


def test_a_value_over_the_message_limit_is_shortened_in_the_middle() -> None:
    text = "a" * 100_000 + "[/b] end"
    printed = _printed(lambda: output.error(text))
    assert printed.startswith("error: aaa") and printed.rstrip().endswith("[/b] end")
    assert "characters left out" in printed and len(printed) < output.MAX_MESSAGE_CHARS + 100


def test_toml_writer_keeps_markup_as_text() -> None:
    assert toml("[/b] :smiley:") == '"[/b] :smiley:"'
