"""What the daemon watches besides the mailbox: files that change, and a clock that jumps."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

JUMP_TOLERANCE = 5.0  # seconds the wall clock may drift from the monotonic one between beats


@dataclass(frozen=True, slots=True)
class FileStamp:
    """Enough of a file's stat to notice any change, including a rename over it."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


class ClockJump:
    """Notices the wall clock moving unlike the monotonic one: a suspend, or the clock set."""

    def __init__(
        self,
        *,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        tolerance: float = JUMP_TOLERANCE,
    ) -> None:
        self.wall, self.monotonic, self.tolerance = wall, monotonic, tolerance
        self.last = (wall(), monotonic())

    def check(self) -> float:
        """Return the seconds the wall clock gained on the monotonic one since the last check.

        Returns 0.0 while the two agree within the tolerance; a negative number
        means the clock was set back.
        """
        now = (self.wall(), self.monotonic())
        gained = (now[0] - self.last[0]) - (now[1] - self.last[1])
        self.last = now
        return gained if abs(gained) > self.tolerance else 0.0
