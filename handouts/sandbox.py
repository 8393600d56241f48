"""Sandbox: clinic templates run under limits — guarded operators, a loop and time budget, and
includes that never leave the clinic folder (a clinic template is untrusted input)."""

from __future__ import annotations

import contextlib
from functools import cache
import re
import signal
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from jinja2 import BaseLoader, TemplateNotFound, nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from .reading import Unreadable, read_regular

MAX_TEXT = 200_000        # characters (or items) any one value may have; a handout has ~10,000
MAX_INT_BITS = 256        # numbers a handout could print fit easily
MAX_ARG = 10_000          # widths, counts and lengths passed to filters and methods
MAX_STEPS = 200_000       # loop iterations per render, all loops together
TIME_LIMIT = 10.0         # seconds per render (main thread only: it uses SIGALRM)
MAX_TEMPLATE_BYTES = 256 * 1024
MAX_OUTPUT = 50_000       # characters of rendered Markdown; the longest stock handout has ~10,000
_WIDE_FORMAT = re.compile(r"[{%][^}%a-zA-Z]*?(?:\d{5,}|\*)")  # "%099999d", "{:>99999}", "%*d"


class LimitError(SecurityError):
    """A clinic template went over one of the sandbox's limits."""


class ClinicLoader(BaseLoader):
    """Load templates from `dirs` in order; each file must resolve inside its `root`."""

    def __init__(self, dirs: list[tuple[Path, Path]]) -> None:
        self.dirs = dirs  # (search folder, the folder nothing may leave)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            pieces = split_template_path(template)  # refuses ".." and absolute names
        except TemplateNotFound:
            raise LimitError(f"{template!r}: an include names a file inside the templates "
                             "folder, without \"..\"") from None
        for folder, root in self.dirs:
            path = folder.joinpath(*pieces)
            if not path.is_file():
                if path.exists() or path.is_symlink():
                    raise LimitError(f"{template!r} is not a regular file (or a broken link)")
                continue
            resolved = path.resolve()
            if not resolved.is_relative_to(root.resolve()):
                raise LimitError(f"{template!r} is a link to a file outside the clinic folder")
            try:
                data = read_regular(resolved, MAX_TEMPLATE_BYTES)
            except Unreadable as err:
                raise LimitError(f"{template!r} {err.reason}") from None
            return data.decode("utf-8"), str(path), _unchanged(path, resolved)
        raise TemplateNotFound(template, f"{template!r} not found in the clinic's templates "
                                         "folder or the built-in templates")


def _unchanged(path: Path, resolved: Path) -> Callable[[], bool]:
    """Tell Jinja2 the compiled template is still good while the file (and where its link
    points) is the same: compiling was a fifth of a handout's time when done every render."""
    def stamp() -> tuple:
        try:
            st = resolved.stat()
            return (path.resolve(), st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return ()
    first = stamp()
    return lambda: bool(first) and stamp() == first


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > MAX_TEXT:
        raise LimitError(f"a value of {len(value):,} characters or items is made; "
                         f"at most {MAX_TEXT:,}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise LimitError("a number far too large for a handout is computed")
    return value


def _check_args(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_ARG:
            raise LimitError(f"the number {arg} is too large here (at most {MAX_ARG:,})")
        _check_size(arg)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    sequences = (str, list, tuple)
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(count, int):
                if len(seq) * max(count, 0) > MAX_TEXT:
                    raise LimitError(f"repeating a text {count:,} times makes it too long")
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        if max(left.bit_length(), 1) * right > MAX_INT_BITS and abs(left) > 1:
            raise LimitError("a power far too large for a handout is computed")
    if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
        raise LimitError("a format with a huge width is used")


def _lipsum(env: SandboxedEnvironment) -> Any:
    """Jinja's lipsum(n): n paragraphs of filler text, a cheap way to make a huge text."""
    return env.globals.get("lipsum")


class LimitedEnvironment(SandboxedEnvironment):
    """A sandbox whose operators, filters, calls and loops are all bounded."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "-", "/"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = self.budget_range
        self._steps = threading.local()

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        try:
            return _check_size(super().call_binop(context, operator, left, right))
        except OverflowError:
            raise LimitError("a number far too large for a handout is computed") from None

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if getattr(__obj, "__func__", None) in _OWN:
            return super().call(__context, __obj, *args, **kwargs)
        inner = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner, name = getattr(inner, "__self__", None), getattr(inner, "__name__", "")
        values = [*args, *kwargs.values()]
        if isinstance(owner, str) and name.startswith("format"):
            if _WIDE_FORMAT.search(owner):  # "{:>999999999}".format(1); the values are data
                raise LimitError("a format with a huge width is used")
            for value in values:
                _check_size(value)
        elif isinstance(owner, (str, bytes, list, tuple)) or inner is _lipsum(__self):
            _check_args(values)  # "x".ljust(10**9), "x".zfill(10**9), lipsum(10**9)
        else:
            for value in values:
                _check_size(value)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def budget_range(self, *args: int) -> range:
        """range() of at most Jinja's MAX_RANGE items (loops over it count against the budget)."""
        items = range(*args)
        if len(items) > MAX_RANGE:
            raise LimitError(f"range() of {len(items):,} items; at most {MAX_RANGE:,}")
        return items

    def budget_iter(self, items: Iterable[Any]) -> Iterator[Any]:
        """Yield from `items`, counting every step against the render's loop budget."""
        for item in items:
            self.step()
            yield item

    def checked(self, value: Any) -> Any:
        """Return `value` if it is of a size a handout could use."""
        return _check_size(value)

    def step(self) -> None:
        count = getattr(self._steps, "count", 0) + 1
        self._steps.count = count
        if count > MAX_STEPS:
            raise LimitError(f"loops run more than {MAX_STEPS:,} times in all")

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Wrap every loop, filter and ~ concatenation of the parsed template in a check."""
        tree = _Checks().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    @contextlib.contextmanager
    def limits(self) -> Iterator[None]:
        """Reset the loop budget; in the main thread, also stop a render that runs too long."""
        self._steps.count = 0
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def expired(_signum: int, _frame: Any) -> None:
            raise LimitError(f"rendering took longer than {TIME_LIMIT:.0f} seconds")

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _env_call(attr: str, arg: nodes.Expr) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(attr, lineno=arg.lineno), [arg], [], None, None,
                      lineno=arg.lineno)


class _Checks(NodeTransformer):
    """Wrap each loop's iterable in the loop budget and each filter and ~ in a size check."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _env_call("budget_iter", node.iter)
        return node

    def visit_Filter(self, node: nodes.Filter) -> nodes.Node:
        self.generic_visit(node)
        return _env_call("checked", node)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _env_call("checked", node)


_WIDTH_FILTERS = {"center", "indent", "truncate", "wordwrap", "batch", "slice"}


def _guard_filter(name: str, func: Callable) -> Callable:
    """Check a filter's parameters before it runs (its result is checked by `checked`)."""
    import functools

    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        params = list(args[skip:])
        for arg in [*params, *kwargs.values()]:
            _check_size(arg)
        if name in _WIDTH_FILTERS:
            _check_args(params[1:] + list(kwargs.values()))
        value = params[0] if params else None
        if name == "replace" and isinstance(value, str) and len(params) >= 3:
            if value.count(str(params[1])) * len(str(params[2])) > MAX_TEXT:
                raise LimitError("this replace makes a text too long")
        if name == "join" and isinstance(value, (list, tuple)):
            if sum(len(str(v)) for v in value[:MAX_TEXT]) > MAX_TEXT:
                raise LimitError("joining these values makes a text too long")
        if name == "format" and isinstance(value, str) and _WIDE_FORMAT.search(value):
            raise LimitError("a format with a huge width is used")
        return func(*args, **kwargs)
    return guarded


_OWN = (LimitedEnvironment.budget_iter, LimitedEnvironment.checked)


@cache
def compiled_cache() -> Any:
    """Templates compiled once and kept in the user's cache folder, so a new process (a cold
    `generate`, each batch worker) loads them instead of compiling them (about 27 ms). Jinja2
    keys each by its name, file and a checksum of its source; this sandbox's own source is in
    the key too, as it changes the compiled code. None (compile every time) if the folder
    cannot be made, or is not the user's own and closed to others."""
    import hashlib
    import os
    import stat

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "handouts", "templates")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return _compiled_cache_class()(folder, hashlib.sha256(source).hexdigest()[:16])


@cache
def _compiled_cache_class() -> type:
    from jinja2 import FileSystemBytecodeCache

    class CompiledCache(FileSystemBytecodeCache):
        """Jinja2's file cache, keyed by this sandbox too; a file it cannot read or write is
        compiled again."""

        def __init__(self, folder: str, salt: str) -> None:
            super().__init__(folder, "%s.cache")
            self.salt = salt

        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return super().get_cache_key(name, f"{self.salt}:{filename}")

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - damaged (pickle, marshal) or unreadable: compile
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return CompiledCache
