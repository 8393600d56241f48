"""Page furniture: the header band and the footer, fitted to the page with a floor on type size.

Nothing here is drawn smaller than 9 pt (14 pt in large print: `Sizes`). A long clinic name first
gets smaller (down to 14 pt; 18 in large print), then takes two lines; the header shows the first
address line and the footer the rest; the logo is fitted in a box with a minimum height. What
still does not fit is a RenderError naming the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import RenderError, problem
from .fonts import FontChain, bold_of
from .qr import draw_qr
from .shaping import shape_line

PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}
MIN_SIZE = 9.0
MARGIN = 42.0
BOTTOM = 28.0       # baseline of the (last) footer line
BAND_FIRST = 86.0
BAND_LATER = 26.0
QR_TILE = 70.0
LOGO_BOX = 62.0     # the white tile's height in the band
LOGO_MAX_W = 150.0  # a wide logo may take more, down to LOGO_MIN_H high
LOGO_WIDE_W = 250.0
LOGO_MIN_H = 22.0
LOGO_MIN_RATIO = 0.4  # width / height: taller logos would be slivers
FOOTER_LEADING = 11.0
FOOTER_MAX_LINES = 3


@dataclass(frozen=True)
class Sizes:
    """The furniture's type sizes and heights for one edition."""

    floor: float = MIN_SIZE          # footer text and page numbers; nothing is smaller
    line: float = 11.0               # band lines (address, booking link) and running headers
    band_floor: float = MIN_SIZE     # a band line that is too long shrinks down to this
    name: float = 20.0               # the clinic's name on one line, shrinking to name_floor
    name_floor: float = 14.0
    name_wrapped: tuple = ((15.0, 2), (13.0, 2), (11.0, 2), (11.0, 3))  # (size, most lines)
    footer_leading: float = FOOTER_LEADING
    footer_lines: int = FOOTER_MAX_LINES
    band_first: float = BAND_FIRST
    band_later: float = BAND_LATER
    running_baseline: float = 9.0    # the running header's baseline above the later band's foot


STANDARD = Sizes()
# Large print: the phone number, e-mail, website and page numbers at 14 pt (the body is 18 pt), a
# taller band whose lines shrink no further than 12 pt (a long booking link: the QR code beside
# it carries it too), up to five footer lines.
LARGE = Sizes(floor=14.0, line=14.0, band_floor=12.0, name=24.0, name_floor=18.0,
              name_wrapped=((18.0, 2), (16.0, 2), (14.0, 2), (14.0, 3)), footer_leading=17.0,
              footer_lines=5, band_first=110.0, band_later=34.0, running_baseline=12.0)


@dataclass(frozen=True)
class Line:
    """One line of furniture text: what, at what size, bold or not, and the key it comes from."""

    text: str
    size: float
    bold: bool = False


def text_width(chain: FontChain, text: str, size: float, bold: bool = False) -> float:
    """Return the drawn width of `text` (shaped where the script needs it)."""
    return sum(shape_line(run, font, size)[1] for run, font in _font_runs(chain, text, bold))


def draw_line(canv: Any, chain: FontChain, x: float, y: float, line: Line,
              mode: int | None = None) -> float:
    """Draw one line, each script run in its own font; return its width (`mode` 3: invisible
    text, read by screen readers and search, never seen)."""
    start = x
    for run, font in _font_runs(chain, line.text, line.bold):
        shaped, width = shape_line(run, font, line.size)
        canv.setFont(font, line.size)
        canv.drawString(x, y, shaped, mode=mode)
        x += width
    return x - start


def _font_runs(chain: FontChain, text: str, bold: bool) -> list[tuple[str, str]]:
    return [(run, bold_of(family) if bold else family) for run, family in chain.runs(text)]


def fit_size(chain: FontChain, text: str, size: float, room: float, bold: bool,
             floor: float = MIN_SIZE) -> float | None:
    """Return the largest size from `size` down to `floor` at which `text` fits `room`."""
    width = text_width(chain, text, size, bold)
    if width <= room:
        return size
    smaller = size * room / width
    return smaller if smaller >= floor else None


def wrap_words(chain: FontChain, text: str, size: float, room: float, bold: bool,
               separator: str = " ") -> list[str]:
    """Break `text` at `separator` into lines no wider than `room` (a word too long stays)."""
    lines: list[str] = []
    for word in text.split(separator):
        trial = f"{lines[-1]}{separator}{word}" if lines else word
        if lines and text_width(chain, trial, size, bold) <= room:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def name_lines(chain: FontChain, name: str, room: float, source: object,
               sizes: Sizes = STANDARD) -> list[Line]:
    """The clinic name for the band: 20 pt down to 14 pt on one line, else two lines (three
    beside a wide logo) of 15 to 11 pt (larger in large print)."""
    size = fit_size(chain, name, sizes.name, room, True, floor=sizes.name_floor)
    if size is not None:
        return [Line(name, size, True)]
    for size, most in sizes.name_wrapped:
        lines = wrap_words(chain, name, size, room, True)
        if len(lines) <= most and all(text_width(chain, t, size, True) <= room for t in lines):
            return [Line(t, size, True) for t in lines]
    smallest, most = sizes.name_wrapped[-1]
    raise RenderError(problem(source, "name", f"{name!r} is too long for the header "
                                              f"({most} lines of {smallest:g} pt); shorten it"))


def fitted_line(chain: FontChain, text: str, size: float, room: float, bold: bool,
                source: object, key: str, floor: float = MIN_SIZE) -> Line:
    """One line at `size`, made smaller down to `floor` to fit; else an error naming `key`."""
    fitted = fit_size(chain, text, size, room, bold, floor)
    if fitted is None:
        raise RenderError(problem(source, key, f"{text!r} is too long to print at {floor:g} pt "
                                               f"or more in {room:.0f} pt; shorten it"))
    return Line(text, fitted, bold)


_URL_BREAKS = re.compile(r"(?<=[/?&#=])")  # a URL may break after these


def url_lines(chain: FontChain, url: str, size: float, first_room: float, room: float,
              most: int = 2) -> list[str] | None:
    """Break a long link after / ? & # or = into at most `most` bold lines, the first
    `first_room` wide (it follows its label), the others `room`; None if it will not go."""
    lines = [""]
    for piece in filter(None, _URL_BREAKS.split(url)):
        limit = first_room if len(lines) == 1 else room
        if text_width(chain, lines[-1] + piece, size, True) <= limit:
            lines[-1] += piece
        elif not lines[-1] or text_width(chain, piece, size, True) > room:
            return None
        else:
            lines.append(piece)
    return lines if len(lines) <= most else None


def footer_lines(chain: FontChain, items: list[tuple[str, str]], room: float,
                 source: object, sizes: Sizes = STANDARD) -> list[Line]:
    """The footer: items joined by " · " on up to three 9 pt lines (five of 14 pt in large
    print), broken between items."""
    size = sizes.floor
    lines: list[str] = []
    for key, text in items:
        if text_width(chain, text, size) > room:
            raise RenderError(problem(source, key, f"{text!r} is too long for the footer at "
                                                   f"{size:g} pt; shorten it"))
        trial = f"{lines[-1]}  ·  {text}" if lines else text
        if lines and text_width(chain, trial, size) <= room:
            lines[-1] = trial
        else:
            lines.append(text)
    if len(lines) > sizes.footer_lines:
        raise RenderError(problem(source, "address", f"the contact details need more than "
                                                     f"{sizes.footer_lines} footer lines at "
                                                     f"{size:g} pt; shorten the address, the "
                                                     "e-mail address or the website"))
    return [Line(t, size) for t in lines]


def logo_box(width_px: int, height_px: int, source: object) -> tuple[float, float]:
    """Return the logo's drawn (width, height) in points, fitted with a minimum height."""
    ratio = width_px / height_px
    if ratio < LOGO_MIN_RATIO:
        raise RenderError(problem(source, "logo", f"the logo is {width_px}×{height_px} pixels: "
                                                  "too tall and narrow to read in the header "
                                                  "(at most 2.5 times as high as wide)"))
    h = LOGO_BOX - 8
    w = h * ratio
    if w > LOGO_MAX_W:
        w = LOGO_MAX_W
        h = w / ratio
        if h < LOGO_MIN_H:
            h = LOGO_MIN_H
            w = h * ratio
    if w > LOGO_WIDE_W:
        raise RenderError(problem(source, "logo", f"the logo is {width_px}×{height_px} pixels: "
                                                  "too wide and flat to read in the header "
                                                  "(at most about 11 times as wide as high)"))
    return w, h


def draw_qr_tile(canv: Any, url: str, x: float, y: float, tile_only: bool = False,
                 code_only: bool = False, link: bool = False) -> None:
    """Draw the booking QR code's white tile, or the code, or both; `link` adds a plain link."""
    from reportlab.lib.colors import HexColor

    if not code_only:
        canv.setFillColor(HexColor("#FFFFFF"))
        canv.roundRect(x, y, QR_TILE, QR_TILE, 4, stroke=0, fill=1)
    if not tile_only:
        canv.setFillColor(HexColor("#000000"))
        draw_qr(canv, url, x + 1, y + 1, QR_TILE - 2)
    if link:
        canv.linkURL(url, (x, y, x + QR_TILE, y + QR_TILE))


def ellipsize(chain: FontChain, text: str, size: float, room: float, bold: bool) -> str:
    """Return `text`, cut at a word with "…" if it is wider than `room` (running headers)."""
    if text_width(chain, text, size, bold) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        trial = " ".join(words) + "…"
        if text_width(chain, trial, size, bold) <= room:
            return trial
    return words[0]
