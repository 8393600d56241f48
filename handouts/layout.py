"""Layout: page templates (header band, logo, footer, page X of Y, QR) → PDF bytes."""

from __future__ import annotations

import io
from functools import partial
from dataclasses import dataclass
from functools import cache
from typing import Any

from .fonts import FontChain, bold_of
from .models import Clinic
from .qr import draw_qr
from .styles import INK, Palette

PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}
MARGIN = 42.0
BAND_FIRST = 74.0
BAND_LATER = 26.0
FOOTER = 34.0


@dataclass(frozen=True)
class PageInfo:
    """What the page decorations need: the clinic, its colours and the fixed labels."""

    clinic: Clinic
    palette: Palette
    chain: FontChain
    labels: dict
    paper: str
    logo: Any  # a reportlab ImageReader, or None

    def contact_line(self) -> str:
        c, lab = self.clinic, self.labels
        parts = [c.name, ", ".join(c.address), f"{lab['phone']} {c.phone}"]
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
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    width, height = PAGE_SIZES[page.paper]
    inner = width - 2 * MARGIN
    first = Frame(MARGIN, MARGIN + FOOTER, inner, height - BAND_FIRST - 2 * MARGIN - FOOTER + 24,
                  id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, MARGIN + FOOTER, inner, height - BAND_LATER - 2 * MARGIN - FOOTER + 18,
                  id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
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
    doc.build(story, canvasmaker=canvasmaker)
    return buf.getvalue()


def _decorate(canv: Any, page: PageInfo, first: bool) -> None:
    from reportlab.lib.colors import HexColor

    width, height = PAGE_SIZES[page.paper]
    pal, chain, clinic = page.palette, page.chain, page.clinic
    band = BAND_FIRST if first else BAND_LATER
    canv.saveState()
    canv.setFillColor(HexColor(pal.primary))
    canv.rect(0, height - band, width, band, stroke=0, fill=1)
    if pal.accent != pal.primary:
        canv.setFillColor(HexColor(pal.accent))
        canv.rect(0, height - band - 4, width, 4, stroke=0, fill=1)
    if first:
        x = MARGIN
        if page.logo is not None:
            x = _draw_logo(canv, page.logo, MARGIN, height - band + 11, band - 22) + 14
        canv.setFillColor(HexColor(pal.on_primary))
        _draw_text(canv, chain, x, height - band / 2 + 3, clinic.name, bold=True, size=21)
        _draw_text(canv, chain, x, height - band / 2 - 15, ", ".join(clinic.address), size=11)
    else:
        canv.setFillColor(HexColor(pal.on_primary))
        _draw_text(canv, chain, MARGIN, height - band + 9, clinic.name, bold=True, size=11)
    canv.setStrokeColor(HexColor(pal.primary))
    canv.setLineWidth(0.8)
    canv.line(MARGIN, MARGIN + 16, width - MARGIN, MARGIN + 16)
    canv.setFillColor(HexColor("#333333"))
    _draw_text(canv, chain, MARGIN, MARGIN + 4, page.contact_line(), size=8.5,
               max_width=width - 2 * MARGIN - 70)
    canv.restoreState()


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
    canv.drawImage(logo, x + 4, y + (box - h) / 2, w, h, mask="auto")
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
        canv.drawString(x, y, run)
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
    _draw_text(canv, page.chain, x, MARGIN + 4, text, size=9, bold=True)


@cache
def _canvas_class() -> type:
    """A canvas that knows the page count when it saves, for 'Page X of Y'."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, date: str, number: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: date)
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
