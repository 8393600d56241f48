"""CJK line breaking: break between ideographs by the Chinese rules ReportLab leaves out.

ReportLab's CJK wrap hangs one closing mark at a line end but lets an opening bracket end a line
("學士學位（") and leaves a single character alone on a paragraph's last line. This breaker
- never starts a line with closing punctuation (it hangs in the margin, as ReportLab does);
- never ends a line with an opening bracket or quote (it moves down with the next character);
- never breaks inside a run of Latin letters or digits when a space or ideograph is near;
- never leaves one ideograph (plus its punctuation) alone on the last line.
"""

from __future__ import annotations

from functools import cache
from typing import Any

NEVER_START = "，。．、！？：；）》〉」』】〕｝％’”…·・ー々〻"
NEVER_END = "（《〈「『【〔｛‘“([{"


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _is_word(ch: str) -> bool:
    return bool(ch) and not _is_wide(ch) and not ch.isspace()


def break_points(chars: list[str], widths: list[float], max_widths: list[float],
                 hard: list[bool]) -> list[int]:
    """Return the index where each line after the first starts."""
    breaks: list[int] = []
    start, used, n = 0, 0.0, len(chars)
    i = 0
    while i < n:
        limit = max_widths[min(len(breaks), len(max_widths) - 1)]
        used += widths[i]
        if hard[i]:
            if i + 1 >= n:
                break
            breaks.append(i + 1)
            start, used, i = i + 1, 0.0, i + 1
            continue
        if used > limit + 1e-6 and i > start:
            cut = _adjust(chars, start, i)
            if cut >= n:  # the last mark hangs: nothing is left for another line
                break
            breaks.append(cut)
            start, used, i = cut, 0.0, cut
            continue
        i += 1
    return _no_orphan(chars, breaks, n)


def _adjust(chars: list[str], start: int, cut: int) -> int:
    """Move a break at `cut` (the first character of the next line) to a legal place."""
    if chars[cut] in NEVER_START:
        return cut + 1  # hang one closing mark in the margin
    if _is_word(chars[cut]) and _is_word(chars[cut - 1]):  # inside a Latin word: back up
        back = cut
        while back > start + 1 and _is_word(chars[back - 1]):
            back -= 1
        if back > start + 1:
            cut = back
    while cut - 1 > start and chars[cut - 1] in NEVER_END:
        cut -= 1
    while cut - 1 > start and chars[cut] in NEVER_START:  # never fall back onto a closing mark
        cut -= 1
    return cut


def _no_orphan(chars: list[str], breaks: list[int], n: int) -> list[int]:
    if not breaks:
        return breaks
    last = breaks[-1]
    tail = [ch for ch in chars[last:] if not ch.isspace() and ch not in NEVER_START]
    before = breaks[-2] if len(breaks) > 1 else 0
    if len(tail) == 1 and _is_wide(tail[0]) and last - before > 3:
        cut = last - 1
        while cut - 1 > before and (chars[cut] in NEVER_START or chars[cut - 1] in NEVER_END):
            cut -= 1
        breaks[-1] = cut
    return breaks


def split_cjk(frags: list, maxWidths: list, calcBounds: Any, encoding: str = "utf8") -> Any:  # noqa: N803
    """Replacement for ReportLab's `cjkFragSplit` with the rules above."""
    from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

    units = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        units.extend([cjkU(t, f, encoding) for t in text] if text else [cjkU(text, f, encoding)])
    widths = []
    for u in units:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = maxWidths[0]
            w = w.normalizedValue(maxWidths[0])
        widths.append(w)
    chars = [str(u) for u in units]
    hard = [hasattr(u.frag, "lineBreak") for u in units]
    starts = [0, *break_points(chars, widths, list(maxWidths), hard), len(units)]
    lines = []
    for n, (a, b) in enumerate(zip(starts, starts[1:])):
        if a >= b and n < len(starts) - 2:
            continue
        if a >= b:
            break
        limit = maxWidths[min(n, len(maxWidths) - 1)]
        used = sum(widths[a:b])
        lines.append(makeCJKParaLine(units[a:b], limit, used, limit - used, hard[b - 1],
                                     calcBounds))
    return ParaLines(kind=1, lines=lines)


def word_split(text: str, maxWidths: list, fontName: str, fontSize: float,  # noqa: N803
               encoding: str = "utf8") -> list[tuple[float, str]]:
    """Replacement for ReportLab's `wordSplit` (a one-font CJK paragraph) with the rules above."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if isinstance(text, bytes):
        text = text.decode(encoding)
    widths = [stringWidth(ch, fontName, fontSize) for ch in text]
    limits = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    cuts = [0, *break_points(list(text), widths, limits, [False] * len(text)), len(text)]
    lines = []
    for n, (a, b) in enumerate(zip(cuts, cuts[1:])):
        line = text[a:b].rstrip(" ")
        limit = limits[min(n, len(limits) - 1)]
        lines.append((limit - sum(widths[a:a + len(line)]), line))
    return lines


@cache
def install() -> None:
    """Make ReportLab's paragraphs break CJK text with `split_cjk` (once per process)."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    paragraph.cjkFragSplit = split_cjk
    paragraph.wordSplit = word_split
    for module in (textsplit, paragraph):  # both keep their own copy of the list
        extra = "".join(ch for ch in NEVER_START if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += extra
