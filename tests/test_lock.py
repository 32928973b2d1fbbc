"""The state folder's locks: who holds one is written once, and a held lock is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from followup_mailer.lock import PASS_LOCK, AlreadyRunning, holding


def test_the_holder_writes_its_pid_once_and_a_later_pass_writes_nothing(tmp_path: Path) -> None:
    with holding(tmp_path):
        pass
    lock = tmp_path / PASS_LOCK
    written = (lock.read_text(), lock.stat().st_mtime_ns)
    with holding(tmp_path):  # the daemon's next pass: same process, nothing to write
        pass
    assert written == (f"{os.getpid()}\n", lock.stat().st_mtime_ns)
    assert lock.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_a_lock_another_process_holds_is_refused_naming_it(tmp_path: Path) -> None:
    hold = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from followup_mailer.lock import holding\n"
        "with holding(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(30)\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", hold, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        with pytest.raises(AlreadyRunning, match=f"pid {other.pid}"), holding(tmp_path):
            pass
    finally:
        other.kill()
        other.wait()
