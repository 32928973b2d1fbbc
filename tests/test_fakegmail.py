"""The fake Gmail server, driven through the real googleapiclient, behaves like Gmail."""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import google_auth_httplib2  # type: ignore[import-untyped]  # ships no type information
import httplib2  # type: ignore[import-untyped]  # ships no type information
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from tests.fakegmail import COMPOSE, METADATA, FakeGmail, build_service, credentials_for

KEY_HEADER = "X-Followup-Mailer-Key"
KEY = "acme-onsite/thank_you/dana@acme.com"


@pytest.fixture
def gmail() -> Iterator[FakeGmail]:
    with FakeGmail(account="alex@example.com", seed=7) as fake:
        yield fake


@pytest.fixture
def service(gmail: FakeGmail) -> Any:
    return build_service(gmail)


def letter(subject: str = "Thank you, Dana") -> EmailMessage:
    """Build a thank-you as the product would, with its own Message-ID and key header."""
    message = EmailMessage()
    message["From"] = "Alex Rivera <alex@example.com>"
    message["To"] = "Dana Smith <dana@acme.com>"
    message["Subject"] = subject
    message["Message-ID"] = "<thank-you.1@alex.example.com>"
    message[KEY_HEADER] = KEY
    message.set_content("Dear Dana,\n\nThank you for your time today.\n\nAlex\n")
    return message


def raw(message: EmailMessage) -> str:
    """Encode a message for the `raw` field."""
    return base64.urlsafe_b64encode(message.as_bytes()).decode()


def create_draft(service: Any, message: EmailMessage, thread_id: str | None = None) -> Any:
    """Call drafts.create (in thread_id when given) and return the Draft."""
    body: dict[str, Any] = {"raw": raw(message)}
    if thread_id:
        body["threadId"] = thread_id
    return service.users().drafts().create(userId="me", body={"message": body}).execute()


def service_over(gmail: FakeGmail, http: httplib2.Http) -> Any:
    """Build the Gmail service on a given httplib2.Http (timeouts, connection classes)."""
    authorized = google_auth_httplib2.AuthorizedHttp(credentials_for(gmail), http=http)
    return build(
        "gmail",
        "v1",
        http=authorized,
        client_options={"api_endpoint": gmail.url},
        static_discovery=True,
        cache_discovery=False,
    )


def headers_of(resource: dict[str, Any]) -> dict[str, str]:
    """Map lower-case header names to values for a Message resource."""
    return {h["name"].lower(): h["value"] for h in resource["payload"]["headers"]}


def change_of(record: dict[str, Any]) -> tuple[str, str]:
    """Return the change type and message id of a one-change History record."""
    (kind,) = [key for key in record if key not in ("id", "messages")]
    return kind, record[kind][0]["message"]["id"]


def status_of(call: Any) -> int:
    """Execute a call that must fail and return its HTTP status."""
    with pytest.raises(HttpError) as caught:
        call.execute()
    return int(caught.value.status_code)


# OAuth


def test_refresh_goes_through_the_fake_token_endpoint(gmail: FakeGmail) -> None:
    creds = Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=gmail.refresh_token,
        client_id="fake-client.apps.googleusercontent.com",
        client_secret="fake-client-secret",
        token_uri=gmail.token_uri,
    )
    service = build(
        "gmail",
        "v1",
        credentials=creds,
        client_options={"api_endpoint": gmail.url},
        static_discovery=True,
        cache_discovery=False,
    )

    profile = service.users().getProfile(userId="me").execute()

    assert profile["emailAddress"] == "alex@example.com"
    assert creds.token and creds.token.startswith("ya29.")
    (token_call,) = gmail.requests("oauth.token")
    assert token_call.body["grant_type"] == "refresh_token"
    assert gmail.requests("getProfile")[0].path == "/gmail/v1/users/me/profile"


def test_revoked_token_gives_refresh_error_invalid_grant(gmail: FakeGmail, service: Any) -> None:
    service.users().getProfile(userId="me").execute()
    gmail.revoke_token()

    with pytest.raises(RefreshError) as caught:
        service.users().getProfile(userId="me").execute()

    assert "invalid_grant" in str(caught.value)
    assert caught.value.retryable is False
    assert [r.status for r in gmail.requests("getProfile")] == [200, 401]


def test_new_consent_after_revocation_works_again(gmail: FakeGmail) -> None:
    gmail.revoke_token()
    fresh = gmail.grant_refresh_token()

    service = build_service(gmail, credentials_for(gmail, fresh))

    assert service.users().getProfile(userId="me").execute()["emailAddress"] == gmail.account


def test_api_without_a_valid_bearer_token_is_401_in_googles_shape(gmail: FakeGmail) -> None:
    request = urllib.request.Request(
        f"{gmail.url}gmail/v1/users/me/profile", headers={"Authorization": "Bearer made-up"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)

    error = json.loads(caught.value.read())["error"]
    assert caught.value.code == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"][0]["reason"] == "authError"


def test_scopes_are_enforced_per_method() -> None:
    with FakeGmail(scopes=(COMPOSE,)) as compose_only:
        service = build_service(compose_only)
        create_draft(service, letter())
        history = service.users().history().list(userId="me", startHistoryId="1")
        assert status_of(history) == 403
    with FakeGmail(scopes=(METADATA,)) as metadata_only:
        search = build_service(metadata_only).users().messages().list(userId="me", q="in:sent")
        assert status_of(search) == 403


# Drafts and sending


def test_ui_send_deletes_the_draft_and_makes_a_new_sent_message(
    gmail: FakeGmail, service: Any
) -> None:
    draft = create_draft(service, letter())
    listed = service.users().drafts().list(userId="me").execute()["drafts"]
    assert [d["id"] for d in listed] == [draft["id"]]

    sent_id = gmail.user_sends_draft(draft["id"])

    assert status_of(service.users().drafts().get(userId="me", id=draft["id"])) == 404
    assert sent_id != draft["message"]["id"]
    sent = service.users().messages().get(userId="me", id=sent_id, format="metadata").execute()
    assert sent["labelIds"] == ["SENT"]
    assert sent["threadId"] == draft["message"]["threadId"]
    headers = headers_of(sent)
    assert headers["message-id"] != "<thank-you.1@alex.example.com>"
    assert headers["message-id"].endswith("@mail.gmail.com>")
    assert headers[KEY_HEADER.lower()] == KEY


def test_message_id_rewrite_can_be_switched_off() -> None:
    with FakeGmail(rewrite_message_ids=False) as gmail:
        service = build_service(gmail)
        body = {"raw": raw(letter())}
        sent = service.users().messages().send(userId="me", body=body).execute()
        assert gmail.message(sent["id"]).header("Message-ID") == "<thank-you.1@alex.example.com>"


def test_api_drafts_send_returns_the_sent_message_and_a_second_send_is_404(
    service: Any,
) -> None:
    draft = create_draft(service, letter())

    sent = service.users().drafts().send(userId="me", body={"id": draft["id"]}).execute()

    assert sent["labelIds"] == ["SENT"] and sent["id"] != draft["message"]["id"]
    again = service.users().drafts().send(userId="me", body={"id": draft["id"]})
    assert status_of(again) == 404


def test_drafts_update_keeps_the_draft_id_and_changes_the_message_id(
    gmail: FakeGmail, service: Any
) -> None:
    first = gmail.user_sends_message(to="sam@acme.com", subject="Interview")
    thread_id = gmail.message(first).thread_id
    draft = create_draft(service, letter("Re: Interview"), thread_id)
    drafts = service.users().drafts()

    kept = {"message": {"raw": raw(letter("Re: Interview")), "threadId": thread_id}}
    updated = drafts.update(userId="me", id=draft["id"], body=kept).execute()
    dropped = {"message": {"raw": raw(letter("Re: Interview"))}}
    orphan = drafts.update(userId="me", id=draft["id"], body=dropped).execute()

    assert draft["message"]["threadId"] == updated["message"]["threadId"] == thread_id
    assert updated["id"] == orphan["id"] == draft["id"]
    assert updated["message"]["id"] != draft["message"]["id"]
    assert orphan["message"]["threadId"] != thread_id


def test_a_draft_joins_a_thread_only_with_a_valid_thread_id_and_matching_subject(
    gmail: FakeGmail, service: Any
) -> None:
    first = gmail.user_sends_message(to="sam@acme.com", subject="Interview")
    thread_id = gmail.message(first).thread_id

    reply = create_draft(service, letter("RE: interview"), thread_id)
    stray = create_draft(service, letter("Something else"), thread_id)

    assert reply["message"]["threadId"] == thread_id
    assert stray["message"]["threadId"] == stray["message"]["id"] != thread_id
    unknown = {"message": {"raw": raw(letter()), "threadId": "0123456789abcdef"}}
    assert status_of(service.users().drafts().create(userId="me", body=unknown)) == 404


def test_ui_edit_of_the_subject_moves_the_draft_to_a_new_thread(
    gmail: FakeGmail, service: Any
) -> None:
    draft = create_draft(service, letter())
    get = service.users().drafts().get

    edited = gmail.user_edits_draft(draft["id"])
    after_edit = get(userId="me", id=draft["id"], format="minimal").execute()["message"]
    moved = gmail.user_edits_draft(draft["id"], subject="Thanks again")
    after_move = get(userId="me", id=draft["id"], format="minimal").execute()["message"]

    assert after_edit["id"] == edited != draft["message"]["id"]
    assert after_edit["threadId"] == draft["message"]["threadId"]
    assert after_move["id"] == after_move["threadId"] == moved != draft["message"]["threadId"]


def test_ui_send_after_a_subject_edit_lands_in_a_new_thread(gmail: FakeGmail, service: Any) -> None:
    draft = create_draft(service, letter())

    sent_id = gmail.user_sends_draft(draft["id"], subject="Thank you for today")

    sent = gmail.message(sent_id)
    assert sent.thread_id != draft["message"]["threadId"]
    assert sent.header("Subject") == "Thank you for today" and sent.label_ids == ("SENT",)


def test_ui_delete_makes_the_draft_404_with_no_sent_message(gmail: FakeGmail, service: Any) -> None:
    draft = create_draft(service, letter())

    gmail.user_deletes_draft(draft["id"])

    assert status_of(service.users().drafts().get(userId="me", id=draft["id"])) == 404
    assert gmail.messages("SENT") == []


# History


def test_history_reports_the_ui_send_as_message_added_with_sent(
    gmail: FakeGmail, service: Any
) -> None:
    draft = create_draft(service, letter())
    start = service.users().getProfile(userId="me").execute()["historyId"]
    sent_id = gmail.user_sends_draft(draft["id"])

    page = (
        service.users()
        .history()
        .list(userId="me", startHistoryId=start, historyTypes=["messageAdded", "messageDeleted"])
        .execute()
    )

    records = page["history"]
    changes = [change_of(record) for record in records]
    assert changes == [("messagesDeleted", draft["message"]["id"]), ("messagesAdded", sent_id)]
    assert [r["messages"][0]["id"] for r in records] == [m for _, m in changes]
    added = records[-1]["messagesAdded"][0]["message"]
    assert added["labelIds"] == ["SENT"] and added["threadId"] == draft["message"]["threadId"]
    assert int(records[0]["id"]) > int(start) and int(page["historyId"]) >= int(records[-1]["id"])


def test_empty_history_has_no_history_key(service: Any) -> None:
    current = service.users().getProfile(userId="me").execute()["historyId"]

    page = service.users().history().list(userId="me", startHistoryId=current).execute()

    assert page == {"historyId": current}


def test_history_filters_by_label_and_pages_with_page_token(gmail: FakeGmail, service: Any) -> None:
    start = gmail.history_id
    for n in range(3):
        gmail.user_sends_message(to="sam@acme.com", subject=f"Note {n}")
    reply = gmail.deliver_new_thread(sender="sam@acme.com", subject="Hello")
    gmail.user_reads(reply)
    history = service.users().history()

    first = history.list(userId="me", startHistoryId=start, labelId="SENT", maxResults=2).execute()
    rest = history.list(
        userId="me",
        startHistoryId=start,
        labelId="SENT",
        maxResults=2,
        pageToken=first["nextPageToken"],
    ).execute()
    removed = history.list(
        userId="me", startHistoryId=start, historyTypes=["labelRemoved"]
    ).execute()

    assert len(first["history"]) == 2 and len(rest["history"]) == 1 and "nextPageToken" not in rest
    assert removed["history"][0]["labelsRemoved"][0]["labelIds"] == ["UNREAD"]


def test_expired_or_malformed_start_id_is_404(gmail: FakeGmail, service: Any) -> None:
    old = gmail.history_id
    create_draft(service, letter())
    gmail.expire_history()
    history = service.users().history()

    with pytest.raises(HttpError) as caught:
        history.list(userId="me", startHistoryId=old).execute()

    assert caught.value.status_code == 404
    assert caught.value.error_details[0]["reason"] == "notFound"
    assert status_of(history.list(userId="me", startHistoryId="yesterday")) == 404
    baseline = service.users().getProfile(userId="me").execute()["historyId"]
    assert "history" not in history.list(userId="me", startHistoryId=baseline).execute()


# Reading


def test_threads_get_metadata_returns_only_the_asked_headers(
    gmail: FakeGmail, service: Any
) -> None:
    sent = gmail.user_sends_message(to="dana@acme.com", subject="Interview follow-up")
    reply = gmail.deliver_reply(sent, sender="Dana Smith <dana@acme.com>")

    thread = (
        service.users()
        .threads()
        .get(
            userId="me",
            id=gmail.message(sent).thread_id,
            format="metadata",
            metadataHeaders=["from", "SUBJECT"],
        )
        .execute()
    )

    assert [m["id"] for m in thread["messages"]] == [sent, reply]
    names = [[h["name"] for h in m["payload"]["headers"]] for m in thread["messages"]]
    assert names == [["From", "Subject"], ["From", "Subject"]]
    assert headers_of(thread["messages"][1])["subject"] == "Re: Interview follow-up"


def test_message_formats(gmail: FakeGmail, service: Any) -> None:
    sent = service.users().messages().send(userId="me", body={"raw": raw(letter())}).execute()
    messages = service.users().messages()

    minimal = messages.get(userId="me", id=sent["id"], format="minimal").execute()
    full = messages.get(userId="me", id=sent["id"], format="full").execute()
    whole = messages.get(userId="me", id=sent["id"], format="raw").execute()

    assert "payload" not in minimal and re.fullmatch(r"\d{13}", minimal["internalDate"])
    text = base64.urlsafe_b64decode(full["payload"]["body"]["data"]).decode()
    assert text.startswith("Dear Dana")
    assert KEY.encode() in base64.urlsafe_b64decode(whole["raw"])
    assert status_of(messages.get(userId="me", id="0123456789abcdef")) == 404


def test_messages_list_query_operators(gmail: FakeGmail, service: Any) -> None:
    create_draft(service, letter("Draft only"))
    sent = service.users().messages().send(userId="me", body={"raw": raw(letter())}).execute()
    inbound = gmail.deliver_new_thread(sender="recruiting@acme.com", subject="Next steps")
    message_id = gmail.message(sent["id"]).header("Message-ID") or ""

    def ids(query: str) -> list[str]:
        found = service.users().messages().list(userId="me", q=query).execute()
        return [m["id"] for m in found.get("messages", [])]

    assert ids("in:sent") == [sent["id"]]
    assert len(ids("in:drafts")) == 1
    assert ids(f"rfc822msgid:{message_id.strip('<>')}") == [sent["id"]]
    assert ids("from:recruiting@acme.com newer_than:1d") == [inbound]
    assert ids(f'{KEY_HEADER}:"{KEY}"') == []  # Gmail cannot search our header
    by_label = service.users().messages().list(userId="me", labelIds=["INBOX"]).execute()
    assert [m["id"] for m in by_label["messages"]] == [inbound]


def test_ids_look_like_gmail_ids(gmail: FakeGmail, service: Any) -> None:
    before = int(gmail.history_id)
    draft = create_draft(service, letter())
    message = service.users().messages().get(userId="me", id=draft["message"]["id"]).execute()

    assert re.fullmatch(r"r-?\d+", draft["id"])
    assert re.fullmatch(r"[0-9a-f]{16}", message["id"]) and message["threadId"] == message["id"]
    assert int(message["historyId"]) > before
    assert int(gmail.history_id) - before > 0


# Inbound mail


def test_inbound_replies_auto_replies_and_bounces(gmail: FakeGmail) -> None:
    sent = gmail.user_sends_message(to="dana@acme.com", subject="Thank you")
    thread_id = gmail.message(sent).thread_id

    human = gmail.message(gmail.deliver_reply(sent, sender="dana@acme.com"))
    auto = gmail.message(
        gmail.deliver_auto_reply(sent, sender="dana@acme.com", return_date="Dec 1")
    )
    bounce = gmail.message(gmail.deliver_bounce(sent))
    elsewhere = gmail.message(gmail.deliver_new_thread(sender="hr@acme.com", subject="Hi"))

    assert human.thread_id == auto.thread_id == bounce.thread_id == thread_id
    assert elsewhere.thread_id == elsewhere.id != thread_id
    assert human.label_ids == ("INBOX", "UNREAD")
    assert auto.header("Auto-Submitted") == "auto-replied"
    assert (auto.header("Subject") or "").startswith("Automatic reply:")
    assert "mailer-daemon@googlemail.com" in (bounce.header("From") or "")
    assert bounce.email.get_content_type() == "multipart/report"
    assert bounce.header("Auto-Submitted") == "auto-replied"


# Faults, retries and quota


def test_429_with_retry_after_is_retried_by_the_client(gmail: FakeGmail, service: Any) -> None:
    gmail.fail("drafts.list", 429, retry_after=3, times=2)
    request = service.users().drafts().list(userId="me")

    with pytest.raises(HttpError) as caught:
        request.execute()
    slept: list[float] = []
    request._sleep = slept.append  # the client's own backoff hook, so no real sleep
    result = request.execute(num_retries=1)

    assert caught.value.resp["retry-after"] == "3"
    assert caught.value.error_details[0]["reason"] == "rateLimitExceeded"
    assert result == {"resultSizeEstimate": 0}
    assert len(slept) == 1
    assert [r.status for r in gmail.requests("drafts.list")] == [429, 429, 200]


def test_the_client_reads_the_403_reason_to_decide_on_retrying(
    gmail: FakeGmail, service: Any
) -> None:
    gmail.fail("getProfile", 403, reason="userRateLimitExceeded")
    gmail.fail("history.list", 403, reason="dailyLimitExceeded")
    profile = service.users().getProfile(userId="me")
    history = service.users().history().list(userId="me", startHistoryId=gmail.history_id)
    profile._sleep = history._sleep = lambda seconds: None

    assert profile.execute(num_retries=1)["emailAddress"] == gmail.account
    with pytest.raises(HttpError) as caught:
        history.execute(num_retries=1)

    assert caught.value.reason == "Daily Limit Exceeded"
    assert caught.value.error_details[0]["domain"] == "usageLimits"
    assert len(gmail.requests("getProfile")) == 2 and len(gmail.requests("history.list")) == 1


def test_quota_units_are_counted_per_method(gmail: FakeGmail, service: Any) -> None:
    service.users().getProfile(userId="me").execute()
    create_draft(service, letter())
    service.users().drafts().list(userId="me").execute()
    service.users().history().list(userId="me", startHistoryId=gmail.history_id).execute()

    assert gmail.quota_used("drafts.create") == 10
    assert gmail.quota_used() == 1 + 10 + 5 + 2


@pytest.mark.parametrize(("after_effect", "drafts_left"), [(False, 0), (True, 1)])
def test_a_failure_before_or_after_the_effect(
    gmail: FakeGmail, service: Any, after_effect: bool, drafts_left: int
) -> None:
    gmail.fail("drafts.create", 500, after_effect=after_effect)

    with pytest.raises(HttpError) as caught:
        create_draft(service, letter())

    assert caught.value.status_code == 500
    assert len(gmail.find_by_header(KEY_HEADER, KEY)) == drafts_left
    assert len(gmail.drafts()) == drafts_left


def test_a_delayed_response_lets_the_client_time_out_after_the_effect(gmail: FakeGmail) -> None:
    gmail.delay("messages.send", 5)
    service = service_over(gmail, httplib2.Http(timeout=0.3))

    with pytest.raises(TimeoutError):
        service.users().messages().send(userId="me", body={"raw": raw(letter())}).execute()

    assert len(gmail.messages("SENT")) == 1


# The httplib2 trap (SPEC section 5)


class _OneShotConnection(httplib2.HTTPConnectionWithTimeout):  # type: ignore[misc]
    """Report a connection closed before the response as an error httplib2 does not retry."""

    def getresponse(self) -> http.client.HTTPResponse:
        try:
            return super().getresponse()  # type: ignore[no-any-return]
        except http.client.BadStatusLine as error:  # RemoteDisconnected is one
            raise ConnectionAbortedError(str(error)) from error


class _OneShotHttp(httplib2.Http):  # type: ignore[misc]
    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["connection_type"] = kwargs.get("connection_type") or _OneShotConnection
        return super().request(*args, **kwargs)


@pytest.mark.parametrize("retries", [2, 1])
def test_httplib2_silently_resends_a_post_whose_connection_dropped(
    gmail: FakeGmail, monkeypatch: pytest.MonkeyPatch, retries: int
) -> None:
    # RETRIES = 1 does not help: a dropped connection surfaces as BadStatusLine, which
    # _conn_request retries once "regardless of the number of RETRIES set".
    monkeypatch.setattr(httplib2, "RETRIES", retries)
    gmail.drop_connection("drafts.create")

    created = create_draft(service_over(gmail, httplib2.Http()), letter())

    assert created["id"]  # no error reached the caller
    assert len(gmail.requests("drafts.create")) == 2
    assert len(gmail.find_by_header(KEY_HEADER, KEY)) == 2


def test_a_connection_that_reports_the_drop_prevents_the_duplicate(gmail: FakeGmail) -> None:
    gmail.drop_connection("drafts.create")

    with pytest.raises(ConnectionError):
        create_draft(service_over(gmail, _OneShotHttp()), letter())

    assert len(gmail.requests("drafts.create")) == 1
    assert len(gmail.drafts()) == 1  # the effect happened: the outcome is unknown, not failed


# Batches (one round trip, each part a request of its own) and the per-user rate limit


def batch_of(gmail: FakeGmail, requests: list[Any]) -> dict[str, tuple[Any, int | None]]:
    """Execute requests in one batch on the fake's batch URI; return {id: (result, status)}."""
    answers: dict[str, tuple[Any, int | None]] = {}

    def answered(request_id: str, response: Any, error: HttpError | None) -> None:
        answers[request_id] = (response, error.status_code if error else None)

    # new_batch_http_request() would post to Google's batch URI whatever api_endpoint says
    batch = BatchHttpRequest(callback=answered, batch_uri=f"{gmail.url}batch/gmail/v1")
    for request in requests:
        batch.add(request)
    batch.execute()
    return answers


def test_a_batch_is_one_round_trip_and_each_part_is_answered_and_charged(
    gmail: FakeGmail, service: Any
) -> None:
    sent = [gmail.user_sends_message(to="dana@acme.com", subject=f"Note {n}") for n in (1, 2)]
    threads = service.users().threads()
    parts = [threads.get(userId="me", id=gmail.message(i).thread_id) for i in sent]
    parts.append(threads.get(userId="me", id="0123456789abcdef"))
    parts.append(service.users().messages().list(userId="me", q="to:dana@acme.com"))
    service.users().getProfile(userId="me").execute()  # signed in: no token request below
    before, units = len(gmail.round_trips()), gmail.quota_used()

    answers = batch_of(gmail, parts)

    assert [answers[k][0]["id"] for k in ("1", "2")] == [gmail.message(i).thread_id for i in sent]
    assert answers["3"] == (None, 404)
    assert {m["id"] for m in answers["4"][0]["messages"]} == set(sent)
    [outer] = gmail.round_trips()[before:]
    assert (outer.method, outer.path, outer.status) == ("batch", "/batch/gmail/v1", 200)
    inner = [r for r in gmail.requests() if r.batch is not None]
    assert [(r.method, r.status, r.units) for r in inner] == [
        ("threads.get", 200, 10),
        ("threads.get", 200, 10),
        ("threads.get", 404, 10),
        ("messages.list", 200, 5),
    ]
    assert gmail.quota_used() - units == 35


def test_faults_and_sign_in_apply_to_each_part_of_a_batch(gmail: FakeGmail, service: Any) -> None:
    thread = gmail.message(gmail.user_sends_message(to="dana@acme.com", subject="Hi")).thread_id
    gmail.fail("threads.get", 429, times=1)
    threads = service.users().threads()
    unsigned = threads.get(userId="me", id=thread)
    unsigned.headers["authorization"] = "Bearer ya29.not-a-token"
    unsigned.http = None  # signed with the batch's token only when Gmail refuses this one

    answers = batch_of(gmail, [threads.get(userId="me", id=thread), unsigned])

    assert [answers[k][1] for k in ("1", "2")] == [429, None]
    # the client sends a part refused with 401 again, alone, after a refresh
    assert [r.status for r in gmail.requests("threads.get")] == [429, 401, 200]
    assert [r.method for r in gmail.round_trips()][-3:] == ["batch", "oauth.token", "batch"]


def test_a_dropped_part_drops_the_whole_batch(gmail: FakeGmail) -> None:
    thread = gmail.message(gmail.user_sends_message(to="dana@acme.com", subject="Hi")).thread_id
    gmail.drop_connection("threads.get")
    get = service_over(gmail, _OneShotHttp()).users().threads().get

    with pytest.raises(ConnectionError):
        batch_of(gmail, [get(userId="me", id=thread), get(userId="me", id=thread)])

    assert [(r.method, r.status) for r in gmail.round_trips()][-1] == ("batch", None)
    assert len(gmail.requests("threads.get")) == 1  # the parts after the dropped one never ran


def test_a_batch_holds_at_most_100_requests(gmail: FakeGmail, service: Any) -> None:
    profile = service.users().getProfile
    with pytest.raises(HttpError) as caught:
        batch_of(gmail, [profile(userId="me") for _ in range(101)])
    assert caught.value.status_code == 400 and gmail.quota_used() == 0


def test_the_rate_limit_is_off_unless_a_test_asks(gmail: FakeGmail, service: Any) -> None:
    for _ in range(20):
        service.users().drafts().list(userId="me").execute()
    assert gmail.busiest_window(1.0) == 100

    gmail.limit_rate(12, seconds=60)
    service.users().drafts().list(userId="me").execute()
    service.users().drafts().list(userId="me").execute()
    with pytest.raises(HttpError) as caught:
        service.users().drafts().list(userId="me").execute()

    assert caught.value.status_code == 429
    assert caught.value.error_details[0]["reason"] == "userRateLimitExceeded"
    assert [r.units for r in gmail.requests("drafts.list")][-3:] == [5, 5, 0]  # refused: free
    assert gmail.quota_used() == 110


def test_the_rate_limit_counts_the_parts_of_a_batch(gmail: FakeGmail, service: Any) -> None:
    gmail.limit_rate(12, seconds=60)
    answers = batch_of(gmail, [service.users().drafts().list(userId="me") for _ in range(3)])
    assert [answers[k][1] for k in ("1", "2", "3")] == [None, None, 429]
