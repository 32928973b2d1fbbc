"""Gmail's full check (history expired) with thousands of threads, paced, resumable, signed in once.

Against the local fake over real HTTP, through the real client library: the
check goes a chunk per poll, each recorded in the ledger before the position
moves; a stop in the middle keeps what was done; the calls stay within the
per-user quota without meeting a refusal; a refreshed access token is saved.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followup_mailer import reconcile
from followup_mailer.mailbox.gmail import POSITION_NAME, GmailMailbox, Position, open_gmail
from followup_mailer.mailbox.gmail_full_check import Limits, Progress
from followup_mailer.mailbox.gmail_quota import CLASSIC_COSTS, Bucket, Quota
from followup_mailer.mailbox.guarded import Stopping
from followup_mailer.mailbox.protocol import Watch
from followup_mailer.model import Interview, Kind, Person
from followup_mailer.settings import Settings
from followup_mailer.store import Store
from tests.conftest import MakeSettings, polled
from tests.fakegmail import FakeGmail

ALEX = "alex@example.com"
FAST = Quota(per_minute=6_000_000, costs=CLASSIC_COSTS, burst=0.5)  # the fake's costs
SMALL_CHUNKS = Limits(items=400, seconds=60.0, round=50)
ENDED = datetime(2026, 10, 1, 15, 0, tzinfo=UTC)


class Killed(BaseException):
    """The process dies here: nothing of ours runs after it (SIGKILL)."""


@dataclass
class World:
    """Tracked interviews, each with a thread of ours; replies planted in some of them."""

    interviews: tuple[Interview, ...]
    threads: list[str]
    replies: dict[str, str] = field(default_factory=dict)  # reply id -> tracked thread, or ""


def build_world(fake: FakeGmail, *, threads: int, domains: int, replies: int) -> World:
    """Make `threads` interviews, each with a note of ours in its own thread, and replies."""
    people = [Person(name=f"P {n}", email=f"p{n}@d{n % domains}.example") for n in range(threads)]
    sent = [fake.user_sends_message(to=p.email, subject=f"Note {n}") for n, p in enumerate(people)]
    ids = [fake.message(message_id).thread_id for message_id in sent]
    interviews = tuple(
        Interview(
            id=f"i{n}", company=f"Company {n}", role="Engineer",
            start=ENDED - timedelta(hours=1), end=ENDED, thread=ids[n], interviewers=(person,),
        )
        for n, person in enumerate(people)
    )  # fmt: skip
    world = World(interviews, ids)
    for n in range(0, threads, max(1, threads // replies)):  # in tracked threads...
        world.replies[fake.deliver_reply(sent[n], sender=people[n].email)] = ids[n]
    for n in range(0, domains, max(1, domains // 10)):  # ...and new threads from the companies
        other = f"recruiter@d{n}.example"
        world.replies[fake.deliver_new_thread(sender=other, subject="Next steps")] = ""
    return world


def open_box(
    fake: FakeGmail,
    store: Store,
    *,
    beat: Callable[[], None] = lambda: None,
    quota: Quota = FAST,
    limits: Limits = SMALL_CHUNKS,
) -> GmailMailbox:
    """Open the mailbox as a new process would: its position in the ledger."""
    return open_gmail(
        load_token=fake.authorized_user_info,
        api_endpoint=fake.url,
        token_uri=fake.token_uri,
        position=Position(lambda: store.get(POSITION_NAME), lambda v: store.put(POSITION_NAME, v)),
        clock=lambda: datetime.now(UTC),
        quota=quota,
        limits=limits,
        beat=beat,
    )


def stop_after(fake: FakeGmail, calls: int, *, kill: bool = False) -> Callable[[], None]:
    """Return a beat that stops the work once the fake has answered `calls` more calls."""
    limit = len(fake.requests()) + calls

    def beat() -> None:
        if len(fake.requests()) >= limit:
            if kill:
                raise Killed
            raise Stopping("the daemon is stopping; the next call not started")

    return beat


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account=ALEX, seed=17) as server:
        yield server


@pytest.fixture(scope="module")
def thousands() -> Iterator[tuple[FakeGmail, World]]:
    """A mailbox with 1,500 tracked threads, built once: the checks only read it."""
    with FakeGmail(account=ALEX, seed=17) as server:
        yield server, build_world(server, threads=1500, domains=50, replies=30)


@pytest.fixture
def settings(make_settings: MakeSettings) -> Settings:
    return make_settings(delivery={"backend": "gmail"})


def forget_history(fake: FakeGmail, store: Store) -> None:
    """Leave a position Gmail has forgotten, as after a long time switched off."""
    store.put(POSITION_NAME, str(int(fake.history_id) - 1))
    fake.expire_history()


def fetched_threads(fake: FakeGmail, since: int) -> Counter[str]:
    """Count the threads read since the request log's entry `since`, by thread id."""
    read = fake.requests()[since:]
    return Counter(
        r.path.rpartition("/")[2] for r in read if r.method == "threads.get" and r.status == 200
    )


# --- a check that survives a restart ---------------------------------------------------------


@pytest.mark.parametrize("kill", [False, True], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.slow
def test_a_full_check_of_thousands_of_threads_resumes_where_it_stopped(
    thousands: tuple[FakeGmail, World], tmp_path: Path, settings: Settings, kill: bool
) -> None:
    fake, world = thousands
    observe, since = reconcile.observe, len(fake.requests())

    with Store.open(tmp_path) as store, pytest.raises((Stopping, Killed)):
        forget_history(fake, store)
        box = open_box(fake, store, beat=stop_after(fake, 600, kill=kill))
        observe(settings=settings, interviews=world.interviews, store=store, mailbox=box)
    with Store.open(tmp_path) as store:  # the next start: a new process, a new ledger connection
        stopped_at = store.get(POSITION_NAME)
        recorded = {s.mailbox_id for s in store.seen()}
        box = open_box(fake, store)
        observe(settings=settings, interviews=world.interviews, store=store, mailbox=box)
        seen = {s.mailbox_id: s for s in store.seen()}
        position = store.get(POSITION_NAME)

    progress = Progress.decode(stopped_at)
    assert progress is not None and progress.stage == "threads" and progress.after
    # what was checked before the restart was recorded before the position moved past it
    assert {r for r, t in world.replies.items() if "" < t <= progress.after} <= recorded
    fetched = fetched_threads(fake, since)
    assert set(fetched) == set(world.threads)
    repeated = sum(fetched.values()) - len(fetched)
    # a stop keeps every round done; a kill loses at most the chunk it was in
    assert repeated == 0 if not kill else 0 < repeated <= SMALL_CHUNKS.items
    assert set(world.replies) <= set(seen) and {seen[r].kind for r in world.replies} == {Kind.HUMAN}
    assert position == progress.baseline  # done: history from the baseline, read straight away
    assert fake.requests()[-1].method == "history.list"


def test_a_check_in_progress_gives_intents_its_baseline_as_cursor(
    fake: FakeGmail, tmp_path: Path
) -> None:
    world = build_world(fake, threads=120, domains=3, replies=3)
    with Store.open(tmp_path) as store:
        forget_history(fake, store)
        box = open_box(fake, store, limits=Limits(items=50, seconds=60.0, round=25))
        watch = Watch(
            drafts={}, threads=world.threads, addresses=set(), domains={"d0.example"}, own={ALEX}
        )
        first = polled(box, watch)
        assert first.more and Progress.decode(store.get(POSITION_NAME)) is not None
        assert box.cursor() == Progress.decode(first.cursor).baseline  # type: ignore[union-attr]
        polls = 1
        while polled(box, watch).more:
            polls += 1
        assert store.get(POSITION_NAME).isdigit()
    assert polls == 3  # 50 threads, 50 threads, then 20 threads, the drafts and the senders


# --- paced within the quota ------------------------------------------------------------------


@pytest.mark.slow
def test_the_check_keeps_within_the_per_user_quota_without_a_refusal(
    fake: FakeGmail, tmp_path: Path
) -> None:
    world = build_world(fake, threads=300, domains=10, replies=5)
    # Gmail's limit per minute, scaled down to a second so the test is quick; unpaced, the
    # fake takes 3,000 to 5,000 units a second (tests/bench_full_check.py)
    per_second = 2000
    # the bucket's worst second is a burst (10%) and a second's spending (80%) of the limit
    quota = Quota(per_minute=per_second * 60, costs=CLASSIC_COSTS, burst=0.1)
    fake.limit_rate(per_second, seconds=1.0)
    with Store.open(tmp_path) as store:
        forget_history(fake, store)
        box = open_box(fake, store, quota=quota, limits=Limits(items=10_000))
        watch = Watch(
            drafts={},
            threads=world.threads,
            addresses=set(),
            domains={f"d{n}.example" for n in range(10)},
            own={ALEX},
        )
        started, charged = time.monotonic(), fake.quota_used()
        while polled(box, watch).more:
            pass
        seconds, units = time.monotonic() - started, fake.quota_used() - charged

    assert [r for r in fake.requests() if r.status == 429] == []
    assert fake.busiest_window(1.0) <= per_second
    # on average no faster than the rate the bucket keeps (a burst aside)
    assert units - quota.capacity <= quota.rate * seconds
    assert len(fake.round_trips()) < len(fake.requests()) / 5  # batched


def test_the_bucket_waits_for_units_it_does_not_hold() -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    bucket = Bucket(
        Quota(per_minute=600, costs={}, burst=2.0), sleep=sleep, monotonic=lambda: clock[0]
    )

    assert bucket.quota.rate == 8.0 and bucket.quota.capacity == 16.0  # 80% of 10 a second
    assert [bucket.spend(units) for units in (16, 8, 4)] == [0.0, 1.0, 0.5]
    clock[0] += 10  # idle: the bucket fills up to its capacity, no further
    assert bucket.spend(16) == 0.0 and bucket.spend(1) == 0.125
    assert waits == [1.0, 0.5, 0.125]


def test_a_batch_holds_what_one_burst_of_quota_pays_for() -> None:
    new = Quota(per_minute=6_000, costs={"threads.get": 40, "messages.list": 5})
    assert (new.batch_size("threads.get"), new.batch_size("messages.list")) == (20, 50)
