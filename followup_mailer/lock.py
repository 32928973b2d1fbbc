"""Locks on the state folder: one daemon per folder, and one writer of the ledger at a time.

`pass.lock` is held by whatever creates or settles messages (a pass of the
daemon, `run --once`) and by the commands that record a decision (`outcome`,
`hold`, `resume`). Holding it proves that no other process is between an
intent and its outcome, so an intent found unsettled belongs to a process
that is gone and may be settled by looking in the mailbox. `daemon.lock` is
held for the daemon's whole life, so a second daemon exits at once.

Both are `flock` locks: the kernel releases them when their process dies,
however it dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from followup_mailer.errors import FollowupError, UserError
from followup_mailer.files import private_folder

PASS_LOCK = "pass.lock"
DAEMON_LOCK = "daemon.lock"
WAIT_STEP = 0.1  # seconds between tries while waiting for a lock


class AlreadyRunning(FollowupError):
    """Another process holds a lock of this state folder (exit code 3)."""

    exit_code = 3


@contextmanager
def holding(
    state_dir: Path,
    name: str = PASS_LOCK,
    *,
    wait: float = 0.0,
    what: str = "a pass",
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold a lock of the state folder, waiting up to `wait` seconds; else AlreadyRunning.

    `waiting` is told (once) who holds the lock when the wait begins.
    """
    handle = acquire(state_dir, name, wait=wait, what=what, waiting=waiting)
    try:
        yield
    finally:
        handle.close()  # closing the file releases the lock


def acquire(
    state_dir: Path,
    name: str,
    *,
    wait: float = 0.0,
    what: str = "a pass",
    waiting: Callable[[str], None] | None = None,
) -> IO[str]:
    """Take a lock of the state folder and write our pid in it; the caller closes it."""
    path = private_folder(state_dir) / name
    try:
        # owner-only like everything in the state folder (it names a process)
        handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+")
    except OSError as error:
        raise UserError(
            f"cannot open the lock file {path} ({error.strerror or error}): the state folder "
            "must be a folder you can write to, on a disk with free space"
        ) from None
    deadline = time.monotonic() + wait
    told = False
    while not _try_lock(handle):
        holder = _holder(handle)
        if time.monotonic() >= deadline:
            handle.close()
            raise AlreadyRunning(
                f"{what} of followup-mailer is already running for {state_dir} (pid {holder}); "
                "wait for it to finish, or stop it, and try again"
            )
        if waiting is not None and not told:
            waiting(f"waiting for followup-mailer (pid {holder}) to finish its pass ...")
            told = True
        time.sleep(WAIT_STEP)
    if _holder(handle) == str(os.getpid()):
        return handle  # the daemon's next pass: nothing to write
    try:  # unbuffered, so that a failed write leaves nothing for close() to fail on
        os.ftruncate(handle.fileno(), 0)
        os.write(handle.fileno(), f"{os.getpid()}\n".encode())
    except OSError:
        pass  # our pid is only for others' messages; a full disk is reported by the ledger
    return handle


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    return handle.read().strip() or "unknown"
