"""Forgetting: what a handout "prepared for" a patient leaves in a process's caches, taken out.

A warm process keeps what it laid out and drew (memo.py, recording.py, the fit bounds and
measured heights) under keys made of the text itself. A front-desk worker builds handouts with
a patient's name on them; the name must not outlive the request. `forgetting(name)` notes
every cache's keys, and afterwards drops each new key that holds a word of the name anywhere
in it (markup removed, since a font switch can split a word), and every font subset and
ToUnicode map made meanwhile (their glyphs, in the order first drawn, can spell the name), and
every compressed page kept meanwhile.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator


def text_caches() -> list[dict]:
    """Every process-wide cache whose keys may hold a handout's text."""
    from . import columns, document, fitbound, memo, recording

    return [memo._SHARED, memo._PARSED, document._BOUNDS, fitbound._HEIGHTS, columns._HEIGHTS,
            *recording._STORES]


def drawn_caches() -> list[dict]:
    """The caches whose every entry made during a named request goes: font subsets and
    ToUnicode maps (codes in first-use order can spell the name) and compressed streams (a page
    shows it)."""
    from . import glyphtext, pdfwriter, subsets

    return [subsets._MADE, glyphtext._CMAPS, pdfwriter.STREAMS]


def _texts(key: Any) -> Iterator[str]:
    if isinstance(key, str):
        yield key
    elif isinstance(key, (tuple, list, frozenset, set)):
        for part in key:
            yield from _texts(part)


def mentions(key: Any, words: set[str]) -> bool:
    """True if any text in `key` holds one of `words` (with or without markup)."""
    for text in _texts(key):
        plain = re.sub(r"<[^>]*>", "", text)
        if any(word in text or word in plain for word in words):
            return True
    return False


@contextmanager
def forgetting(name: str | None) -> Iterator[None]:
    """Drop, afterwards, the cache entries made meanwhile whose key holds a word of `name`."""
    if not name:
        yield
        return
    from .fonts import escape

    words = {w for word in name.split() if len(word) > 1 for w in (word, escape(word))}
    before = {id(cache): set(cache) for cache in text_caches()}
    drawn = [(store, set(store)) for store in drawn_caches()]
    try:
        yield
    finally:
        for store, kept in drawn:
            for key in [k for k in store if k not in kept]:
                del store[key]
        for cache in text_caches():  # (the first handout of a process makes some of them)
            keys = before.get(id(cache), set())
            for key in [k for k in cache if k not in keys]:
                if mentions(key, words):
                    del cache[key]
