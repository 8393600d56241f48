"""Text operators: what ReportLab's text object writes around glyphs.

Two things ReportLab cannot say by itself, added where it writes text:
- `/Span << /ActualText … >> BDC … EMC` around shaped glyphs, so copy, search and screen readers
  get the characters, in logical order, that the glyphs stand for;
- a stroked ("synthetic") bold for a font with no bold face (the Chinese one): fill and stroke in
  the text colour, so emphasis is weight, never colour alone.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# Font names drawn as stroked bold; the stroke is this fraction of the type size.
_STROKED: set[str] = set()
STROKE = 0.045


def add_stroked_bold(font_name: str) -> None:
    """Draw text set in `font_name` (an alias of a regular face) as stroked bold."""
    _STROKED.add(font_name)


# The language a font's script is read in, when it differs from the handout's (a Chinese name in
# an English handout is read as Chinese; a Latin name in a Chinese one as English).
_FONT_LANG = {"WenQuanYi": "zh", "NotoSansGurmukhi": "pa"}


def span_lang(font_name: str, doc_lang: str) -> str | None:
    """Return the /Lang of text set in `font_name` inside a `doc_lang` handout, if it differs."""
    script = _FONT_LANG.get(font_name.removesuffix("-Bold"), "latin")
    base = doc_lang.split("-")[0]
    doc_script = base if base in _FONT_LANG.values() else "latin"
    if script == doc_script:
        return None
    return "en" if script == "latin" else script


def _utf16_hex(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _rgb_op(colour: Any, op: str) -> str:
    from reportlab.lib.colors import toColor

    try:
        r, g, b = toColor(colour).rgb()
    except (TypeError, ValueError, AttributeError):
        r = g = b = 0.0
    return f"{r:.4g} {g:.4g} {b:.4g} {op}"


def _noting_use(split: Any) -> Any:
    """TTFont.splitString that also notes, per document, the characters drawn."""
    def split_string(self: Any, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
        result = split(self, text, doc, encoding)
        state = self.state[doc]
        used = state.__dict__.get("_used")
        if used is None:
            used = state._used = set()
        used.update(text if isinstance(text, str) else text.decode(encoding))
        return result
    return split_string


def _used_ascii_only(add_objects: Any) -> Any:
    """TTFont.addObjects that embeds only the ASCII glyphs a document draws.

    ReportLab keeps ASCII at its own codes in the first subset ("asciiReadable"), so text stays
    searchable even where a print pipeline drops the ToUnicode map (a PDF printer, say), but it
    then embeds every ASCII glyph the font has. Codes never drawn point at .notdef instead: the
    same codes, 2–3 KB less font program a handout."""
    def add(self: Any, doc: Any) -> Any:
        state = self.state.get(doc)
        used = state.__dict__.get("_used") if state is not None else None
        if used is not None and state.subsets and len(state.subsets[0]) >= 128:
            first = state.subsets[0]
            for code in range(33, 128):  # 32, the space, stays: word spacing needs it
                if first[code] == code and chr(code) not in used:
                    first[code] = 0
        return add_objects(self, doc)
    return add


def _fallback_runs_keep_emphasis() -> None:
    """A run the body font lacks is set in a fallback family with `<font face="Family">`
    (FontChain.to_markup). ReportLab takes the face's own weight and slant, so inside `<b>` the
    run came out regular: "**Nguy**ễ**n**", a Punjabi label's "IMS" light among bold words. The
    face now keeps the bold and italic it is set in (a bold face named outright stays bold)."""
    from reportlab.lib.fonts import ps2tt
    from reportlab.platypus import paraparser

    spans = paraparser._spanAttrMap

    def start_font(self: Any, attr: dict) -> None:
        style = self.getAttributes(attr, spans)
        if "fontName" in style:
            outer = self._stack[-1]
            family, bold, italic = ps2tt(style["fontName"])
            style["fontName"], style["bold"], style["italic"] = \
                family, bold or outer.bold, italic or outer.italic
        self._push("font", **style)

    paraparser.ParaParser.start_font = start_font


@cache
def install() -> None:
    """Put the run-by-run shaper and the two text additions into ReportLab (once per process)."""
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfgen import canvas, textobject
    from reportlab.platypus import paragraph

    from . import subsets
    from .glyphtext import to_unicode_cmap
    from .shaping import shape_frag_word

    subsets.install()
    _fallback_runs_keep_emphasis()

    paragraph.shapeFragWord = shape_frag_word
    canvas.shapeFragWord = shape_frag_word
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    ttfonts.TTFont.splitString = _noting_use(ttfonts.TTFont.splitString)
    ttfonts.TTFont.addObjects = _used_ascii_only(ttfonts.TTFont.addObjects)
    original = textobject.PDFTextObject._formatText

    def format_text(self: Any, text: str) -> str:
        code = original(self, text)
        props = []
        tagger = getattr(self._canvas, "_tagger", None)
        if tagger is not None and tagger.depth and not tagger.suspended and code:
            lang = span_lang(self._fontname or "", tagger.lang)
            if lang:
                props.append(f"/Lang ({lang})")
        pieces = getattr(text, "__pieces__", None)
        if pieces is not None:
            actual = "".join(pieces)
            if actual != str(text):
                props.append(f"/ActualText {_utf16_hex(actual)}")
        if props:
            code = f"/Span <<{' '.join(props)}>> BDC {code} EMC"
        if self._fontname in _STROKED and code:
            # The stroke takes the text colour; line width and stroke colour are put back after,
            # since the canvas believes they are unchanged (a table rule drawn next uses them).
            canv = self._canvas
            fill = getattr(self, "_fillColorObj", None) or canv._fillColorObj
            width = STROKE * (self._fontsize or 0)
            code = (f"2 Tr {width:.3f} w {_rgb_op(fill, 'RG')} {code} 0 Tr "
                    f"{canv._lineWidth:.3f} w {_rgb_op(canv._strokeColorObj, 'RG')}")
        return code

    textobject.PDFTextObject._formatText = format_text
    line_out = textobject.PDFTextObject._textOut

    def text_out(self: Any, text: str, TStar: int = 0) -> None:  # noqa: N803
        # A wrapped line ends where a space was: keep that space (invisible), so text read from
        # the structure or copied runs the last word of one line and the first of the next
        # apart. Not after CJK, which has no spaces between words.
        if TStar and text and not str(text).endswith(" ") and ord(str(text)[-1]) < 0x2E80:
            text = text + " "
        line_out(self, text, TStar)

    textobject.PDFTextObject._textOut = text_out
