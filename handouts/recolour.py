"""Recolour: a page body recorded in one clinic's colours, drawn in another's.

A chain's clinics, and the sample batch, share a text but not their brand colours. The colours
reach a page's drawing only as colour operators ("r g b rg" for fills, "RG" for strokes) made
from the palette's fields (styles.Palette: headings, links, box tints and rules, the table
header, check boxes), never its layout. So a recording made with one palette can be made the
recording of another by writing each field's operands anew.

That is exact only if every colour operand in the recording that comes from the palette is a
field's, written the way the field is written, and no fixed colour (ink, the warning red) is
written like one. Nothing here assumes it: a text's first recording is the *template* only
once a second recording of the same text, in other colours, is exactly the first one
recoloured (`matches`), and then only for the fields that check changed. Fields that share a
colour in the template must share one in the new palette, and a colour to change must be
written unlike any other (white's "1 1 1" is both ways the same): otherwise a string would
not say which field it stands for. bodyreplay.py keeps the templates.
"""

from __future__ import annotations

import re
from dataclasses import fields
from functools import lru_cache
from typing import Any

@lru_cache(maxsize=64)
def _groups(palette: Any) -> tuple:
    """The palette's colours, each with the fields that have it and its operands as ReportLab
    writes them (fp_str) and as textops.py's stroked bold does (4 significant digits):
    ((colour, fields, fp, short), …)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.rl_accel import fp_str

    by_colour: dict[str, list[str]] = {}
    for field in fields(palette):
        by_colour.setdefault(getattr(palette, field.name).upper(), []).append(field.name)
    out = []
    for colour, names in by_colour.items():
        r, g, b = HexColor(colour).rgb()
        out.append((colour, tuple(names), fp_str(r, g, b), f"{r:.4g} {g:.4g} {b:.4g}"))
    return tuple(out)


@lru_cache(maxsize=256)
def changed(source: Any, palette: Any) -> frozenset | None:
    """The fields whose colour a recording in `source`'s colours must change to be
    `palette`'s; None if that cannot be said from its strings alone: fields that share a
    colour in `source` do not in `palette`, or a colour to change is written like another
    (black and white read the same both ways)."""
    groups = _groups(source)
    strings = [s for _, _, fp, short in groups for s in (fp, short)]
    out: set[str] = set()
    for colour, names, fp, short in groups:
        targets = {getattr(palette, name).upper() for name in names}
        if len(targets) > 1:
            return None
        if targets != {colour}:
            if fp == short or strings.count(fp) + strings.count(short) > 2:
                return None
            out.update(names)
    return frozenset(out)


def recoloured(layout: Any, source: Any, palette: Any) -> Any:
    """`layout` (recorded with palette `source`) as recorded with `palette` (`changed` is not
    None): each changed colour's operands written anew, its Color objects replaced."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.rl_accel import fp_str

    from .bodyreplay import _END_STATE, _Layout, _Page

    fields_changed = changed(source, palette)
    swap: dict[str, str] = {}
    colours: dict = {}
    for colour, names, fp, short in _groups(source):
        if not fields_changed & set(names):
            continue
        target = HexColor(getattr(palette, names[0]))
        r, g, b = target.rgb()
        swap[fp], swap[short] = fp_str(r, g, b), f"{r:.4g} {g:.4g} {b:.4g}"
        colours[HexColor(colour).rgb()] = target
    pattern = _pattern(tuple(swap))

    def text(op: str) -> str:
        if not swap or (" rg" not in op and " RG" not in op):
            return op
        return pattern.sub(lambda m: swap[m.group(0)], op)

    pages = []
    for page in layout.pages:
        events = []
        for event in page.drawing.drawing:
            if event[0] == "code":
                event = ("code", tuple(text(op) for op in event[1]))
            elif event[0] in ("call", "add_link"):
                event = _mapped(event, colours)
            events.append(event)
        drawing = page.drawing._replace(drawing=tuple(events))
        end = tuple(_mapped(value, colours) if name in ("_fillColorObj", "_strokeColorObj")
                    else value for name, value in zip(_END_STATE, page.end))
        pages.append(_Page(page.start, end, drawing, []))
    return _Layout(tuple(pages), layout.trace)


def matches(derived: Any, recorded: Any) -> bool:
    """Whether two layouts draw the same (their operators, links, resources and end states);
    the font calls are the documents' own and are checked when replayed."""
    if derived.trace != recorded.trace or len(derived.pages) != len(recorded.pages):
        return False
    return all(_plain(a.drawing.drawing) == _plain(b.drawing.drawing) and
               _plain(a.end) == _plain(b.end)
               for a, b in zip(derived.pages, recorded.pages))


@lru_cache(maxsize=64)
def _pattern(strings: tuple) -> re.Pattern:
    """A colour's operands, whole (after a space or the start, before " rg"/" RG")."""
    alternatives = "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))
    return re.compile(rf"(?<!\S)(?:{alternatives})(?= (?:rg|RG)(?!\w))")


def _mapped(value: Any, colours: dict) -> Any:
    from reportlab.lib.colors import Color

    if isinstance(value, Color):
        return colours.get(value.rgb(), value)
    if isinstance(value, tuple):
        return tuple(_mapped(v, colours) for v in value)
    if isinstance(value, list):
        return [_mapped(v, colours) for v in value]
    if isinstance(value, dict):
        return {k: _mapped(v, colours) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A value with each Color as its rgba (Colors made apart compare by what they are)."""
    from reportlab.lib.colors import Color

    if isinstance(value, Color):
        return ("rgba", *value.rgba())
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    return value
