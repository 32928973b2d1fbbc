"""How our messages are written: the policy that folds their headers, and their header classes.

Folding is policy.default's, except where it would change what a header says, and except
where there is nothing to fold: a short ASCII header is written as it stands, which is what
the standard folder writes for it, at a fraction of the cost (a message is written twice:
once to read it back, once into the mailbox).
"""

from __future__ import annotations

import functools
from email.headerregistry import Address, AddressHeader, BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from typing import cast

from followup_mailer.model import KEY_HEADER


class _OneLinePolicy(EmailPolicy):
    """Fold like policy.default, except where folding would change what a header says.

    The key header is never encoded, so it matches exactly. An ASCII address header is
    left on one line (RFC 5322 allows 998 octets): Python 3.11's folder drops the quotes of
    a long display name, so "Smith, Dana [Platform]" <dana@acme.com> would read back as
    other addresses.
    """

    def fold(self, name: str, value: str) -> str:
        if _on_one_line(name, value) or _nothing_to_fold(name, value, self.max_line_length):
            return f"{name}: {value}{self.linesep}"
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        if _on_one_line(name, value) or _nothing_to_fold(name, value, self.max_line_length):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


def _on_one_line(name: str, value: str) -> bool:
    if name.lower() == KEY_HEADER.lower():
        return True
    return name.lower() in ("from", "to") and str(value).isascii()


def _nothing_to_fold(name: str, value: str, limit: int | None) -> bool:
    """Tell whether the standard folder would write the header as it stands: a parsed header
    (not an address list, whose text is rebuilt) of printable ASCII without encoded words,
    that fits on one line."""
    text = str(value)
    return (
        isinstance(value, BaseHeader)
        and not isinstance(value, AddressHeader)
        and text.isascii()
        and text != ""
        and text.isprintable()
        and "=?" not in text
        and len(name) + 2 + len(text) <= (limit or 78)
    )


_MIME = frozenset({"content-type", "content-transfer-encoding", "mime-version"})


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each made once: the stdlib registry makes a new class for
    every header it builds (a tenth of building a message). The MIME headers, the same few
    values in every message, are built once too (a header is an immutable string)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}
        self._mime: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: object) -> BaseHeader:
        if not (isinstance(value, str) and name.lower() in _MIME):
            return super().__call__(name, value)
        if (name, value) not in self._mime:
            if len(self._mime) >= 64:
                self._mime.clear()
            self._mime[name, value] = super().__call__(name, value)
        return self._mime[name, value]

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made


MESSAGE_POLICY = _OneLinePolicy(header_factory=_HeaderClasses())


@functools.lru_cache(maxsize=256)  # the sender's is the same in every message
def address_header(name: str, display_name: str, addr_spec: str) -> BaseHeader:
    """Build an address header once (its parse is the dearest part of building a message)."""
    header = MESSAGE_POLICY.header_factory(name, Address(display_name, addr_spec=addr_spec))
    return cast(BaseHeader, header)
