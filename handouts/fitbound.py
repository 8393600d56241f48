"""Fit bound: the least height any layout of a story can take, so that a fit level which cannot
fit its pages is skipped without laying it out.

A handout that runs long is laid out again, tighter (see document.compose_traced). Most trial
layouts that fail, fail by a lot: the English handout at the roomiest level needs about 40 pt
more than two pages hold. Adding up the blocks' heights says so before any drawing, at the
price of wrapping each paragraph once (the lines are remembered for the real layout, see
memo.py). The bound never overestimates, so a level it skips could not have fitted, and the
level chosen is the one a full search would choose: the output does not change.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

_FUZZ = 1.0  # ReportLab lets a block overrun its frame by a hair; so do we, generously


@cache
def _scratch_canvas() -> Any:
    """A canvas to measure on (wrapOn needs one; nothing is ever drawn on it)."""
    from reportlab.pdfgen.canvas import Canvas

    return Canvas(io.BytesIO())


def least_height(story: list, width: float, breaks: int) -> float:
    """Return a height that no layout of `story` in frames `width` wide, with `breaks` frame
    breaks, can come in under: every block's height, plus the space between blocks except the
    `breaks` largest (a page break drops the space where it falls)."""
    heights: list[float] = []
    gaps: list[float] = []
    _measure(story, width, heights, gaps)
    gaps.sort()
    return sum(heights) + sum(gaps[:max(len(gaps) - breaks, 0)])


def cannot_fit(story: list, width: float, first: float, later: float, pages: int) -> bool:
    """True when `story` cannot fit `pages` pages whose text frames are `first` (page 1) and
    `later` high, whatever the page breaks."""
    room = first + later * (pages - 1)
    return least_height(story, width, pages - 1) > room + _FUZZ * pages


def _measure(items: list, width: float, heights: list[float], gaps: list[float],
             after: float | None = None) -> float | None:
    """Add the heights of `items` and the spaces between them; return the space after the last
    (KeepTogether groups are opened: their blocks stand in a row like any others)."""
    from reportlab.platypus import KeepTogether, Spacer
    from reportlab.platypus.flowables import BalancedColumns

    canvas = _scratch_canvas()
    for item in items:
        if hasattr(item, "frameAction"):
            continue  # page and frame actions, indenters: no height of their own
        if isinstance(item, KeepTogether):
            after = _measure(item._content, width, heights, gaps, after)
            continue
        if getattr(item, "_ZEROSIZE", False) or getattr(item, "_SPACETRANSFER", False):
            continue  # ReportLab adds the spaces on either side of these: more than we count
        if isinstance(item, Spacer):
            gaps.append(item.height)  # a spacer at the top of a frame is dropped
            continue
        if after is not None:  # ReportLab: the larger of the two spaces, not their sum
            gaps.append(max(item.getSpaceBefore(), after))
        if isinstance(item, BalancedColumns):
            heights.append(_columns_height(item, width, canvas))
        else:
            heights.append(_height(item, width, canvas))
        after = item.getSpaceAfter()
    return after


# Heights of tables and figures measured in earlier stories, by everything they are made of
# (a new clinic's text differs from the last in a line or two: its boxes and tables do not).
_HEIGHTS: dict[tuple, float] = {}


def _height(item: Any, width: float, canvas: Any) -> float:
    key = _signature(item)
    if key is None:
        return item.wrapOn(canvas, width, 0x7FFFFFFF)[1]
    key = (key, width)
    height = _HEIGHTS.get(key)
    if height is None:
        height = _HEIGHTS[key] = item.wrapOn(canvas, width, 0x7FFFFFFF)[1]
        if len(_HEIGHTS) > 512:
            _HEIGHTS.pop(next(iter(_HEIGHTS)))
    return height


def _signature(item: Any) -> tuple | None:
    """What a table's or figure's height depends on, before it is wrapped: its class, every
    attribute, and each paragraph in it by text, style values and bullet. None for anything
    else (paragraphs keep their own lines, see memo.py) or anything not said that way."""
    from reportlab.platypus import Table

    from .illustration import _figure_class
    from .signatures import table_signature

    if isinstance(item, Table):
        key = table_signature(item, _paragraph_part, _TABLE_SKIP)
        return None if key is None else ("Table", key)
    if isinstance(item, _figure_class()):
        labels = tuple(_paragraph_part(label) for label in item.labels)
        if None in labels:
            return None
        return ("Figure", item.kind, labels, item.spaceBefore, item.spaceAfter)
    return None


def _paragraph_part(part: Any) -> tuple | None:
    """A paragraph by text, style values, bullet and own spaces (None for anything else)."""
    from reportlab.platypus import Paragraph

    from .memo import _style_key

    if isinstance(part, Paragraph) and isinstance(part.__dict__.get("text"), str) and \
            not part.__dict__.keys() - _PLAIN:
        return (type(part), part.text, _style_key(part.style), part.bulletText,
                part.__dict__.get("spaceBefore"), part.__dict__.get("spaceAfter"))
    return None


_TABLE_SKIP = frozenset({"_cellvalues", "_cellStyles", "_frame", "canv"})


# Paragraph attributes that do not change its height, given its text, style, bullet and own
# spaces (as in replay.py); a paragraph with any other is measured afresh, and so is its table.
_PLAIN = frozenset({"text", "style", "bulletText", "frags", "encoding", "caseSensitive", "debug",
                    "_node", "_lbody", "is_heading", "is_references", "is_small_print",
                    "keepWithNext", "spaceBefore", "spaceAfter", "_wrap_memo", "_wrapWidths",
                    "blPara", "width", "height", "_width_max", "_hyphenations",
                    "_splitLongWordCount"})


def _columns_height(columns: Any, width: float, canvas: Any) -> float:
    """Balanced columns are at least as tall as their content shared evenly between them."""
    count = columns._nCols
    pad = [p or 0 for p in (columns._leftPadding, columns._rightPadding)]
    gap = columns._innerPadding if columns._innerPadding is not None else max(pad)
    column = (width - gap * (count - 1) - sum(pad)) / count
    content = [f for f in columns._content if not hasattr(f, "frameAction")]
    return sum(f.wrapOn(canvas, column, 0x7FFFFFFF)[1] for f in content) / count
