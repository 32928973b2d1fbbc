"""Files the user must be able to trust: written atomically, private to the user.

`write_atomic` writes a temp file beside the target, fsyncs it, renames it
over the target and fsyncs the folder, so a crash leaves the old file or
the new one, never half of either. `private_folder` and `make_private` keep
the state folder (ledger, tokens) readable by its owner only.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from followup_mailer.errors import UserError

STALE_TEMP = 60.0  # seconds after which a temp file left by a killed writer is removed

log = logging.getLogger(__name__)


def write_atomic(
    path: Path, data: bytes, *, mode: int = 0o600, midway: Callable[[], None] | None = None
) -> None:
    """Replace `path` with `data` atomically; `midway` runs half-way (for the crash tests)."""
    _remove_stale_temps(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            middle = len(data) // 2
            handle.write(data[:middle])
            handle.flush()
            if midway is not None:
                midway()
            handle.write(data[middle:])
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` survive a power loss."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) for its owner only; an existing one is left as it is.

    A folder followup-mailer did not create may be anything (a home folder, /tmp, /): its
    mode is the owner's business, so it is never changed; what we keep in it is 0600.
    """
    created = not folder.exists()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(
            f"{folder} is a file, but followup-mailer keeps its state in a folder there: "
            "move the file away, or set [state] dir in config.toml to another folder"
        ) from None
    except OSError as error:
        raise UserError(
            f"cannot create the folder {folder} ({error.strerror or error}): "
            "check the path and its permissions, or set [state] dir in config.toml"
        ) from None
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder: set [state] dir in config.toml to a folder")
    if created:
        folder.chmod(0o700)  # whatever the umask made of it
    return folder


def make_private(
    path: Path,
    *,
    foreign: str = "remove it, or choose another folder",
    exposed: str = "",
    error: type[UserError] = UserError,
) -> None:
    """Refuse a path someone else owns; take back group/other access, with a warning.

    `foreign` says what to do about another user's file, `exposed` what to do once a file
    was open to others; `error` is the exception a foreign file raises.
    """
    info = path.stat()
    if info.st_uid != os.getuid():
        raise error(
            f"{path} belongs to another user (uid {info.st_uid}); followup-mailer keeps only "
            f"your own files there: {foreign}"
        )
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        wanted = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
        path.chmod(wanted)
        log.warning(
            "%s was open to other users (mode %o); set it to %o%s",
            path,
            stat.S_IMODE(info.st_mode),
            wanted,
            f". {exposed}" if exposed else "",
        )


def _remove_stale_temps(path: Path) -> None:
    """Remove temp files a killed writer left (young ones may belong to a live writer)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if time.time() - leftover.stat().st_mtime > STALE_TEMP:
                leftover.unlink()
        except OSError:
            continue
