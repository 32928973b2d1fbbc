"""A header written as it stands is written exactly as the standard folder writes it.

writing.py skips the folder for a short, printable ASCII header without encoded words; every
kind of header a message of ours carries is drawn here with values of every shape (specials,
quotes, comments, runs of spaces, "=?" look-alikes, lengths either side of the line limit),
and both policies must give the same bytes. Address headers, which the folder rebuilds, and
the key header keep their own rule (test_compose_safety).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from followup_mailer.compose.writing import MESSAGE_POLICY, _nothing_to_fold
from tests.conftest import examples

NAMES = [
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "X-Mailer",
]
PIECES = ["=?", "?=", "=?utf-8?q?caf=C3=A9?=", "(comment)", '"quoted"', "<id@host>", "; a=b"]
values = st.lists(
    st.one_of(st.text(string.printable, max_size=12), st.sampled_from(PIECES)), max_size=8
).map("".join)


def written(fold: Callable[[str, Any], bytes], name: str, header: Any) -> bytes | str:
    """Return what a fold writes, or the kind of error it raises (the standard folder
    refuses some headers, e.g. a Message-ID holding an encoded word: so must ours)."""
    try:
        return bytes(fold(name, header))
    except Exception as error:
        return type(error).__name__


def standard(name: str, header: Any) -> bytes | str:
    """Write the header as policy.default would, with the same line ending."""
    return written(super(type(MESSAGE_POLICY), MESSAGE_POLICY).fold_binary, name, header)


@settings(max_examples=examples(600))
@given(name=st.sampled_from(NAMES), value=values)
def test_a_short_ascii_header_is_written_as_the_folder_writes_it(name: str, value: str) -> None:
    try:
        header = MESSAGE_POLICY.header_factory(name, value)
    except Exception:  # the standard parser fails on some junk ("<" as a Message-ID)
        reject()
    assert written(MESSAGE_POLICY.fold_binary, name, header) == standard(name, header)


@settings(max_examples=examples(100))
@given(moment=st.datetimes(timezones=st.just(UTC)))
def test_a_date_is_written_as_the_folder_writes_it(moment: datetime) -> None:
    header = MESSAGE_POLICY.header_factory("Date", moment)
    assert written(MESSAGE_POLICY.fold_binary, "Date", header) == standard("Date", header)


def test_the_shortcut_is_taken_for_what_a_message_of_ours_carries() -> None:
    for name, value in [
        ("Subject", "Thank you – Backend Engineer"),  # not ASCII: folded
        ("Subject", "Thank you - Backend Engineer interview at Acme"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Message-ID", "<173.1.2@example.com>"),
    ]:
        header = MESSAGE_POLICY.header_factory(name, value)
        assert _nothing_to_fold(name, header, 78) == value.isascii(), value
    assert not _nothing_to_fold("Subject", MESSAGE_POLICY.header_factory("Subject", "x" * 80), 78)
