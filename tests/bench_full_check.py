"""Measure a full Gmail check (history expired) against the local fake: requests, units, time.

python -m tests.bench_full_check --threads 10000 --domains 1000 [--replies 50]
    [--stop-after 0.5 [--kill]] [--quota classic|new|off] [--limit-per-minute 15000]

Each tracked thread is a note to one person at one of the company domains; the
position is an expired history id, so the next poll checks everything. With
--stop-after F the pass is stopped (as SIGTERM would) once F of the calls of a
whole check were made, or with --kill killed outright (as SIGKILL would: no
code of ours runs after), and a fresh mailbox on the saved position carries
on: the figures then include what the restart repeated. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from followup_mailer.mailbox import gmail
from followup_mailer.mailbox.protocol import MailboxError, Watch
from tests.fakegmail import FakeGmail


class Killed(BaseException):
    """The process dies here (nothing catches a BaseException of this kind)."""


@dataclass
class Figures:
    """What one full check cost."""

    round_trips: int
    requests: int  # inner requests of batches counted one by one
    units: int
    seconds: float
    repeated: int  # threads fetched more than once
    replies_seen: int  # human replies reported
    busiest_second: int
    refused: int  # answered 429 by the fake's rate limit (when switched on)
    failed: str  # how the check failed, when it did


def tracked_world(fake: FakeGmail, threads: int, domains: int, replies: int) -> Watch:
    """Send a note to one person per thread, plant replies in some threads; return the Watch."""
    people = [f"p{n}@d{n % domains}.example" for n in range(threads)]
    sent = [fake.user_sends_message(to=who, subject=f"Note {n}") for n, who in enumerate(people)]
    for n in range(replies):
        which = n * threads // max(replies, 1)
        fake.deliver_reply(sent[which], sender=people[which])
    ids = frozenset(fake.message(message_id).thread_id for message_id in sent)
    domain_names = frozenset(f"d{n}.example" for n in range(domains))
    return Watch(
        drafts={},
        threads=ids,
        addresses=frozenset(people),
        domains=domain_names,
        own={"alex@example.com"},
    )


def open_box(fake: FakeGmail, state: dict[str, str], *, beat: Any, quota: str) -> Any:
    """Open the mailbox under test on the fake, with the pacing it supports."""
    extra: dict[str, Any] = {}
    if "quota" in inspect.signature(gmail.open_gmail).parameters:
        from followup_mailer.mailbox import gmail_quota

        extra["quota"] = {
            "classic": gmail_quota.CLASSIC,
            "new": gmail_quota.NEW,
            "off": gmail_quota.UNPACED,
        }[quota]
    return gmail.open_gmail(
        load_token=fake.authorized_user_info,
        api_endpoint=fake.url,
        token_uri=fake.token_uri,
        position=gmail.Position(lambda: state.get("at", ""), lambda at: state.update(at=at)),
        clock=lambda: datetime.now(UTC),
        beat=beat,
        **extra,
    )


def check(
    fake: FakeGmail, watch: Watch, state: dict[str, str], seen: set[str], *, beat: Any, quota: str
) -> None:
    """Poll and acknowledge, as passes do, until the check is over; note the replies seen."""
    box = open_box(fake, state, beat=beat, quota=quota)
    while True:
        poll = box.poll(watch)
        seen.update(s.mailbox_id for s in poll.seen if s.kind.name == "HUMAN")  # recorded...
        box.acknowledge(poll.cursor)  # ...then acknowledged, as a pass does
        if not getattr(poll, "more", False):
            return


def measure(
    threads: int,
    domains: int,
    replies: int,
    stop_after: float,
    quota: str,
    *,
    kill: bool = False,
    per_minute: int = 0,
) -> Figures:
    """Run one full check (stopped and resumed when asked) and return its figures."""
    with FakeGmail(seed=3) as fake:
        state = {"at": fake.history_id}  # where the last poll before a long absence left off
        watch = tracked_world(fake, threads, domains, replies)
        fake.expire_history()
        if per_minute:
            fake.limit_rate(per_minute, seconds=60.0)
        before = len(fake.requests())
        started = time.perf_counter()
        seen: set[str] = set()
        if stop_after:
            limit = before + int(stop_after * (threads + domains))

            def beat() -> None:
                if len(fake.requests()) > limit:  # that many calls made, batched or not
                    raise Killed if kill else MailboxError("stopping on SIGTERM")

            with contextlib.suppress(MailboxError, Killed):
                check(fake, watch, state, seen, beat=beat, quota=quota)
        failed = ""
        try:
            check(fake, watch, state, seen, beat=lambda: None, quota=quota)
        except MailboxError as error:  # the next poll would start again
            failed = str(error)
        seconds = time.perf_counter() - started
        log = fake.requests()[before:]
        fetched = Counter(r.path for r in log if r.method == "threads.get" and r.status == 200)
        return Figures(
            round_trips=sum(1 for r in log if r.batch is None and r.method != "oauth.token"),
            requests=sum(1 for r in log if r.method not in ("batch", "oauth.token")),
            units=sum(r.units for r in log),
            seconds=seconds,
            repeated=sum(n - 1 for n in fetched.values()),
            replies_seen=len(seen),
            busiest_second=fake.busiest_window(1.0),
            refused=sum(1 for r in log if r.status == 429),
            failed=failed,
        )


def main() -> None:
    """Parse the command line, measure, print one line."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench_full_check")
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=0)
    parser.add_argument("--stop-after", type=float, default=0.0)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--limit-per-minute", type=int, default=0, help="enforce Gmail's quota")
    parser.add_argument("--quota", choices=("classic", "new", "off"), default="classic")
    args = parser.parse_args()
    figures = measure(
        args.threads,
        args.domains,
        args.replies,
        args.stop_after,
        args.quota,
        kill=args.kill,
        per_minute=args.limit_per_minute,
    )
    print(f"{vars(args)}: {figures}")


if __name__ == "__main__":
    main()
