"""Reading the files of a Maildir folder safely: regular files only, bounded, odd names survived.

Other software shares these folders, and anything can end up in them: a
FIFO (which would block a plain read for ever), a symlink to /dev/zero, a
multi-gigabyte message, a file name that is not UTF-8 or holds a newline.
So a folder is listed without following links, a file is opened
non-blocking and checked to be a regular file before it is read, headers
are read only up to the blank line that ends them (and at most
HEADER_LIMIT bytes), a whole message at most MESSAGE_LIMIT bytes, and a
file name becomes text that survives any database and any terminal.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from email.message import Message

HEADER_LIMIT = 256 * 1024  # bytes of header block read from one message
MESSAGE_LIMIT = 4 * 1024 * 1024  # bytes of one message read for its body
COLON = ":"  # separates a Maildir file's unique name from its flags ("unique:2,FS")
DRAFTS, SENT, INBOX = "Drafts", "Sent", "INBOX"  # the folders the maildir backend uses
RACY = 2.0  # seconds: a folder changed this recently may change again with the same stamp


@dataclass(frozen=True, slots=True)
class Listed:
    """A message file found in a folder's new/ or cur/."""

    unique: str  # the part of the name mail clients keep when they change flags
    where: str  # its path (text: a folder may hold tens of thousands)
    flags: str  # "S" (seen), "T" (trashed), ...

    @property
    def path(self) -> Path:
        return Path(self.where)

    @property
    def trashed(self) -> bool:
        return "T" in self.flags


class FolderFiles:
    """The message files of a Maildir folder (new/ then cur/), listed again cheaply.

    A folder may hold thousands of files and change after every message we write, so a
    subfolder is listed again only when its stamp moved (or moved too recently to tell), a
    listing looks only at the names it has not seen (the others are known already), and
    what is present is kept up to date name by name, never rebuilt.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self._names: dict[str, set[str]] = {"new": set(), "cur": set()}  # message files
        self._skipped: dict[str, set[str]] = {"new": set(), "cur": set()}  # not messages
        self._files: dict[str, int] = {}  # unique name -> its files (a rename may leave two)
        self._trashed: dict[str, int] = {}  # unique name -> its files flagged trashed
        self._stamps: dict[str, tuple[int, int, float] | None] = {"new": None, "cur": None}
        # files that appeared, kept until the caller has read them (a listing or a reading
        # that fails halfway loses none)
        self.appeared: list[Listed] = []

    def refresh(self) -> list[Listed]:
        """List the folder now; return the message files that appeared and were not yet
        taken off `appeared`.

        Dot files, links and special files are skipped (a stat for each new name only).
        """
        appeared = self.appeared
        for sub, known in self._names.items():
            skipped = self._skipped[sub]
            folder = self.base / sub
            stamp = _stamp(folder)  # before the listing: a change during it moves the stamp
            if stamp is not None and stamp == self._stamps[sub] and time.time() - stamp[2] >= RACY:
                continue
            names, fresh = _scan(folder, known, skipped)
            self._stamps[sub] = stamp
            for name in known - names:
                self._count(name, -1)
            known &= names
            skipped &= names
            for name in fresh:
                listed = _look(folder, name)
                if listed is None:
                    skipped.add(name)
                    continue
                known.add(name)
                self._count(name, +1)
                appeared.append(listed)
        return appeared

    def present(self) -> set[str]:
        """Return the unique names of the files found by the last listing."""
        return set(self._files)

    def trashed(self) -> set[str]:
        """Return the unique names of which a file is flagged trashed."""
        return set(self._trashed)

    def _count(self, name: str, step: int) -> None:
        unique, _, info = name.partition(COLON)
        unique = sys.intern(safe_name(unique))  # one copy, shared with the index's names
        counts = [self._files, self._trashed] if "T" in info.partition(",")[2] else [self._files]
        for count in counts:
            count[unique] = count.get(unique, 0) + step
            if not count[unique]:
                del count[unique]


def _stamp(folder: Path) -> tuple[int, int, float] | None:
    """Return what changes when a file enters, leaves or is renamed in a subfolder."""
    try:
        found = folder.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_mtime


def _scan(folder: Path, known: set[str], skipped: set[str]) -> tuple[set[str], set[str]]:
    """Return every name in a folder, and the names neither known nor skipped before."""
    try:
        names = set(os.listdir(folder))  # noqa: PTH208 (names only: no Path per file)
    except FileNotFoundError:
        names = set()
    return names, names - known - skipped


def _look(folder: Path, name: str) -> Listed | None:
    if name.startswith("."):
        return None  # dot files are clients' own
    path = f"{folder}{os.sep}{name}"
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # links and special files are not mail
    except OSError:
        return None  # gone meanwhile
    unique, _, info = name.partition(COLON)
    return Listed(safe_name(unique), path, info.partition(",")[2])


def safe_name(raw: str) -> str:
    """Return a file name as text any store can hold: undecodable bytes and controls escaped."""
    if raw.isascii() and raw.isprintable():
        return raw  # nearly every name
    data = os.fsencode(raw)
    text = data.decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def read_head(path: Path) -> bytes | None:
    """Return the header block of a regular message file, or None (gone, or not a file)."""
    with _open_regular(path) as stream:
        if stream is None:
            return None
        lines: list[bytes] = []
        size = 0
        while size < HEADER_LIMIT:
            line = stream.readline(HEADER_LIMIT - size)
            if not line or not line.strip(b"\r\n"):
                break
            lines.append(line)
            size += len(line)
        return b"".join(lines)


def read_message(path: Path) -> Message | None:
    """Return a message file parsed whole (at most MESSAGE_LIMIT bytes of it), or None."""
    with _open_regular(path) as stream:
        if stream is None:
            return None
        data = stream.read(MESSAGE_LIMIT)
    from email import policy
    from email.parser import BytesParser

    try:
        return BytesParser(policy=policy.default).parsebytes(data)
    except Exception:  # the email package raises many kinds on junk: junk is not mail
        return None


def parse_head(head: bytes) -> Message:
    """Parse a header block with the fast parser (compat32: values are left as written)."""
    from email import policy  # here: listing folders (an idle pass) parses nothing
    from email.parser import BytesHeaderParser

    return BytesHeaderParser(policy=policy.compat32).parsebytes(head)


def modified(path: Path) -> float:
    """Return a file's modification time (0 when it vanished meanwhile)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@contextmanager
def _open_regular(path: Path) -> Iterator[BinaryIO | None]:
    """Open a file for reading only if it is a regular file; give None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        yield None  # moved by a mail client meanwhile, or a link
        return
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        yield None  # a FIFO or a device: reading it could block, or never end
        return
    with os.fdopen(fd, "rb") as stream:
        yield stream


def folder_stamp(base: Path) -> tuple[float, ...]:
    """Return what changes when a file enters, leaves or is renamed in new/ or cur/."""
    try:
        new, cur = (base / "new").stat(), (base / "cur").stat()
    except OSError:
        return (0.0,)
    return (
        new.st_ino,
        new.st_mtime_ns,
        cur.st_ino,
        cur.st_mtime_ns,
        max(new.st_mtime, cur.st_mtime),
    )


def folders_stamp(root: Path) -> str | None:
    """Return what changes when mail enters, leaves or moves in the backend's folders, or
    None when a folder changed too recently for its stamp to tell the next change apart."""
    stamps = [folder_stamp(root / name) for name in (DRAFTS, SENT, INBOX)]
    if any(time.time() - stamp[-1] < RACY for stamp in stamps):
        return None
    return repr(stamps)
