"""Tagged drawing: ReportLab's paragraphs and tables, marked as they draw.

`install()` wraps, once per process, the few places where ReportLab draws the body:
- a paragraph's drawing becomes one marked-content sequence of its node (P, H1, TD …; a list
  item's bullet is its Lbl and the text its LBody);
- a table's backgrounds and rules are artifacts (its cells are paragraphs, tagged as above);
- a paragraph split across pages keeps its node, so both parts belong to one element.
Nothing changes on a canvas without a Tagger.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Any, Iterator

from .tagging import Node, artifact, node_of, tagger_of


def _draw_paragraph(original: Any) -> Any:
    def draw_on(self: Any, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803
        tagger = tagger_of(canvas)
        if tagger is None or tagger.suspended:
            return original(self, canvas, x, y, _sW)
        node = node_of(self) or tagger.root.child("P")
        if node.tag != "LI":
            with tagger.content(canvas, node):
                return original(self, canvas, x, y, _sW)
        canvas._pending_lbody = node.child("LBody") if not hasattr(self, "_lbody") \
            else self._lbody
        self._lbody = canvas._pending_lbody
        canvas._list_item = node
        try:
            if not _bullet_drawn(self):
                tagger.begin(canvas, self._lbody)
            return original(self, canvas, x, y, _sW)
        finally:
            canvas._list_item = None
            tagger.end(canvas)
    return draw_on


def _bullet_drawn(para: Any) -> bool:
    labelled = getattr(para, "bulletText", None) or getattr(para, "draws_own_label", False)
    return bool(labelled) and not getattr(para, "_split_tail", False)


@contextmanager
def list_label(canvas: Any) -> Iterator[None]:
    """Tie a list item's label drawn inside (a check box) to its Lbl, then open its LBody."""
    tagger = tagger_of(canvas)
    item = getattr(canvas, "_list_item", None)
    if tagger is None or item is None:
        yield
        return
    with tagger.content(canvas, _label(item, "☐")):
        yield
    tagger.begin(canvas, canvas._pending_lbody)


def _draw_bullet(original: Any) -> Any:
    def draw_bullet(canvas: Any, offset: float, cur_y: float, bulletText: Any,  # noqa: N803
                    style: Any, rtl: bool) -> Any:
        tagger = tagger_of(canvas)
        item = getattr(canvas, "_list_item", None)
        if tagger is None or item is None:
            return original(canvas, offset, cur_y, bulletText, style, rtl)
        text = bulletText if isinstance(bulletText, str) else ""
        with tagger.content(canvas, _label(item, text)):
            result = original(canvas, offset, cur_y, bulletText, style, rtl)
        tagger.begin(canvas, canvas._pending_lbody)
        return result
    return draw_bullet


def _label(item: Node, text: str) -> Node:
    existing = next((k for k in item.kids if isinstance(k, Node) and k.tag == "Lbl"), None)
    if existing is not None:
        return existing
    return item.child("Lbl", ActualText=text) if text == "☐" else item.child("Lbl")


def _split(original: Any) -> Any:
    def split(self: Any, availWidth: float, availHeight: float) -> list:  # noqa: N803
        parts = original(self, availWidth, availHeight)
        node = node_of(self)
        for n, part in enumerate(parts):
            if node is not None:
                part._node = node
            if hasattr(self, "_lbody"):
                part._lbody = self._lbody
            if n:
                part._split_tail = True
        return parts
    return split


def _as_artifact(original: Any) -> Any:
    def draw(self: Any, *args: Any, **kwargs: Any) -> Any:
        with artifact(self.canv):
            return original(self, *args, **kwargs)
    return draw


def _draw_figure(original: Any) -> Any:
    def draw_on(self: Any, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803
        tagger, node = tagger_of(canvas), node_of(self)
        if tagger is None or node is None or tagger.suspended:
            return original(self, canvas, x, y, _sW)
        with tagger.content(canvas, node):
            tagger.suspended += 1  # its labels are part of the figure, described by its /Alt
            try:
                return original(self, canvas, x, y, _sW)
            finally:
                tagger.suspended -= 1
    return draw_on


@cache
def install() -> None:
    """Wrap ReportLab's paragraph, table and figure drawing (once per process)."""
    from reportlab.platypus import flowables, paragraph, tables

    paragraph.Paragraph.drawOn = _draw_paragraph(paragraph.Paragraph.drawOn)
    flowables.Flowable.drawOn = _draw_figure(flowables.Flowable.drawOn)  # any other with a node
    paragraph.Paragraph.split = _split(paragraph.Paragraph.split)
    paragraph._drawBullet = _draw_bullet(paragraph._drawBullet)
    tables.Table._drawBkgrnd = _as_artifact(tables.Table._drawBkgrnd)
    tables.Table._drawLines = _as_artifact(tables.Table._drawLines)
