"""Glyph text: the characters a shaped-only glyph stands for, for the PDF's ToUnicode map.

A ligature or a positional form (Gurmukhi's subjoined letters, vowel-sign combinations) has no
character in the font's cmap. Its text is found by running the font's substitution rules
backwards from glyphs that do have characters, so it is the same whatever text was drawn first:
the ToUnicode map, and so the PDF's bytes, never depend on the order of jobs.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

PRIVATE_BASE = 0xE000
# (face name, private code) → text, for the ToUnicode maps of the documents being written
_PRIVATE_TEXT: dict[str, dict[int, str]] = {}


@cache
def glyph_texts(path: str) -> dict[int, str]:
    """Return glyph id → text for every glyph reachable from the cmap by GSUB rules."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    order = font.getGlyphOrder()
    text: dict[str, str] = {}
    for code, name in sorted(font.getBestCmap().items()):
        text.setdefault(name, chr(code))
    rules = list(_rules(font)) if "GSUB" in font else []
    changed = True
    while changed:
        changed = False
        for target, sources in rules:
            if target not in text and all(s in text for s in sources):
                text[target] = "".join(text[s] for s in sources)
                changed = True
    ids = {name: gid for gid, name in enumerate(order)}
    return {ids[name]: value for name, value in text.items() if name in ids}


def _rules(font: Any):  # noqa: ANN202 - a generator of (target glyph, source glyphs)
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            kind = sub.LookupType
            if kind == 7:
                sub, kind = sub.ExtSubTable, sub.ExtSubTable.LookupType
            if kind == 1:
                yield from ((dst, [src]) for src, dst in sub.mapping.items())
            elif kind == 2:
                yield from ((d, [src]) for src, dsts in sub.mapping.items() for d in dsts[:1])
            elif kind == 3:
                yield from ((a, [src]) for src, alts in sub.alternates.items() for a in alts)
            elif kind == 4:
                for first, ligatures in sub.ligatures.items():
                    yield from ((lig.LigGlyph, [first, *lig.Component]) for lig in ligatures)


def remember(face_name: str, path: str, code: int, gid: int) -> None:
    """Record the text of private `code` (glyph `gid` of the font at `path`)."""
    text = glyph_texts(path).get(gid)
    if text:
        _PRIVATE_TEXT.setdefault(face_name, {})[code] = text


# CMaps made, by font name, codes and how many private codes' texts were known then (they
# are only ever added): a warm handout's fonts have the same subsets as the last one's.
_CMAPS: OrderedDict[tuple, str] = OrderedDict()
KEPT = 256


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """A ToUnicode CMap like ReportLab's, but private codes map to the text of their glyph."""
    texts = _PRIVATE_TEXT.get(fontname.split("+", 1)[-1], {})
    key = (fontname, tuple(subset), len(texts))
    kept = _CMAPS.get(key)
    if kept is None:
        kept = _CMAPS[key] = _cmap(fontname, subset, texts)
        while len(_CMAPS) > KEPT:
            _CMAPS.popitem(last=False)
    return kept


def _cmap(fontname: str, subset: list[int], texts: dict) -> str:
    def target(code: int) -> str:
        text = texts.get(code) or chr(code)
        return text.encode("utf-16-be").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{target(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])
