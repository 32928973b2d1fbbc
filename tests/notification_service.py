# ruff: noqa
# mypy: ignore-errors
# (dbus-fast reads D-Bus signatures from string annotations such as "as" and "a{sv}",
# which neither linter can read as Python types.)
"""A freedesktop notification service on the session bus, for the reminder tests.

Run as `python -m tests.notification_service LOG`: it owns the bus name
org.freedesktop.Notifications (the one real notification daemons own),
answers the calls the specification defines, and appends every notification
it is given to LOG as a JSON line, so a test can read what a user would see.
"""

import asyncio
import json
import sys
from pathlib import Path

from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class Notifications(ServiceInterface):
    """org.freedesktop.Notifications, version 1.2 of the specification."""

    def __init__(self, log):
        super().__init__(NAME)
        self.log, self.last_id = log, 0

    @method()
    def GetCapabilities(self) -> "as":
        return ["body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["tests", "followup-mailer", "1.0", "1.2"]

    @method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        self.last_id += 1
        entry = {"app": app_name, "summary": summary, "body": body}
        with self.log.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        return self.last_id

    @method()
    def CloseNotification(self, notification_id: "u"):
        return None


async def serve(log):
    bus = await MessageBus().connect()
    bus.export(PATH, Notifications(log))
    await bus.request_name(NAME)
    print("ready", flush=True)
    await bus.wait_for_disconnect()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
