"""Glossary: credentials BC clinics print, and what each means to a patient, in every language."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from .resources import data_dir

# Matching ignores letter case, dots, spaces, brackets and hyphens: "Dip. Manip. PT" = "dipmanippt".
_IGNORED = re.compile(r"[\s.()\[\]{}\-‐-―_/,]+")


@dataclass(frozen=True)
class Entry:
    """One credential: its spellings, what it means in each language, and where that comes from."""

    id: str
    names: tuple[str, ...]
    meanings: dict[str, str]
    source: str

    def meaning(self, lang: str) -> str:
        """Return the meaning in `lang`, falling back to English."""
        return self.meanings.get(lang) or self.meanings["en"]


def normalise(name: str) -> str:
    """Return the matching key of a credential as clinics write it."""
    return _IGNORED.sub("", name).casefold()


@cache
def entries() -> tuple[Entry, ...]:
    """Return every glossary entry (read once per process)."""
    path = data_dir("templates") / "_glossary" / "credentials.toml"
    with path.open("rb") as fh:
        table = tomllib.load(fh)
    out = []
    for key, item in table.items():
        meanings = {lang: text for lang, text in item.items() if lang not in ("names", "source")}
        out.append(Entry(key, tuple(item["names"]), meanings, item["source"]))
    return tuple(out)


@cache
def _index() -> dict[str, Entry]:
    return {normalise(name): entry for entry in entries() for name in entry.names}


def lookup(name: str) -> Entry | None:
    """Return the glossary entry a credential as written refers to, or None."""
    return _index().get(normalise(name))


def languages() -> tuple[str, ...]:
    """Return the languages every glossary entry is written in."""
    return tuple(entries()[0].meanings)
