"""The classifier on real mail: about 1,100 labelled messages from public projects' test suites.

The corpus lives beside the repository (../shared/corpus, or FOLLOWUP_MAILER_CORPUS); these
tests skip when it is absent. They fail on the mistakes that hurt a user: a person's reply
taken for a machine's (the nudges would go on after a reply), a bounce, delay warning or
auto-reply taken for a person's reply (the nudges would stop), a crash; and they require
the failed recipient of at least 95% of the bounces. scripts/corpus_report.py prints the
whole confusion matrix.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from followup_mailer.mailbox import classify
from followup_mailer.model import PERSONAL_DOMAINS
from tests.corpus import CORPUS_ENV, Sample, Verdict, corpus_dir, judged, parse

ROOT = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (ROOT / "labels.csv").is_file(),
    reason=f"no mail corpus at {ROOT} (set {CORPUS_ENV} to its folder to run these tests)",
)
RECIPIENT_RATE = 0.95
# what each label may never be taken for
HARMFUL = {
    "human": {"auto", "bounce", "invite"},
    "human-list": {"auto", "bounce", "invite"},
    "auto": {"human"},
    "bounce": {"human"},
    "delay": {"human"},
}
# "other" mail taken for a person's: harmless only where no tracked company can be the sender
OTHER_AS_HUMAN_HARMLESS = {
    "phpbh/arf6.txt": "unsolicited advertising, written as a person's mail",
}
# real bounces our rules miss, each with the reason it is left alone
KNOWN_MISSES = {
    "flufl/simple_20.txt": 'a failure notice under a reply subject ("RE: ... : non remis") '
    "from an ordinary address: its headers give no cue to read it",
}

Results = list[tuple[Sample, Verdict | None, BaseException | None]]


@pytest.fixture(scope="module")
def results() -> Results:
    return list(judged(classify, ROOT))


def test_every_message_classifies_without_error(results: Results) -> None:
    crashed = [f"{s.file}: {e!r}" for s, _, e in results if e is not None]
    assert not crashed, "\n".join(crashed)


def test_no_message_is_taken_for_what_would_mislead_the_stop_rules(results: Results) -> None:
    wrong = [
        f"{s.file}: {s.truth} taken for {v.kind}"
        for s, v, _ in results
        if v and v.kind in HARMFUL.get(s.truth, ()) and s.file not in KNOWN_MISSES
    ]
    assert not wrong, "\n".join(wrong)


def test_other_machine_mail_is_no_reply_from_a_company(results: Results) -> None:
    wrong = [
        f"{s.file}: taken for a person's reply"
        for s, v, _ in results
        if s.truth == "other"
        and v
        and v.kind == "human"
        and s.file not in OTHER_AS_HUMAN_HARMLESS
        and _sender_domain(s.path) not in PERSONAL_DOMAINS
    ]
    assert not wrong, "\n".join(wrong)


def test_bounces_name_their_failed_recipient(results: Results) -> None:
    bounces = [(s, v) for s, v, _ in results if s.truth == "bounce" and s.failed]
    found = [s for s, v in bounces if v and not set(s.failed).isdisjoint(v.bounced)]
    every = [s for s, v in bounces if v and set(s.failed) <= set(v.bounced)]
    rate, every_rate = len(found) / len(bounces), len(every) / len(bounces)
    missed = sorted({s.file for s, _ in bounces} - {s.file for s in found})
    assert rate >= RECIPIENT_RATE, (
        f"an expected failed recipient found in {len(found)}/{len(bounces)} bounces ({rate:.1%}),"
        f" every expected one in {len(every)}/{len(bounces)} ({every_rate:.1%}); missed: {missed}"
    )


def test_auto_replies_give_the_return_date_their_text_states(results: Results) -> None:
    stated = [(s, v) for s, v, _ in results if s.truth == "auto" and s.back]
    wrong = [
        f"{s.file}: expected {s.back}, got {v and v.return_date}"
        for s, v in stated
        if not v or s.back not in (v.return_date, _next_workday(v.return_date))
    ]
    assert not wrong, "\n".join(wrong)


def _next_workday(day: date | None) -> date | None:
    """The day after `day` that is no weekend: the labels give the first day back."""
    if day is None:
        return None
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _sender_domain(path: Path) -> str:
    headers, _ = parse(path)
    return headers.get("from", "").rpartition("@")[2].strip(">").lower()
