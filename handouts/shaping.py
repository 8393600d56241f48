"""Shaping: HarfBuzz per font run, glyphs kept in the font that draws them, a true text layer.

ReportLab 5.1 shapes a whole word with the font of its first run and looks the resulting glyph
ids up in the fonts of the later runs ("PT-00000" in a Gurmukhi line came out as Gurmukhi marks),
numbers unmapped glyphs in the order it meets them (so a PDF's bytes depended on what the process
drew before), and leaves reordered or ligated glyphs without their text ("ਤਿੰਨ" extracted as
"ਿਤੰਨ"). `install()` replaces its word shaper with `shape_frag_word`, which
- shapes each run with the font that draws it, and only runs of a script that needs shaping;
- gives a glyph with no character of its own a code fixed by its glyph id (U+E000 + id);
- returns `ActualStr`s that remember the Unicode text each glyph stands for, which the text
  object writes as a `/Span << /ActualText … >>` around the glyphs (copy, search, screen readers).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .glyphtext import PRIVATE_BASE

# Scripts whose letters reorder, join or stack: their runs are shaped, the rest drawn as is.
SHAPED_SCRIPT = re.compile("[\u0900-\u0d7f]")  # Devanagari … Malayalam (Gurmukhi U+0A00–0A7F)
_FEATURES = {"kern": True, "liga": True}


def needs_shaping(text: str) -> bool:
    """Tell whether `text` holds a character of a script that must be shaped."""
    return SHAPED_SCRIPT.search(text) is not None


@cache
def _actual_str_class() -> type:
    from reportlab.pdfbase.ttfonts import ShapedStr, _sdSimple

    class ActualStr(ShapedStr):
        """Shaped glyph codes plus, per glyph, the text it stands for ("" for later glyphs of a
        cluster): concatenation and slicing keep both in step."""

        def __new__(cls, s: str, shapeData: list, pieces: list[str]) -> Any:  # noqa: N803
            self = super().__new__(cls, s, shapeData)
            self.__pieces__ = pieces
            return self

        @property
        def actual(self) -> str:
            return "".join(self.__pieces__)

        def __add__(self, other: str) -> Any:
            data, pieces = _parts(other, _sdSimple)
            return ActualStr(str.__add__(self, other), self.__shapeData__ + data,
                             self.__pieces__ + pieces)

        def __radd__(self, other: str) -> Any:
            data, pieces = _parts(other, _sdSimple)
            return ActualStr(str(other) + str(self), data + self.__shapeData__,
                             pieces + self.__pieces__)

        def __getitem__(self, i: Any) -> Any:
            s = str.__getitem__(self, i)
            if not s:
                return s
            if isinstance(i, slice):
                return ActualStr(s, self.__shapeData__[i], self.__pieces__[i])
            return ActualStr(s, [self.__shapeData__[i]], [self.__pieces__[i]])

        def __reduce__(self) -> Any:
            return (_rebuild, (str(self), list(self.__shapeData__), list(self.__pieces__)))

    return ActualStr


def _rebuild(s: str, data: list, pieces: list) -> Any:
    return _actual_str_class()(s, data, pieces)


def _parts(other: str, simple: Any) -> tuple[list, list[str]]:
    data = getattr(other, "__shapeData__", None)
    pieces = getattr(other, "__pieces__", None)
    if data is None:
        data = len(other) * [simple]
    if pieces is None:
        pieces = list(str(other))
    return list(data), list(pieces)


@cache
def _hb_font(font_name: str) -> Any:
    import uharfbuzz
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(font_name)
    face = uharfbuzz.Face(uharfbuzz.Blob(font.face._ttf_data))
    return uharfbuzz.Font(face)


def _code_for(font: Any, gid: int) -> int:
    """Return the character code that draws glyph `gid` of `font`: its own character if it has
    one, else a private-use code fixed by the glyph id (the same in every process and order)."""
    face = font.face
    chars = face.glyphToChar.get(gid)
    if chars:
        return chars[0]
    code = PRIVATE_BASE + gid
    while face.charToGlyph.get(code, gid) != gid:  # a font that uses the private area itself
        code += 0x1000
    if code not in face.charToGlyph:
        from .glyphtext import remember

        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = face._pdfScale(face.hmetrics[gid][0])
        name = face.name.decode("latin-1") if isinstance(face.name, bytes) else face.name
        remember(name + _subfont(face), font.face.filename, code, gid)
    return code


def _subfont(face: Any) -> str:
    extra = getattr(face, "subfontNameX", b"")
    return extra.decode("latin-1") if isinstance(extra, bytes) else extra


def shape_run(text: str, font_name: str) -> Any:
    """Shape `text` with the one font that draws it; return an ActualStr of its glyph codes."""
    import uharfbuzz
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import ShapeData

    font = pdfmetrics.getFont(font_name)
    source = getattr(text, "__pieces__", None)
    if source is not None:  # already shaped (a line ReportLab split and joined again): shape
        text = "".join(source)  # the words it stands for, never its glyph codes
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(_hb_font(font_name), buf, _FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    clusters = [info.cluster for info in infos]
    scale = font.face._pdfScale
    glyphs, data, pieces = [], [], []
    for n, (info, pos) in enumerate(zip(infos, positions, strict=True)):
        code = _code_for(font, info.codepoint)
        start = info.cluster
        first = n == 0 or clusters[n - 1] != start
        end = next((c for c in clusters[n + 1:] if c != start), len(text))
        glyphs.append(chr(code))
        pieces.append(text[start:end] if first else "")
        data.append(ShapeData(start, scale(pos.x_advance), scale(pos.y_advance),
                              scale(pos.x_offset), scale(pos.y_offset),
                              font.face.charWidths.get(code, font.face.defaultWidth)))
    return _actual_str_class()("".join(glyphs), data, pieces)


def advance(shaped: Any, size: float) -> float:
    """Return the width of a shaped string set at `size`."""
    return sum(d.x_advance for d in shaped.__shapeData__) * size / 1000


def shape_frag_word(word: list, features: Any = None, force: bool = False) -> list:
    """Replacement for ReportLab's `shapeFragWord`: shape each run of a word with its own font.

    `word` is ReportLab's [width, (frag, text), …]; runs without a shaped script stay plain
    strings, so Latin punctuation, digits and names are drawn exactly as in unshaped text.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapedFragWord, makeShapedFragWord

    if isinstance(word, ShapedFragWord):
        return word
    runs = word[1:]
    if not any(not hasattr(f, "cbDefn") and needs_shaping(s) for f, s in runs):
        return word
    out = makeShapedFragWord(word)([0.0])
    width = 0.0
    for frag, text in runs:
        if hasattr(frag, "cbDefn") or not needs_shaping(text):
            out.append((frag, text))
            if not hasattr(frag, "cbDefn"):
                width += stringWidth(text, frag.fontName, frag.fontSize)
            continue
        shaped = shape_run(text, frag.fontName)
        out.append((frag, shaped))
        width += advance(shaped, frag.fontSize)
    out[0] = width
    return out


def shape_line(text: str, font_name: str, size: float) -> tuple[Any, float]:
    """Shape one line for the canvas (headers, footers); return it and its width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not needs_shaping(text):
        return text, stringWidth(text, font_name, size)
    shaped = shape_run(text, font_name)
    return shaped, advance(shaped, size)
