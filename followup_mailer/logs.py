"""Log lines for people and for journald, with every secret blanked out.

The daemon's log also leaves out APScheduler's once-a-second "skipped" while a
long pass runs: the daemon says that once itself.

Log lines never show a secret: the token stores remember every secret value
they hand out, and SecretFilter blanks those values (and anything shaped like
a Google token or a secret form field) out of every record, whoever wrote it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

# syslog priorities, as journald reads them from a `<N>` line prefix
_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


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


class _NotWhenBusy(logging.Filter):
    """Drops APScheduler's "skipped: maximum number of running instances" (once a second)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in record.getMessage()


def quiet_when_busy() -> None:
    """Keep a long pass from filling the log: the daemon says so once itself."""
    logging.getLogger("apscheduler.scheduler").addFilter(_NotWhenBusy())
