"""Real mail clients driven headless: neomutt under a pseudo-terminal, and mbsync.

neomutt needs a terminal, so it runs on the slave side of a pty; the test
reads the screen as it is drawn and types keys at the moments a person
would (for example: once the compose screen of a recalled draft is up).
Its configuration is written at test time and the system's is ignored (-n).
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.realmail.base import program

STEP_TIMEOUT = 20.0  # seconds neomutt may take to draw a screen or to finish


class NeoMutt:
    """neomutt on a maildir: postponed = Drafts, record = Sent, sendmail = a capturing script."""

    def __init__(self, home: Path, *, maildir: Path, account: str, name: str) -> None:
        self.binary = program("neomutt", package="neomutt")
        self.home, self.maildir = home, maildir
        self.outbox = home / "handed-to-sendmail"
        sendmail = home / "sendmail"
        sendmail.write_text(f'#!/bin/sh\necho "ARGS: $*" >> {self.outbox}\ncat >> {self.outbox}\n')
        sendmail.chmod(0o755)
        self.rc = home / "neomuttrc"
        self.rc.write_text(
            f"""\
set folder = "{maildir}"
set spoolfile = "+INBOX"
set postponed = "+Drafts"
set record = "+Sent"
set mbox_type = Maildir
set sendmail = "{sendmail}"
set from = "{account}"
set realname = "{name}"
set use_from = yes
set copy = yes
set editor = "true"
set header_cache = ""
set message_cachedir = ""
set wait_key = no
set confirmappend = no
set delete = yes
set quit = yes
set mark_old = no
set beep = no
"""
        )

    def run(
        self,
        *args: str,
        keys: Sequence[tuple[bytes, bytes]] = (),
        before: Callable[[int], None] | None = None,
        status: int = 0,
    ) -> str:
        """Run neomutt; for each (screen text, key) of keys, wait for the text, then type the key.

        before(i), when given, runs just before key i is typed (the world moving meanwhile).
        status is the exit status expected (neomutt -p exits 1 when the message is postponed).
        Returns the screen output with escape sequences left in; fails on a timeout.
        """
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 132, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm",
            "HOME": str(self.home),
            "LC_ALL": "C.UTF-8",
            "EDITOR": "true",
        }
        process = subprocess.Popen(
            [self.binary, "-n", "-F", str(self.rc), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=self.home,
            start_new_session=True,
        )
        os.close(slave)
        screen = b""
        try:
            for index, (wanted, key) in enumerate(keys):
                screen = self._read_until(master, process, screen, wanted)
                if before is not None:
                    before(index)
                time.sleep(0.2)  # let the screen settle, as a person reads it
                os.write(master, key)
            deadline = time.monotonic() + STEP_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                screen += _read(master)
            if process.poll() is None:
                raise AssertionError(f"neomutt did not finish\n{_plain(screen)[-2000:]}")
            screen += _read(master)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=5)
            os.close(master)
        if process.returncode != status:
            raise AssertionError(f"neomutt exited {process.returncode}\n{_plain(screen)[-2000:]}")
        return _plain(screen)

    @staticmethod
    def _read_until(
        master: int, process: subprocess.Popen[bytes], screen: bytes, wanted: bytes
    ) -> bytes:
        deadline = time.monotonic() + STEP_TIMEOUT
        start = len(screen)
        while wanted not in screen[start:]:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"neomutt never showed {wanted!r}\n{_plain(screen)[-2000:]}")
            screen += _read(master)
        return screen


def _read(master: int) -> bytes:
    ready, _, _ = select.select([master], [], [], 0.1)
    if not ready:
        return b""
    try:
        return os.read(master, 65536)
    except OSError:  # the child closed the terminal
        return b""


def _plain(screen: bytes) -> str:
    return screen.decode("utf-8", "replace")


class Mbsync:
    """mbsync between a local maildir (the laptop's) and an IMAP server, one channel a folder."""

    def __init__(self, home: Path, *, local: Path, port: int, password: str) -> None:
        self.binary = program("mbsync", package="isync")
        self.home, self.rc = home, home / "mbsyncrc"
        channels = "".join(
            f"""
Channel {folder.lower()}
Far :server:{folder}
Near :laptop:{folder}
Create Both
Expunge Both
SyncState *
"""
            for folder in ("Drafts", "Sent", "INBOX")
        )
        self.rc.write_text(
            f"""\
IMAPAccount account
Host 127.0.0.1
Port {port}
User alex
Pass {password}
SSLType None
AuthMechs LOGIN

IMAPStore server
Account account

MaildirStore laptop
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim
{channels}"""
        )

    def sync(self, *channels: str) -> str:
        """Run `mbsync <channels>` (each channel in the order given); fail with its output."""
        done = subprocess.run(
            [self.binary, "-c", str(self.rc), *channels],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(self.home)},
        )
        if done.returncode != 0:
            raise AssertionError(
                f"mbsync {' '.join(channels)} exited {done.returncode}\n{done.stdout}{done.stderr}"
            )
        return done.stdout + done.stderr
