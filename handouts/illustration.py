"""Illustration: simple vector figures drawn with ReportLab, labelled in the handout's language.

A template places one with a `::: figure <kind>` box: its list items are the labels, in order,
and its paragraph is the alternative text (kept on the flowable as `alt_text` for tagged PDFs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import TemplateError
from .fonts import FontChain
from .memo import paragraph
from .styles import Palette

MM = 72 / 25.4
# needle-sizes is drawn to scale: its third label must say this many times actual size.
NEEDLE_SCALE = 15
FILAMENT_MM = 0.25        # the solid needle used for IMS and acupuncture
HYPODERMIC_MM = 0.8192    # 21-gauge hypodermic needle, outer diameter (regular wall)
HYPODERMIC_BORE_MM = 0.514
STEEL, STEEL_EDGE = "#9AA3AB", "#4A545C"


Shape = Callable[[Any, float, float], None]  # draws at (left x, middle y) on a canvas


@dataclass(frozen=True)
class FigureSpec:
    """A figure kind: one group per label, each a shape (or none) with its width, and a weight."""

    shapes: tuple[Shape | None, ...]
    shape_widths: tuple[float, ...]   # points taken by each shape, left to right
    weights: tuple[float, ...]        # share of the figure's width each group gets

    @property
    def labels(self) -> int:
        return len(self.shapes)


def _solid_needle(canv: Any, x: float, y: float) -> None:
    """A filament needle's cross-section: a small solid disc, to scale."""
    r = FILAMENT_MM * NEEDLE_SCALE * MM / 2
    _disc(canv, x + r, y, r, STEEL)


def _hollow_needle(canv: Any, x: float, y: float) -> None:
    """A hypodermic needle's cross-section: a ring around its bore, to scale."""
    r = HYPODERMIC_MM * NEEDLE_SCALE * MM / 2
    _disc(canv, x + r, y, r, STEEL)
    _disc(canv, x + r, y, HYPODERMIC_BORE_MM * NEEDLE_SCALE * MM / 2, "#FFFFFF")


def _disc(canv: Any, cx: float, cy: float, r: float, fill: str) -> None:
    from reportlab.lib.colors import HexColor

    canv.setFillColor(HexColor(fill))
    canv.setStrokeColor(HexColor(STEEL_EDGE))
    canv.setLineWidth(0.9)
    canv.circle(cx, cy, r, stroke=1, fill=1)


FIGURES = {
    "needle-sizes": FigureSpec(
        shapes=(_solid_needle, _hollow_needle, None),
        shape_widths=(FILAMENT_MM * NEEDLE_SCALE * MM, HYPODERMIC_MM * NEEDLE_SCALE * MM, 0.0),
        weights=(1.0, 1.15, 0.7)),
}
PAD, GAP = 8.0, 8.0


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
    texts = [paragraph(chain.to_markup(label), _label_style(styles["cell"])) for label in labels]
    return _figure_class()(kind, texts, alt_text.strip(), palette)


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


@cache
def _figure_class() -> type:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Flowable

    class FigureFlowable(Flowable):
        """A figure on a pale panel: each shape beside its label; the last label is a note."""

        def __init__(self, kind: str, labels: list, alt_text: str, palette: Palette) -> None:
            super().__init__()
            self.kind, self.labels, self.alt_text, self.palette = kind, labels, alt_text, palette
            self.spec = FIGURES[kind]
            self.shapes, self.widths = self.spec.shapes, self.spec.shape_widths
            self.spaceBefore, self.spaceAfter = 2, 6

        def _columns(self, width: float) -> list[tuple[float, float]]:
            """Return (x, width) of each shape-and-label group, shared out by label length."""
            inner = width - 2 * PAD
            weights = self.spec.weights
            total = sum(weights)
            out, x = [], PAD
            for w in weights:
                out.append((x, inner * w / total))
                x += inner * w / total
            return out

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
            self.width = availWidth
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
            middle = self.height / 2
            for (x, w), label, shape, shape_w in zip(self._columns(self.width), self.labels,
                                                     self.shapes, self.widths, strict=True):
                if shape is not None:
                    shape(canv, x, middle)
                text_x = x + (shape_w + GAP if shape_w else 0)
                _, h = label.wrap(w - (text_x - x) - GAP, self.height)
                label.drawOn(canv, text_x, middle - h / 2)
            canv.restoreState()

    return FigureFlowable
