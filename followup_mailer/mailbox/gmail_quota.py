"""Pacing within Gmail's per-user quota: a token bucket of quota units.

Gmail charges every call a number of quota units, a call inside a batch as
its own call, against a per-user limit per minute that "cannot be increased
for any reason" (research/gmail_api.md, sections 1.1 and 1.2). Projects that
used the API before May 2026 keep 15,000 units a minute and the classic costs
(threads.get 10, messages.get 5); newer ones get 6,000 a minute, and reads
cost more (threads.get 40, messages.get and drafts.get 20). The default is the
newer, tighter pair: a project made today gets it, and an older project then
only goes slower than it could, never into refusals.

We spend SHARE of the limit, in bursts of at most BURST seconds' worth, so
that any minute holds at most (BURST + 60) * SHARE / 60 of the limit (93% with
these numbers): Gmail never has to refuse, and a 429 stays the exception the
back-off in gmail_http.py handles. A spend the bucket cannot cover waits with
the daemon's `sleep`, which a stop cuts short.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SHARE = 0.8  # of the per-user limit we spend
BURST = 10.0  # seconds of spending that may go out at once
BATCH_LIMIT = 50  # Gmail takes 100 calls in a batch, and advises no more than 50
UNKNOWN_COST = 100  # a method missing from the table is taken to be as dear as a send

CLASSIC_COSTS: Mapping[str, int] = {
    "getProfile": 1,
    "history.list": 2,
    "drafts.create": 10,
    "drafts.update": 15,
    "drafts.get": 5,
    "drafts.list": 5,
    "drafts.send": 100,
    "drafts.delete": 10,
    "messages.send": 100,
    "messages.get": 5,
    "messages.list": 5,
    "threads.get": 10,
    "threads.list": 10,
}
NEW_COSTS: Mapping[str, int] = {
    **CLASSIC_COSTS,
    "drafts.get": 20,
    "messages.get": 20,
    "threads.get": 40,
}


@dataclass(frozen=True, slots=True)
class Quota:
    """A per-user limit (units a minute) and what each method costs against it."""

    per_minute: float
    costs: Mapping[str, int]
    burst: float = BURST  # seconds of spending that may go out at once

    @property
    def rate(self) -> float:
        """Return the units a second we spend."""
        return self.per_minute * SHARE / 60

    @property
    def capacity(self) -> float:
        """Return the most units that may go out at once."""
        return self.rate * self.burst

    def cost(self, method: str) -> int:
        """Return a method's cost in quota units."""
        return self.costs.get(method, UNKNOWN_COST)

    def batch_size(self, method: str) -> int:
        """Return how many calls of a method one batch holds (a batch is one burst at most)."""
        return max(1, int(min(BATCH_LIMIT, self.capacity // self.cost(method))))


CLASSIC = Quota(15_000, CLASSIC_COSTS)
NEW = Quota(6_000, NEW_COSTS)
DEFAULT_QUOTA = NEW
UNPACED = Quota(math.inf, CLASSIC_COSTS)  # for measurements: no waiting at all


class Bucket:
    """Quota units to spend, refilled at the quota's rate up to its capacity; a spend waits."""

    def __init__(
        self,
        quota: Quota,
        *,
        sleep: Callable[[float], None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quota = quota
        self._sleep, self._monotonic = sleep, monotonic
        self._units = quota.capacity
        self._at = monotonic()

    def spend(self, units: float) -> float:
        """Take `units` from the bucket, first waiting until it holds them; return the wait."""
        if math.isinf(self.quota.rate):
            return 0.0
        self._refill()
        # a spend above the capacity waits for a full bucket, then leaves it in debt
        wait = max(0.0, min(units, self.quota.capacity) - self._units) / self.quota.rate
        if wait:
            self._sleep(wait)
            self._refill()
        self._units -= units
        return wait

    def _refill(self) -> None:
        now = self._monotonic()
        earned = (now - self._at) * self.quota.rate
        self._units, self._at = min(self.quota.capacity, self._units + earned), now
