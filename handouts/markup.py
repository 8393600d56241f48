"""Markup: rendered Markdown → ReportLab flowables (markdown-it-py tokens)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from .errors import TemplateError
from .fonts import FontChain, embolden, escape
from .memo import paragraph
from .boxes import CheckItem, check_item_class, make_box, reference_columns, two_columns
from .styles import Palette, table_style
from .tagging import Node, node_of, set_node

BOXES = ("lead", "warning", "note")
CONTAINERS = (*BOXES, "columns", "references", "figure")


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    for name in CONTAINERS:
        md.use(container_plugin, name=name)
    return md


@dataclass
class _Ctx:
    styles: dict
    palette: Palette
    chain: FontChain
    source: str
    width: float
    root: Node


@lru_cache(maxsize=32)
def parse_blocks(markdown: str) -> list:
    """Parse Markdown into markdown-it block tokens, cached: the same text comes back for every
    paper size and for each re-layout; callers must not change the tokens.

    The text is parsed section by section (a heading outside any ::: container starts one), each
    section cached on its own: a clinic's handout differs from the next clinic's in a line or
    two, so most sections are parsed once per process. A heading ends whatever block was open,
    so the tokens are those of parsing the whole text at once, except that their line numbers
    count from the section's start (`parse_whole` gives true ones, for error messages)."""
    tokens: list = []
    for section in _sections(markdown):
        tokens += _parse_section(section)
    return tokens


def parse_whole(markdown: str) -> list:
    """Parse Markdown in one piece: the same tokens, with line numbers from the top."""
    return _parser().parse(markdown)


_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")


@lru_cache(maxsize=512)
def _parse_section(section: str) -> list:
    return _parser().parse(section)


def _sections(markdown: str) -> list[str]:
    """Cut Markdown before each heading line that is outside every ::: container and fence."""
    sections: list[str] = []
    start, depth, fenced, at = 0, 0, False, 0
    for line in markdown.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and stripped.startswith(":::"):
            depth = depth + 1 if stripped[3:].strip() else max(depth - 1, 0)
        elif not fenced and depth == 0 and _HEADING.match(line) and at > start:
            sections.append(markdown[start:at])
            start = at
        at += len(line)
    sections.append(markdown[start:])
    return sections


def build_story(markdown: str, styles: dict, palette: Palette, chain: FontChain,
                source: str, width: float, root: Node | None = None) -> list:
    """Turn handout Markdown into a list of flowables, each tied to its structure element under
    `root` (the tagged PDF's Document); unknown constructs are errors."""
    ctx = _Ctx(styles, palette, chain, source, width, root or Node("Document"))
    try:
        story, _ = _blocks(parse_blocks(markdown), 0, ctx, "body", until=None)
    except TemplateError:  # say it again with line numbers counted from the top
        _blocks(parse_whole(markdown), 0, _Ctx(styles, palette, chain, source, width,
                                               Node("Document")), "body", until=None)
        raise
    return story


def _blocks(tokens: list, i: int, ctx: _Ctx, role: str, until: str | None,
            in_refs: bool = False) -> tuple[list, int]:
    """Convert block tokens from i up to the closing `until` token type."""
    out: list = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == until:
            return out, i + 1
        if tok.type == "heading_open":
            text = _inline(tokens[i + 1], ctx)
            level = tok.tag
            style = {"h1": "title", "h2": "h2"}.get(level, "h3")
            heading = _para(text, ctx.styles[style])
            heading.is_heading = True
            set_node(heading, ctx.root.child({"h1": "H1", "h2": "H2"}.get(level, "H3")))
            out.append(heading)
            i += 3
        elif tok.type == "paragraph_open":
            if tokens[i + 1].content.startswith(":::"):  # a box name the parser does not know
                raise TemplateError(f"{ctx.source}: line {tok.map[0] + 1}: unknown box "
                                    f"{tokens[i + 1].content.splitlines()[0]!r}; use ::: "
                                    f"{', ::: '.join(CONTAINERS)}")
            style = "small" if in_refs else ("lead" if role == "lead" else "body")
            out.append(set_node(_para(_inline(tokens[i + 1], ctx), ctx.styles[style]),
                                ctx.root.child("P")))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            items, i = _list(tokens, i, ctx, small=in_refs)
            if out and getattr(out[-1], "is_heading", False) and _is_kept(items):
                items[0]._content.insert(0, out.pop())  # the heading goes with its check list
            out.extend(items)
        elif tok.type == "table_open":
            if ctx.styles.get("large"):
                sections, i = _table_as_sections(tokens, i, ctx)
                out.extend(sections)
            else:
                table, i = _table(tokens, i, ctx)
                out.append(table)
        elif tok.type == "container_figure_open":  # ::: figure <kind>: see illustration.py
            from .illustration import figure_from_tokens

            palette = replace(ctx.palette, tint="#FFFFFF") if ctx.styles.get("large") else ctx.palette
            figure, i = figure_from_tokens(tokens, i, ctx.styles, palette, ctx.chain, ctx.source)
            out.append(set_node(figure, ctx.root.child("Figure", Alt=figure.alt_text)))
        elif tok.type.startswith("container_") and tok.type.endswith("_open"):
            name = tok.type[len("container_"):-len("_open")]
            small = in_refs or name == "references"
            inner, i = _blocks(tokens, i + 1, ctx, name, f"container_{name}_close", small)
            if name == "references":  # `::: references en`: the list is in that language
                _mark_language(inner, tok.info.split()[1:], ctx)
            if ctx.styles.get("large") and name in ("references", "columns"):
                out.extend(inner)  # large print: one column, read straight down
            elif name == "references":
                out.append(reference_columns(inner, ctx))
            elif name == "columns":
                if len(out) >= 2 and getattr(out[-2], "is_heading", False):
                    out[-1].keepWithNext = 1  # a section's opening sentence goes with its columns
                out.append(two_columns(inner, ctx))
            else:
                out.append(make_box(name, inner, ctx))
        elif tok.type == "hr":
            i += 1
        else:
            raise _unsupported(tok, ctx)
    if until is not None:
        raise TemplateError(f"{ctx.source}: a ::: box is not closed")
    return out, i


def _mark_language(items: list, words: list[str], ctx: _Ctx) -> None:
    """Give the references' list the language it is written in (/Lang on its L element), so a
    screen reader reads English citations in a Vietnamese handout with an English voice."""
    if not words:
        return
    from .checks import LANG_RE

    lang = words[0]
    if not LANG_RE.match(lang):
        raise TemplateError(f"{ctx.source}: ::: references {lang}: not a language code")
    for item in items:
        node = node_of(item)
        if node is not None and node.parent is not None and node.parent.tag == "L":
            node.parent.attrs["Lang"] = lang


def _unsupported(tok: Any, ctx: _Ctx) -> TemplateError:
    line = f"line {tok.map[0] + 1}: " if tok.map else ""
    what = tok.type.replace("_open", "").replace("_", " ")
    return TemplateError(f"{ctx.source}: {line}unsupported Markdown ({what})")


def _list(tokens: list, i: int, ctx: _Ctx, small: bool) -> tuple[list, int]:

    ordered = tokens[i].type == "ordered_list_open"
    close = tokens[i].type.replace("_open", "_close")
    number = int(tokens[i].attrs.get("start", 1) or 1)
    out: list = []
    group = ctx.root.child("L")
    i += 1
    while tokens[i].type != close:
        tok = tokens[i]
        if tok.type != "list_item_open":
            raise _unsupported(tok, ctx)
        if tokens[i + 1].type != "paragraph_open" or tokens[i + 4].type != "list_item_close":
            raise _unsupported(tokens[i + 1], ctx)
        inline = tokens[i + 2]
        content = inline.content
        if content.startswith("[ ] ") and not ordered:
            item = CheckItem(_inline(inline, ctx, skip=4), ctx.styles["check"],
                             box_colour=ctx.palette.mark)
        else:
            bullet = f"{number}." if ordered else "•"
            style = ctx.styles["small_item" if small else "item"]
            item = paragraph(_inline(inline, ctx), style, bullet)
            item.is_references = small
        out.append(set_node(item, group.child("LI")))
        number += 1
        i += 5
    if out and isinstance(out[0], check_item_class()):
        from reportlab.platypus import KeepTogether

        out = [KeepTogether(out)]  # a check list is read as one form: never split it
    return out, i + 1


def _is_kept(items: list) -> bool:
    from reportlab.platypus import KeepTogether

    return len(items) == 1 and isinstance(items[0], KeepTogether)


def _table(tokens: list, i: int, ctx: _Ctx) -> tuple[Any, int]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table

    rows: list[list] = []
    grid, row = ctx.root.child("Table"), None
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
            row = grid.child("TR")
        elif tok.type in ("th_open", "td_open"):
            head = tok.type == "th_open" or not rows[-1]
            style = ctx.styles["cell_head" if tok.type == "th_open" else "cell"]
            text = _inline(tokens[i + 1], ctx)
            if head and tok.type == "td_open":
                text = f"<b>{text}</b>"
            # an empty corner cell heads nothing: a TD, not a TH read out as a blank header
            empty = not tokens[i + 1].content.strip()
            cell = row.child("TH", Scope="Column" if tok.type == "th_open" else "Row") \
                if head and not empty else row.child("TD")
            rows[-1].append(set_node(_para(text, style), cell))
            i += 2
        i += 1
    columns = len(rows[0])
    widths = [f"{100 / columns * 0.8:.2f}%"] + [f"{(100 - 80 / columns) / (columns - 1):.2f}%"] * (columns - 1)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    primary, tint = HexColor(ctx.palette.primary), HexColor(ctx.palette.tint)
    pad = ctx.styles["pad"]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), primary),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, HexColor("#C8C8C8")),
        ("TOPPADDING", (0, 0), (-1, -1), 3 * pad), ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * pad),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), tint) for r in range(2, len(rows), 2)]
    table.setStyle(table_style(ctx.chain, commands))
    return table, i + 1


def _table_as_sections(tokens: list, i: int, ctx: _Ctx) -> tuple[list, int]:
    """Large print: the comparison table as one short section per column (approach): its
    heading, then "row label: value" for each row. No text on tints, nothing side by side."""
    rows: list[list[str]] = []
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type in ("th_open", "td_open"):
            rows[-1].append(_inline(tokens[i + 1], ctx))
            i += 1
        i += 1
    head, body = rows[0], rows[1:]
    out: list = []
    for col in range(1, len(head)):
        heading = set_node(_para(head[col], ctx.styles["h3"]), ctx.root.child("H3"))
        heading.is_heading = True
        out.append(heading)
        group = ctx.root.child("L")
        for row in body:
            text = f"<b>{embolden(row[0])}</b>: {row[col]}" if row[0] else row[col]
            out.append(set_node(paragraph(text, ctx.styles["item"], "•"), group.child("LI")))
    return out, i + 1


def _inline(tok: Any, ctx: _Ctx, skip: int = 0) -> str:
    """Convert an inline token's children to ReportLab paragraph markup.

    `skip` drops that many leading characters (a task list's "[ ] "); tokens are never changed,
    so parsed Markdown can be cached and reused.
    """
    out: list[str] = []
    bold = 0
    for n, child in enumerate(tok.children or []):
        kind = child.type
        if kind in ("text", "code_inline"):
            text = ctx.chain.to_markup(child.content[skip:] if n == 0 else child.content)
            out.append(embolden(text) if bold else text)
        elif kind in ("strong_open", "em_open"):
            bold += 1
            out.append(_emphasis(ctx, opening=True))  # clear print: bold, never italics
        elif kind in ("strong_close", "em_close"):
            bold -= 1
            out.append(_emphasis(ctx, opening=False))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind == "link_open":
            href = child.attrs.get("href", "").replace('"', "%22")
            out.append(f'<a href="{escape(href)}" color="{ctx.palette.text}">')
        elif kind == "link_close":
            out.append("</a>")
        else:
            raise _unsupported(tok if tok.map else child, ctx)
    return "".join(out)


def _emphasis(ctx: _Ctx, opening: bool) -> str:
    """Bold in every language (the CJK font's bold is stroked): weight, never colour alone."""
    return "<b>" if opening else "</b>"


def _para(text: str, style: Any) -> Any:
    """Return a paragraph; bold styles wrap their text in <b> so fallback-font runs are bold too."""

    bold = style.fontName.endswith("-Bold")
    return paragraph(f"<b>{embolden(text)}</b>" if bold else text, style)
