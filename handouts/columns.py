"""Columns: the height of balanced reference columns, measured once per text and width.

The references are set in balanced columns kept with the text before them. To decide whether
that group fits, ReportLab measures the columns with no frame and an unbounded height, and
finds their balanced height by a golden-section search over that whole range: about forty trial
splits of the reference list, a twelfth of a handout's time, for a height that depends only on
the references' text and styles and the width. It is kept under exactly those; the real layout
in the frame (which places the columns) is done as before. Output is unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

KEPT = 256
_HEIGHTS: OrderedDict[tuple, tuple[float, float]] = OrderedDict()
stats = {"kept": 0, "measured": 0}
enabled = True


def _key(columns: Any, width: float, height: float) -> tuple | None:
    from .memo import _MemoWrap

    parts = []
    for item in columns._content:
        if not isinstance(item, _MemoWrap):
            return None
        key = item._memo_key(width)
        if key is None or item.__dict__.keys() - _PLAIN:
            return None
        parts.append((key, item.getSpaceBefore(), item.getSpaceAfter()))
    settings = tuple(repr(getattr(columns, name, None)) for name in _SETTINGS)
    return (tuple(parts), settings, width, height)


# Attributes of a reference paragraph that do not change its height (as in replay.py); one
# with anything else is measured afresh.
_PLAIN = frozenset({"text", "style", "bulletText", "frags", "blPara", "width", "height",
                    "_wrap_memo", "_wrapWidths", "_width_max", "_hyphenations",
                    "_splitLongWordCount", "encoding", "caseSensitive", "debug", "canv",
                    "_frame", "_node", "is_references"})
_SETTINGS = ("_nCols", "_leftPadding", "_innerPadding", "_rightPadding", "_topPadding",
             "_bottomPadding", "_needed", "spaceBefore", "spaceAfter", "endSlack",
             "_boxStrokeColor", "_boxStrokeWidth", "_boxFillColor", "_boxMargin",
             "_vLinesStrokeColor", "_vLinesStrokeWidth")


def _measured_once(wrap: Any) -> Any:
    def measure(self: Any, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        if getattr(self, "_frame", None) is not None:
            return wrap(self, aW, aH)  # laid out in its frame: places the columns
        key = _key(self, aW, aH) if enabled else None
        if key is None:
            return wrap(self, aW, aH)
        size = _HEIGHTS.get(key)
        stats["kept" if size is not None else "measured"] += 1
        if size is None:
            size = _HEIGHTS[key] = wrap(self, aW, aH)
            if len(_HEIGHTS) > KEPT:
                _HEIGHTS.popitem(last=False)
        return size
    return measure


@cache
def install() -> None:
    """Keep the measured height of balanced columns (once per process)."""
    from reportlab.platypus.flowables import BalancedColumns

    BalancedColumns.wrap = _measured_once(BalancedColumns.wrap)
