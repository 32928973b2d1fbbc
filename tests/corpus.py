"""Read the shared corpus of real mail and classify it as the backends would.

The corpus (labelled real messages from public projects' test suites) lives
outside the repository, at `../shared/corpus/` beside it, or wherever
FOLLOWUP_MAILER_CORPUS points. Both tests/test_corpus.py and
scripts/corpus_report.py use this module, so the test and the report judge the
same thing: a message parsed from bytes with BytesParser(policy=default), its
headers by lower-case name (the first of repeated ones), its body given to the
classifier only when `needs_body` asks for it, as a backend reads it.
"""

from __future__ import annotations

import csv
import inspect
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from types import ModuleType
from typing import Any

from followup_mailer.model import Kind

CORPUS_ENV = "FOLLOWUP_MAILER_CORPUS"
CALENDAR_SUFFIX = ".ics"
# the labels the corpus gives, in the order a report lists them
TRUTHS = ("bounce", "delay", "auto", "human", "human-list", "invite", "other", "unscored")


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled message file of the corpus."""

    path: Path
    file: str
    truth: str
    failed: tuple[str, ...]  # the failed recipients a bounce should name
    back: date | None  # the return date an auto-reply states


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a classifier said about a sample (kind as a plain string, to compare modules)."""

    kind: str
    bounced: tuple[str, ...]
    return_date: date | None


def corpus_dir() -> Path:
    """Return the corpus folder: FOLLOWUP_MAILER_CORPUS, else ../shared/corpus beside the repo."""
    if configured := os.environ.get(CORPUS_ENV):
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


def samples(root: Path) -> list[Sample]:
    """Return the labelled message files (calendar files left out) that exist."""
    with (root / "labels.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [
        Sample(
            path=root / row["file"],
            file=row["file"],
            truth=row["truth"],
            failed=tuple(a.strip().lower() for a in row["failed_expected"].split(";") if a.strip()),
            back=date.fromisoformat(row["return_expected"]) if row["return_expected"] else None,
        )
        for row in rows
        if not row["file"].endswith(CALENDAR_SUFFIX) and (root / row["file"]).is_file()
    ]


def parse(path: Path) -> tuple[dict[str, str], Message]:
    """Parse a message file as the maildir backend does: headers by lower-case name, and all."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), str(value))
    return headers, message


def classifier(module: ModuleType) -> Callable[[dict[str, str], Message], Verdict]:
    """Return a function that classifies a parsed message with a classify module.

    The current interface asks `needs_body` and passes the message; an older
    module (classify(..., body_text=...)) is driven the way its backends drove
    it: headers first, the text only for a bounce or an auto-reply.
    """
    parameters = inspect.signature(module.classify).parameters
    if "message" in parameters:

        def current(headers: dict[str, str], message: Message) -> Verdict:
            body = message if module.needs_body(headers) else None
            return _verdict(module.classify(headers, own=(), message=body))

        return current

    def older(headers: dict[str, str], message: Message) -> Verdict:
        verdict = module.classify(headers, own=())
        if verdict.kind in (Kind.BOUNCE, Kind.AUTO):
            text = module.message_text(message)
            verdict = module.classify(headers, own=(), body_text=text)
        return _verdict(verdict)

    return older


def judged(
    module: ModuleType, root: Path
) -> Iterator[tuple[Sample, Verdict | None, BaseException | None]]:
    """Classify every sample; an exception is reported with its sample, not raised."""
    classify = classifier(module)
    for sample in samples(root):
        try:
            headers, message = parse(sample.path)
            yield sample, classify(headers, message), None
        except Exception as error:  # a crash on real mail is a finding, reported by the caller
            yield sample, None, error


def _verdict(found: Any) -> Verdict:
    return Verdict(str(found.kind), tuple(found.bounced), found.return_date)
