"""Illustration: simple vector figures drawn with ReportLab, labelled in the handout's language.

A template places one with a `::: figure <kind>` box: its list items are the labels, in order,
and its paragraph is the alternative text (kept on the flowable as `alt_text` for tagged PDFs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import TemplateError
from .fonts import FontChain
from .memo import paragraph
from .styles import Palette

MM = 72 / 25.4
# needle-sizes is drawn to scale: its first label (the title) must say this many times real size.
NEEDLE_SCALE = 15
FILAMENT_MM = 0.25        # the solid needle used for IMS and acupuncture
HYPODERMIC_MM = 0.8192    # 21-gauge hypodermic needle, outer diameter (regular wall)
HYPODERMIC_BORE_MM = 0.514
STEEL, STEEL_LIGHT, STEEL_DARK, STEEL_EDGE = "#A7B0B8", "#E9EDF0", "#6B757E", "#3E474F"


Shape = Callable[[Any, float, float], None]  # draws at (left x, middle y) on a canvas


@dataclass(frozen=True)
class FigureSpec:
    """A figure kind: one group per label, each a shape (or none) beside its label."""

    shapes: tuple[Shape | None, ...]
    shape_widths: tuple[float, ...]   # points taken by each shape, left to right

    @property
    def labels(self) -> int:
        return len(self.shapes)


def _solid_needle(canv: Any, x: float, y: float) -> None:
    """A filament needle's cross-section: a small solid steel disc, to scale."""
    r = FILAMENT_MM * NEEDLE_SCALE * MM / 2
    _steel_disc(canv, x + r, y, r)


def _hollow_needle(canv: Any, x: float, y: float) -> None:
    """A hypodermic needle's cross-section: a steel ring around its open bore, to scale."""
    r = HYPODERMIC_MM * NEEDLE_SCALE * MM / 2
    _steel_disc(canv, x + r, y, r)
    bore = HYPODERMIC_BORE_MM * NEEDLE_SCALE * MM / 2
    _outline(canv, x + r, y, bore, fill="#FFFFFF")


def _steel_disc(canv: Any, cx: float, cy: float, r: float) -> None:
    """A disc shaded light to dark from its upper left, so it reads as round metal."""
    from reportlab.lib.colors import HexColor

    canv.saveState()
    path = canv.beginPath()
    path.circle(cx, cy, r)
    canv.clipPath(path, stroke=0, fill=0)
    canv.radialGradient(cx - r * 0.35, cy + r * 0.35, r * 1.4,
                        [HexColor(STEEL_LIGHT), HexColor(STEEL), HexColor(STEEL_DARK)],
                        positions=[0, 0.55, 1], extend=True)
    canv.restoreState()
    _outline(canv, cx, cy, r)


def _outline(canv: Any, cx: float, cy: float, r: float, fill: str | None = None) -> None:
    from reportlab.lib.colors import HexColor

    canv.setStrokeColor(HexColor(STEEL_EDGE))
    canv.setLineWidth(0.8)
    if fill:
        canv.setFillColor(HexColor(fill))
    canv.circle(cx, cy, r, stroke=1, fill=1 if fill else 0)


FIGURES = {
    "needle-sizes": FigureSpec(
        shapes=(None, _solid_needle, _hollow_needle),
        shape_widths=(0.0, FILAMENT_MM * NEEDLE_SCALE * MM, HYPODERMIC_MM * NEEDLE_SCALE * MM),
    ),
}
PAD, GAP = 8.0, 8.0
ROW_GAP = 6.0  # between the groups of a stacked figure
_LABEL_SPLIT = re.compile(r"(.+?[:?：？])\s*(\S.*)\Z", re.S)


def make_figure(kind: str, labels: list[str], alt_text: str, styles: dict, palette: Palette,
                chain: FontChain, source: str) -> Any:
    """Return the figure flowable `kind` with its labels; unknown kinds are template errors."""
    spec = FIGURES.get(kind)
    if spec is None:
        raise TemplateError(f"{source}: unknown figure {kind!r}; known: {', '.join(FIGURES)}")
    if len(labels) != spec.labels:
        raise TemplateError(f"{source}: figure {kind!r} needs {spec.labels} labels (list items), "
                            f"not {len(labels)}")
    if not alt_text.strip():
        raise TemplateError(f"{source}: figure {kind!r} needs a paragraph of alternative text")
    texts = [paragraph(_label_markup(label, chain), _label_style(styles["cell"])) for label in labels]
    return _figure_class()(kind, texts, alt_text.strip(), palette,
                           may_stack=bool(styles.get("large")))


def _label_markup(label: str, chain: FontChain) -> str:
    """Set "Name: size" (or "Question? answer") as the name in bold over the rest, so a number
    never wraps away from its unit."""
    match = _LABEL_SPLIT.match(label)
    if not match:
        return chain.to_markup(label)
    rest = match.group(2).replace(" mm", "\u00a0mm")
    return f"<b>{chain.to_markup(match.group(1))}</b><br/>{chain.to_markup(rest)}"


@cache
def _label_style(cell: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("figure_label", parent=cell, spaceAfter=0)


def figure_from_tokens(tokens: list, i: int, styles: dict, palette: Palette, chain: FontChain,
                       source: str) -> tuple[Any, int]:
    """Read a `::: figure <kind>` box from markdown-it tokens at i; return it and the next index."""
    kind = tokens[i].info.strip().split(maxsplit=1)[1:] or [""]
    labels: list[str] = []
    alt: list[str] = []
    in_item = False
    i += 1
    while tokens[i].type != "container_figure_close":
        tok = tokens[i]
        if tok.type == "list_item_open":
            in_item = True
        elif tok.type == "list_item_close":
            in_item = False
        elif tok.type == "inline":
            (labels if in_item else alt).append(tok.content.strip())
        i += 1
    return make_figure(kind[0].strip(), labels, " ".join(alt), styles, palette, chain, source), i + 1


def _share(natural: list[float], room: float) -> list[float]:
    """Give each label its one-line width if all fit (spare room shared out evenly); else cap the
    widest ones at one width so the short labels stay on one line (translations differ)."""
    if sum(natural) <= room:
        return [n + (room - sum(natural)) / len(natural) for n in natural]
    widths = sorted(natural)
    for k, n in enumerate(widths):  # water-filling: the cap that uses exactly `room`
        cap = (room - sum(widths[:k])) / (len(widths) - k)
        if cap <= n:
            return [min(n, cap) for n in natural]
    return natural


def _natural_width(label: Any) -> float:
    """Return the width of a label's longest line when nothing forces it to wrap."""
    label.wrap(10_000, 10_000)
    return max(label.getActualLineWidths0() or [0.0]) + 1


@cache
def _figure_class() -> type:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Flowable

    class FigureFlowable(Flowable):
        """A figure on a pale panel: a title (a label without a shape), then each shape beside
        its label."""

        def __init__(self, kind: str, labels: list, alt_text: str, palette: Palette,
                     may_stack: bool = False) -> None:
            super().__init__()
            self.kind, self.labels, self.alt_text, self.palette = kind, labels, alt_text, palette
            self.spec = FIGURES[kind]
            self.shapes, self.widths = self.spec.shapes, self.spec.shape_widths
            self.spaceBefore, self.spaceAfter = 2, 6
            # large print: groups that do not fit side by side go one under another (at 18 pt
            # three columns broke every label over three or four short lines)
            self.may_stack, self.stacked = may_stack, False

        def _crowded(self, width: float) -> bool:
            fixed = sum((w + GAP if w else 0) + GAP for w in self.widths)
            return sum(_natural_width(label) for label in self.labels) > width - 2 * PAD - fixed

        def _rows(self, width: float) -> list[tuple[float, float, float]]:
            """Stacked: (label height, row height, label width) of each group, top first. The
            labels beside shapes line up after the widest shape; a title has the whole width."""
            rows, column = [], max(self.widths) + GAP
            for label, shape_w in zip(self.labels, self.widths, strict=True):
                text_w = width - 2 * PAD - (column if shape_w else 0)
                _, h = label.wrap(text_w, 10_000)
                rows.append((h, max(h, shape_w), text_w))
            return rows

        def _columns(self, width: float) -> list[tuple[float, float]]:
            """Return (x, width) of each shape-and-label group (see _share), once per width
            (ReportLab wraps a flowable several times while it lays a page out)."""
            cached = self.__dict__.get("_columns_at")
            if cached is None or cached[0] != width:
                cached = self._columns_at = (width, self._share_columns(width))
            return cached[1]

        def _share_columns(self, width: float) -> list[tuple[float, float]]:
            inner = width - 2 * PAD
            fixed = [(w + GAP if w else 0) + GAP for w in self.widths]
            natural = [_natural_width(label) for label in self.labels]
            room = inner - sum(fixed)
            if self.widths[0] == 0 and sum(natural) > room:  # the title (no shape) wraps first
                title = max(room - sum(natural[1:]), min(natural[0], room / 4))
                text = [title, *_share(natural[1:], room - title)]
            else:
                text = _share(natural, room)
            out, x = [], PAD
            for f, t in zip(fixed, text, strict=True):
                out.append((x, f + t))
                x += f + t
            return out

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
            self.width = availWidth
            self.stacked = self.may_stack and self._crowded(availWidth)
            if self.stacked:
                rows = self._rows(availWidth)
                self.height = sum(r for _, r, _ in rows) + ROW_GAP * (len(rows) - 1) + 2 * PAD
                return self.width, self.height
            tallest = max(self.widths)
            for (x, w), label, shape_w in zip(self._columns(availWidth), self.labels, self.widths,
                                              strict=True):
                text_w = w - (shape_w + GAP if shape_w else 0) - GAP
                _, h = label.wrap(text_w, availHeight)
                tallest = max(tallest, h)
            self.height = tallest + 2 * PAD
            return self.width, self.height

        def draw(self) -> None:
            canv = self.canv
            canv.saveState()
            canv.setFillColor(HexColor(self.palette.tint))
            canv.roundRect(0, 0, self.width, self.height, 6, stroke=0, fill=1)
            if self.stacked:
                self._draw_stacked(canv)
                canv.restoreState()
                return
            middle = self.height / 2
            for (x, w), label, shape, shape_w in zip(self._columns(self.width), self.labels,
                                                     self.shapes, self.widths, strict=True):
                if shape is not None:
                    shape(canv, x, middle)
                text_x = x + (shape_w + GAP if shape_w else 0)
                _, h = label.wrap(w - (text_x - x) - GAP, self.height)
                label.drawOn(canv, text_x, middle - h / 2)
            canv.restoreState()

        def _draw_stacked(self, canv: Any) -> None:
            top, widest = self.height - PAD, max(self.widths)
            for (h, row, text_w), label, shape, shape_w in zip(
                    self._rows(self.width), self.labels, self.shapes, self.widths, strict=True):
                middle = top - row / 2
                if shape is not None:  # centred in the shapes' column
                    shape(canv, PAD + (widest - shape_w) / 2, middle)
                label.wrap(text_w, row)
                label.drawOn(canv, PAD + (widest + GAP if shape_w else 0), middle - h / 2)
                top -= row + ROW_GAP

    return FigureFlowable
