"""How the classifier does on the shared corpus of real mail: numbers, not assertions.

Prints the confusion matrix (labelled truth by predicted kind), the share of
bounces whose failed recipients were found, and the auto-replies' return-date
accuracy. No network. Usage:

    .venv/bin/python scripts/corpus_report.py [--module PATH] [--corpus DIR] [--misses]

--module classifies with another copy of classify.py (to compare a change with
what came before); --misses lists every file judged wrongly.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from followup_mailer.mailbox import classify as current_module
from tests.corpus import TRUTHS, Sample, Verdict, corpus_dir, judged

KINDS = ("bounce", "auto", "human", "invite", "own", "error")
# what each label should be classified as; None: not judged
EXPECTED = {
    "bounce": "bounce",
    "delay": "auto",
    "auto": "auto",
    "human": "human",
    "human-list": "human",
    "invite": "invite",
}


def load(path: Path) -> ModuleType:
    """Import a classify module from a file."""
    spec = importlib.util.spec_from_file_location("classify_under_report", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", type=Path, help="a classify.py to use instead of the package")
    parser.add_argument("--corpus", type=Path, default=None, help="the corpus folder")
    parser.add_argument("--misses", action="store_true", help="list the files judged wrongly")
    args = parser.parse_args()
    root = args.corpus or corpus_dir()
    if not (root / "labels.csv").is_file():
        print(f"no corpus at {root}", file=sys.stderr)
        return 1
    module = load(args.module) if args.module else current_module
    results = list(judged(module, root))
    print(f"corpus: {root}   classifier: {args.module or 'followup_mailer.mailbox.classify'}")
    print_matrix(results)
    print_bounce_rate(results)
    print_return_dates(results)
    if args.misses:
        print_misses(results)
    return 0


def predicted(verdict: Verdict | None) -> str:
    return verdict.kind if verdict else "error"


def print_matrix(results: list[tuple[Sample, Verdict | None, BaseException | None]]) -> None:
    counts = Counter((sample.truth, predicted(verdict)) for sample, verdict, _ in results)
    print("\nconfusion matrix (rows: truth, columns: predicted kind)")
    print(f"{'truth':<12}" + "".join(f"{kind:>8}" for kind in KINDS) + f"{'total':>8}")
    for truth in TRUTHS:
        row = [counts[truth, kind] for kind in KINDS]
        if sum(row):
            print(f"{truth:<12}" + "".join(f"{n:>8}" for n in row) + f"{sum(row):>8}")
    judged_ = [(s, v) for s, v, _ in results if s.truth in EXPECTED]
    right = sum(predicted(v) == EXPECTED[s.truth] for s, v in judged_)
    print(f"kind right: {right}/{len(judged_)} of the judged labels ({', '.join(EXPECTED)})")


def print_bounce_rate(results: list[tuple[Sample, Verdict | None, BaseException | None]]) -> None:
    bounces = [(s, v) for s, v, _ in results if s.truth == "bounce" and s.failed]
    every = sum(v is not None and set(s.failed) <= set(v.bounced) for s, v in bounces)
    some = sum(v is not None and not set(s.failed).isdisjoint(v.bounced) for s, v in bounces)
    addresses = sum(len(s.failed) for s, _ in bounces)
    found = sum(len(set(s.failed) & set(v.bounced)) for s, v in bounces if v)
    extra = sum(len(set(v.bounced) - set(s.failed)) for s, v in bounces if v)
    print(
        f"\nbounce recipients: every expected address found in {every}/{len(bounces)} "
        f"({every / max(len(bounces), 1):.1%}); at least one in {some}/{len(bounces)} "
        f"({some / max(len(bounces), 1):.1%}); addresses {found}/{addresses}; "
        f"addresses named but not expected: {extra}"
    )


def print_return_dates(results: list[tuple[Sample, Verdict | None, BaseException | None]]) -> None:
    """The labels give the first day back; return_date is the day back or the last day away
    (the planner waits for the business day after it): either counts as right."""
    stated = [(s, v) for s, v, _ in results if s.truth == "auto" and s.back]
    exact = sum(v is not None and v.return_date == s.back for s, v in stated)
    right = sum(
        v is not None and s.back in (v.return_date, _next_workday(v.return_date)) for s, v in stated
    )
    print(
        f"return dates: {right}/{len(stated)} right (the day back, or the last day away before "
        f"it); {exact}/{len(stated)} the very day labelled"
    )
    for sample, verdict in stated:
        print(f"  {sample.file}: expected {sample.back}, got {verdict and verdict.return_date}")
    unstated = [(s, v) for s, v, _ in results if s.truth == "auto" and not s.back]
    invented = [s.file for s, v in unstated if v and v.return_date]
    print(f"auto-replies stating no date given one anyway: {len(invented)} {invented}")


def _next_workday(day: date | None) -> date | None:
    if day is None:
        return None
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def print_misses(results: list[tuple[Sample, Verdict | None, BaseException | None]]) -> None:
    print("\nmisses:")
    for sample, verdict, error in results:
        wanted = EXPECTED.get(sample.truth)
        if error:
            print(f"  {sample.file}: {sample.truth} -> error {error!r}")
        elif verdict and wanted and verdict.kind != wanted:
            print(f"  {sample.file}: {sample.truth} -> {verdict.kind}")
        elif (
            verdict and sample.truth == "bounce" and not set(sample.failed) <= set(verdict.bounced)
        ):
            print(f"  {sample.file}: bounced {verdict.bounced}, expected {sample.failed}")


if __name__ == "__main__":
    raise SystemExit(main())
