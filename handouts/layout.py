"""Layout: page templates (header band, logo, footer, page X of Y, QR) → PDF bytes."""

from __future__ import annotations

import io
import re
from functools import partial
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from .errors import RenderError, problem
from . import columns, decorate, furniture, pdfwriter, replay
from .fonts import FontChain
from .furniture import BOTTOM, MARGIN, PAGE_SIZES, STANDARD, Sizes
from .models import Clinic
from .structtree import DocInfo, page_hook, write_structure
from .styles import INK, Palette
from .tagflow import install as install_tagging
from .tagging import Node, Tagger, artifact



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
    sizes: Sizes = STANDARD  # furniture type sizes: furniture.LARGE for large print

    @cached_property
    def fitted(self) -> tuple[list, list]:
        """The footer rows and page 1's band lines, fitted once (a RenderError names what
        cannot fit): the frames, the layout key and the pages all ask for them."""
        return decorate.fit_furniture(self)


@dataclass(frozen=True)
class PdfMeta:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    date: str  # D:YYYYMMDD000000+00'00'
    creator: str
    archive: bool = False  # PDF/A-2b as well (output intent, pdfaid in XMP)


def frame_width(paper: str) -> float:
    """Return the text width of a page of this paper size."""
    return PAGE_SIZES[paper][0] - 2 * MARGIN


def _frames(page: PageInfo, fitted: tuple) -> tuple[float, float, float]:
    """Return the text frames' bottom, and the heights of page 1's frame and the later ones'."""
    height, sizes = PAGE_SIZES[page.paper][1], page.sizes
    bottom = BOTTOM + sizes.floor + 13 + (len(fitted[0]) - 1) * sizes.footer_leading
    return bottom, height - sizes.band_first - 14 - bottom, height - sizes.band_later - 18 - bottom


def text_frames(page: PageInfo) -> tuple:
    """Everything about the pages' text frames: paper, type sizes, bottom and heights."""
    return (page.paper, page.sizes, _frames(page, page.fitted))


def frame_heights(page: PageInfo) -> tuple[float, float]:
    """Return the text height of page 1 and of every later page."""
    return _frames(page, page.fitted)[1:]


def render_pdf(story: list, page: PageInfo, meta: PdfMeta, root: Node,
               trace: list | None = None, probe: dict | None = None,
               body: Any = None) -> bytes:
    """Lay out `story` on branded pages and return the PDF bytes; `trace` (if given) receives
    (page number, kind) for each block drawn, kind being heading, references, small or body.

    With `probe` = {"limit": n}, a layout that runs past n pages is not written out (b"" is
    returned, and probe["pages"] says how many it took): a trial layout costs no PDF. `body`,
    a bodyreplay.BodyRecorder, records what each page's text frame draws."""
    from reportlab import rl_config
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
    from reportlab.platypus.doctemplate import LayoutError

    rl_config.useA85 = 0  # ASCII85 makes every stream 25 % larger; PDFs are binary anyway

    width, height = PAGE_SIZES[page.paper]
    inner = width - 2 * MARGIN
    fitted = page.fitted  # a name or address that cannot fit fails here, cleanly
    bottom, first_h, later_h = _frames(page, fitted)
    first = Frame(MARGIN, bottom, inner, first_h, id="first",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, bottom, inner, later_h, id="later",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(width, height), title=meta.title, author=meta.author,
        subject=meta.subject, keywords=meta.keywords, creator=meta.creator, lang=meta.lang,
        invariant=1, pageCompression=1, initialFontName=page.chain.regular,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
    def furnish(page_one: bool) -> Any:
        if body is None:
            return lambda c, d: decorate.decorate(c, page, page_one, fitted)

        def on_page(c: Any, d: Any) -> None:  # recording: the body starts after the furniture
            decorate.decorate(c, page, page_one, fitted)
            body.page_start(c)
        return on_page

    end = {} if body is None else {"onPageEnd": lambda c, d: body.page_end(c)}
    doc.addPageTemplates([
        PageTemplate("first", [first], onPage=furnish(True), autoNextPageTemplate="later", **end),
        PageTemplate("later", [later], onPage=furnish(False), **end),
    ])
    if trace is not None:
        doc.afterFlowable = lambda flowable: trace.append((doc.page, block_kind(flowable)))
    label = page.labels["page"]
    date = meta.date[2:6] + "-" + meta.date[6:8] + "-" + meta.date[8:10]
    info = DocInfo(meta.title, meta.lang, date, meta.creator, meta.author, meta.subject,
                   meta.keywords, meta.archive)
    install_tagging()
    replay.install(_canvas_class())
    columns.install()
    canvasmaker = partial(_canvas_class(), date=meta.date, tagger=Tagger(root, meta.lang),
                          info=info, pdfVersion=(1, 7), probe=probe,
                          number=lambda canv, n, total: decorate.draw_page_number(canv, page, label, n, total))
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except LayoutError as err:  # one block taller than a page: say so, never a traceback
        raise RenderError(f"the handout cannot be laid out: a block is taller than a page "
                          f"({' '.join(str(err).split())[:120]}…)") from err
    return buf.getvalue()


_ACTIONS = {"LCActionFlowable", "_FrameBreak", "TAction", "ActionFlowable", "NextPageTemplate",
            "PageBreak", "FrameBreak", "CondPageBreak", "Spacer", "NullDraw"}


def block_kind(flowable: Any) -> str:
    """Return what a drawn block is, for the page-balance rules (a kept group: its first;
    "none" for ReportLab's page and frame actions, which draw nothing)."""
    if type(flowable).__name__ in _ACTIONS:
        return "none"
    content = getattr(flowable, "_content", None)
    if isinstance(content, list) and content and type(flowable).__name__ != "BalancedColumns":
        return block_kind(content[0])
    if getattr(flowable, "is_heading", False):
        return "heading"
    if type(flowable).__name__ == "BalancedColumns" or getattr(flowable, "is_references", False):
        return "references"
    return "small" if getattr(flowable, "is_small_print", False) else "body"


@cache
def _canvas_class() -> type:
    """A canvas that knows the page count when it saves, for 'Page X of Y'."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Also tagged: a Tagger follows the pages, and the structure tree is written at save."""

        def __init__(self, *args: Any, date: str, number: Any, tagger: Tagger,
                     info: DocInfo, probe: dict | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._probe = probe
            self.setDateFormatter(lambda *_: date)
            self.setViewerPreference("DisplayDocTitle", "true")  # the title, not the file name
            self._number = number
            self._pages: list[dict] = []
            self._tagger, self._info = tagger, info
            page_hook(self._doc)
            pdfwriter.install(self._doc)  # object streams: a third smaller

        def linkURL(self, url: str, rect: tuple, relative: int = 0, *args: Any,  # noqa: N802
                    kind: str = "URI", **kwargs: Any) -> None:
            """A link in a paragraph becomes a tagged Link of the element being drawn."""
            tagger = self._tagger
            if kind != "URI" or not tagger.open:
                return Canvas.linkURL(self, url, rect, relative, *args, kind=kind, **kwargs)
            rect = self._absRect(rect, relative)
            tagger.add_link(self, tagger.open[-1].child("Link"), url, rect, url, print_flag=True)
            return None

        def showPage(self) -> None:  # noqa: N802 - ReportLab API
            self._pages.append(dict(self.__dict__))
            self._tagger.page += 1
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            if self._probe is not None:
                self._probe["pages"] = total
                if total > self._probe["limit"]:
                    return  # a trial layout that does not fit: nothing to write
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                with artifact(self, "Pagination"):
                    self._number(self, number, total)
                Canvas.showPage(self)
            write_structure(self, self._tagger, self._info)
            Canvas.save(self)

    return NumberedCanvas


def count_pages(pdf: bytes) -> int:
    """Return the page count ReportLab wrote into the page tree."""
    match = re.search(rb"/Count (\d+)", pdf)
    return int(match.group(1)) if match else 0
