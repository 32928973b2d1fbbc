"""Hand a message to a sendmail-compatible command, telling refused from unknown outcomes.

A non-zero exit means sendmail refused the message (for good, for the
EX_DATAERR/EX_NOUSER/EX_NOHOST codes); a timeout or a signal means it may
have gone out, so the caller must look before trying again.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Rejected, Unconfigured

_REFUSED_FOR_GOOD = {65: "EX_DATAERR", 67: "EX_NOUSER", 68: "EX_NOHOST"}


def hand_over(command: Sequence[str], data: bytes, pending: Path, *, timeout: float) -> None:
    """Run sendmail on data; remove `pending` only when the message certainly did not leave."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so that a timeout can stop it and its children
        )
    except OSError as error:
        # nothing was sent: once the setting is fixed, the next pass sends it
        pending.unlink(missing_ok=True)
        raise Unconfigured(
            f"cannot run {command[0]!r} ({error.strerror or error}): fix [delivery] sendmail"
        ) from error
    try:
        _, stderr = process.communicate(data, timeout=timeout)
    except (subprocess.TimeoutExpired, OSError) as error:
        _stop(process)
        raise OutcomeUnknown(f"sendmail did not finish ({error}); it may have sent") from error
    if process.returncode < 0:
        raise OutcomeUnknown(f"sendmail was killed by signal {-process.returncode}")
    if process.returncode:
        pending.unlink(missing_ok=True)
        _refuse(process.returncode, stderr.decode(errors="replace").strip())


def _refuse(code: int, detail: str) -> None:
    """Raise the error for a sendmail exit code: Rejected for good, else MailboxError."""
    why = f"sendmail refused the message (exit {code}): {detail[:300] or 'no details'}"
    if code in _REFUSED_FOR_GOOD:
        raise Rejected(f"{why} [{_REFUSED_FOR_GOOD[code]}]")
    raise MailboxError(why)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a sendmail command that ran too long, with its children, and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()
