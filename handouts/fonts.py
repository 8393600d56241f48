"""Fonts: register the bundled TrueType fonts once per process; check glyph coverage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .errors import RenderError, problem
from .resources import data_dir

# family name → (regular file, bold file or None), relative to fonts/, in fallback order
_FAMILIES = {
    "Atkinson": ("atkinson-hyperlegible/AtkinsonHyperlegible-Regular.ttf",
                 "atkinson-hyperlegible/AtkinsonHyperlegible-Bold.ttf"),
    "NotoSans": ("noto-sans/NotoSans-Regular.ttf", "noto-sans/NotoSans-Bold.ttf"),
    "NotoSansGurmukhi": ("noto-sans-gurmukhi/NotoSansGurmukhi-Regular.ttf",
                         "noto-sans-gurmukhi/NotoSansGurmukhi-Bold.ttf"),
    "WenQuanYi": ("wqy-microhei/WenQuanYiMicroHei.ttf", None),
}
BODY_FAMILY = "Atkinson"
# The body family per language where Atkinson Hyperlegible lacks the script: Vietnamese letters
# with horns and dots below, Gurmukhi, Chinese. The other families stay on as fallbacks.
_LANGUAGE_BODY = {"vi": "NotoSans", "pa": "NotoSansGurmukhi", "zh": "WenQuanYi"}
_SHAPED = {"pa"}      # scripts whose vowel signs and conjuncts need HarfBuzz shaping
_CJK_WRAP = {"zh", "ja"}  # break lines between ideographs, never before closing punctuation


@dataclass(frozen=True)
class FontChain:
    """The fonts that draw a handout's text: the body family first, then fallbacks."""

    families: tuple[str, ...]
    shaping: bool = False
    cjk: bool = False

    @property
    def regular(self) -> str:
        return self.families[0]

    @property
    def bold(self) -> str:
        return bold_of(self.families[0])

    @property
    def symbols(self) -> str:
        """The family that draws list bullets and numbers ("•" is not in every script's font)."""
        return self.family_for("•") or self.regular

    def family_for(self, ch: str) -> str | None:
        """Return the first family that has a glyph for `ch`."""
        code = ord(ch)
        for family in self.families:
            if code in _charmap(family):
                return family
        return None

    def missing(self, text: str) -> str | None:
        """Return the first character of `text` no font of the chain can draw."""
        if _charmap(self.regular).issuperset(map(ord, text)):
            return None  # the body font draws it all (most names and addresses)
        return next((ch for ch in text if not ch.isspace() and self.family_for(ch) is None), None)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split `text` into (run, family) by script and font.

        Letters take the first family that has them, marks the family of their base, and
        neutral characters (spaces, digits, punctuation) the family of the letters before them
        (after them at the start) when it has them: "PT-00000" in a Punjabi line is drawn
        wholly in the Latin font, and a comma after Gurmukhi in the Gurmukhi one.
        """
        if _charmap(self.regular).issuperset(map(ord, text)):
            return [(text, self.regular)] if text else []  # the body font draws it all
        families = _assign_families(self, text)
        out: list[tuple[str, str]] = []
        for ch, family in zip(text, families, strict=True):
            if out and out[-1][1] == family:
                out[-1] = (out[-1][0] + ch, family)
            else:
                out.append((ch, family))
        return out

    def to_markup(self, text: str) -> str:
        """Escape `text` for a ReportLab Paragraph, switching font for runs the body font lacks."""
        if _charmap(self.regular).issuperset(map(ord, text)):
            return escape(text)  # the common case: the body font has every character
        return "".join(_wrap(run, family, self.regular) for run, family in self.runs(text))


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _assign_families(chain: FontChain, text: str) -> list[str]:
    body = chain.regular
    families: list[str | None] = []
    for ch in text:
        if not _is_letter(ch):
            families.append(None)
        elif unicodedata.category(ch)[0] == "M" and families and families[-1] \
                and ord(ch) in _charmap(families[-1]):
            families.append(families[-1])  # a mark stays with its base
        else:
            families.append(chain.family_for(ch) or body)
    after: list[str | None] = [None] * len(text)
    following = None
    for i in range(len(text) - 1, -1, -1):
        after[i] = following
        following = families[i] or following
    previous = None
    for i, ch in enumerate(text):  # neutrals: the letters before, else after, else any font
        if families[i] is None:
            code = ord(ch)
            families[i] = next((f for f in (previous, after[i], body) if f and code in _charmap(f)),
                               None) or chain.family_for(ch) or body
        previous = families[i]
    return families  # type: ignore[return-value]


def escape(text: str) -> str:
    """Escape text for ReportLab's paragraph markup (xml.sax.saxutils would import urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def embolden(markup: str) -> str:
    """Return markup for a bold paragraph: fallback-font runs switch to their bold face too."""
    return re.sub(r'<font face="([^"]+)">',
                  lambda m: f'<font face="{bold_of(m.group(1)) if m.group(1) in _FAMILIES else m.group(1)}">',
                  markup)


def _wrap(run: str, family: str, body: str) -> str:
    text = escape(run)
    return text if family == body else f'<font face="{family}">{text}</font>'


@cache
def font_chain(lang: str = "en") -> FontChain:
    """Register the body font of `lang` (once per process) and return its font chain."""
    from .textops import install

    install()
    base = lang.split("-")[0]
    if base in _CJK_WRAP:
        from .cjkwrap import install as install_cjk

        install_cjk()
    body = _LANGUAGE_BODY.get(base, BODY_FAMILY)
    register_family(body)
    order = (body, *(family for family in _FAMILIES if family != body))
    return FontChain(order, shaping=base in _SHAPED, cjk=base in _CJK_WRAP)


def bold_of(family: str) -> str:
    """Return the registered bold face of `family` (a stroked bold if the family has none)."""
    return f"{family}-Bold"


@cache
def register_family(family: str) -> None:
    """Register one bundled family with ReportLab; fallbacks load only when a text needs them."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    root = data_dir("fonts")
    regular, bold = _FAMILIES[family]
    pdfmetrics.registerFont(TTFont(family, str(root / regular)))
    bold_name = bold_of(family)
    if bold:
        pdfmetrics.registerFont(TTFont(bold_name, str(root / bold)))
    else:  # no bold face (the CJK font): the regular glyphs, filled and stroked
        from .textops import add_stroked_bold

        pdfmetrics._fonts[bold_name] = pdfmetrics.getFont(family)
        add_stroked_bold(bold_name)
    for is_bold in (0, 1):
        for italic in (0, 1):
            addMapping(family, is_bold, italic, bold_name if is_bold else family)


@cache
def _charmap(family: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_family(family)
    return frozenset(pdfmetrics.getFont(family).face.charToGlyph)


def check_glyphs(fields: list[tuple[str, str]], source: object, chain: FontChain) -> None:
    """Raise RenderError naming every key whose text has a character no bundled font draws."""
    problems = []
    for key, text in fields:
        ch = chain.missing(text)
        if ch is not None:
            problems.append(problem(source, key, f"character {ch!r} (U+{ord(ch):04X}) "
                                                 "is not in any bundled font"))
    if problems:
        raise RenderError(*problems)
