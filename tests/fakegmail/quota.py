"""Gmail's per-user rate limit, when a test switches it on: units per sliding window.

Gmail refuses a request that would take a user past the quota (6,000 or 15,000
units a minute, research section 1.1) with 429 "User-rate limit exceeded"; a
refused request is not charged. Off by default, so other tests never meet it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .apierrors import api_error


@dataclass(frozen=True)
class RateLimit:
    """At most `units` quota units in any `seconds` long window."""

    units: int
    seconds: float = 60.0


@dataclass
class Meter:
    """The units charged lately, against the enforced limit (none by default)."""

    limit: RateLimit | None = None
    _spent: deque[tuple[float, int]] = field(default_factory=deque)

    def charge(self, units: int, *, at: float) -> None:
        """Charge a request's units, or raise Gmail's 429 when they would pass the limit."""
        if self.limit is None:
            return
        while self._spent and self._spent[0][0] <= at - self.limit.seconds:
            self._spent.popleft()
        if sum(spent for _, spent in self._spent) + units > self.limit.units:
            raise api_error(429, reason="userRateLimitExceeded", message="User-rate limit exceeded")
        self._spent.append((at, units))
