"""Reads in batches: many Gmail GETs in one HTTP round trip.

Only reads go in a batch (threads.get, drafts.get, messages.get and the first
page of messages.list): a write is made once and on its own, so that its
outcome is never mixed up with another's. googleapiclient's
new_batch_http_request() ignores api_endpoint and would post to Google's batch
URI whatever the config says, so the batch is built on the configured
endpoint's, <endpoint>/batch/gmail/v1 (research/gmail_api.md, section 6.2). It
rides the same authorised OneShotHttp as every other call, so it is never sent
again behind our back either.

Gmail answers each part on its own: a 404 is an answer (None: it is gone); the
parts refused for the rate of calls or failed with a 5xx are sent again, alone,
after the wait gmail_http.py decides; any other failure fails the whole read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from followup_mailer.mailbox.gmail_errors import retryable


def batch_uri(api_endpoint: str) -> str:
    """Return the batch URI that belongs to an API endpoint."""
    return f"{api_endpoint.rstrip('/')}/batch/gmail/v1"


class Batch:
    """Reads to make in one round trip; after a partial failure, the ones still to make."""

    def __init__(self, requests: Sequence[Any], *, uri: str) -> None:
        self.uri = uri
        self.total = len(requests)
        self.pending: dict[int, Any] = dict(enumerate(requests))
        self.results: dict[int, Any] = {}

    def execute(self, num_retries: int = 0) -> list[Any]:
        """Send the pending reads; once every one is answered, return them in order.

        Named and shaped like HttpRequest.execute, so one retry loop serves both
        (num_retries is always 0: the wire does its own retrying).
        """
        failed: dict[int, HttpError] = {}

        def answered(request_id: str, response: Any, error: HttpError | None) -> None:
            index = int(request_id)
            if error is None or int(error.status_code) == 404:
                self.results[index] = response if error is None else None
            else:
                failed[index] = error

        batch = BatchHttpRequest(callback=answered, batch_uri=self.uri)
        for index, request in self.pending.items():
            batch.add(request, request_id=str(index))
        batch.execute()
        self.pending = {index: self.pending[index] for index in sorted(failed)}
        if failed:
            # a failure that no retry mends is the one to tell; else any: it is tried again
            final = [e for e in failed.values() if not retryable(e, write=False)]
            raise (final or list(failed.values()))[0]
        return [self.results[index] for index in range(self.total)]
