"""Faults a test arms for the next calls of a method: an error, a delay or a dropped socket.

Each fault fires before the effect (nothing changed in the mailbox) or after it (the
draft or message exists, but the client sees the fault), which is the difference
between a request that never arrived and one whose outcome is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .apierrors import ApiError
from .routes import METHOD_NAMES

Action = Literal["fail", "delay", "drop"]


@dataclass(frozen=True)
class Fault:
    """One armed fault."""

    action: Action
    after_effect: bool
    error: ApiError | None = None
    seconds: float = 0.0


class FaultPlan:
    """Queue faults per method and hand out one per call (not thread-safe)."""

    def __init__(self) -> None:
        self._queues: dict[str, list[tuple[Fault, int]]] = {}

    def arm(self, method: str, fault: Fault, *, times: int) -> None:
        """Queue `fault` for the next `times` calls of `method`."""
        if method not in METHOD_NAMES:
            raise ValueError(f"unknown Gmail method {method!r}; one of {sorted(METHOD_NAMES)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        self._queues.setdefault(method, []).append((fault, times))

    def take(self, method: str) -> Fault | None:
        """Return the fault for this call of `method`, if one is armed."""
        queue = self._queues.get(method)
        if not queue:
            return None
        fault, times = queue[0]
        if times > 1:
            queue[0] = (fault, times - 1)
        else:
            queue.pop(0)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        self._queues.clear()
