"""The service files we write, the commands we run, and the daemon's talk with systemd."""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from followup_mailer.daemon import service
from followup_mailer.daemon.service import Host, Places, Ran
from followup_mailer.errors import UserError
from tests.e2e import COMMAND, Workspace, ended_recently, interview_toml

DANA = ("Dana Smith", "dana@acme.com")


class Manager:
    """A service manager that records each command and answers with a chosen exit code."""

    def __init__(self, failing: str = "") -> None:
        self.commands: list[str] = []
        self.failing = failing

    def __call__(self, argv: Sequence[str]) -> Ran:
        line = " ".join(argv)
        self.commands.append(line)
        if self.failing and self.failing in line:
            return Ran(1, "Failed to connect to bus: No medium found")
        return Ran(0, "")


def host(
    tmp_path: Path,
    platform: str = "linux",
    manager: Manager | None = None,
    *,
    tools: bool = True,
) -> Host:
    places = Places.for_user(tmp_path / "home", {})
    return Host(
        platform=platform,
        places=places,
        uid=1000,
        runner=manager or Manager(),
        which=lambda name: f"/usr/bin/{name}" if tools else None,
    )


COMMAND_LINE = ["/opt/fm/bin/followup-mailer", "--config", "/home/a/.config/fm/config.toml", "run"]


def test_install_writes_a_notify_unit_and_enables_it(tmp_path: Path) -> None:
    manager = Manager()
    report = service.install(host(tmp_path, manager=manager), COMMAND_LINE)
    unit = tmp_path / "home/.config/systemd/user/followup-mailer.service"
    text = unit.read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE))
    assert settings["Type"] == "notify"
    assert settings["NotifyAccess"] == "main"
    assert int(settings["WatchdogSec"]) > 0
    assert settings["ExecStart"] == " ".join(COMMAND_LINE)
    assert settings["Restart"] == "on-failure"
    assert settings["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert settings["RestartPreventExitStatus"] == "1 3"
    assert settings["WantedBy"] == "default.target"
    assert manager.commands == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now followup-mailer.service",
    ]
    assert f"wrote {unit}" in report.lines
    assert any("journalctl --user -u followup-mailer -f" in line for line in report.lines)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    program = tmp_path / "bin dir" / "followup-mailer"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    command = [str(program), "--config", str(tmp_path / "100% config.toml"), "run"]
    service.install(host(tmp_path), command)
    unit = tmp_path / "home/.config/systemd/user/followup-mailer.service"
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    complaints = [line for line in checked.stderr.splitlines() if "followup-mailer.service" in line]
    assert complaints == []


def test_exec_start_quotes_spaces_and_escapes_specifiers() -> None:
    unit = service.systemd_unit(["/opt/my apps/followup-mailer", "--config", "/c/100%.toml", "run"])
    assert 'ExecStart="/opt/my apps/followup-mailer" --config /c/100%%.toml run' in unit


def test_reinstalling_a_changed_unit_restarts_the_running_daemon(tmp_path: Path) -> None:
    service.install(host(tmp_path), COMMAND_LINE)
    manager = Manager()
    service.install(host(tmp_path, manager=manager), [*COMMAND_LINE[:2], "/other.toml", "run"])
    assert manager.commands[-1] == "systemctl --user restart followup-mailer.service"


def test_without_systemctl_the_commands_are_left_to_the_user(tmp_path: Path) -> None:
    manager = Manager()
    report = service.install(host(tmp_path, manager=manager, tools=False), COMMAND_LINE)
    assert manager.commands == []
    assert report.todo == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now followup-mailer.service",
    ]
    assert (tmp_path / "home/.config/systemd/user/followup-mailer.service").exists()


def test_a_failing_systemctl_is_reported_with_what_is_left(tmp_path: Path) -> None:
    manager = Manager(failing="daemon-reload")
    report = service.install(host(tmp_path, manager=manager), COMMAND_LINE)
    assert report.failed == [
        "systemctl --user daemon-reload: Failed to connect to bus: No medium found"
    ]
    assert report.todo[-1] == "systemctl --user enable --now followup-mailer.service"


def test_uninstall_stops_disables_and_removes_the_unit(tmp_path: Path) -> None:
    service.install(host(tmp_path), COMMAND_LINE)
    manager = Manager()
    report = service.uninstall(host(tmp_path, manager=manager))
    assert not (tmp_path / "home/.config/systemd/user/followup-mailer.service").exists()
    assert manager.commands == [
        "systemctl --user disable --now followup-mailer.service",
        "systemctl --user daemon-reload",
    ]
    assert any(line.startswith("removed ") for line in report.lines)


def test_macos_gets_a_launch_agent_kept_alive_after_crashes_only(tmp_path: Path) -> None:
    manager = Manager()
    report = service.install(host(tmp_path, "darwin", manager), COMMAND_LINE)
    plist = tmp_path / "home/Library/LaunchAgents/local.followup-mailer.plist"
    data = plistlib.loads(plist.read_bytes())
    assert data["Label"] == "local.followup-mailer"
    assert data["ProgramArguments"] == COMMAND_LINE
    assert data["KeepAlive"] == {"Crashed": True}
    assert data["RunAtLoad"] is True
    log = str(tmp_path / "home/Library/Logs/followup-mailer.log")
    assert data["StandardErrorPath"] == log
    assert manager.commands == [
        "launchctl bootout gui/1000/local.followup-mailer",
        f"launchctl bootstrap gui/1000 {plist}",
    ]
    assert f"logs: tail -f {log}" in report.lines


def test_other_systems_are_told_what_to_do_instead(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="followup-mailer run"):
        service.install(host(tmp_path, "win32"), COMMAND_LINE)


def test_the_daemon_command_names_this_program_absolutely(tmp_path: Path) -> None:
    program = tmp_path / "bin" / "followup-mailer"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    config = tmp_path / "config.toml"
    assert service.daemon_command(config, argv0=str(program), python="/usr/bin/python3") == [
        str(program),
        "--config",
        str(config),
        "run",
    ]
    as_module = service.daemon_command(config, argv0="/x/__main__.py", python="/usr/bin/python3")
    assert as_module[:3] == ["/usr/bin/python3", "-m", "followup_mailer"]


# The real command ----------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path)
    workspace.write_config(cadence={"thank_you_after": "2s"}, gmail={"poll_interval": "1s"})
    workspace.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    return workspace


@pytest.mark.slow
def test_service_install_command_writes_the_unit_and_runs_systemctl(ws: Workspace) -> None:
    fake_bin = ws.root / "bin"
    fake_bin.mkdir()
    calls = ws.root / "systemctl.calls"
    systemctl = fake_bin / "systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    systemctl.chmod(0o755)
    config_home = ws.root / "xdg-config"
    ws.env = {"PATH": f"{fake_bin}:{os.environ['PATH']}", "XDG_CONFIG_HOME": str(config_home)}
    installed = ws.run("service", "install")
    unit = config_home / "systemd/user/followup-mailer.service"
    assert f"wrote {unit}" in installed.stdout
    assert "journalctl --user -u followup-mailer -f" in installed.stdout
    assert f"ExecStart={COMMAND} --config {ws.config} run" in unit.read_text()
    assert calls.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now followup-mailer.service",
    ]
    assert "not installed" not in ws.run("service", "status").stdout
    ws.run("service", "uninstall")
    assert not unit.exists()


class NotifyListener:
    """The service manager's side of $NOTIFY_SOCKET: collects every datagram."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(0.2)
        self.messages: list[str] = []

    def collect(self, seconds: float, until: str = "") -> list[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in "\n".join(self.messages)):
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
        return self.messages


@pytest.fixture(params=["path", "abstract"])
def listener(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, NotifyListener]]:
    """A listening socket and the $NOTIFY_SOCKET value naming it."""
    if request.param == "path":
        path = str(tmp_path / "notify.sock")
        value, address = path, path
    else:
        name = f"followup-mailer-test-{os.getpid()}-{time.monotonic_ns()}"
        value, address = f"@{name}", f"\0{name}"
    notify = NotifyListener(address)
    yield value, notify
    notify.sock.close()


@pytest.mark.slow
def test_the_daemon_speaks_the_notify_protocol(
    ws: Workspace, listener: tuple[str, NotifyListener]
) -> None:
    value, notify = listener
    env = ws.environ(NOTIFY_SOCKET=value, WATCHDOG_USEC="2000000", JOURNAL_STREAM="8:1234")
    log = ws.root / "daemon.log"
    with log.open("w") as stderr:
        daemon = subprocess.Popen(
            [COMMAND, "--config", str(ws.config), "run"], stderr=stderr, env=env
        )
    try:
        notify.collect(15, until="READY=1")
        notify.collect(3.5)  # the watchdog pings every second (half of WATCHDOG_USEC)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=20) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    notify.collect(1, until="STOPPING=1")
    lines = [line for message in notify.messages for line in message.splitlines()]
    assert "READY=1" in lines
    assert any(line.startswith("STATUS=watching 1 interview(s)") for line in lines)
    assert lines.count("WATCHDOG=1") >= 2
    assert lines.index("READY=1") < lines.index("STOPPING=1")
    journal = log.read_text().splitlines()
    assert journal and all(re.match(r"<[0-7]>followup_mailer", line) for line in journal)


@pytest.mark.slow
def test_without_the_journal_log_lines_carry_a_timestamp(ws: Workspace) -> None:
    once = ws.run("-v", "run", "--once", JOURNAL_STREAM="")
    lines = once.stderr.splitlines()
    assert lines and all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO ", line) for line in lines)
