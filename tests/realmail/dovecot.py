"""Dovecot, from a config written at test time: the LDA with Sieve, and an IMAP server.

Nothing of the machine's Dovecot setup is read or changed: every program
gets `-c <home>/dovecot.conf` with its own base_dir, state_dir and log.

- `SieveMailbox`: a company user whose mail is delivered by `dovecot-lda`
  (run as the mail user; the LDA refuses root without a userdb) with the
  Pigeonhole Sieve plugin and the user's Sieve script. Pigeonhole sends a
  vacation response through `sendmail_path`, here a script that delivers it
  into the workspace's INBOX as a Maildir delivery agent does (write into
  tmp/, rename into new/), byte for byte as Pigeonhole wrote it.
- `ImapServer`: `dovecot -F` (the master in the foreground) serving one
  maildir over IMAP on a free loopback port, plain LOGIN with a password,
  its mail processes running as the mail user.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import time
from pathlib import Path

from tests.realmail.base import (
    MailUser,
    installed,
    log_tail,
    need_reachable,
    need_root,
    program,
    start_master,
    stop_master,
)

DOVECOT = "/usr/sbin/dovecot"
LDA = "/usr/lib/dovecot/dovecot-lda"
SIEVE_PLUGIN = "/usr/lib/dovecot/modules/lib90_sieve_plugin.so"
IMAP = "/usr/lib/dovecot/imap"
PASSWORD = "secret"

DROP = """\
#!/bin/sh
# The sendmail Pigeonhole calls for a vacation response ("-i -f <> -- <recipient>"):
# deliver standard input into {inbox} as a Maildir delivery agent does.
set -e
name="$(date +%s).$$_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ').vacation"
cat > {inbox}/tmp/"$name"
mv {inbox}/tmp/"$name" {inbox}/new/"$name"
echo "$*" >> {calls}
"""


class SieveMailbox:
    """A company user with a Sieve script, whose mail dovecot-lda delivers."""

    def __init__(self, home: Path, *, address: str, sieve: str, reply_inbox: Path, user: MailUser):
        program(LDA, package="dovecot-core")
        installed(SIEVE_PLUGIN, package="dovecot-sieve")
        if user.switching:
            need_reachable(home, "dovecot-lda")
        self.home, self.address, self.user = home, address, user
        self.conf, self.log, self.calls = (
            home / "dovecot.conf",
            home / "dovecot.log",
            home / "calls",
        )
        self.mail = home / "Maildir"
        for sub in ("run", "state", "sieve"):
            (home / sub).mkdir()
        (home / "active.sieve").write_text(sieve)
        drop = home / "drop"
        drop.write_text(
            DROP.format(inbox=shlex.quote(str(reply_inbox)), calls=shlex.quote(str(self.calls)))
        )
        drop.chmod(0o755)
        self.conf.write_text(
            f"""\
protocols =
base_dir = {home / "run"}
state_dir = {home / "state"}
log_path = {self.log}
mail_location = maildir:{self.mail}
mail_home = {home}
postmaster_address = postmaster@{address.partition("@")[2]}
hostname = mail.{address.partition("@")[2]}
sendmail_path = {drop}
ssl = no
protocol lda {{
  mail_plugins = sieve
}}
plugin {{
  sieve = file:{home / "sieve"};active={home / "active.sieve"}
}}
"""
        )
        user.own(home)

    def deliver_command(self, sender: str) -> Path:
        """Write the command the sender's mail goes through to reach this user: dovecot-lda
        with the envelope (as the MTA's pipe transport runs it), on a server whose clock is
        in UTC, as most are (Pigeonhole dates its response in local time); return its path."""
        script = self.home / "to-company"
        argv = self.user.command(LDA, "-c", str(self.conf), "-f", sender, "-a", self.address)
        script.write_text(
            "#!/bin/sh\n# what the company's mail server does with our message\n"
            f"exec env TZ=UTC HOME={shlex.quote(str(self.home))} {shlex.join(argv)}\n"
        )
        script.chmod(0o755)
        return script

    def delivered(self) -> list[Path]:
        """The messages dovecot-lda stored for the user."""
        return sorted(p for sub in ("new", "cur") for p in (self.mail / sub).glob("*"))

    def tail(self) -> str:
        return log_tail(self.log)


def free_port() -> int:
    """A loopback port free right now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ImapServer:
    """Dovecot serving `maildir` (Drafts, Sent, INBOX as plain folders) over IMAP."""

    def __init__(self, home: Path, *, maildir: Path, user: MailUser) -> None:
        need_root("Dovecot's IMAP server")
        program(DOVECOT, package="dovecot-core")
        program(IMAP, package="dovecot-imapd")
        need_reachable(maildir, "Dovecot's IMAP server")
        self.home, self.port = home, free_port()
        self.conf, self.log = home / "dovecot.conf", home / "dovecot.log"
        self._process: subprocess.Popen[bytes] | None = None
        for sub in ("run", "state"):
            (home / sub).mkdir()
        self.conf.write_text(
            f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {home / "run"}
state_dir = {home / "state"}
log_path = {self.log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user.uid} gid={user.gid} home={maildir.parent}
}}
mail_location = maildir:{maildir}:LAYOUT=fs:INBOX={maildir / "INBOX"}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )

    def start(self) -> None:
        """Start the master in the foreground; wait until the port answers."""
        self._process = start_master([DOVECOT, "-F", "-c", str(self.conf)], self.home)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited at start{self.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer within 15 s{self.tail()}")

    def stop(self) -> None:
        """Stop the master (SIGTERM: it stops its children) and reap it."""
        if self._process is not None:
            stop_master(self._process, self._process.terminate)
        self._process = None

    def tail(self) -> str:
        return log_tail(self.log, self.home / "master.out")
