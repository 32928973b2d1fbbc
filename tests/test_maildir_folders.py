"""Listing a maildir folder again, name by name, finds what a first listing of it would.

The folders are real, and so is the index; what other mail software does to them (deliver,
move new/ to cur/, flag, trash, delete, leave dot files and links, keep two names of one
message for a moment) is done to the files, and after each change the kept listing is
compared with a listing made from nothing. A stop that comes while new files are read
leaves them to be read at the next look, never known but unread.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_mailer.mailbox.maildir_files import FolderFiles
from followup_mailer.mailbox.maildir_folders import Folders
from followup_mailer.mailbox.maildir_index import open_index
from followup_mailer.mailbox.protocol import MailboxError, Pace
from tests.conftest import examples

UNIQUES = ["1700000000.M1P1.host", "1700000001.M2P1.host", "1700000002.M3P1.host"]
MESSAGE = b"From: dana@acme.example\nMessage-ID: <m@acme.example>\nSubject: hi\n\nhello\n"

# (what to do, which message, flags): flags as a mail client writes them after ":2,"
Change = tuple[str, int, str]
changes = st.lists(
    st.tuples(
        st.sampled_from(["deliver", "file", "flag", "copy", "delete", "dotfile", "link"]),
        st.integers(0, len(UNIQUES) - 1),
        st.sampled_from(["", "S", "T", "ST", "FS"]),
    ),
    max_size=25,
)


def files_of(folder: Path, unique: str) -> list[Path]:
    return [
        path
        for sub in ("new", "cur")
        for path in (folder / sub).iterdir()
        if path.name.partition(":")[0] == unique
    ]


def apply_change(folder: Path, change: Change, counter: itertools.count[int]) -> None:
    """Do to the folder what a mail client or a delivery agent would."""
    what, which, flags = change
    unique, present = UNIQUES[which], files_of(folder, UNIQUES[which])
    if what == "deliver" and not present:
        (folder / "new" / unique).write_bytes(MESSAGE)
    elif what in ("file", "flag") and present:  # new/ to cur/, or new flags: a rename
        present[0].rename(folder / "cur" / f"{unique}:2,{flags}")
    elif what == "copy" and present:  # a client's move half done: two names, one message
        (folder / "cur" / f"{unique}:2,{flags}").write_bytes(MESSAGE)
    elif what == "delete" and present:
        present[-1].unlink()
    elif what == "dotfile":
        (folder / "cur" / f".client-state-{next(counter)}").write_bytes(b"x")
    elif what == "link":
        (folder / "new" / f"link-{next(counter)}").symlink_to(folder / "new" / unique)


def from_nothing(folder: Path) -> tuple[set[str], set[str]]:
    """List the folder as a first look would: every file present, and those trashed."""
    files = FolderFiles(folder)
    files.refresh()
    return files.present(), files.trashed()


def make_folder(root: Path) -> Path:
    folder = root / "INBOX"
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=changes)
def test_a_listing_kept_up_to_date_matches_a_first_listing(
    tmp_path_factory: pytest.TempPathFactory, steps: list[Change]
) -> None:
    folder = make_folder(tmp_path_factory.mktemp("maildir"))
    kept, counter = FolderFiles(folder), itertools.count()
    for change in steps:
        apply_change(folder, change, counter)
        kept.refresh()
        assert (kept.present(), kept.trashed()) == from_nothing(folder)


def test_a_stop_while_reading_leaves_the_files_to_be_read_at_the_next_look(
    tmp_path: Path,
) -> None:
    folder = make_folder(tmp_path)
    for unique in UNIQUES:
        (folder / "new" / unique).write_bytes(MESSAGE)
    stops = [True]

    def beat() -> None:
        if stops and stops.pop():
            raise KeyboardInterrupt  # what a stop does: end the look at a beat

    index = open_index(None)
    folders = Folders(index, lambda name: tmp_path / name, Pace(beat=beat))
    with pytest.raises(KeyboardInterrupt):
        folders.present("INBOX")
    assert index.names("INBOX") == set()
    assert folders.present("INBOX") == set(UNIQUES)
    assert index.names("INBOX") == set(UNIQUES)


def test_a_subfolder_is_listed_again_only_when_its_stamp_moved(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    long_ago = time.time() - 60
    for sub in ("new", "cur"):
        os.utime(folder / sub, (long_ago, long_ago))
    files = FolderFiles(folder)
    assert files.refresh() == []
    (folder / "cur" / UNIQUES[0]).write_bytes(MESSAGE)
    os.utime(folder / "cur", (long_ago, long_ago))  # a change its stamp cannot show
    assert files.refresh() == []  # so cur/ was not listed again
    os.utime(folder / "cur")  # the stamp moves, as it does when a file enters
    assert [listed.unique for listed in files.refresh()] == [UNIQUES[0]]


def test_a_listing_that_fails_halfway_leaves_what_it_found_to_be_read(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "new" / UNIQUES[0]).write_bytes(MESSAGE)
    (folder / "cur").rmdir()
    (folder / "cur").write_bytes(b"")  # new/ lists, then cur/ fails: not a folder
    index = open_index(None)
    folders = Folders(index, lambda name: tmp_path / name, Pace())
    with pytest.raises(MailboxError):
        folders.present("INBOX")
    (folder / "cur").unlink()
    (folder / "cur").mkdir()
    assert folders.present("INBOX") == {UNIQUES[0]}
    assert index.names("INBOX") == {UNIQUES[0]}


def test_a_listing_forgotten_is_made_again_without_reading_a_file_twice(tmp_path: Path) -> None:
    """What a resting daemon does (daemon/passes.py): the listings go, the index stays."""
    folder = make_folder(tmp_path)
    for unique in UNIQUES[:2]:
        (folder / "new" / unique).write_bytes(MESSAGE)
    index = open_index(None)
    folders = Folders(index, lambda name: tmp_path / name, Pace())
    assert folders.present("INBOX") == set(UNIQUES[:2])
    folders.forget()
    # read again, the first file would be indexed with its new subject
    (folder / "new" / UNIQUES[0]).write_bytes(MESSAGE.replace(b"hi", b"read twice"))
    (folder / "new" / UNIQUES[1]).unlink()
    (folder / "new" / UNIQUES[2]).write_bytes(MESSAGE)
    assert folders.present("INBOX") == {UNIQUES[0], UNIQUES[2]}
    assert {e.name: e.subject for e in index.entries("INBOX")} == dict.fromkeys(UNIQUES[::2], "hi")
