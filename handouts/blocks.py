"""Blocks: the fixed parts of a handout around the template text (prepared-for, small print)."""

from __future__ import annotations

from typing import Any

from .fonts import FontChain, embolden
from .memo import paragraph
from .styles import Palette, table_style

BLANK_NAME = "_" * 30
BLANK_DATE = "_" * 16


def prepared_for(labels: dict, patient: str | None, date_text: str, styles: dict,
                 palette: Palette, chain: FontChain) -> Any:
    """Return the 'Prepared for ___ on ___' strip: filled in, or blank lines to write on."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table

    if patient:
        who, when = f"<b>{chain.to_markup(patient)}</b>", chain.to_markup(date_text)
    else:
        who, when = BLANK_NAME, BLANK_DATE
    text = (f"{_label(labels['prepared_for'], chain)}{who}  {_label(labels['on'], chain)}"
            f"{when}")
    strip = Table([[paragraph(text, styles["body"])]], colWidths=["100%"], hAlign="LEFT")
    strip.setStyle(table_style(chain, [
        ("BOX", (0, 0), (-1, -1), 0.8, HexColor(palette.primary)),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    strip.spaceAfter = 6
    return strip


def _label(label: str, chain: FontChain) -> str:
    """A label and the space after it; none after a full-width colon ("患者：陳大文"), which
    has its own space built in."""
    return chain.to_markup(label) + ("" if label.endswith("\uff1a") else " ")


def small_line(text: str, styles: dict, chain: FontChain) -> Any:
    """Return one line of small print (content version, review date)."""

    line = paragraph(chain.to_markup(text), styles["small"])
    line.spaceBefore = 4
    line.is_small_print = True
    return line


def notice(text: str, styles: dict, palette: Palette, chain: FontChain) -> Any:
    """Return a short boxed notice (a draft translation says so, in its own language)."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table

    box = Table([[paragraph(f"<b>{embolden(chain.to_markup(text))}</b>", styles["notice"])]],
                colWidths=["100%"],
                hAlign="LEFT")
    tint = "#FFFFFF" if styles.get("large") else palette.warning_tint  # large print: no tints
    box.setStyle(table_style(chain, [
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(tint)),
        ("LINEBEFORE", (0, 0), (0, -1), 4, HexColor(palette.warning)),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    box.spaceAfter = 6
    return box
