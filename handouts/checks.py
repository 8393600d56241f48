"""Field checks for clinic.toml: collect every problem with its key path."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from .errors import problem

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")
# Unicode categories that are never printable text: controls, format marks (bidi overrides,
# zero-width), surrogates, private use, unassigned, line/paragraph separators.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_MISSING = object()


def is_id(text: str) -> bool:
    """Whether `text` can be an id in file names: lowercase letters, digits and single
    hyphens, at most 40 characters."""
    return bool(ID_RE.match(text)) and len(text) <= 40


class Checker:
    """Reads typed values out of a TOML table, noting each problem once."""

    def __init__(self, file: object) -> None:
        self.file = file
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        """Record one problem for `key`."""
        self.problems.append(problem(self.file, key, message))

    def unknown_keys(self, table: dict[str, Any], known: set[str], prefix: str) -> None:
        """Flag keys nobody reads, suggesting the closest known one."""
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            self.add(f"{prefix}{key}", f"unknown key{hint}")

    def get(self, table: dict[str, Any], key: str, path: str, kind: type | tuple,
            required: bool) -> Any:
        """Return table[key] if present and of `kind`; None (noting why) otherwise."""
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(path, "required")
            return None
        if isinstance(value, bool) and kind is not bool:
            value_ok = False
        else:
            value_ok = isinstance(value, kind)
        if not value_ok:
            self.add(path, f"must be {_kind_name(kind)}, not {_type_name(value)}")
            return None
        return value

    def text(self, table: dict[str, Any], key: str, path: str, *, required: bool = False,
             max_len: int = 200) -> str | None:
        """Return a printable, non-blank, stripped string."""
        value = self.get(table, key, path, str, required)
        return None if value is None else self.check_text(value, path, max_len)

    def check_text(self, value: str, path: str, max_len: int = 200) -> str | None:
        """Validate a string already read from TOML."""
        # isprintable() is False for every bad category (and for tabs and spaces other than
        # " ", which are fine): only then is each character looked at
        for ch in () if value.isprintable() else value:
            if ch in "\t" or unicodedata.category(ch) not in INVISIBLE:
                continue
            self.add(path, f"contains control character U+{ord(ch):04X}")
            return None
        value = " ".join(value.split())
        if not value:
            self.add(path, "must not be empty or only spaces")
            return None
        if len(value) > max_len:
            self.add(path, f"is {len(value)} characters long; at most {max_len} fit")
            return None
        return value

    def text_list(self, table: dict[str, Any], key: str, path: str, *, required: bool = False,
                  max_len: int = 200, max_items: int = 10) -> tuple[str, ...] | None:
        """Return a non-empty list of printable strings."""
        values = self.get(table, key, path, list, required)
        if values is None:
            return None
        if not values:
            self.add(path, "must list at least one entry")
            return None
        if len(values) > max_items:
            self.add(path, f"has {len(values)} entries; at most {max_items}")
            return None
        out = []
        for i, item in enumerate(values):
            if not isinstance(item, str):
                self.add(f"{path}[{i}]", f"must be a string, not {_type_name(item)}")
            elif (text := self.check_text(item, f"{path}[{i}]", max_len)) is not None:
                out.append(text)
        return tuple(out) if len(out) == len(values) else None

    def ident(self, table: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
        """Return a kebab-case id usable in file names."""
        value = self.get(table, key, path, str, required)
        if value is not None and not is_id(value):
            self.add(path, f"{value!r} must be lowercase letters, digits and single hyphens "
                           "(e.g. \"sam-taylor\"), at most 40 characters")
            return None
        return value

    def colour(self, table: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
        """Return a #RRGGBB colour, upper-cased."""
        value = self.get(table, key, path, str, required)
        if value is not None and not COLOUR_RE.match(value):
            self.add(path, f"{value!r} is not a colour like \"#0B6E4F\" (#RRGGBB)")
            return None
        return value.upper() if value else None

    def url(self, table: dict[str, Any], key: str, path: str) -> str | None:
        """Return an https:// URL with a host."""
        value = self.text(table, key, path, max_len=120)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname or " " in value:
            self.add(path, f"{value!r} must be a full https:// address")
            return None
        return value

    def email(self, table: dict[str, Any], key: str, path: str) -> str | None:
        """Return a plausible e-mail address."""
        value = self.text(table, key, path, max_len=120)
        if value is not None and not EMAIL_RE.match(value):
            self.add(path, f"{value!r} is not an e-mail address")
            return None
        return value

    def choice(self, table: dict[str, Any], key: str, path: str, choices: tuple[str, ...],
               default: str) -> str:
        """Return one of `choices`, or the default when absent or wrong."""
        value = self.get(table, key, path, str, False)
        if value is None:
            return default
        if value not in choices:
            self.add(path, f"{value!r} must be one of: {', '.join(choices)}")
            return default
        return value


def _kind_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


_TYPE_NAMES = {str: "a string", int: "a number", float: "a number", bool: "true or false",
               list: "a list", dict: "a table"}
