"""Font subsets: each one made and compressed once per process, not once per handout.

ReportLab builds every font subset a document uses at save time, in Python, glyph by glyph, then
compresses it: a third of a Chinese handout's time, for the same few hundred glyphs as the last
handout's. A subset's bytes depend only on the font file and the glyph behind each code, so they
are kept under exactly that key; a later handout with the same glyphs at the same codes reuses
them, and one with any other glyph gets its own. The PDF is byte for byte what ReportLab writes.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from functools import cache
from typing import Any

KEPT = 256  # subsets kept per process (a Chinese one is about 40 KB, compressed about 25)

_MADE: OrderedDict[tuple, bytes] = OrderedDict()  # (font, glyph per code) → subset font
# id of each subset font kept in _MADE → its compressed bytes (None until first written): the
# kept bytes object itself comes back to be compressed, so its identity is the key, and an id
# is never reused while the object is kept.
_PACKED: dict[int, bytes | None] = {}


def _made_once(make_subset: Any) -> Any:
    def make(self: Any, subset: list) -> bytes:
        glyphs = self.charToGlyph
        key = (self.filename, getattr(self, "subfontIndex", 0),
               tuple([glyphs.get(code, 0) for code in subset]))
        data = _MADE.get(key)
        if data is not None:
            _MADE.move_to_end(key)
            return data
        data = _MADE[key] = make_subset(self, subset)
        _PACKED[id(data)] = None
        while len(_MADE) > KEPT:
            _PACKED.pop(id(_MADE.popitem(last=False)[1]), None)
        return data
    return make


class _KeptFlate:
    """ReportLab's Flate filter (the same name, the same zlib call), compressing a kept subset
    once."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        key = id(data)
        if key not in _PACKED:
            return zlib.compress(data)
        packed = _PACKED[key]
        if packed is None:
            packed = _PACKED[key] = zlib.compress(data)
        return packed

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


_FLATE = _KeptFlate()


def _kept_flate(add_subset_objects: Any) -> Any:
    def add(self: Any, doc: Any, fontname: str, subset: list) -> Any:
        ref = add_subset_objects(self, doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters:
            stream.filters = [_FLATE if f.pdfname == "FlateDecode" else f for f in stream.filters]
        return ref
    return add


@cache
def install() -> None:
    """Keep ReportLab's TrueType subsets (once per process)."""
    from reportlab.pdfbase import ttfonts

    ttfonts.TTFontFace.makeSubset = _made_once(ttfonts.TTFontFace.makeSubset)
    ttfonts.TTFontFace.addSubsetObjects = _kept_flate(ttfonts.TTFontFace.addSubsetObjects)


def forget_new(kept: set) -> None:
    """Drop every subset made since `kept` (the keys then): glyph codes in first-use order spell
    the text they were drawn for (forgetting.py)."""
    for key in [k for k in _MADE if k not in kept]:
        _PACKED.pop(id(_MADE.pop(key)), None)
