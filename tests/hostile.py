"""Running the real commands on hostile input, in process, with a time bound and a clean exit.

Every command of the fuzz tests runs through click's CliRunner on `followup_mailer.cli.main`
(fast: no interpreter start), under a watchdog: an interval timer raises `Hang` in the main
thread when a command runs past its bound, and faulthandler ends the whole test run (with every
thread's stack) should a C-level call never give control back (a read of /dev/zero). A command
ends well when it exits 0, 1 or 2, prints no traceback, and an exit 1 says `error:` once.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from click.testing import CliRunner, Result

from followup_mailer.cli import output
from followup_mailer.cli.main import main

BOUND = 10.0  # seconds any one command may take on any input (they take well under one)
PLAIN_ENV = {
    "COLUMNS": "400",  # wide enough that no table cell wraps a value the tests look for
    "DBUS_SESSION_BUS_ADDRESS": "",  # no desktop notification, no Secret Service
    "XDG_RUNTIME_DIR": "",
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    "FOLLOWUP_MAILER_LOCK_WAIT": "0",
}


class Hang(BaseException):
    """A command ran past its time bound (a BaseException, so CliRunner does not swallow it)."""


@contextmanager
def time_bound(seconds: float, what: str) -> Iterator[None]:
    """Fail with Hang when the block runs longer than `seconds` (main thread only)."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"{what} ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds * 3, exit=True)  # a read that never returns
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def fresh_consoles() -> None:
    """Forget rich's consoles, so the next command makes them with this test's environment."""
    output.stdout.cache_clear()
    output.stderr.cache_clear()


def invoke(
    args: Sequence[str], *, seconds: float = BOUND, input: str | bytes | None = None
) -> Result:
    """Run `followup-mailer ARGS` in process under a time bound; never raise its exceptions."""
    fresh_consoles()
    with time_bound(seconds, "followup-mailer " + " ".join(a[:40] for a in args)):
        result = CliRunner().invoke(main, list(args), input=input, env=PLAIN_ENV)
    fresh_consoles()  # the next test may run with another terminal width
    return result


def ended_well(result: Result, args: Sequence[str]) -> None:
    """Assert the command ended as a user may see it end: 0/1/2, one clear error, no traceback."""
    shown = f"followup-mailer {' '.join(a[:60] for a in args)}\n{result.output[-3000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        info = result.exc_info
        trace = "".join(traceback.format_exception(*info)) if info else ""
        raise AssertionError(f"traceback instead of a message:\n{shown}\n{trace[-4000:]}")
    assert result.exit_code in (0, 1, 2), f"exit {result.exit_code}\n{shown}"
    assert "Traceback" not in result.output, shown
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, f"not one error message:\n{shown}"


def run_clean(args: Sequence[str], *, input: str | bytes | None = None) -> Result:
    """Invoke a command and assert it ended well; return its result."""
    result = invoke(args, input=input)
    ended_well(result, args)
    return result


# --- special files ------------------------------------------------------------------------------

SPECIAL_NAMES = ("/dev/zero", "/dev/null", "fifo", "folder", "link loop", "/")


def special_path(root: Path, name: str) -> Path:
    """Make (in `root`) and return a path of one of the kinds SPECIAL_NAMES lists."""
    if name.startswith("/"):
        return Path(name)
    path = root / f"special-{name.replace(' ', '-')}"
    if name == "fifo" and not path.exists():
        os.mkfifo(path)
    elif name == "folder":
        path.mkdir(exist_ok=True)
    elif name == "link loop" and not path.is_symlink():
        path.symlink_to(path)
    return path


def can_mount() -> bool:
    """Tell whether this test run may mount file systems (root on Linux)."""
    return sys.platform.startswith("linux") and os.geteuid() == 0
