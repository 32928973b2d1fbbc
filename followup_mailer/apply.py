"""Side effects, each announced in the ledger first: intent, mailbox call, outcome.

A step is created at most once: its intent row is committed before the
mailbox call, and an intent that never got its outcome (a crash, a timeout)
is settled by looking in the mailbox for the step's key, never by calling
again blindly. Only a process holding the state folder's pass lock (see
lock.py) creates or settles, so an intent found unsettled is an orphan.

`create` takes what prepare.py rendered, records the intent, makes the call
and records the outcome; `settle` looks for an orphaned intent.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage

from followup_mailer.errors import AuthError
from followup_mailer.faults import faultpoint
from followup_mailer.mailbox.protocol import (
    Mailbox,
    MailboxError,
    OutcomeUnknown,
    Rejected,
    Unconfigured,
)
from followup_mailer.model import (
    KEY_HEADER,
    REMINDER,
    Phase,
    Placed,
    Record,
    State,
)
from followup_mailer.prepare import Prepared, Result
from followup_mailer.store import Store

log = logging.getLogger(__name__)


def create(prepared: Prepared, *, store: Store, mailbox: Mailbox, now: datetime) -> Result:
    """Create one step's message exactly once; return what happened."""
    if prepared.failure is not None:
        return prepared.failure
    assert prepared.composed is not None
    step, action, composed = prepared.step, prepared.action, prepared.composed
    try:
        cursor = mailbox.cursor()
    except MailboxError as error:
        return Result(
            summary=f"not created yet: {error}", state=State.PLANNED, reason=f"will retry: {error}"
        )
    warnings = tuple(f"{f.rule}: {f.explanation} ({f.text})" for f in composed.findings)
    intent = Record(
        key=step.key, interview=step.interview, step=step.step, recipient=step.to, due=step.due,
        intent_at=now, cursor=cursor, mode=action.mode, subject=str(composed.message["Subject"]),
        reason=action.reason, warnings=warnings,
    )  # fmt: skip
    if not store.record_intent(intent):
        return Result(summary="already created")
    faultpoint("after_intent")
    return _call(mailbox, store, intent, composed.message, action.thread_id, now)


def _call(
    mailbox: Mailbox,
    store: Store,
    intent: Record,
    message: EmailMessage,
    thread_id: str,
    now: datetime,
) -> Result:
    """Make the mailbox call an intent announced, and record its outcome."""
    key, send = intent.key, intent.mode in ("send", "note")
    try:
        placed = _make(mailbox, intent.mode, message, thread_id)
    except OutcomeUnknown as error:
        store.record_phase(key, Phase.IN_DOUBT, f"outcome unknown, will look again: {error}")
        return Result(summary="in doubt")
    except Rejected as error:
        store.record_phase(key, Phase.FAILED, f"refused by the mailbox: {error}")
        return Result(summary=f"failed: {error}")
    except Unconfigured as error:
        # certainly not created, and not worth a try until the settings are fixed
        store.record_phase(key, None, "")
        return Result(
            summary=f"failed: {error}",
            state=State.FAILED,
            reason=f"{error} (tried again once fixed)",
        )
    except MailboxError as error:
        # certainly not created: forget the intent so the next pass tries again
        store.record_phase(key, None, "")
        return Result(
            summary=f"not created yet: {error}", state=State.PLANNED, reason=f"will retry: {error}"
        )
    except AuthError:
        # refused before anything was created: forget the intent, then pause for sign-in
        store.record_phase(key, None, "")
        raise
    except Exception as error:  # unknown: it may have taken effect, so never try blindly again
        log.exception("%s: the mailbox call failed unexpectedly", key)
        store.record_phase(key, Phase.IN_DOUBT, f"outcome unknown, will look again: {error!r}")
        return Result(summary="in doubt")
    faultpoint("after_mailbox_call")
    if send:
        store.record_placed(
            key, Phase.SENT, replace(placed, sent_at=placed.sent_at or now), intent.reason
        )
        return Result(summary="sent")
    store.record_placed(key, Phase.DRAFTED, placed, intent.reason)
    return Result(summary="drafted")


def note_to_self(
    message: EmailMessage, *, store: Store, mailbox: Mailbox, own: str, now: datetime
) -> Result:
    """Deliver a reminder to the user's own mailbox once, announced in the ledger like a step."""
    key = str(message[KEY_HEADER])
    intent = Record(
        key=key,
        interview="",
        step=REMINDER,
        recipient=own.lower(),
        intent_at=now,
        mode="note",
        subject=str(message["Subject"]),
    )
    if not store.record_intent(intent):
        return Result(summary="already created")
    return _call(mailbox, store, intent, message, "", now)


def _make(mailbox: Mailbox, mode: str, message: EmailMessage, thread_id: str) -> Placed:
    """Make the one mailbox call a mode calls for."""
    if mode == "note":
        return mailbox.note_to_self(message)
    if mode == "send":
        return mailbox.send(message, thread_id=thread_id)
    return mailbox.create_draft(message, thread_id=thread_id)


def settle(store: Store, record: Record, mailbox: Mailbox) -> str:
    """Settle one orphaned intent by looking for its key, and record what the look found."""
    try:
        placed = mailbox.find(record.key, since=record.cursor)
    except OutcomeUnknown as error:
        store.record_phase(record.key, Phase.IN_DOUBT, f"still in doubt: {error}")
        return "in doubt"
    if placed is None:
        # looked, and it is not there: safe to create it again
        store.record_phase(record.key, None, "")
        return "not created: will create"
    phase = Phase.SENT if placed.sent_at else Phase.DRAFTED
    store.record_placed(record.key, phase, placed, "")
    return "found " + ("sent" if placed.sent_at else "draft")
