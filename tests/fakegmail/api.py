"""Gmail's REST methods over the mailbox: request fields in, Gmail's JSON resources out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .apierrors import ApiError, bad_request, not_found
from .auth import AccessToken, check_metadata_limits
from .mime import decode_raw, encode_b64url, payload_view, snippet
from .search import compile_query
from .store import Change, Mailbox, StoredMessage

_HISTORY_KEYS = {
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}
_MESSAGE_FORMATS = ("minimal", "metadata", "full", "raw")
_THREAD_FORMATS = ("minimal", "metadata", "full")
_NO_RAW = "'raw' RFC822 payload message string or uploading message via /upload/* URL required"


@dataclass(frozen=True)
class Call:
    """One API request as the methods see it."""

    params: dict[str, str]  # path parameters
    query: dict[str, list[str]]
    body: Any
    access: AccessToken
    now_ms: int

    def one(self, name: str) -> str | None:
        """Return the last value of a query parameter."""
        values = self.query.get(name)
        return values[-1] if values else None

    def many(self, name: str) -> list[str]:
        """Return every value of a repeated query parameter."""
        return self.query.get(name, [])


Reply = tuple[int, Any]
Method = Callable[[Mailbox, Call], Reply]


def dispatch(name: str, mailbox: Mailbox, call: Call) -> Reply:
    """Run one API method against the mailbox."""
    user = call.params.get("userId", "me")
    if user != "me" and user.lower() != mailbox.account.lower():
        raise ApiError(403, f"Delegation denied for {mailbox.account}", reason="forbidden")
    return METHODS[name](mailbox, call)


def get_profile(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.getProfile."""
    threads = {m.thread_id for m in mailbox.messages.values()}
    return 200, {
        "emailAddress": mailbox.account,
        "messagesTotal": len(mailbox.messages),
        "threadsTotal": len(threads),
        "historyId": str(mailbox.history_id),
    }


def history_list(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.history.list: records after startHistoryId, filtered and paged."""
    start = call.one("startHistoryId")
    if start is None:
        raise bad_request("startHistoryId is required")
    if not start.isdigit():
        raise not_found()
    kinds = set(call.many("historyTypes")) or set(_HISTORY_KEYS)
    if not kinds <= set(_HISTORY_KEYS):
        raise bad_request(f"Invalid value for historyTypes: {sorted(kinds - set(_HISTORY_KEYS))}")
    label = call.one("labelId")
    records = [
        change
        for change in mailbox.changes_after(int(start))
        if change.kind in kinds and (label is None or label in change.message.label_ids)
    ]
    page, token = _page(records, call)
    body: dict[str, Any] = {"historyId": str(mailbox.history_id)}
    if page:
        body["history"] = [_history_item(change) for change in page]
    return 200, body | ({"nextPageToken": token} if token else {})


def drafts_list(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.list, newest first."""
    matches = _query(call)
    drafts = [
        (draft_id, mailbox.messages[message_id])
        for draft_id, message_id in reversed(mailbox.drafts.items())
        if matches(mailbox.messages[message_id])
    ]
    page, token = _page(drafts, call)
    body: dict[str, Any] = {"resultSizeEstimate": len(drafts)}
    if page:
        body["drafts"] = [{"id": d, "message": _ids(m)} for d, m in page]
    return 200, body | ({"nextPageToken": token} if token else {})


def drafts_create(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.create."""
    raw, thread_id = _draft_message(call.body)
    draft_id, message = mailbox.create_draft(raw, thread_id=thread_id)
    return 200, {"id": draft_id, "message": _stub(message)}


def drafts_update(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.update: same draft id, new message id."""
    mailbox.draft(call.params["id"])
    raw, thread_id = _draft_message(call.body)
    message = mailbox.update_draft(call.params["id"], raw, thread_id=thread_id)
    return 200, {"id": call.params["id"], "message": _stub(message)}


def drafts_send(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.send: the response is the new SENT Message."""
    body = call.body if isinstance(call.body, dict) else {}
    draft_id = body.get("id")
    if not draft_id:
        raise bad_request("Draft id is required")
    mailbox.draft(draft_id)
    message = body.get("message") or {}
    raw = _raw(message["raw"]) if message.get("raw") else None
    return 200, _stub(mailbox.send_draft(draft_id, raw))


def drafts_get(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.get."""
    message = mailbox.draft(call.params["id"])
    return 200, {"id": call.params["id"], "message": _render(message, call, _MESSAGE_FORMATS)}


def drafts_delete(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.drafts.delete with an empty 204."""
    mailbox.delete_draft(call.params["id"])
    return 204, None


def messages_list(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.messages.list, newest first, without SPAM/TRASH unless asked."""
    matches = _query(call)
    labels = call.many("labelIds")
    hidden = set() if call.one("includeSpamTrash") == "true" else {"SPAM", "TRASH"}
    found = [
        m
        for m in reversed(mailbox.messages.values())
        if all(label in m.label_ids for label in labels)
        and not hidden & set(m.label_ids)
        and matches(m)
    ]
    page, token = _page(found, call)
    body: dict[str, Any] = {"resultSizeEstimate": len(found)}
    if page:
        body["messages"] = [_ids(m) for m in page]
    return 200, body | ({"nextPageToken": token} if token else {})


def messages_send(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.messages.send."""
    body = call.body if isinstance(call.body, dict) else {}
    if not body.get("raw"):
        raise bad_request(_NO_RAW)
    message = mailbox.send(_raw(body["raw"]), thread_id=body.get("threadId"))
    return 200, _stub(message)


def messages_get(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.messages.get."""
    message = mailbox.message(call.params["id"])
    return 200, _render(message, call, _MESSAGE_FORMATS)


def threads_get(mailbox: Mailbox, call: Call) -> Reply:
    """Answer users.threads.get (no raw format)."""
    messages = mailbox.thread(call.params["id"])
    rendered = [_render(m, call, _THREAD_FORMATS) for m in messages]
    latest = str(max(m.history_id for m in messages))
    return 200, {"id": call.params["id"], "historyId": latest, "messages": rendered}


METHODS: dict[str, Method] = {
    "getProfile": get_profile,
    "history.list": history_list,
    "drafts.list": drafts_list,
    "drafts.create": drafts_create,
    "drafts.update": drafts_update,
    "drafts.send": drafts_send,
    "drafts.get": drafts_get,
    "drafts.delete": drafts_delete,
    "messages.list": messages_list,
    "messages.send": messages_send,
    "messages.get": messages_get,
    "threads.get": threads_get,
}


def render_message(message: StoredMessage, fmt: str, headers: list[str] | None) -> dict[str, Any]:
    """Render a Message resource in one of Gmail's formats."""
    view: dict[str, Any] = {
        "id": message.id,
        "threadId": message.thread_id,
        "labelIds": list(message.label_ids),
        "snippet": snippet(message.email),
        "sizeEstimate": len(message.raw),
        "historyId": str(message.history_id),
        "internalDate": str(message.internal_date),
    }
    if fmt == "raw":
        view["raw"] = encode_b64url(message.raw)
    elif fmt in ("metadata", "full"):
        wanted = headers if fmt == "metadata" else None
        view["payload"] = payload_view(message.email, wanted=wanted, with_body=fmt == "full")
    return view


def _render(message: StoredMessage, call: Call, formats: tuple[str, ...]) -> dict[str, Any]:
    """Render a message in the format the call asks for (default full)."""
    fmt = (call.one("format") or "full").lower()
    if fmt not in formats:
        raise bad_request(f"Invalid value for format: {fmt}")
    check_metadata_limits(call.access, query=None, fmt=fmt)
    return render_message(message, fmt, call.many("metadataHeaders") or None)


def _query(call: Call) -> Callable[[StoredMessage], bool]:
    """Compile the call's `q` parameter (refused under gmail.metadata)."""
    query = call.one("q")
    check_metadata_limits(call.access, query=query, fmt=None)
    return compile_query(query or "", now_ms=call.now_ms)


def _page(items: list[Any], call: Call) -> tuple[list[Any], str | None]:
    """Cut one page out of items by maxResults (at most 500) and pageToken."""
    try:
        size = min(int(call.one("maxResults") or 100), 500)
        offset = int(call.one("pageToken") or 0)
    except ValueError:
        raise bad_request("Invalid maxResults or pageToken") from None
    end = offset + max(size, 1)
    return items[offset:end], (str(end) if end < len(items) else None)


def _history_item(change: Change) -> dict[str, Any]:
    """Render one History record with its message stub."""
    stub = _stub(change.message)
    entry: dict[str, Any] = {"message": stub}
    if change.kind in ("labelAdded", "labelRemoved"):
        entry["labelIds"] = list(change.label_ids)
    return {"id": str(change.id), "messages": [stub], _HISTORY_KEYS[change.kind]: [entry]}


def _draft_message(body: Any) -> tuple[bytes, str | None]:
    """Take raw bytes and threadId from a Draft request body."""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, dict) or not message.get("raw"):
        raise bad_request("Missing draft message")
    return _raw(message["raw"]), message.get("threadId")


def _raw(value: Any) -> bytes:
    """Decode a `raw` field, with Gmail's 400 when it is not base64url."""
    try:
        return decode_raw(value)
    except ValueError:
        raise bad_request(
            "Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed"
        ) from None


def _stub(message: StoredMessage) -> dict[str, Any]:
    """Return {id, threadId, labelIds}, as create/send responses and history carry."""
    return {"id": message.id, "threadId": message.thread_id, "labelIds": list(message.label_ids)}


def _ids(message: StoredMessage) -> dict[str, str]:
    """Return {id, threadId}, as list responses carry."""
    return {"id": message.id, "threadId": message.thread_id}
