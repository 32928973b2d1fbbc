"""The validated schedule kept beside the ledger, so an unchanged file is not parsed again.

Parsing and validating a schedule of thousands of interviews takes seconds
(tomllib is pure Python); the daemon's passes and every `run --once` would
pay it although the file rarely changes. The cache holds the validated
interviews under a digest of the file's exact text, the default timezone
and this program's version; any difference, or a cache that cannot be read,
means the file is parsed again. It lives in the private state folder and is
written only when the schedule changed.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from followup_mailer import __version__
from followup_mailer.files import write_atomic
from followup_mailer.model import Interview

CACHE_NAME = "schedule.cache"
FORMAT = 1


def digest(text: str, zone: str) -> str:
    """Return what identifies a schedule's parse: its text, the zone, the program."""
    return hashlib.sha256(f"{FORMAT}\0{__version__}\0{zone}\0{text}".encode()).hexdigest()


def load(cache: Path, key: str) -> tuple[Interview, ...] | None:
    """Return the interviews cached under `key`, or None."""
    try:
        found_key, interviews = pickle.loads(cache.read_bytes())  # our own file, 0600
    except Exception:  # absent, damaged, or from another version: parse the file instead
        return None
    if found_key != key or not isinstance(interviews, tuple):
        return None
    return interviews


def save(cache: Path, key: str, interviews: tuple[Interview, ...]) -> None:
    """Keep the interviews under `key` (a cache: failing to write it is never an error)."""
    try:
        write_atomic(cache, pickle.dumps((key, interviews), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return
