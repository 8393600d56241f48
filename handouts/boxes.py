"""Boxes: the flowables of `::: lead/warning/note` boxes, two-column sections, balanced
reference columns and check-list items (the layout side of markup.py's constructs)."""

from __future__ import annotations

from functools import cache
from typing import Any

from .memo import paragraph
from .styles import table_style

GUTTER = 18.0


def make_box(name: str, inner: list, ctx: Any) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table

    pal = ctx.palette
    background, border = {
        "lead": (pal.tint, pal.primary),
        "warning": (pal.warning_tint, pal.warning),
        "note": (pal.tint, pal.tint),
    }[name]
    if ctx.styles.get("large"):  # large print: no text on a tint; a rule or a frame instead
        background = "#FFFFFF"
        border = pal.primary if name == "note" else border
    box = Table([[inner]], colWidths=["100%"], hAlign="LEFT")
    commands = [("BACKGROUND", (0, 0), (-1, -1), HexColor(background)),
                ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6 * ctx.styles["pad"]),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6 * ctx.styles["pad"])]
    if name == "lead":
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 4, HexColor(border)))
    else:
        commands.append(("BOX", (0, 0), (-1, -1), 1.5 if name == "warning" or ctx.styles.get("large") else 0, HexColor(border)))
    box.setStyle(table_style(ctx.chain, commands))
    box.spaceBefore, box.spaceAfter = 4 * ctx.styles["pad"], 6 * ctx.styles["pad"]
    return box


def two_columns(inner: list, ctx: Any) -> Any:
    """Set `inner` in two columns.

    Sections (each starting at a heading) go side by side in pairs, one table row per pair, so a
    long run of sections (a clinic with many practitioners) can break between rows across pages.
    Without headings (a list, such as the references) the first half of the items goes left.
    """
    from reportlab.platypus import Table

    half = (ctx.width - GUTTER) / 2
    starts = [0] + [i for i, f in enumerate(inner) if getattr(f, "is_heading", False) and i > 0]
    if len(starts) > 1:
        sections = [inner[a:b] for a, b in zip(starts, [*starts[1:], len(inner)], strict=True)]
    else:
        cut = (len(inner) + 1) // 2
        sections = [inner[:cut], inner[cut:]]
    rows = [[sections[k], sections[k + 1] if k + 1 < len(sections) else []]
            for k in range(0, len(sections), 2)]
    grid = Table(rows, colWidths=[half + GUTTER, half], hAlign="LEFT")
    grid.setStyle(table_style(ctx.chain, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), GUTTER),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return grid


def reference_columns(inner: list, ctx: Any) -> Any:
    """Set the references in balanced columns that may break across pages, read column by
    column."""
    from reportlab.platypus.flowables import BalancedColumns

    return BalancedColumns(inner, nCols=ctx.styles["reference_columns"], needed=30,
                           leftPadding=0, rightPadding=0, innerPadding=GUTTER,
                           topPadding=0, bottomPadding=0, name="references")


def CheckItem(text: str, style: Any, box_colour: str) -> Any:  # noqa: N802 - flowable factory
    """Return a paragraph with an empty check box drawn in its bullet area."""
    return paragraph(text, style, cls=check_item_class(), box_colour=box_colour)


@cache
def check_item_class() -> type:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph

    class CheckItemParagraph(Paragraph):
        def __init__(self, text: str, style: Any, box_colour: str, **kwargs: Any) -> None:
            super().__init__(text, style, **kwargs)
            self._box_colour = HexColor(box_colour)

        draws_own_label = True  # the check box is the list item's label (tagged PDF)

        def draw(self) -> None:
            from .tagflow import list_label

            # at least 6 mm (17 pt) in large print, CNIB's size for a box to tick by hand
            size = self.style.fontSize * (0.95 if self.style.fontSize >= 18 else 0.85)
            y = self.height - self.style.leading + (self.style.leading - size) / 2 - 1
            canv = self.canv
            if not getattr(self, "_split_tail", False):
                with list_label(canv):
                    canv.saveState()
                    canv.setStrokeColor(self._box_colour)
                    canv.setLineWidth(1.2)
                    canv.rect(self.style.bulletIndent, y, size, size, stroke=1, fill=0)
                    canv.restoreState()
            super().draw()

    return CheckItemParagraph
