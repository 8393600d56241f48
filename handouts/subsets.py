"""Font subsets: each one made once per process, not once per handout.

ReportLab builds every font subset a document uses at save time, in Python, glyph by glyph: a
third of a Chinese handout's time, for the same few hundred glyphs as the last handout's. A
subset's bytes depend only on the font file and the glyph behind each code, so they are kept
under exactly that key; a later handout with the same glyphs at the same codes reuses them, and
one with any other glyph gets its own. Compressing them is kept like any stream's, by content
(pdfwriter.py). The PDF is byte for byte what ReportLab writes.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

KEPT = 256  # subsets kept per process (a Chinese one is about 40 KB)

_MADE: OrderedDict[tuple, bytes] = OrderedDict()  # (font, glyph per code) → subset font


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
        while len(_MADE) > KEPT:
            _MADE.popitem(last=False)
        return data
    return make


@cache
def install() -> None:
    """Keep ReportLab's TrueType subsets (once per process)."""
    from reportlab.pdfbase import ttfonts

    ttfonts.TTFontFace.makeSubset = _made_once(ttfonts.TTFontFace.makeSubset)

