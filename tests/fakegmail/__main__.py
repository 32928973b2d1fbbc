"""Run the fake Gmail server on its own: python -m tests.fakegmail [--port N] [--account A]."""

from __future__ import annotations

import argparse
import json
import threading

from .fake import FakeGmail


def serve(*, port: int, account: str) -> None:
    """Serve until interrupted, after printing the URL and an authorized-user JSON."""
    with FakeGmail(account, port=port) as gmail:
        print(f"fake Gmail for {account} at {gmail.url} (token endpoint {gmail.token_uri})")
        print(json.dumps(gmail.authorized_user_info(), indent=2), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakegmail", description=__doc__)
    parser.add_argument("--port", type=int, default=8025, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--account", default="alex@example.com", help="the mailbox's address")
    args = parser.parse_args()
    serve(port=args.port, account=args.account)


if __name__ == "__main__":
    main()
