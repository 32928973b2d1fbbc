"""Reading the user's files safely: only regular files, never more than a bound.

A path the user typed may name a device (`/dev/zero` never ends), a FIFO (a read blocks until
someone writes), a folder or a huge file. Each is refused with a sentence saying what the path
is and what to write instead, before anything is read. Files are opened without blocking, and
checked again once open, so a file swapped for a FIFO in between is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO

MAX_FILE_BYTES = 16 * 1024 * 1024  # a schedule of thousands of interviews is far below this

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


class NotReadable(Exception):
    """A path that cannot be read as a file: `reason` says why, in words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def kind_of(mode: int) -> str:
    """Name the kind of file a stat mode describes ("a folder", "a FIFO", ...)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def special_kind(path: Path) -> str:
    """Name what `path` is when it is there but not a regular file (links followed), else ""."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return "a loop of symbolic links" if error.errno == errno.ELOOP else ""
    except ValueError:
        return ""  # a NUL in the path: the reader says so when it opens it
    return "" if stat.S_ISREG(mode) else kind_of(mode)


def read_regular(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of a regular file of at most `limit` bytes; raise NotReadable else.

    FileNotFoundError passes through, so callers can say how to create the file.
    """
    kind = special_kind(path)
    if kind:
        raise NotReadable(path, f"is {kind}, not a file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise NotReadable(path, _why(error)) from None
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotReadable(path, f"is {kind_of(mode)}, not a file")
        return read_bounded(file, path=path, limit=limit)


def read_bounded(file: IO[bytes], *, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read at most `limit` bytes from an open file; raise NotReadable when there is more."""
    try:
        data = file.read(limit + 1)
    except OSError as error:
        raise NotReadable(path, _why(error)) from None
    if len(data) > limit:
        raise NotReadable(path, f"is larger than {limit // (1024 * 1024)} MB")
    return data


def _why(error: OSError | ValueError) -> str:
    if isinstance(error, ValueError):
        return f"is not a usable path ({error})"
    return f"cannot be read: {error.strerror or error}"
