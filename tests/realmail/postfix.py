"""A private Postfix instance: its own config, queue and log in a temporary folder.

Nothing of the machine's mail setup is read or changed: every command gets
`-c <instance>/etc` (sendmail `-C`), the master runs in the foreground
(`postfix start-fg`, no init system needed) and listens on no port. It is
configured the way a laptop's local-only Postfix is:

- mail from the local user root goes out as the account's address
  (sender_canonical_maps), so the documented `sendmail -t -i` works as is;
- mail for the account's address is delivered by virtual(8), as the mail
  user, into `<maildir>/INBOX/` as a Maildir (the trailing slash);
- `local_domains` are delivered by local(8): an address with no such user
  there bounces at once ("unknown user");
- anything else goes to `default_transport`.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path

from tests.realmail.base import (
    MailUser,
    log_tail,
    need_reachable,
    need_root,
    program,
    start_master,
    stop_master,
)

POSTFIX = "/usr/sbin/postfix"
SENDMAIL = "/usr/sbin/sendmail"
POSTSUPER = "/usr/sbin/postsuper"
DAEMONS = "/usr/lib/postfix/sbin"

MASTER_CF = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    """One Postfix instance under `home`, delivering `account`'s mail into `inbox`."""

    def __init__(
        self,
        home: Path,
        *,
        account: str,
        inbox: Path,
        user: MailUser,
        local_domains: tuple[str, ...] = (),
        default_transport: str = "error:5.4.4 mail for this domain cannot be routed here",
        extra: dict[str, str] | None = None,
    ) -> None:
        need_root("Postfix")
        program(POSTFIX, package="postfix")
        need_reachable(home, "Postfix")
        self.home, self.etc, self.log = home, home / "etc", home / "maillog"
        self._process: subprocess.Popen[bytes] | None = None
        for sub in ("etc", "spool", "data"):
            (home / sub).mkdir(mode=0o755)
        (self.etc / "vmailbox").write_text(f"{account} {str(inbox).lstrip('/')}/\n")
        (self.etc / "canonical").write_text(f"root {account}\n")
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": str(home / "spool"),
            "data_directory": str(home / "data"),
            "command_directory": "/usr/sbin",
            "daemon_directory": DAEMONS,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mx.example.net",
            "mydomain": "example.net",
            "mydestination": ", ".join(local_domains),
            "inet_interfaces": "loopback-only",
            "inet_protocols": "ipv4",
            "smtp_dns_support_level": "disabled",
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "biff": "no",
            "sender_canonical_maps": f"texthash:{self.etc / 'canonical'}",
            "virtual_mailbox_domains": account.partition("@")[2],
            "virtual_mailbox_base": "/",
            "virtual_mailbox_maps": f"texthash:{self.etc / 'vmailbox'}",
            "virtual_uid_maps": f"static:{user.uid}",
            "virtual_gid_maps": f"static:{user.gid}",
            "default_transport": default_transport,
            "maillog_file": str(self.log),
            "maillog_file_prefixes": str(home),
            **(extra or {}),
        }
        (self.etc / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        (self.etc / "master.cf").write_text(MASTER_CF)

    @property
    def sendmail(self) -> str:
        """The sendmail command line for [delivery] sendmail: the documented one, this instance."""
        return f"{SENDMAIL} -C {self.etc} -t -i"

    def start(self) -> None:
        """Create the queue, start the master in the foreground, and wait until it runs."""
        checked = self._postfix("check")
        if checked.returncode != 0:
            raise RuntimeError(f"postfix check failed: {checked.stderr}{self.tail()}")
        owner = pwd.getpwnam("postfix").pw_uid
        for path in (self.home / "data", *(self.home / "data").rglob("*")):
            os.chown(path, owner, -1)  # made root's; the master locks it as postfix
        self._process = start_master([POSTFIX, "-c", str(self.etc), "start-fg"], self.home)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"postfix exited at start\n{self.tail()}")
            if (
                self._postfix("status").returncode == 0
                and (self.home / "data/master.lock").exists()
            ):
                time.sleep(0.2)  # a master that cannot run says so at once, then exits
                if self._process.poll() is None and "fatal:" not in self.tail():
                    return
                raise RuntimeError(f"postfix stopped at start{self.tail()}")
            time.sleep(0.1)
        raise RuntimeError(f"postfix did not start within 15 s\n{self.tail()}")

    def stop(self) -> None:
        """Stop the master (it stops its children) and reap it; kill it if it lingers."""
        if self._process is not None:
            stop_master(self._process, lambda: self._postfix("stop"))
        self._process = None

    def hold_all(self) -> None:
        """Put every queued message on hold (postsuper -h ALL): no more attempts until released."""
        subprocess.run([POSTSUPER, "-c", str(self.etc), "-h", "ALL"], check=True, timeout=30)

    def release_all(self) -> None:
        """Release the held messages (postsuper -H ALL) and ask for a queue run now."""
        subprocess.run([POSTSUPER, "-c", str(self.etc), "-H", "ALL"], check=True, timeout=30)
        self._postfix("flush")

    def tail(self) -> str:
        """The end of the instance's log, for a failure message."""
        return log_tail(self.log, self.home / "master.out")

    def _postfix(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [POSTFIX, "-c", str(self.etc), *args], capture_output=True, text=True, timeout=30
        )
