"""The Gmail backend's cost per idle poll, against the local fake server (real HTTP)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from followup_mailer.mailbox.gmail import Position, open_gmail
from followup_mailer.mailbox.gmail_quota import UNPACED
from followup_mailer.mailbox.protocol import Watch
from tests.fakegmail import FakeGmail


def gmail_poll_cost(threads: int) -> tuple[int, int, float]:
    """Return (requests, quota units, seconds) of one idle poll with `threads` tracked."""
    with FakeGmail(seed=1) as fake:
        tracked = frozenset(
            fake.message(fake.user_sends_message(to="dana@acme.com", subject=f"Note {n}")).thread_id
            for n in range(threads)
        )
        state: dict[str, str] = {}
        box = open_gmail(
            load_token=fake.authorized_user_info,
            api_endpoint=fake.url,
            token_uri=fake.token_uri,
            position=Position(lambda: state.get("at", ""), lambda at: state.update(at=at)),
            clock=lambda: datetime.now(UTC),
            quota=UNPACED,  # the first full check unpaced: it is not what is measured
        )
        watch = Watch(
            drafts={},
            threads=tracked,
            addresses={"dana@acme.com"},
            domains={"acme.com"},
            own={"alex@example.com"},
        )
        for _ in range(10_000):  # the first polls check every thread once
            before = len(fake.requests())
            box.acknowledge(box.poll(watch).cursor)
            if len(fake.requests()) - before <= 1:
                break
        requests, units = len(fake.requests()), fake.quota_used()
        started = time.perf_counter()
        box.acknowledge(box.poll(watch).cursor)
        seconds = time.perf_counter() - started
        return len(fake.requests()) - requests, fake.quota_used() - units, seconds
