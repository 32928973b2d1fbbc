"""The maildir folders as the index knows them: each file read once, a folder listed cheaply.

A folder is listed again only when its new/ or cur/ changed since the last listing (and not
in the same moment as it: a coarse clock must not hide a change). A listing looks only at
names it has not seen, and the index is asked which files it holds once per folder, so a
pass that writes a thousand drafts does not read the folder a thousand times over. A file
listed is read before it counts as known: one a stop interrupted is read at the next look.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from followup_mailer.mailbox.maildir_entries import read_entry
from followup_mailer.mailbox.maildir_files import RACY, FolderFiles, folder_stamp
from followup_mailer.mailbox.maildir_index import Entry, Index
from followup_mailer.mailbox.protocol import MailboxError, Pace

BEAT_EVERY = 100  # files read between two beats of the pace


class Folders:
    """Keep the index in step with the folders; `path_of` gives (and makes) a folder's path."""

    def __init__(self, index: Index, path_of: Callable[[str], Path], pace: Pace) -> None:
        self._index, self._path_of, self._pace = index, path_of, pace
        self.own: frozenset[str] = frozenset()  # our addresses, for reading new files
        self._files: dict[str, FolderFiles] = {}
        self._known: dict[str, set[str]] = {}  # the names the index holds, by folder
        self._listings: dict[str, tuple[tuple[float, ...], set[str], set[str]]] = {}

    def present(self, folder: str, *, trashed: bool = True) -> set[str]:
        """Return the unique names of a folder's files, reading the files not read before."""
        base = self._path_of(folder)
        stamp = folder_stamp(base)
        cached = self._listings.get(folder)
        if cached is None or cached[0] != stamp or time.time() - stamp[-1] < RACY:
            cached = (stamp, *self._refresh(folder, base))
            self._listings[folder] = cached
        _, present, marked = cached
        return present if trashed else present - marked

    def forget(self) -> None:
        """Forget every listing, as if just opened: the next look lists each folder whole
        and asks the index which files it read (none of those is read again)."""
        self._files, self._known, self._listings = {}, {}, {}

    def remember(self, folder: str, entries: Iterable[Entry]) -> dict[str, Entry]:
        """Index entries of a folder (new files read, or a message we just stored)."""
        added = self._index.add(entries)
        self._names(folder).update(added)
        return added

    def _refresh(self, folder: str, base: Path) -> tuple[set[str], set[str]]:
        """List a folder, read its new files once, forget its gone ones; return names, trashed."""
        files = self._files.setdefault(folder, FolderFiles(base))
        try:
            unread = files.refresh()
        except OSError as error:
            raise MailboxError(f"cannot read the maildir folder {base}: {error}") from error
        known = self._names(folder)
        fresh = []
        for count, listed in enumerate(f for f in unread if f.unique not in known):
            if count % BEAT_EVERY == 0:
                self._pace.beat()
            fresh.append(read_entry(folder, listed.unique, listed.path, own=self.own))
        self.remember(folder, fresh)
        unread.clear()
        present = files.present()
        gone = known - present
        self._index.forget(folder, gone)
        known -= gone
        return present, files.trashed()

    def _names(self, folder: str) -> set[str]:
        if folder not in self._known:
            self._known[folder] = self._index.names(folder)
        return self._known[folder]
