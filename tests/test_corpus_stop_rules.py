"""The stop rules end to end on real mail: the corpus delivered into a maildir, one pass, states.

Every labelled message gets an interview of its own whose person is the one the message is
about (a bounce's failed recipient, else its sender), a thank-you recorded as sent long
before, and the message itself delivered unchanged into INBOX. One real pass (the maildir
backend, the ledger, the planner) then has to show each step as a user should see it: a
bounce `bounced` (threaded or not), a person's reply `replied`, an auto-reply or a delay
warning neither (the thank-you stays `sent`).
"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.compose.headers import address_problem
from followup_mailer.model import Phase, Placed, Record, State, step_key
from followup_mailer.store import Store
from tests.core import Rig, interview_text
from tests.corpus import CORPUS_ENV, Sample, corpus_dir, parse, samples

ROOT = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (ROOT / "labels.csv").is_file(),
    reason=f"no mail corpus at {ROOT} (set {CORPUS_ENV} to its folder to run these tests)",
)
LONG_AGO = datetime(1990, 1, 1, tzinfo=UTC)
BOUNCED_RATE = 0.95
EXPECTED = {"human": State.REPLIED, "auto": State.SENT, "delay": State.SENT}


def person_of(sample: Sample) -> str:
    """Return whom the message is about (a bounce's failed recipient, else its sender), or ""
    when that is no address a schedule could hold."""
    if sample.truth == "bounce":
        address = sample.failed[0] if sample.failed else ""
    else:
        address = parse(sample.path)[0].get("from", "").rpartition("<")[2].strip(" >").lower()
    usable = address and '"' not in address and address_problem(address, where="email") is None
    return address if usable else ""


def groups(chosen: list[tuple[Sample, str]]) -> list[list[tuple[Sample, str]]]:
    """Split the samples into passes where no message can concern another sample's interview.

    A company's reply stops the nudges of every interview at its domain; the corpus reuses
    domains (example.com, example.jp), so samples whose people share a domain go into
    different passes. A bounce concerns only the address it names: all bounces share one.
    """
    bounces = [c for c in chosen if c[0].truth == "bounce"]
    passes: list[tuple[set[str], list[tuple[Sample, str]]]] = []
    for sample, who in (c for c in chosen if c[0].truth != "bounce"):
        domain = who.rpartition("@")[2]
        free = next((p for p in passes if domain not in p[0]), None)
        if free is None:
            free = (set(), [])
            passes.append(free)
        free[0].add(domain)
        free[1].append((sample, who))
    return [bounces, *(members for _, members in passes)]


def run_pass_over(folder: Path, chosen: list[tuple[Sample, str]]) -> list[tuple[Sample, State]]:
    """Deliver the samples into one maildir, run one pass, return each thank-you's state."""
    names = [f"m{n}" for n in range(len(chosen))]
    schedule = "".join(
        interview_text(name, end=LONG_AGO, people=(("Some One", who),))
        for name, (_, who) in zip(names, chosen, strict=True)
    )
    rig = Rig(
        folder,
        schedule=schedule,
        overrides={"cadence": {"max_followups": 0}, "reminders": {"desktop": False}},
    )
    with Store.open(rig.state) as store:
        for name, (_, who) in zip(names, chosen, strict=True):
            key = step_key(name, "thank_you", who)
            store.record_intent(
                Record(key=key, interview=name, step="thank_you", recipient=who, intent_at=LONG_AGO)
            )
            placed = Placed(thread_id=f"<t-{name}@x>", message_id=f"<t-{name}@x>", sent_at=LONG_AGO)
            store.record_placed(key, Phase.SENT, placed)
    rig.maildir.mkdir(parents=True, exist_ok=True)
    inbox = mailbox.Maildir(rig.maildir / "INBOX", create=True)
    for sample, _ in chosen:
        inbox.add(sample.path.read_bytes())
    rig.now = datetime(2030, 1, 1, tzinfo=UTC)
    rig.run()
    records = rig.records()
    return [
        (sample, records[step_key(name, "thank_you", who)].state)
        for name, (sample, who) in zip(names, chosen, strict=True)
    ]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Sample, State]]:
    """Deliver the corpus, pass by pass, and return each sample's thank-you state."""
    chosen = [
        (sample, who)
        for sample in samples(ROOT)
        if sample.truth in ("bounce", *EXPECTED) and (who := person_of(sample))
    ]
    return [
        result
        for group in groups(chosen)
        for result in run_pass_over(tmp_path_factory.mktemp("corpus"), group)
    ]


def test_bounces_mark_the_recipient_bounced_threaded_or_not(
    outcome: list[tuple[Sample, State]],
) -> None:
    bounces = [(s, state) for s, state in outcome if s.truth == "bounce"]
    missed = [s.file for s, state in bounces if state is not State.BOUNCED]
    rate = 1 - len(missed) / len(bounces)
    assert rate >= BOUNCED_RATE, f"{rate:.1%} of {len(bounces)} bounces marked; missed {missed}"


@pytest.mark.parametrize("truth", sorted(EXPECTED))
def test_replies_stop_and_machine_mail_does_not(
    outcome: list[tuple[Sample, State]], truth: str
) -> None:
    wrong = [
        (s.file, str(state))
        for s, state in outcome
        if s.truth == truth and state is not EXPECTED[truth]
    ]
    assert wrong == []
