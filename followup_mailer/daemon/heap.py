"""The C heap of a long-running process: what glibc keeps unless asked to give it back.

A pass at 10,000 interviews builds a hundred MiB and frees it; Python returns
its own arenas when they empty, but glibc keeps the pages of the large blocks
(dicts, sets, SQLite's) for reuse, and gives each thread that allocates its own
arena, which `malloc_trim` trims less well. The daemon runs its passes on one
worker thread, so one arena costs it nothing. Elsewhere than glibc both calls
do nothing.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable
from functools import cache

M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)


def one_arena() -> None:
    """Make every thread allocate from the main arena (call before any thread starts)."""
    if (mallopt := _glibc("mallopt")) is not None:
        mallopt(M_ARENA_MAX, 1)


def give_back() -> None:
    """Free what is unreachable, and return the C heap's free pages to the system."""
    gc.collect()
    if (malloc_trim := _glibc("malloc_trim")) is not None:
        malloc_trim(0)


@cache
def _glibc(name: str) -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(None), name, None)  # musl: none
    return function
