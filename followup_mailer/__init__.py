"""followup-mailer: post-interview thank-you notes and follow-ups, sent exactly once."""

from __future__ import annotations

__version__ = "0.1.0"
