"""Layout: page templates (header band, logo, footer, page X of Y, QR) → PDF bytes."""

from __future__ import annotations

import io
import re
from functools import partial
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import RenderError
from .fonts import FontChain, bold_of
from .models import Clinic
from .qr import draw_qr
from .styles import INK, Palette

PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}
MARGIN = 42.0       # left and right
BOTTOM = 28.0       # baseline of the footer line
BAND_FIRST = 86.0   # header band of page 1: logo, name, address, booking QR
BAND_LATER = 26.0
QR_TILE = 70.0


@dataclass(frozen=True)
class PageInfo:
    """What the page decorations need: the clinic, its colours and the fixed labels."""

    clinic: Clinic
    palette: Palette
    chain: FontChain
    labels: dict
    paper: str
    logo: Any  # a reportlab ImageReader, or None
    letterhead: bool = False  # page 1 goes on the clinic's letterhead: no header band there

    def contact_line(self) -> str:
        c, lab = self.clinic, self.labels
        parts = [c.name, f"{lab['phone']} {c.phone}"]
        parts += [f"{lab['email']} {c.email}"] if c.email else []
        parts += [c.website.removeprefix("https://").rstrip("/")] if c.website else []
        return "  ·  ".join(parts)


@dataclass(frozen=True)
class PdfMeta:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    date: str  # D:YYYYMMDD000000+00'00'
    creator: str


def frame_width(paper: str) -> float:
    """Return the text width of a page of this paper size."""
    return PAGE_SIZES[paper][0] - 2 * MARGIN


def render_pdf(story: list, page: PageInfo, meta: PdfMeta) -> bytes:
    """Lay out `story` on branded pages and return the PDF bytes."""
    from reportlab import rl_config
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
    from reportlab.platypus.doctemplate import LayoutError

    rl_config.useA85 = 0  # ASCII85 makes every stream 25 % larger; PDFs are binary anyway

    width, height = PAGE_SIZES[page.paper]
    inner = width - 2 * MARGIN
    bottom = BOTTOM + 22
    first = Frame(MARGIN, bottom, inner, height - BAND_FIRST - 14 - bottom, id="first",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, bottom, inner, height - BAND_LATER - 18 - bottom, id="later",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(width, height), title=meta.title, author=meta.author,
        subject=meta.subject, keywords=meta.keywords, creator=meta.creator, lang=meta.lang,
        invariant=1, pageCompression=1, initialFontName=page.chain.regular,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
    doc.addPageTemplates([
        PageTemplate("first", [first], onPage=lambda c, d: _decorate(c, page, first=True),
                     autoNextPageTemplate="later"),
        PageTemplate("later", [later], onPage=lambda c, d: _decorate(c, page, first=False)),
    ])
    label = page.labels["page"]
    canvasmaker = partial(_canvas_class(), date=meta.date,
                          number=lambda canv, n, total: _draw_page_number(canv, page, label, n, total))
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except LayoutError as err:  # one block taller than a page: say so, never a traceback
        raise RenderError(f"the handout cannot be laid out: a block is taller than a page "
                          f"({' '.join(str(err).split())[:120]}…)") from err
    return buf.getvalue()


def _decorate(canv: Any, page: PageInfo, first: bool) -> None:
    from reportlab.lib.colors import HexColor

    width, height = PAGE_SIZES[page.paper]
    pal, chain, clinic = page.palette, page.chain, page.clinic
    band = BAND_FIRST if first else BAND_LATER
    canv.saveState()
    if first and page.letterhead:
        _footer(canv, page, width)
        canv.restoreState()
        return
    canv.setFillColor(HexColor(pal.primary))
    canv.rect(0, height - band, width, band, stroke=0, fill=1)
    if pal.accent != pal.primary:
        canv.setFillColor(HexColor(pal.accent))
        canv.rect(0, height - band - 4, width, 4, stroke=0, fill=1)
    canv.setFillColor(HexColor(pal.on_primary))
    if first:
        _first_band(canv, page, width, height)
    else:
        _draw_text(canv, chain, MARGIN, height - band + 9, clinic.name, bold=True, size=11)
    _footer(canv, page, width)
    canv.restoreState()


def _footer(canv: Any, page: PageInfo, width: float) -> None:
    from reportlab.lib.colors import HexColor

    canv.setStrokeColor(HexColor(page.palette.primary))
    canv.setLineWidth(0.8)
    canv.line(MARGIN, BOTTOM + 12, width - MARGIN, BOTTOM + 12)
    canv.setFillColor(HexColor("#333333"))
    _draw_text(canv, page.chain, MARGIN, BOTTOM, page.contact_line(), size=9,
               max_width=width - 2 * MARGIN - 75)


def _first_band(canv: Any, page: PageInfo, width: float, height: float) -> None:
    """Page 1 band: logo tile, clinic name and address; booking QR code with its link."""
    from reportlab.lib.colors import HexColor

    clinic, chain, labels = page.clinic, page.chain, page.labels
    top, x = height, MARGIN
    if page.logo is not None:
        x = _draw_logo(canv, page.logo, MARGIN, top - BAND_FIRST + 12, BAND_FIRST - 24) + 14
        canv.setFillColor(HexColor(page.palette.on_primary))
    right = width - MARGIN - (QR_TILE + 12 if clinic.booking_url else 0)
    room = right - x
    _draw_text(canv, chain, x, top - 32, clinic.name, bold=True, size=20, max_width=room)
    _draw_text(canv, chain, x, top - 50, ", ".join(clinic.address), size=11, max_width=room)
    if clinic.booking_url:
        link = f"{labels['book_online']}: {clinic.booking_url.removeprefix('https://')}"
        _draw_text(canv, chain, x, top - 68, link, size=11, bold=True, max_width=room)
        tile_x, tile_y = width - MARGIN - QR_TILE, top - BAND_FIRST + (BAND_FIRST - QR_TILE) / 2
        canv.setFillColor(HexColor("#FFFFFF"))
        canv.roundRect(tile_x, tile_y, QR_TILE, QR_TILE, 4, stroke=0, fill=1)
        canv.setFillColor(HexColor("#000000"))
        draw_qr(canv, clinic.booking_url, tile_x + 1, tile_y + 1, QR_TILE - 2)
        canv.linkURL(clinic.booking_url, (tile_x, tile_y, tile_x + QR_TILE, tile_y + QR_TILE))
    else:
        _draw_text(canv, chain, x, top - 68, f"{labels['phone']} {clinic.phone}", size=11,
                   bold=True, max_width=room)


def _draw_logo(canv: Any, logo: Any, x: float, y: float, box: float) -> float:
    """Draw the logo on a white tile `box` high; return the tile's right edge."""
    from reportlab.lib.colors import white

    iw, ih = logo.getSize()
    h = box - 8
    w = min(h * iw / ih, 3 * h)
    h = w * ih / iw
    tile_w = w + 8
    canv.setFillColor(white)
    canv.roundRect(x, y, tile_w, box, 4, stroke=0, fill=1)
    canv.drawImage(logo, x + 4, y + (box - h) / 2, w, h)
    return x + tile_w


def _draw_text(canv: Any, chain: FontChain, x: float, y: float, text: str, size: float,
               bold: bool = False, max_width: float | None = None) -> None:
    """Draw one line, switching to a fallback font for characters the body font lacks."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    base = chain.bold if bold else chain.regular
    runs = _runs(chain, text, base, bold)
    total = sum(stringWidth(t, f, size) for t, f in runs)
    if max_width and total > max_width:
        size = size * max_width / total
    for run, font in runs:
        canv.setFont(font, size)
        canv.drawString(x, y, run, shaping=chain.shaping)
        x += stringWidth(run, font, size)


def _runs(chain: FontChain, text: str, base: str, bold: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ch in text:
        family = chain.family_for(ch) if not ch.isspace() else None
        font = base if family in (None, chain.regular) else (bold_of(family) if bold else family)
        if out and out[-1][1] == font:
            out[-1] = (out[-1][0] + ch, font)
        else:
            out.append((ch, font))
    return out


def _draw_page_number(canv: Any, page: PageInfo, label: str, number: int, total: int) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width, _ = PAGE_SIZES[page.paper]
    text = label.format(page=number, pages=total)
    canv.setFillColor(HexColor(INK))
    runs = _runs(page.chain, text, page.chain.bold, bold=True)
    x = width - MARGIN - sum(stringWidth(t, f, 9) for t, f in runs)
    _draw_text(canv, page.chain, x, BOTTOM, text, size=9, bold=True)


@cache
def _canvas_class() -> type:
    """A canvas that knows the page count when it saves, for 'Page X of Y'."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, date: str, number: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: date)
            self.setViewerPreference("DisplayDocTitle", "true")  # the title, not the file name
            self._number = number
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._number(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def count_pages(pdf: bytes) -> int:
    """Return the page count ReportLab wrote into the page tree."""
    match = re.search(rb"/Count (\d+)", pdf)
    return int(match.group(1)) if match else 0
