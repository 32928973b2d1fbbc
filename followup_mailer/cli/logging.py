"""Log lines on stderr: journald's form under systemd, timestamps in a terminal, no secrets."""

from __future__ import annotations

import logging
import os
import sys

from followup_mailer.logs import SecretFilter, log_formatter


def setup_logging(verbose: int, quiet: int, *, base: int = logging.WARNING) -> None:
    """Log to stderr, one line per event, in a form journald reads well, secrets blanked out.

    -v and -vv show our own detail; other libraries speak below WARNING only
    from -vvv on (their debug output is noise, and some of it names tokens).
    """
    level = max(base - 10 * verbose + 10 * quiet, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter(os.environ))
    handler.addFilter(SecretFilter())
    libraries = level if verbose >= 3 else max(level, logging.WARNING)
    logging.basicConfig(level=libraries, handlers=[handler], force=True)
    logging.getLogger("followup_mailer").setLevel(level)
