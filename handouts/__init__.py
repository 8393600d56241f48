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
