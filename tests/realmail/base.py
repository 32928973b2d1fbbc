"""What every real-mail fixture shares: finding the programs, folders they may enter, waiting.

Mail software drops privileges: Postfix's delivery agents, Dovecot's mail
processes and its LDA refuse to write mail as root. When the tests run as
root (CI), that software runs as the unprivileged "mail user" (nobody),
and the folders it delivers into belong to that user; followup-mailer, as
root, still reads and writes them all. Run as anyone else, everything is
that user's and only the programs that need root (Postfix, the IMAP server)
are skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

FOLDERS = ("Drafts", "Sent", "INBOX")
WAIT = 30.0  # seconds a daemon may take to deliver before a test gives up


def program(path_or_name: str, *, package: str) -> str:
    """Return the program's path, or skip the test naming it and the package that has it."""
    found = shutil.which(path_or_name) or (
        path_or_name if os.access(path_or_name, os.X_OK) else None
    )
    if found is None:
        pytest.skip(f"{path_or_name} is not installed (Debian package {package})")
    return found


def installed(path: str, *, package: str) -> str:
    """Return a file the software needs (a plugin, a helper), or skip naming its package."""
    if not Path(path).exists():
        pytest.skip(f"{path} is not installed (Debian package {package})")
    return path


def need_reachable(home: Path, what: str) -> None:
    """Skip unless other users (the daemons' own) may pass through every folder above home."""
    for folder in home.resolve().parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            pytest.skip(
                f"{what} runs as its own user, who cannot enter {folder} "
                f"(mode {stat.S_IMODE(mode):o}) to reach {home}"
            )


def need_root(what: str) -> None:
    """Skip unless running as root (the daemons start as root and drop to their own users)."""
    if os.geteuid() != 0:
        pytest.skip(f"{what} must be started as root")


@dataclass(frozen=True)
class MailUser:
    """The user mail software runs as: nobody when we are root, else ourselves."""

    uid: int
    gid: int
    name: str

    @classmethod
    def current(cls) -> MailUser:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            return cls(nobody.pw_uid, nobody.pw_gid, "nobody")
        me = pwd.getpwuid(os.geteuid())
        return cls(me.pw_uid, me.pw_gid, me.pw_name)

    @property
    def switching(self) -> bool:
        return self.uid != os.geteuid()

    def command(self, *argv: str) -> list[str]:
        """Return argv run as this user (through setpriv when that means dropping root)."""
        if not self.switching:
            return list(argv)
        setpriv = program("setpriv", package="util-linux")
        return [setpriv, f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", *argv]

    def own(self, *paths: Path) -> None:
        """Give these folders (and everything in them) to this user."""
        if not self.switching:
            return
        for top in paths:
            for path in (top, *top.rglob("*")):
                os.chown(path, self.uid, self.gid, follow_symlinks=False)


@contextmanager
def open_folder(prefix: str) -> Iterator[Path]:
    """A fresh folder other users may pass through (0711), removed afterwards.

    pytest's tmp_path lies under a 0700 folder that Postfix's and Dovecot's
    users cannot enter, so the daemons' files and the shared maildir live here.
    """
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o711)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def shared_maildir(maildir: Path, user: MailUser) -> None:
    """Create Drafts, Sent and INBOX (cur/new/tmp) owned by the mail user, as a mail
    server's store is; followup-mailer finds them made and writes into them as they are."""
    for folder in FOLDERS:
        for sub in ("cur", "new", "tmp"):
            (maildir / folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    user.own(maildir)


def listed(folder: Path) -> list[Path]:
    """The message files of one maildir folder (new/ and cur/), by name."""
    return sorted(
        p for sub in ("new", "cur") if (folder / sub).is_dir() for p in (folder / sub).iterdir()
    )


def wait_for(
    what: str, found: Callable[[], list[Path]], *, count: int = 1, log: Path | None = None
) -> list[Path]:
    """Wait until found() lists at least count files; fail naming what and the log's end."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        files = found()
        if len(files) >= count:
            return files
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"no {what} after {WAIT:.0f} s\n{tail}")


def start_master(argv: list[str], home: Path) -> subprocess.Popen[bytes]:
    """Start a mail server's master in the foreground, its output kept in home/master.out."""
    with (home / "master.out").open("wb") as output:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )


def stop_master(process: subprocess.Popen[bytes], ask: Callable[[], object]) -> None:
    """Ask a master to stop (it stops its children) and reap it; kill it if it lingers."""
    if process.poll() is not None:
        return
    ask()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def log_tail(*logs: Path) -> str:
    """The end of a server's logs, for a failure message."""
    text = "".join(p.read_text(errors="replace") for p in logs if p.exists())
    return "\n" + text[-4000:]
