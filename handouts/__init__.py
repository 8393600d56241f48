"""handouts: clinic-branded patient handouts as deterministic PDFs."""

import sys
import types

__version__ = "0.1.0"


class _Deferred(types.ModuleType):
    """Stands in sys.modules for a module until something uses one of its names; then the
    real module is imported and takes its place (importlib's LazyLoader would load it as soon
    as a second `import` statement checks the module's spec)."""

    def __getattr__(self, attr: str) -> object:
        import importlib

        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        try:
            real = importlib.import_module(name)
        except BaseException:
            sys.modules.setdefault(name, self)
            raise
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def _defer(*names: str) -> None:
    """ReportLab imports uharfbuzz (shaping) and pyphen (hyphenation) when it is imported, for
    every job; only a Punjabi handout shapes, and no handout hyphenates. Deferred, an English
    `generate` starts about 14 ms sooner; a Punjabi one loads HarfBuzz when it first shapes."""
    import importlib.util

    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue  # not installed: ReportLab copes
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec
        sys.modules[name] = stand_in


_defer("uharfbuzz", "pyphen")


class _LazyPattern:
    """A regular expression compiled on first use (it has `match` and the rest, as compiled)."""

    def __init__(self, compile_: object, pattern: str, flags: int) -> None:
        self._make, self._args, self._compiled = compile_, (pattern, flags), None

    def __getattr__(self, attr: str) -> object:
        if self._compiled is None:
            self._compiled = self._make(*self._args)  # type: ignore[operator]
        return getattr(self._compiled, attr)


# ReportLab's paragraph module compiles, as it is imported, one case-insensitive pattern over all
# of Unicode that matches URLs: 20 ms of every process's start (a third of ReportLab's import),
# for a pattern used only to break a long URL that has no break point, which a handout never
# asks for. It is compiled when first used instead.
_URL_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"


class _LazyUrlPattern:
    """A meta-path finder that loads reportlab.platypus.paragraph with that one pattern lazy
    (every other pattern, in that module or any other, is compiled as usual)."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> object:
        if name != "reportlab.platypus.paragraph":
            return None
        import importlib.util
        import re

        sys.meta_path.remove(_LazyUrlPattern)  # once; the real finders find it
        spec = importlib.util.find_spec(name)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            compile_ = re.compile

            def compile_lazily(pattern: object, flags: int = 0) -> object:
                if isinstance(pattern, str) and pattern.startswith(_URL_PATTERN_START) and \
                        flags == re.IGNORECASE:
                    return _LazyPattern(compile_, pattern, flags)
                return compile_(pattern, flags)

            re.compile = compile_lazily  # type: ignore[assignment]
            try:
                run(module)
            finally:
                re.compile = compile_

        loader.exec_module = exec_module  # this module's own loader, made for it just now
        return spec


if "reportlab.platypus.paragraph" not in sys.modules:
    sys.meta_path.insert(0, _LazyUrlPattern)  # type: ignore[arg-type]
