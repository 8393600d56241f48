"""Layout: page templates (header band, logo, footer, page X of Y, QR) → PDF bytes."""

from __future__ import annotations

import io
import re
from functools import partial
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import RenderError, problem
from . import furniture
from .fonts import FontChain
from .furniture import BAND_FIRST, BAND_LATER, BOTTOM, MARGIN, QR_TILE
from .models import Clinic
from .styles import INK, Palette

PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}
LINE_STEP = 1.2  # baseline to baseline in the band, as a multiple of the type size


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


def render_pdf(story: list, page: PageInfo, meta: PdfMeta, trace: list | None = None) -> bytes:
    """Lay out `story` on branded pages and return the PDF bytes; `trace` (if given) receives
    (page number, kind) for each block drawn, kind being heading, references, small or body."""
    from reportlab import rl_config
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
    from reportlab.platypus.doctemplate import LayoutError

    rl_config.useA85 = 0  # ASCII85 makes every stream 25 % larger; PDFs are binary anyway

    width, height = PAGE_SIZES[page.paper]
    inner = width - 2 * MARGIN
    footer = furniture.footer_lines(page.chain, footer_items(page), inner - 75, page.clinic.source)
    band_lines(page, band_room(page)[1])  # a name or address that cannot fit fails here, cleanly
    bottom = BOTTOM + 22 + (len(footer) - 1) * furniture.FOOTER_LEADING
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
    if trace is not None:
        doc.afterFlowable = lambda flowable: trace.append((doc.page, block_kind(flowable)))
    label = page.labels["page"]
    canvasmaker = partial(_canvas_class(), date=meta.date,
                          number=lambda canv, n, total: _draw_page_number(canv, page, label, n, total))
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except LayoutError as err:  # one block taller than a page: say so, never a traceback
        raise RenderError(f"the handout cannot be laid out: a block is taller than a page "
                          f"({' '.join(str(err).split())[:120]}…)") from err
    return buf.getvalue()


def block_kind(flowable: Any) -> str:
    """Return what a drawn block is, for the page-balance rules."""
    if getattr(flowable, "is_heading", False):
        return "heading"
    if type(flowable).__name__ == "BalancedColumns" or getattr(flowable, "is_references", False):
        return "references"
    return "small" if getattr(flowable, "is_small_print", False) else "body"


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
        room = width - 2 * MARGIN
        name = furniture.ellipsize(chain, clinic.name, 11, room, True)
        furniture.draw_line(canv, chain, MARGIN, height - band + 9, furniture.Line(name, 11, True))
    _footer(canv, page, width)
    canv.restoreState()


def footer_items(page: PageInfo) -> list[tuple[str, str]]:
    """The footer's items with their keys: the address lines the header leaves out, phone,
    e-mail, website (the clinic's name is in the band of every page)."""
    c, lab = page.clinic, page.labels
    items: list[tuple[str, str]] = []
    rest = c.address if page.letterhead else c.address[header_address_lines(page):]
    items += [(f"address[{i}]", line) for i, line in enumerate(rest, len(c.address) - len(rest))]
    items.append(("phone", f"{lab['phone']} {c.phone}"))
    items += [("email", f"{lab['email']} {c.email}")] if c.email else []
    items += [("website", c.website.removeprefix("https://").rstrip("/"))] if c.website else []
    return items


def _footer(canv: Any, page: PageInfo, width: float) -> None:
    from reportlab.lib.colors import HexColor

    lines = furniture.footer_lines(page.chain, footer_items(page), width - 2 * MARGIN - 75,
                                   page.clinic.source)
    top = BOTTOM + (len(lines) - 1) * furniture.FOOTER_LEADING
    canv.setStrokeColor(HexColor(page.palette.primary))
    canv.setLineWidth(0.8)
    canv.line(MARGIN, top + 12, width - MARGIN, top + 12)
    canv.setFillColor(HexColor("#333333"))
    for n, line in enumerate(lines):
        furniture.draw_line(canv, page.chain, MARGIN, top - n * furniture.FOOTER_LEADING, line)


def band_room(page: PageInfo) -> tuple[float, float]:
    """Return the x where page 1's band text starts and the width it has."""
    width = PAGE_SIZES[page.paper][0]
    x = MARGIN
    if page.logo is not None:
        logo = page.clinic.logo
        x += furniture.logo_box(logo.width, logo.height, page.clinic.source)[0] + 8 + 14
    right = width - MARGIN - (QR_TILE + 12 if page.clinic.booking_url else 0)
    return x, right - x


def header_address_lines(page: PageInfo) -> int:
    """How many address lines the band shows: all on one line if they fit at 9 pt, else one."""
    room = band_room(page)[1]
    joined = ", ".join(page.clinic.address)
    return len(page.clinic.address) if furniture.fit_size(page.chain, joined, 11, room, False) \
        else 1


def band_lines(page: PageInfo, room: float) -> list[furniture.Line]:
    """The text of page 1's band: name (one or two lines), address, booking link."""
    clinic, chain, labels = page.clinic, page.chain, page.labels
    lines = furniture.name_lines(chain, clinic.name, room, clinic.source)
    shown = ", ".join(clinic.address[:header_address_lines(page)])
    lines.append(furniture.fitted_line(chain, shown, 11, room, False, clinic.source,
                                       "address[0]"))
    if clinic.booking_url:
        label, url = f"{labels['book_online']}:", clinic.booking_url.removeprefix("https://")
        if furniture.fit_size(chain, f"{label} {url}", 11, room, True):
            lines.append(furniture.fitted_line(chain, f"{label} {url}", 11, room, True,
                                               clinic.source, "booking_url"))
        else:  # the link on a line of its own under its label
            lines.append(furniture.Line(label, 11, True))
            lines.append(furniture.fitted_line(chain, url, 11, room, True, clinic.source,
                                               "booking_url"))
    else:
        lines.append(furniture.fitted_line(chain, f"{labels['phone']} {clinic.phone}", 11, room,
                                           True, clinic.source, "phone"))
    if sum(line.size * LINE_STEP for line in lines) > BAND_FIRST - 10:
        raise RenderError(problem(clinic.source, "name", "the clinic's name, address and booking "
                                                         "link do not fit in the header; shorten "
                                                         "the name"))
    return lines


def _first_band(canv: Any, page: PageInfo, width: float, height: float) -> None:
    """Page 1 band: logo tile, clinic name and address; booking QR code with its link."""
    from reportlab.lib.colors import HexColor

    clinic = page.clinic
    if page.logo is not None:
        _draw_logo(canv, page, MARGIN, height - BAND_FIRST + 12)
        canv.setFillColor(HexColor(page.palette.on_primary))
    x, room = band_room(page)
    lines = band_lines(page, room)
    steps = [line.size * LINE_STEP for line in lines]
    y = height - (BAND_FIRST - sum(steps)) / 2 - lines[0].size * 0.95
    for line, step in zip(lines, steps, strict=True):
        furniture.draw_line(canv, page.chain, x, y, line)
        y -= step
    if clinic.booking_url:
        furniture.draw_qr_tile(canv, clinic.booking_url, width - MARGIN - QR_TILE,
                               height - BAND_FIRST + (BAND_FIRST - QR_TILE) / 2)


def _draw_logo(canv: Any, page: PageInfo, x: float, y: float) -> float:
    """Draw the logo on a white tile in the band; return the tile's right edge."""
    from reportlab.lib.colors import white

    box = furniture.LOGO_BOX
    logo = page.clinic.logo
    w, h = furniture.logo_box(logo.width, logo.height, page.clinic.source)
    canv.setFillColor(white)
    canv.roundRect(x, y, w + 8, box, 4, stroke=0, fill=1)
    canv.drawImage(page.logo, x + 4, y + (box - h) / 2, w, h)
    return x + w + 8


def _draw_page_number(canv: Any, page: PageInfo, label: str, number: int, total: int) -> None:
    from reportlab.lib.colors import HexColor

    width, _ = PAGE_SIZES[page.paper]
    line = furniture.Line(label.format(page=number, pages=total), 9, True)
    canv.setFillColor(HexColor(INK))
    x = width - MARGIN - furniture.text_width(page.chain, line.text, 9, True)
    furniture.draw_line(canv, page.chain, x, BOTTOM, line)


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
