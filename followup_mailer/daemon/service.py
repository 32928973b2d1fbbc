"""Run the daemon as a service: a systemd user unit on Linux, a LaunchAgent on macOS.

The files are written from what is running now (the absolute path of this
followup-mailer and of the config in use), then handed to systemctl or
launchctl. The folders and the command runner are parameters, so tests write
into temporary folders and record the commands instead of running them.
"""

from __future__ import annotations

import plistlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followup_mailer.auth.tokens import write_private
from followup_mailer.errors import UserError

UNIT = "followup-mailer.service"
LABEL = "local.followup-mailer"
WATCHDOG_SEC = 300  # a pass that hangs this long gets the daemon restarted
STOP_TIMEOUT_SEC = 90  # longer than a mailbox call may take, so the call in flight can finish
JOURNAL = "journalctl --user -u followup-mailer -f"


@dataclass(frozen=True, slots=True)
class Ran:
    """How a command ended."""

    returncode: int
    output: str


Runner = Callable[[Sequence[str]], Ran]
Which = Callable[[str], str | None]


def run_command(argv: Sequence[str]) -> Ran:
    """Run a command, capturing its output (a missing program is exit 127)."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError:
        return Ran(127, f"{argv[0]}: not found")
    except subprocess.TimeoutExpired:
        return Ran(124, f"{' '.join(argv)}: no answer within 60 s")
    return Ran(done.returncode, (done.stdout + done.stderr).strip())


@dataclass(frozen=True, slots=True)
class Places:
    """Where service files and logs go."""

    systemd_dir: Path
    agents_dir: Path
    logs_dir: Path

    @classmethod
    def for_user(cls, home: Path, environ: Mapping[str, str]) -> Places:
        """Return the standard places: $XDG_CONFIG_HOME/systemd/user, ~/Library/..."""
        config_home = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
        library = home / "Library"
        return cls(config_home / "systemd" / "user", library / "LaunchAgents", library / "Logs")


@dataclass(frozen=True, slots=True)
class Host:
    """The system being set up: which manager, where, and how to run its commands."""

    platform: str  # sys.platform: "linux" or "darwin"
    places: Places
    uid: int
    runner: Runner = run_command
    which: Which = shutil.which


@dataclass(frozen=True, slots=True)
class Report:
    """What a service command did and what is left for the user to do."""

    lines: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # commands the user should run
    failed: list[str] = field(default_factory=list)  # commands that failed, with their output


def daemon_command(config: Path, *, argv0: str, python: str) -> list[str]:
    """Return the absolute command line that runs this followup-mailer's daemon."""
    program = Path(argv0) if "/" in argv0 else Path(shutil.which(argv0) or argv0)
    if program.name.startswith("followup-mailer") and program.is_file():
        start = [str(program.absolute())]
    else:  # started as `python -m followup_mailer`
        start = [str(Path(python).absolute()), "-m", "followup_mailer"]
    return [*start, "--config", str(config.absolute()), "run"]


def current_command(config: Path) -> list[str]:
    """Return the daemon command of the running program."""
    return daemon_command(config, argv0=sys.argv[0], python=sys.executable)


def systemd_unit(command: Sequence[str]) -> str:
    """Return the text of the systemd user unit that runs `command`."""
    return f"""\
# Written by `followup-mailer service install`; `followup-mailer service uninstall` removes it.
[Unit]
Description=followup-mailer: thank-you notes and follow-ups after job interviews
StartLimitIntervalSec=600
StartLimitBurst=5

[Service]
Type=notify
NotifyAccess=main
ExecStart={" ".join(_systemd_quote(word) for word in command)}
# `systemctl --user reload followup-mailer` re-reads the config and the schedule
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=15
# 1: a problem to fix first (config, schedule, sign-in); 3: already running
RestartPreventExitStatus=1 3
WatchdogSec={WATCHDOG_SEC}
TimeoutStopSec={STOP_TIMEOUT_SEC}
# SIGTERM to the daemon only, so a sendmail it started can finish too
KillMode=mixed
UMask=0077

[Install]
WantedBy=default.target
"""


def _systemd_quote(word: str) -> str:
    """Quote one ExecStart word the way systemd reads it (specifiers and variables escaped)."""
    word = word.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def launchd_plist(command: Sequence[str], log: Path) -> bytes:
    """Return the LaunchAgent plist that runs `command`, restarting it only after a crash."""
    return plistlib.dumps(
        {
            "Label": LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "KeepAlive": {"Crashed": True},  # not after exit 1 (fix something) or 3 (running)
            "ThrottleInterval": 30,
            "ProcessType": "Background",
            "StandardErrorPath": str(log),
            "StandardOutPath": str(log),
            "EnvironmentVariables": {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
        }
    )


def install(host: Host, command: Sequence[str]) -> Report:
    """Write the service file for this system and start the service."""
    if host.platform == "darwin":
        return _install_launchd(host, command)
    _require_linux(host)
    path = host.places.systemd_dir / UNIT
    text = systemd_unit(command)
    changed = path.exists() and path.read_text(encoding="utf-8") != text
    _write(path, text)
    report = Report([f"wrote {path}"])
    steps = [["daemon-reload"], ["enable", "--now", UNIT]] + (
        [["restart", UNIT]] if changed else []
    )
    _systemctl(host, report, steps)
    report.lines.append(f"logs: {JOURNAL}")
    return report


def uninstall(host: Host) -> Report:
    """Stop the service and remove its file."""
    if host.platform == "darwin":
        path = host.places.agents_dir / f"{LABEL}.plist"
        report = Report()
        _launchctl(host, report, [["bootout", f"gui/{host.uid}/{LABEL}"]], quiet=True)
        _remove(path, report)
        return report
    _require_linux(host)
    report = Report()
    _systemctl(host, report, [["disable", "--now", UNIT]], quiet=True)
    _remove(host.places.systemd_dir / UNIT, report)
    _systemctl(host, report, [["daemon-reload"]])
    return report


def status(host: Host) -> Report:
    """Say whether the service file exists and what the service manager reports."""
    if host.platform == "darwin":
        path = host.places.agents_dir / f"{LABEL}.plist"
        ran = host.runner(["launchctl", "print", f"gui/{host.uid}/{LABEL}"])
        state = "loaded" if ran.returncode == 0 else "not loaded"
        log = host.places.logs_dir / "followup-mailer.log"
        return Report([f"file:    {_exists(path)}", f"launchd: {state}", f"logs:    tail -f {log}"])
    _require_linux(host)
    report = Report([f"file:    {_exists(host.places.systemd_dir / UNIT)}"])
    if host.which("systemctl") is None:
        report.lines.append("systemd: systemctl is not available here")
        return report
    for query in ("is-enabled", "is-active"):
        ran = host.runner(["systemctl", "--user", query, UNIT])
        report.lines.append(f"{query + ':':<12} {ran.output or ran.returncode}")
    report.lines.append(f"logs:        {JOURNAL}")
    return report


def _install_launchd(host: Host, command: Sequence[str]) -> Report:
    path = host.places.agents_dir / f"{LABEL}.plist"
    log = host.places.logs_dir / "followup-mailer.log"
    host.places.logs_dir.mkdir(parents=True, exist_ok=True)
    _write(path, launchd_plist(command, log).decode())
    report = Report([f"wrote {path}"])
    _launchctl(host, report, [["bootout", f"gui/{host.uid}/{LABEL}"]], quiet=True)
    _launchctl(host, report, [["bootstrap", f"gui/{host.uid}", str(path)]])
    report.lines.append(f"logs: tail -f {log}")
    return report


def _require_linux(host: Host) -> None:
    if not host.platform.startswith("linux"):
        raise UserError(
            f"`service` knows systemd (Linux) and launchd (macOS), not {host.platform}; run "
            "`followup-mailer run` under your system's own service manager instead"
        )


def _systemctl(host: Host, report: Report, steps: list[list[str]], *, quiet: bool = False) -> None:
    _manage(host, report, [["systemctl", "--user", *step] for step in steps], quiet=quiet)


def _launchctl(host: Host, report: Report, steps: list[list[str]], *, quiet: bool = False) -> None:
    _manage(host, report, [["launchctl", *step] for step in steps], quiet=quiet)


def _manage(host: Host, report: Report, commands: list[list[str]], *, quiet: bool) -> None:
    """Run the commands in order; when the manager is missing or one fails, leave the rest to do.

    `quiet` commands (stopping what may not be running) may fail without complaint.
    """
    for index, argv in enumerate(commands):
        line = " ".join(argv)
        if host.which(argv[0]) is None:
            report.todo.extend(" ".join(rest) for rest in commands[index:])
            return
        ran = host.runner(argv)
        if ran.returncode == 0 or quiet:
            report.lines.append(f"ran   {line}" + ("" if ran.returncode == 0 else " (not running)"))
            continue
        report.failed.append(f"{line}: {ran.output or f'exit {ran.returncode}'}")
        report.todo.extend(" ".join(rest) for rest in commands[index:])
        return


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, text)


def _remove(path: Path, report: Report) -> None:
    if path.exists():
        path.unlink()
        report.lines.append(f"removed {path}")
    else:
        report.lines.append(f"no {path} to remove")


def _exists(path: Path) -> str:
    return f"{path}" + ("" if path.exists() else " (not installed)")
