"""Talking to the service manager and its journal: sd_notify datagrams, safe log lines.

The notify protocol needs no library: newline-separated `KEY=VALUE` lines
sent as one datagram to the unix socket named by $NOTIFY_SOCKET (a leading
`@` names the abstract namespace). Without the variable every call is a no-op,
so the daemon talks the same way in a terminal and under systemd.

Log lines never show a secret: the token stores remember every secret value
they hand out, and SecretFilter blanks those values (and anything shaped like
a Google token or a secret form field) out of every record, whoever wrote it.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

log = logging.getLogger(__name__)

# syslog priorities, as journald reads them from a `<N>` line prefix
_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


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


class JournalFormatter(logging.Formatter):
    """Format `<N>logger: message` per line: journald adds the time and reads the priority."""

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{_priority(record.levelno)}>"
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return "\n".join(prefix + line for line in text.splitlines())


def _priority(level: int) -> int:
    """Return the syslog priority of a logging level (custom levels round down)."""
    known = [lvl for lvl in sorted(_PRIORITY) if lvl <= level]
    return _PRIORITY[known[-1]] if known else 7


def log_formatter(environ: Mapping[str, str]) -> logging.Formatter:
    """Return the journald format when stderr goes to the journal, else timestamped lines."""
    if environ.get("JOURNAL_STREAM"):
        return JournalFormatter()
    return logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )


# Redaction -------------------------------------------------------------------------------------

_SECRET_KEYS = ("token", "access_token", "refresh_token", "client_secret", "id_token")
_SHAPES = (
    re.compile(r"ya29\.[\w.\-]+"),  # Google access tokens
    re.compile(r"1//[\w.\-]+"),  # Google refresh tokens
    re.compile(r"(?i)(bearer\s+)[\w.\-~+/]+=*"),
    re.compile(rf"""(\b(?:{"|".join(_SECRET_KEYS)})["']?\s*[:=]\s*["']?)[^"'&,\s}}]+"""),
)
_known: set[str] = set()
_known_lock = threading.Lock()


def remember_secrets(token: Mapping[str, Any]) -> None:
    """Add a token's secret values to the set no log line may show."""
    values = {str(token.get(key) or "") for key in _SECRET_KEYS}
    with _known_lock:
        _known.update(value for value in values if len(value) >= 6)


def redact(text: str) -> str:
    """Blank out remembered secrets and anything shaped like a token or secret field."""
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        text = text.replace(value, "[redacted]")
    for shape in _SHAPES:
        text = shape.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class SecretFilter(logging.Filter):
    """A handler filter that redacts every record, including its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call still gets logged, redacted
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
