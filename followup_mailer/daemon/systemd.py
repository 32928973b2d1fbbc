"""Talking to the service manager: sd_notify datagrams (READY, STATUS, WATCHDOG, STOPPING).

The notify protocol needs no library: newline-separated `KEY=VALUE` lines
sent as one datagram to the unix socket named by $NOTIFY_SOCKET (a leading
`@` names the abstract namespace). Without the variable every call is a no-op,
so the daemon talks the same way in a terminal and under systemd.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from datetime import timedelta

log = logging.getLogger(__name__)


class Notifier:
    """Sends state changes to systemd (or nowhere, outside a Type=notify service)."""

    def __init__(self, address: str | None) -> None:
        self.address = _socket_address(address) if address else None
        self._failed = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Notifier:
        """Return a notifier for $NOTIFY_SOCKET, or a silent one when it is unset."""
        return cls(environ.get("NOTIFY_SOCKET") or None)

    def send(self, *lines: str) -> None:
        """Send lines such as "READY=1" in one datagram; a broken socket is never fatal."""
        if self.address is None:
            return
        data = "\n".join(line.replace("\n", " ") for line in lines).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(data, self.address)
        except OSError as error:
            if not self._failed:  # say it once: the manager may simply be gone
                log.warning("cannot notify the service manager: %s", error)
            self._failed = True

    def ready(self, status: str) -> None:
        """Say start-up is done."""
        self.send("READY=1", f"STATUS={status}")

    def status(self, status: str) -> None:
        """Show a one-line status in `systemctl --user status`."""
        self.send(f"STATUS={status}")

    def watchdog(self) -> None:
        """Prove to the watchdog that the daemon's worker is alive."""
        self.send("WATCHDOG=1")

    def stopping(self) -> None:
        """Say shutdown has begun."""
        self.send("STOPPING=1", "STATUS=stopping")


def _socket_address(address: str) -> str:
    """Turn systemd's "@name" form into the abstract-namespace address Python expects."""
    return "\0" + address[1:] if address.startswith("@") else address


def watchdog_interval(environ: Mapping[str, str], pid: int) -> timedelta | None:
    """Return how often to ping the watchdog (half its timeout), or None when it is off."""
    usec = environ.get("WATCHDOG_USEC", "")
    owner = environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (owner and owner != str(pid)):
        return None
    return timedelta(microseconds=int(usec) / 2)
