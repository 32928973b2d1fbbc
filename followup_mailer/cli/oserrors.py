"""The last line of defence: an error of the machine (a full disk, a read-only folder) in words.

Storage faults of the ledger, the lock and the user's files are caught where they happen and
named there. One that escapes anyway is still not a bug of ours: the command says which path
and what to do, in one message, instead of a traceback.
"""

from __future__ import annotations

import errno

from followup_mailer.errors import UserError

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and run again (nothing recorded is lost)",
    errno.EDQUOT: "your disk quota is used up; free some space and run again",
    errno.EROFS: "it is on a read-only file system; use a folder you can write to",
    errno.EACCES: "you may not use it; fix its permissions or choose another path",
    errno.EPERM: "you may not use it; fix its permissions or choose another path",
    errno.ENOTDIR: "a file stands where a folder should be; move it away or choose another path",
    errno.EISDIR: "a folder stands where a file should be; choose the path of a file",
    errno.ELOOP: "its symbolic links go round in a loop; fix or remove the link",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one",
    errno.EIO: "the disk reported an error; check it, then run again",
}


def os_error(error: OSError) -> UserError:
    """Describe an error of the operating system, naming its path and what to do."""
    where = " -> ".join(str(name) for name in (error.filename, error.filename2) if name)
    what = error.strerror or str(error) or type(error).__name__
    advice = _ADVICE.get(error.errno or 0, "check the path and the disk, then run again")
    return UserError(f"{where + ': ' if where else ''}{what}: {advice}")
