"""Desktop notifications (freedesktop on Linux, Notification Center on macOS), when one can show.

Built on desktop-notifier. A machine with no desktop session (a server, a
container, CI) has no notification service: `show` then returns False at
once, and the caller says the same thing in the log instead.
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "followup-mailer"
TIMEOUT = 5.0  # seconds a notification may take to be handed over

log = logging.getLogger(__name__)


def show(
    title: str, body: str, *, environ: Mapping[str, str] = os.environ, timeout: float = TIMEOUT
) -> bool:
    """Show a desktop notification; return False when no desktop session could show it."""
    if not has_session(environ):
        return False
    import asyncio  # here: loading it costs a pass without a desktop 40 ms

    try:
        return asyncio.run(asyncio.wait_for(_send(title, body), timeout))
    except Exception as error:  # a notification is a courtesy: never let it break a pass
        log.debug("no desktop notification: %s", error)
        return False


def has_session(environ: Mapping[str, str]) -> bool:
    """Tell whether a desktop notification service may be reachable from here."""
    system = platform.system()
    if system == "Darwin":
        return True
    if system != "Linux":
        return False
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return bool(environ.get("DBUS_SESSION_BUS_ADDRESS")) or (
        bool(runtime) and (Path(runtime) / "bus").exists()
    )


async def _send(title: str, body: str) -> bool:
    from desktop_notifier import DesktopNotifier

    logging.getLogger("desktop_notifier").setLevel(logging.ERROR)  # we say it ourselves
    shown: list[bool] = []
    notifier = DesktopNotifier(app_name=APP_NAME)
    await notifier.send(title, body, on_dispatched=lambda: shown.append(True))
    return bool(shown)
