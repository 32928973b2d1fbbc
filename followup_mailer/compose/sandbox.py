"""The template sandbox: Jinja2's, plus limits on time, size and where templates come from.

Jinja2's sandbox already refuses attribute tricks; a user's template can still loop for hours
or build a string of gigabytes. Every render here has a budget: a deadline, a number of loop
steps, a largest value and a largest output. The budget is checked at every loop step, call,
filter, operator and piece of output, in the thread that renders, so it works in the daemon's
worker thread too (no signals). Values are checked as they are made, so nothing grows far past
a limit before it is refused. User templates are read only from inside their folder: a link
that leads outside it, or anything but a regular file, is refused.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_SECONDS = 1.0  # per template rendered
MAX_CHARS = 20_000  # any string or list made, and the output
MAX_STEPS = 2_000  # loop steps, all loops of a render together
MAX_NUMBER = 2_000  # a number given to a call or filter (a width, a count, a range)
MAX_SOURCE = 32_768  # bytes of a template file
_WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{4,}|\{[^{}]*:[^{}]*\d{4,}[^{}]*\}")
_budget = threading.local()


class LimitExceeded(SecurityError):
    """A template went over one of the limits above."""


class TemplateRefused(jinja2.TemplateError):
    """A template file that may not be read: outside its folder, not a regular file, too big."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@contextmanager
def budget() -> Iterator[None]:
    """Give the templates rendered in this block one budget of time and loop steps."""
    outer = getattr(_budget, "deadline", None)
    if outer is None:
        _budget.deadline, _budget.steps = time.monotonic() + MAX_SECONDS, 0
    try:
        yield
    finally:
        if outer is None:
            _budget.deadline = None


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render a template piece by piece, refusing output over MAX_CHARS."""
    parts, size = [], 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_CHARS:
            raise LimitExceeded(f"the output is longer than {MAX_CHARS} characters")
        _tick()
        parts.append(piece)
    return "".join(parts)


def _tick(steps: int = 0) -> None:
    """Spend loop steps and check the deadline."""
    deadline = getattr(_budget, "deadline", None)
    if deadline is None:
        return
    _budget.steps += steps
    if _budget.steps > MAX_STEPS:
        raise LimitExceeded(f"its loops ran more than {MAX_STEPS} steps")
    if time.monotonic() > deadline:
        raise LimitExceeded(f"it took longer than {MAX_SECONDS:g} s to render")


def _checked(value: Any) -> Any:
    """Refuse a string or a list longer than MAX_CHARS; return the value."""
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_CHARS:
        raise LimitExceeded(f"it made a value longer than {MAX_CHARS}")
    return value


def _numbers(args: Iterable[Any]) -> None:
    """Refuse a number argument over MAX_NUMBER (a width, a count)."""
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER:
            raise LimitExceeded(f"the number {arg} is larger than {MAX_NUMBER}")


def _growth(name: str, owner: Any, args: tuple[Any, ...]) -> None:
    """Refuse a replace, join or format whose result would be over MAX_CHARS."""
    if name == "expandtabs":
        raise LimitExceeded("expandtabs is not available in templates")
    if name == "replace" and isinstance(owner, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = owner.count(old) if old else len(owner) + 1
        _checked(" " * min(len(owner) + count * len(new), MAX_CHARS + 1))
    if name == "join" and isinstance(args[0] if args else None, list | tuple):
        total = sum(len(str(item)) for item in args[0]) + len(str(owner)) * len(args[0])
        _checked(" " * min(total, MAX_CHARS + 1))
    if name in ("format", "format_map") and isinstance(owner, str) and _WIDE_FORMAT.search(owner):
        raise LimitExceeded("a format width is larger than 999")
    if name == "indent" and isinstance(owner, str) and args and isinstance(args[0], int):
        _checked(" " * min(len(owner) + (owner.count("\n") + 1) * args[0], MAX_CHARS + 1))


class _Guard(NodeTransformer):
    """Route every loop and every `~` through the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "bounded_steps", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, "bounded_value", [], [], None, None, lineno=node.lineno)


def _bounded_steps(items: Iterable[Any]) -> Iterator[Any]:
    """Yield a loop's items, one step of the budget each."""
    for item in items:
        _tick(1)
        yield item


def _bounded_range(*args: int) -> range:
    """Return range(...) of at most MAX_STEPS numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_STEPS:
        raise LimitExceeded(f"range() of {len(numbers)} numbers; at most {MAX_STEPS}")
    return numbers


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so that it checks the budget, its arguments and its result."""
    skip = 1 if getattr(function, "jinja_pass_arg", None) else 0

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        value, rest = (args[skip], args[skip + 1 :]) if len(args) > skip else (None, ())
        _numbers([*rest, *kwargs.values()])
        if name == "join":  # the separator joins the items: the value is the list
            _growth("join", rest[0] if rest else kwargs.get("d", ""), (value,))
        else:
            _growth(name, value, rest)
        return _checked(function(*args, **kwargs))

    return bounded


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the budget checked at every step."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _bounded_range
        self.filters = {n: _bounded_filter(n, f) for n, f in self.filters.items()}
        self.filters.update(bounded_steps=_bounded_steps, bounded_value=_checked)

    def add_filters(self, **filters: Callable[..., Any]) -> None:
        """Add filters of our own, bounded like the built-in ones."""
        self.filters.update({n: _bounded_filter(n, f) for n, f in filters.items()})

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        """Compile a template with its loops and concatenations routed through the budget."""
        guarded = _Guard().visit(source)
        return super()._generate(guarded, name, filename, defer_init=defer_init)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Apply an operator, refusing one whose result would be too big."""
        _tick()
        if operator == "*" and isinstance(left, int) and isinstance(right, str | list | tuple):
            left, right = right, left
        if operator == "*" and isinstance(left, str | list | tuple) and isinstance(right, int):
            _checked(" " * min(len(left) * max(right, 0), MAX_CHARS + 1))
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = abs(left).bit_length() * (abs(right) if operator == "**" else 1)
            if bits + (abs(right).bit_length() if operator == "*" else 0) > 4096:
                raise LimitExceeded("a number in the template grew too large")
        if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise LimitExceeded("a format width is larger than 999")
        return _checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a function from a template within the budget."""
        _tick()
        _numbers([*args, *kwargs.values()])
        # Jinja hands str.format over wrapped (update_wrapper): its string is the wrapped's
        method = getattr(__obj, "__wrapped__", __obj)
        _growth(getattr(method, "__name__", ""), getattr(method, "__self__", None), args)
        return _checked(super().call(__context, __obj, *args, **kwargs))


class FolderLoader(jinja2.BaseLoader):
    """Load templates from one folder, never from outside it, and only regular files."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.root = folder, folder.resolve()

    def has(self, name: str) -> bool:
        """Tell whether the folder holds something (anything) under this name."""
        return os.path.lexists(self.folder.joinpath(*split_template_path(name)))

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Read a template file, refusing a link outside the folder or a special file."""
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        real = path.resolve()
        if not real.is_relative_to(self.root):
            raise TemplateRefused(path, f"is a link to {real}, outside the templates folder")
        text, mtime = _read_regular(path, real)
        return text, str(path), lambda: _mtime(real) == mtime


def _read_regular(path: Path, real: Path) -> tuple[str, int]:
    """Read a regular file of at most MAX_SOURCE bytes, without blocking on a pipe."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(real, flags)
    except OSError as error:
        raise TemplateRefused(path, f"cannot be read: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TemplateRefused(path, "is not a regular file")
        data = file.read(MAX_SOURCE + 1)
    if len(data) > MAX_SOURCE:
        raise TemplateRefused(path, f"is larger than {MAX_SOURCE} bytes")
    try:
        return data.decode("utf-8"), info.st_mtime_ns
    except UnicodeDecodeError:
        raise TemplateRefused(path, "is not UTF-8 text") from None


def _mtime(path: Path) -> int:
    """Return a file's modification time, or -1 when it is gone."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1
