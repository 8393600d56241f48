"""Styles: brand colours → paragraph styles, with text colours raised to WCAG AA contrast."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .fonts import FontChain

WHITE = "#FFFFFF"
INK = "#1A1A1A"
BLACK = "#000000"
BODY_SIZE = 12
LEADING = 15.0  # 125 % of the body size (CNIB clear print: 125–130 %)
AA_BODY = 4.5
AA_LARGE = 3.0


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of #RRGGBB."""
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio between two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """Return `colour` moved `amount` (0–1) of the way towards `other`."""
    parts = []
    for i in (1, 3, 5):
        a, b = int(colour[i:i + 2], 16), int(other[i:i + 2], 16)
        parts.append(round(a + (b - a) * amount))
    return "#" + "".join(f"{p:02X}" for p in parts)


def readable(colour: str, background: str, ratio: float = AA_BODY) -> str:
    """Return `colour`, darkened or lightened just enough to reach `ratio` on `background`."""
    if contrast(colour, background) >= ratio:
        return colour
    target = INK if luminance(background) > 0.18 else WHITE
    lo, hi = 0.0, 1.0
    for _ in range(20):  # bisection: the smallest change that passes
        mid = (lo + hi) / 2
        if contrast(mix(colour, target, mid), background) >= ratio:
            hi = mid
        else:
            lo = mid
    return mix(colour, target, hi)


def on_colour(background: str) -> str:
    """Return white or black, whichever reads better on `background` (always ≥ 4.58:1)."""
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


@dataclass(frozen=True)
class Palette:
    """Brand colours for decoration, and their readable variants for text."""

    primary: str      # the clinic's own colour: bands, rules, table header
    accent: str       # the clinic's accent: the thin rule under the header band
    mark: str         # accent, raised to 3:1 on white: check boxes (WCAG non-text contrast)
    text: str         # primary, adjusted to 4.5:1 on white: headings and links
    on_primary: str   # text on the primary band
    tint: str         # a pale primary for boxes; body text stays ink on it
    warning: str = "#B3261E"
    warning_tint: str = "#FDECEA"


@cache
def make_palette(primary: str, accent: str = "") -> Palette:
    """Derive a palette whose every text colour passes WCAG AA."""
    accent = accent or primary
    tint = mix(primary, WHITE, 0.9)
    return Palette(primary=primary, accent=accent, mark=readable(accent, WHITE, AA_LARGE),
                   text=readable(primary, WHITE),
                   on_primary=on_colour(primary), tint=tint)


@cache
def make_styles(palette: Palette, chain: FontChain, level: int = 0) -> dict:
    """Return the paragraph styles of a handout, keyed by role.

    `level` 1 (compact) keeps the type size and leading but tightens the space between blocks:
    the second try for a text that runs past its page limit (longer languages, many
    practitioners); level 2 (dense) also sets the references in three columns; level 3 (tight)
    also makes the title, headings and lead smaller (body text stays 12 pt on 15 pt).
    """
    compact, tight = level >= 1, level >= 3
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    ink, heading = HexColor(INK), HexColor(palette.text)
    body = ParagraphStyle("body", fontName=chain.regular, fontSize=BODY_SIZE, leading=LEADING,
                          textColor=ink, spaceAfter=1.5 if compact else 4,
                          bulletFontName=chain.symbols,
                          wordWrap="CJK" if chain.cjk else None, shaping=int(chain.shaping))
    bold = chain.bold
    return {
        "pad": 0.5 if compact else 1.0,  # scales the padding of tables and boxes
        "reference_columns": 3 if level >= 2 else 2,
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=18 if tight else 21,
                                leading=22 if tight else 25, textColor=heading,
                                spaceAfter=3 if compact else 6),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=13.5 if tight else 14.5,
                             leading=16.5 if tight else 18, textColor=heading,
                             spaceBefore=(1 if tight else 2) if compact else 5,
                             spaceAfter=1 if compact else 2, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=12.5, leading=15 if tight else 16,
                             textColor=ink, spaceBefore=1 if tight else 3, spaceAfter=1, keepWithNext=1),
        "lead": ParagraphStyle("lead", parent=body, fontName=bold, fontSize=12.5 if tight else 13.5,
                               leading=16 if tight else 17.5, spaceAfter=0),
        "item": ParagraphStyle("item", parent=body, leftIndent=15, bulletIndent=3, spaceAfter=1),
        "check": ParagraphStyle("check", parent=body, leftIndent=19, bulletIndent=1, spaceAfter=1),
        "cell": ParagraphStyle("cell", parent=body, leading=14, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=bold, leading=14,
                                    spaceAfter=0, textColor=HexColor(palette.on_primary)),
        "notice": ParagraphStyle("notice", parent=body, fontName=bold, fontSize=11, leading=14,
                                 spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=11, spaceAfter=0.5,
                                textColor=HexColor("#333333")),
        "small_item": ParagraphStyle("small_item", parent=body, fontSize=9, leading=11,
                                     leftIndent=13, bulletIndent=0, spaceAfter=0.5,
                                     textColor=HexColor("#333333")),
    }


LARGE_BODY = 18.0   # CNIB Clear Print, large print: 16–18 pt; leading ≥ 1.4
LARGE_LEADING = 26.0


@cache
def make_large_styles(palette: Palette, chain: FontChain) -> dict:
    """Return the styles of the large-print edition: 18 pt body on 26 pt (1.44), bigger
    headings, one column, references at 14 pt; every size scaled from the standard styles."""
    from reportlab.lib.styles import ParagraphStyle

    base = make_styles(palette, chain, 0)
    sizes = {  # role: (size, leading, space after, left indent)
        "body": (LARGE_BODY, LARGE_LEADING, 9, 0), "title": (30, 36, 10, 0),
        "h2": (24, 30, 4, 0), "h3": (20, 27, 3, 0), "lead": (20, 28, 0, 0),
        "item": (LARGE_BODY, LARGE_LEADING, 4, 24), "check": (LARGE_BODY, LARGE_LEADING, 4, 30),
        "cell": (LARGE_BODY, LARGE_LEADING, 0, 0), "cell_head": (LARGE_BODY, LARGE_LEADING, 0, 0),
        "notice": (16, 22, 0, 0), "small": (14, 19, 2, 0), "small_item": (14, 19, 2, 22),
    }
    out = {"pad": 1.6, "reference_columns": 1, "large": True}
    for role, (size, leading, after, indent) in sizes.items():
        style = ParagraphStyle(f"large_{role}", parent=base[role], fontSize=size, leading=leading,
                               spaceAfter=after, bulletFontSize=size)
        if indent:
            style.leftIndent, style.bulletIndent = indent, 3 if role != "check" else 1
        if role == "h2":
            style.spaceBefore = 10
        out[role] = style
    return out


def table_style(chain: FontChain, commands: list) -> object:
    """Return a TableStyle whose cell font is ours (ReportLab's default would pull in Helvetica)."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONTNAME", (0, 0), (-1, -1), chain.regular), *commands])
