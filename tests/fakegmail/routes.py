"""The Gmail methods the fake serves: path, accepted scopes and quota cost of each.

Paths and scopes come from the bundled discovery document (gmail.v1.json); costs are
Gmail's classic per-method quota units, with the 2026 table available for projects
created after the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAIL = "https://mail.google.com/"
MODIFY = "https://www.googleapis.com/auth/gmail.modify"
READONLY = "https://www.googleapis.com/auth/gmail.readonly"
METADATA = "https://www.googleapis.com/auth/gmail.metadata"
COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
SEND = "https://www.googleapis.com/auth/gmail.send"

_READERS = frozenset({MAIL, MODIFY, READONLY, METADATA})
_WRITERS = frozenset({MAIL, MODIFY, COMPOSE})
_DRAFT_READERS = frozenset({MAIL, MODIFY, READONLY, COMPOSE})

CLASSIC_COSTS = {
    "getProfile": 1,
    "history.list": 2,
    "drafts.create": 10,
    "drafts.update": 15,
    "drafts.get": 5,
    "drafts.list": 5,
    "drafts.send": 100,
    "drafts.delete": 10,
    "messages.send": 100,
    "messages.get": 5,
    "messages.list": 5,
    "threads.get": 10,
}
NEW_COSTS = CLASSIC_COSTS | {"drafts.get": 20, "messages.get": 20, "threads.get": 40}


@dataclass(frozen=True)
class Route:
    """One API method: its name, HTTP verb, path pattern and accepted scopes."""

    name: str
    verb: str
    pattern: re.Pattern[str]
    scopes: frozenset[str]


def _route(name: str, verb: str, tail: str, scopes: frozenset[str]) -> Route:
    """Build a route under /gmail/v1/users/{userId}/."""
    path = rf"/gmail/v1/users/(?P<userId>[^/]+)/{tail}"
    return Route(name, verb, re.compile(path), scopes)


ROUTES = (
    _route("getProfile", "GET", "profile", _READERS | {COMPOSE}),
    _route("history.list", "GET", "history", _READERS),
    _route("drafts.list", "GET", "drafts", _DRAFT_READERS),
    _route("drafts.create", "POST", "drafts", _WRITERS),
    _route("drafts.send", "POST", "drafts/send", _WRITERS),
    _route("drafts.get", "GET", r"drafts/(?P<id>[^/]+)", _DRAFT_READERS),
    _route("drafts.update", "PUT", r"drafts/(?P<id>[^/]+)", _WRITERS),
    _route("drafts.delete", "DELETE", r"drafts/(?P<id>[^/]+)", _WRITERS),
    _route("messages.list", "GET", "messages", _READERS),
    _route("messages.send", "POST", "messages/send", _WRITERS | {SEND}),
    _route("messages.get", "GET", r"messages/(?P<id>[^/]+)", _READERS),
    _route("threads.get", "GET", r"threads/(?P<id>[^/]+)", _READERS),
)
METHOD_NAMES = frozenset(route.name for route in ROUTES)


def match(verb: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the route for a request, with its path parameters."""
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found and route.verb == verb:
            return route, found.groupdict()
    return None
