"""Named crash points for the crash tests: the process kills itself where a test asks.

Set FOLLOWUP_MAILER_FAULTPOINT=name and the process sends itself SIGKILL
when it reaches faultpoint(name); unset, every call is a no-op.
"""

from __future__ import annotations

import os
import signal

FAULTPOINT_ENV = "FOLLOWUP_MAILER_FAULTPOINT"


def faultpoint(name: str) -> None:
    """Kill the process here when a crash test asks for it (FOLLOWUP_MAILER_FAULTPOINT=name)."""
    if os.environ.get(FAULTPOINT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
