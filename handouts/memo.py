"""Memo: break each paragraph into lines once per width, however often ReportLab asks.

ReportLab wraps a paragraph again for every frame, table pass and keep-with-next check (about three
times per paragraph in a handout); the lines depend only on the width, so they are kept.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from functools import cache
from typing import Any

from .shaping import needs_shaping

_FUZZ = 1e-6


# Lines of paragraphs seen in earlier documents of this process, keyed by class, text, every
# style value, bullet and width: most of a handout's text is the same in every clinic's version.
_SHARED: OrderedDict[tuple, tuple] = OrderedDict()
SHARED_MAX = 2048


class _MemoWrap:
    """Mixin for Paragraph classes: reuse the line breaking of the same text, style and width."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        memo = self.__dict__.get("_wrap_memo")
        if memo is None or memo[0] != availWidth:
            key = self._memo_key(availWidth)
            memo = _SHARED.get(key) if key is not None else None
            if memo is None:
                super().wrap(availWidth, availHeight)  # type: ignore[misc]
                if availWidth < _FUZZ:
                    return 0, 0x7FFFFFFF
                memo = (availWidth, self.width, self._wrapWidths, self.blPara, self.height)
                if key is not None:
                    _SHARED[key] = memo
                    if len(_SHARED) > SHARED_MAX:
                        _SHARED.popitem(last=False)
            self._wrap_memo = memo
        _, self.width, self._wrapWidths, self.blPara, self.height = memo
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        """Split freshly broken lines, never the lines shared with other documents: drawing
        changes a line's words in place (a shaped word turns into glyph codes, a word list into
        its fragment) and ReportLab's split appends a space to the lines it keeps, so a split of
        shared lines depended on what an earlier handout drew (a Punjabi text layer came out
        garbled, an English line was set another way). The shared entry itself stays as it
        was: only splits read lines that drawing has changed."""
        self.__dict__.pop("_wrap_memo", None)
        super().wrap(availWidth, availHeight)  # type: ignore[misc]
        return super().split(availWidth, availHeight)  # type: ignore[misc]

    def __deepcopy__(self, memo: dict) -> Any:
        """A shallow copy: ReportLab deep-copies flowables to try splits (balanced columns), but
        a paragraph's split makes new paragraphs and never changes its frags, so sharing them
        is safe, and copying every frag was a sixth of a handout's time."""
        return copy.copy(self)

    def _memo_key(self, width: float) -> tuple | None:
        bullet = self.__dict__.get("bulletText")
        if not isinstance(bullet, (str, type(None))) or not isinstance(self.__dict__.get("text"), str):
            return None
        return (type(self), self.text, _style_key(self.style), bullet, width)


def _style_key(style: Any) -> str:
    """Return every value of a paragraph style (not its name): clinics whose styles differ only
    in colours that these words do not use still differ here, so sharing is only ever exact.

    The key is kept on the style with the style's id: a ParagraphStyle made with `parent=`
    copies its parent's attributes, and a copied key would make the child (large print, say)
    share the parent's cached lines."""
    cached = style.__dict__.get("_memo_key")
    if cached is None or cached[0] != id(style):
        values = {k: v for k, v in style.__dict__.items() if k not in ("name", "parent", "_memo_key")}
        cached = style._memo_key = (id(style), repr(sorted(values.items())))
    return cached[1]


@cache
def _memo_class(cls: type) -> type:
    return type(cls.__name__, (_MemoWrap, cls), {"__module__": cls.__module__})


def memoize_wraps(story: list) -> list:
    """Give every paragraph of `story` (inside tables, kept groups and balanced columns too) a
    wrap that remembers its lines: the references are re-wrapped over a hundred times while
    their columns are balanced."""
    from reportlab.platypus import Paragraph, Table

    def visit(item: Any) -> None:
        if isinstance(item, (list, tuple)):
            for sub in item:
                visit(sub)
        elif isinstance(item, Table):
            visit(item._cellvalues)
        elif isinstance(item, Paragraph) and not isinstance(item, _MemoWrap):
            item.__class__ = _memo_class(type(item))
        elif isinstance(getattr(item, "_content", None), list):  # KeepTogether, BalancedColumns
            visit(item._content)

    visit(story)
    return story


# Parsed paragraph markup, keyed by text, every style value and bullet: the handout's fixed text
# is the same in every clinic's version, and ReportLab's markup parser is a third of its work.
_PARSED: OrderedDict[tuple, tuple] = OrderedDict()
# A paragraph holding letters of a script that must be shaped is shaped even where the
# language's styles are not (ReportLab drew its letters unjoined): its style with shaping on
_SHAPING_STYLES: dict[int, tuple[Any, Any]] = {}


def _shaping(style: Any) -> Any:
    """The same paragraph style with shaping on (made once per style, kept with it)."""
    from reportlab.lib.styles import ParagraphStyle

    kept = _SHAPING_STYLES.get(id(style))
    if kept is None or kept[0] is not style:
        kept = _SHAPING_STYLES[id(style)] = (style, ParagraphStyle(f"{style.name}-shaped",
                                                                   parent=style, shaping=1))
    return kept[1]


def paragraph(text: str, style: Any, bullet_text: str | None = None, cls: type | None = None,
              **extra: Any) -> Any:
    """Return `cls(text, style, …)` (a Paragraph), reusing the parse of an identical paragraph."""
    from reportlab.platypus import Paragraph

    cls = cls or Paragraph
    if not getattr(style, "shaping", 0) and needs_shaping(text):
        style = _shaping(style)  # a Punjabi name in an English handout, say: shaped all the same
    key = (cls, text, _style_key(style), bullet_text)
    parsed = _PARSED.get(key)
    if parsed is None:
        para = cls(text, style, bulletText=bullet_text, **extra)
        _PARSED[key] = (para.frags, para.bulletText, para.text)
        if len(_PARSED) > SHARED_MAX:
            _PARSED.popitem(last=False)
        return para
    frags, bullet, cleaned = parsed
    para = cls(text, style, bulletText=bullet, frags=frags, **extra)
    para.text = cleaned  # as ReportLab's parse leaves it (white space collapsed): the same key
    return para
