"""One method per Gmail call (drafts_create, history_list, threads_get, ...), and batched reads.

Each method builds its request with googleapiclient and executes it on the
wire (gmail_http.py), whose errors are already ours. The `*_many` methods make
the same read for many ids in batches (one round trip per batch, each call in
it charged as its own by Gmail); a result is None where Gmail has nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from followup_mailer.errors import AuthError
from followup_mailer.mailbox.gmail_errors import NotFound
from followup_mailer.mailbox.gmail_http import Wire
from followup_mailer.mailbox.gmail_sync import HEADERS, HISTORY_TYPES

_ME = "me"
Listed = tuple[str, str]  # (message id, thread id), as messages.list gives them


class GmailCalls:
    """The Gmail API calls followup-mailer makes, on a wire opened when first needed again."""

    def __init__(self, connect: Callable[[], Wire]) -> None:
        self._connect = connect
        self._wire: Wire | None = connect()  # fails at once when nobody is signed in

    def get_profile(self) -> str:
        """Call users.getProfile; return the mailbox's current history id."""
        profile = self._call("getProfile", self._users.getProfile(userId=_ME))
        return str(profile["historyId"])

    def history_list(self, start: str, *, label: str = "") -> tuple[list[dict[str, Any]], str]:
        """Call users.history.list page by page; return the records and the new history id.

        list_next cannot page it: it raises ValueError when historyTypes is repeated.
        """
        records: list[dict[str, Any]] = []
        query: dict[str, Any] = {"userId": _ME, "startHistoryId": start, "maxResults": 500}
        query |= {"historyTypes": list(HISTORY_TYPES)} | ({"labelId": label} if label else {})
        while True:
            page = self._call("history.list", self._users.history().list(**query))
            records += page.get("history", [])
            if not page.get("nextPageToken"):
                return records, str(page["historyId"])
            query["pageToken"] = page["nextPageToken"]

    def messages_get(self, message_id: str, *, raw: bool = False) -> dict[str, Any] | None:
        """Call users.messages.get: headers only, or the raw message; None when it is gone."""
        form: Mapping[str, Any] = {"format": "raw"} if raw else _METADATA
        request = self._users.messages().get(userId=_ME, id=message_id, **form)
        return self._found("messages.get", request)

    def messages_get_many(self, message_ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """Call users.messages.get (headers only) for many messages, in batches."""
        messages = self._users.messages()
        requests = [messages.get(userId=_ME, id=i, **_METADATA) for i in message_ids]
        return self._many("messages.get", requests)

    def messages_list(self, query: str) -> list[str]:
        """Call users.messages.list page by page; return the message ids."""
        return [message_id for message_id, _ in self._listed(query, None)]

    def messages_list_many(self, queries: Sequence[str]) -> list[list[Listed]]:
        """Call users.messages.list for many searches (first pages in batches, then the rest)."""
        messages = self._users.messages()
        requests = [messages.list(userId=_ME, q=q, maxResults=500) for q in queries]
        firsts = self._many("messages.list", requests)
        return [self._listed(query, first) for query, first in zip(queries, firsts, strict=True)]

    def threads_get(self, thread_id: str) -> dict[str, Any] | None:
        """Call users.threads.get with headers only; None when the thread is gone."""
        request = self._users.threads().get(userId=_ME, id=thread_id, **_METADATA)
        return self._found("threads.get", request)

    def threads_get_many(self, thread_ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """Call users.threads.get (headers only) for many threads, in batches."""
        threads = self._users.threads()
        requests = [threads.get(userId=_ME, id=i, **_METADATA) for i in thread_ids]
        return self._many("threads.get", requests)

    def drafts_list(self) -> list[str]:
        """Call users.drafts.list page by page; return the draft ids."""
        ids: list[str] = []
        params: dict[str, Any] = {"userId": _ME, "maxResults": 500}
        while True:
            page = self._call("drafts.list", self._users.drafts().list(**params))
            ids += [str(d["id"]) for d in page.get("drafts", [])]
            if not page.get("nextPageToken"):
                return ids
            params["pageToken"] = page["nextPageToken"]

    def drafts_get(self, draft_id: str, *, metadata: bool = False) -> dict[str, Any] | None:
        """Call users.drafts.get (headers, or just ids); None when it was sent or deleted.

        drafts.get takes no metadataHeaders: format=metadata gives every header.
        """
        form = "metadata" if metadata else "minimal"
        request = self._users.drafts().get(userId=_ME, id=draft_id, format=form)
        return self._found("drafts.get", request)

    def drafts_get_many(self, draft_ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """Call users.drafts.get (just ids) for many drafts, in batches."""
        drafts = self._users.drafts()
        requests = [drafts.get(userId=_ME, id=i, format="minimal") for i in draft_ids]
        return self._many("drafts.get", requests)

    def drafts_create(self, message: EmailMessage, *, thread_id: str) -> dict[str, Any]:
        """Call users.drafts.create, once."""
        body = {"message": _raw_body(message, thread_id)}
        request = self._users.drafts().create(userId=_ME, body=body)
        result: dict[str, Any] = self._call("drafts.create", request, write=True)
        return result

    def messages_send(self, message: EmailMessage, *, thread_id: str) -> dict[str, Any]:
        """Call users.messages.send, once."""
        request = self._users.messages().send(userId=_ME, body=_raw_body(message, thread_id))
        result: dict[str, Any] = self._call("messages.send", request, write=True)
        return result

    # --- helpers ---------------------------------------------------------------------------

    @property
    def _users(self) -> Any:
        if self._wire is None:
            self._wire = self._connect()
        return self._wire.users

    def _call(self, what: str, request: Any, *, write: bool = False) -> Any:
        """Execute a request; after a refused sign-in the next call reads the token again."""
        wire = self._wire or self._connect()
        try:
            return wire.write(what, request) if write else wire.read(what, request)
        except AuthError:
            self._wire = None  # so a new `auth login` is picked up without a restart
            raise

    def _many(self, what: str, requests: Sequence[Any]) -> list[Any]:
        """Execute reads in batches; None where Gmail has nothing."""
        wire = self._wire or self._connect()
        try:
            return wire.read_many(what, requests)
        except AuthError:
            self._wire = None
            raise

    def _found(self, what: str, request: Any) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = self._call(what, request)
        except NotFound:
            return None
        return result

    def _listed(self, query: str, first: dict[str, Any] | None) -> list[Listed]:
        """Return a search's (message, thread) ids, reading the pages after `first` one by one."""
        params: dict[str, Any] = {"userId": _ME, "q": query, "maxResults": 500}
        page = first or self._call("messages.list", self._users.messages().list(**params))
        found: list[Listed] = []
        while True:
            found += [(str(m["id"]), str(m.get("threadId", ""))) for m in page.get("messages", [])]
            if not page.get("nextPageToken"):
                return found
            params["pageToken"] = page["nextPageToken"]
            page = self._call("messages.list", self._users.messages().list(**params))


_METADATA: Mapping[str, Any] = {"format": "metadata", "metadataHeaders": list(HEADERS)}


def _raw_body(message: EmailMessage, thread_id: str) -> dict[str, str]:
    """Return a Message body: the RFC 5322 bytes as base64url, and the thread to join."""
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
    return {"raw": raw, "threadId": thread_id} if thread_id else {"raw": raw}
