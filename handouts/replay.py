"""Replay: paragraphs, tables, figures and page furniture drawn once are drawn again from
their recordings.

Most of a handout's paragraphs and boxes are the same in every clinic's version: the same words,
style and width, drawn from the same canvas state. Drawing them (fitting words to lines,
choosing fonts, formatting numbers, a table's cells, backgrounds and rules) was a third of a
warm handout's time. recording.py keeps what a drawing writes and does to its document, and
replays it exactly; this module says what is replayed and under which key:
- a paragraph: its text, every style value, bullet, width and lines, any attribute that may
  change its drawing (a check box's colour), and the canvas state it is drawn from;
- a table (a box, a two-column section, the comparison table, the prepared-for strip): every
  attribute of the table (column widths, row heights, cell styles, background and line
  commands) and, cell by cell, the key of each paragraph in it. A table holding anything but
  paragraphs and spacers (the needle figure) is drawn afresh;
- the needle figure: its kind, labels, colours, size and alt text (its shadings are made again
  in each document);
- a page's band and footer ("furniture", decorate.py): everything about the page (clinic,
  colours, labels, logo, paper, edition), page 1 or a later one, and the canvas position. Page
  1's is tagged: its nodes (clinic name, booking link, QR code, logo, footer) are made again
  in the new document like the recorded ones, and its links and logo are made again too.
Colours are in the keys: a heading or box in another clinic's colour is recorded once per
colour. The structure nodes a drawing opens are named by role: a list item's label or body (of
the paragraph being drawn, or of the n-th paragraph of a table), or the n-th paragraph of a
table itself. Output is byte for byte a fresh drawing's, whatever the order of jobs
(tests/test_order.py, tests/test_replay.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import recording
from .recording import drawing_state
from .signatures import table_signature, value_key

# Paragraph attributes that do not change what it draws, given the rest of the key: its text,
# style and bullet (in the memo key), what wrapping made of them (lines, sizes, hyphenation
# counts), its place in the document (frame, canvas, structure node) and page-layout hints.
# Any other attribute (a check box's colour, `debug`, ReportLab's _JustifyLast …) is in the key.
_IGNORED = frozenset({
    "text", "style", "bulletText", "frags", "blPara", "width", "height", "_wrap_memo",
    "_wrapWidths", "_width_max", "_hyphenations", "_splitLongWordCount", "encoding",
    "caseSensitive", "canv", "_frame", "_node", "_lbody", "is_heading", "is_references",
    "is_small_print", "keepWithNext", "spaceBefore", "spaceAfter", "_postponed"})
# Table attributes outside its drawing (where it goes, what ReportLab did with it last).
_TABLE_IGNORED = frozenset({"canv", "_frame", "keepWithNext", "spaceBefore", "spaceAfter",
                            "availWidth", "_cellvalues", "_cellStyles", "_width_calculated_once"})


def _paragraph_key(para: Any) -> tuple | None:
    """What a paragraph draws, whatever the canvas: None if it cannot be said."""
    attrs = para.__dict__
    memo = attrs.get("_wrap_memo")
    key = para._memo_key(memo[0]) if memo is not None else None
    if key is None or attrs.get("_split_tail"):
        return None
    others = attrs.keys() - _IGNORED
    extra = tuple(sorted((name, value_key(attrs[name])) for name in others)) if others else ()
    return (key, memo[1], memo[4], extra, getattr(para, "draws_own_label", False))


def paragraph_key(para: Any, canvas: Any) -> tuple | None:
    key = _paragraph_key(para)
    return None if key is None else ("P", key, drawing_state(canvas))


class ParagraphRoles:
    """The nodes a paragraph opens while it draws: its list item's label and body (tagflow.py
    has already put the item on the canvas)."""

    @staticmethod
    def name(canvas: Any, node: Any) -> str | None:
        if node is canvas.__dict__.get("_pending_lbody"):
            return "lbody"
        item = canvas.__dict__.get("_list_item")
        if item is not None and node.tag == "Lbl" and node.parent is item:
            return "box" if node.attrs.get("ActualText") == "☐" else "lbl"
        return None

    @staticmethod
    def find(canvas: Any, role: str) -> Any:
        from .tagflow import _label

        if role == "lbody":
            return canvas._pending_lbody
        return _label(canvas._list_item, "☐" if role == "box" else "")


_PARAGRAPH_ROLES = ParagraphRoles()


def _cell_flowables(table: Any) -> list:
    """The flowables in a table's cells, in order (a role names a paragraph by its place)."""
    return [item for row in table._cellvalues for cell in row
            for item in (cell if isinstance(cell, (list, tuple)) else [cell])
            if item is not None and not isinstance(item, str)]


def _cell_key(item: Any) -> Any:
    key = _paragraph_key(item) if hasattr(item, "_memo_key") else None
    return None if key is None else (key, item.__dict__.get("_lbody") is not None)


def table_key(table: Any, canvas: Any) -> tuple | None:
    key = table_signature(table, _cell_key, _TABLE_IGNORED)
    return None if key is None else ("Table", key, drawing_state(canvas))


class TableRoles:
    """The nodes a table's drawing opens: its paragraphs' own (TD, P …), and their list items'
    labels and bodies, named by the paragraph's place among the table's flowables."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self._flowables: list | None = None

    @property
    def flowables(self) -> list:
        if self._flowables is None:
            self._flowables = _cell_flowables(self.table)
        return self._flowables

    def name(self, canvas: Any, node: Any) -> tuple | None:
        from .tagging import node_of

        for n, item in enumerate(self.flowables):
            own = node_of(item)
            if node is own:
                return ("node", n)
            if node is item.__dict__.get("_lbody"):
                return ("lbody", n)
            if own is not None and node.tag == "Lbl" and node.parent is own:
                return ("box" if node.attrs.get("ActualText") == "☐" else "lbl", n)
        tagger = getattr(canvas, "_tagger", None)
        if tagger is not None and node.tag == "P" and node.parent is tagger.root and \
                not node.placed and not node.attrs and \
                any(node_of(item) is None for item in self.flowables):
            return ("P", -1)  # tagflow's new P for a paragraph without a node of its own
        return None

    def find(self, canvas: Any, role: tuple) -> Any:
        from .tagflow import _label
        from .tagging import node_of

        kind, n = role
        if kind == "P":
            return canvas._tagger.root.child("P")
        item = self.flowables[n]
        if kind == "node":
            return node_of(item)
        if kind == "lbody":  # as tagflow makes it: once per paragraph, kept on it
            if "_lbody" not in item.__dict__:
                item._lbody = node_of(item).child("LBody")
            return item._lbody
        return _label(node_of(item), "☐" if kind == "box" else "")


def figure_key(figure: Any, canvas: Any) -> tuple | None:
    """The needle figure: its kind, labels (each a paragraph key), colours, size, alt text."""
    from .memo import _style_key

    labels = []
    for label in figure.labels:  # each wrapped by the figure as it draws, at its own widths
        if not isinstance(label.text, str) or label.__dict__.keys() - _IGNORED - {"debug"}:
            return None
        labels.append((type(label), label.text, _style_key(label.style), label.bulletText,
                       label.debug))
    return ("Figure", figure.kind, tuple(labels), figure.palette, figure.alt_text,
            figure.width, figure.height, figure.stacked, drawing_state(canvas))


class NoRoles:
    """A drawing that opens no marked-content sequence of its own (the figure is one, opened
    by tagflow around it; its labels are part of it)."""

    @staticmethod
    def name(canvas: Any, node: Any) -> None:
        return None

    @staticmethod
    def find(canvas: Any, role: Any) -> Any:
        raise LookupError(role)


_NO_ROLES = NoRoles()


class OwnNodes(NoRoles):
    """A drawing that makes or first places every structure node it opens: the page furniture
    (clinic name, booking link, QR code, logo, footer) and a page's body (bodyreplay.py).
    recording.py names them by the order they are first used in."""

    fresh = True


OWN_NODES = OwnNodes()


class Furniture:
    """One page's band and footer, as a drawable: decorate.decorate(canv, page, first, fitted).
    It draws at the page's own coordinates, so the position (the canvas matrix, which is the
    page's at that point) is in its key."""

    def __init__(self, draw: Any, canv: Any, page: Any, first: bool, fitted: Any) -> None:
        self.canv, self.page, self.first, self.fitted, self._draw = canv, page, first, fitted, draw

    def draw(self) -> None:
        self._draw(self.canv, self.page, self.first, self.fitted)


def furniture_key(furniture: Furniture, canvas: Any) -> tuple:
    page = furniture.page
    return ("Furniture", repr(page), furniture.first, repr(furniture.fitted),
            tuple(canvas._currentMatrix), drawing_state(canvas))


def _replayed_furniture(decorate: Any) -> Any:
    # a clinic's pages in a batch come close together: a few dozen clinics' furniture is
    # enough; recorded the first time, as every handout of the clinic, paper and language has it
    draw = recording.replaying(Furniture.draw, furniture_key, lambda f: OWN_NODES,
                               kept=64, at_once=True)

    def decorate_page(canv: Any, page: Any, first: bool, fitted: Any = None) -> None:
        draw(Furniture(decorate, canv, page, first, fitted or page.fitted))
    return decorate_page


@cache
def install(canvas_class: type) -> None:
    """Record and replay paragraph and table drawing on `canvas_class` (once per process;
    after textops.install and tagflow.install)."""
    from reportlab.platypus import Table

    from . import decorate
    from .illustration import _figure_class
    from .memo import _MemoWrap

    recording.install(canvas_class)
    _MemoWrap.draw = recording.replaying(lambda para: super(_MemoWrap, para).draw(),
                                         paragraph_key, lambda para: _PARAGRAPH_ROLES)
    Table.draw = recording.replaying(Table.draw, table_key, TableRoles)
    figure = _figure_class()
    figure.draw = recording.replaying(figure.draw, figure_key, lambda f: _NO_ROLES, kept=64)
    decorate.decorate = _replayed_furniture(decorate.decorate)
