"""Document: template text + clinic + practitioner → story → PDF bytes."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from . import blocks, bodyreplay
from .errors import RenderError, TemplateError
from .fonts import FontChain, check_glyphs, font_chain
from .patient import unprintable
from .jobs import HandoutJob, select_practitioners
from .fitbound import cannot_fit
from .furniture import LARGE, STANDARD
from .layout import (PageInfo, PdfMeta, count_pages, frame_heights, frame_width, render_pdf,
                     text_frames)
from .logo import logo_reader
from .markup import build_story
from .memo import memoize_wraps
from .models import Clinic
from .postprocess import apply_letterhead
from .styles import Palette, make_large_styles, make_palette, make_styles
from .tagging import Node
from .team import group_team, localize
from .templating import RenderedHandout, render_handout, select_template, translation_status

MAX_PAGES = 2  # a template may set max_pages in its front matter
FIT_LEVELS = (0, 1, 2, 3)  # normal, compact spacing, three reference columns, smaller headings
LABELS = ("page", "prepared_for", "on", "book_online", "phone", "email", "version",
          "draft_notice")


CREDENTIALS = ("list", "inline", "names")  # how credentials are shown, longest first


def render_text(clinic: Clinic, job: HandoutJob, credentials: str = "list") -> RenderedHandout:
    """Return the handout's Markdown and front matter for a resolved job (glyphs checked).
    `credentials` (one of CREDENTIALS) tells the template how to list credentials: one per
    line with its meaning, inline with meanings, or by name only."""
    assert job.lang and job.paper
    people = select_practitioners(clinic, job.practitioner)
    chain = font_chain(job.lang)
    if job.patient and (missing := chain.missing(job.patient)) is not None:
        raise unprintable(missing)  # the patient's name: never clinic.toml's fault
    check_glyphs(clinic.text_fields({p.id for p in people}), clinic.source, chain)
    name = select_template(clinic.folder, job.handout, job.lang)
    groups = group_team(people, job.lang)  # by profession, titles and meanings in job.lang
    people = [localize(p, job.lang) for p in people]
    context = {"clinic": clinic, "practitioners": people, "groups": groups,
               "practitioner": people[0] if job.practitioner else None, "lang": job.lang,
               "credentials": credentials}
    # the context is made from the clinic (its whole configuration), the practitioner chosen,
    # the language (in the template's name) and how credentials are shown
    return render_handout(clinic.folder, name, context, (clinic, job.practitioner, credentials))


def compose(clinic: Clinic, job: HandoutJob, creator: str) -> bytes:
    """Build the PDF for a resolved job."""
    return compose_traced(clinic, job, creator)[0]


class Composed(NamedTuple):
    """A built handout: the PDF, its layout trace (page, block kind) and the text laid out."""

    pdf: bytes
    trace: list
    text: RenderedHandout
    credentials: str = "list"  # how the credentials were shown (one of CREDENTIALS)


def compose_traced(clinic: Clinic, job: HandoutJob, creator: str) -> Composed:
    """Build the PDF for a resolved job; also return its layout trace and the text laid out
    (the credentials may be shown more briefly than in `render_text`'s default)."""
    text = render_text(clinic, job)
    chain = font_chain(job.lang)
    labels = _labels(text.meta, text.source)
    palette = make_palette(clinic.brand.primary, clinic.brand.accent)
    date = dt.date.fromisoformat(job.date)
    large = job.edition == "large-print"
    page = _page_info(clinic, job, palette, chain, labels)
    meta = PdfMeta(title=str(text.meta.get("title", "")), author=clinic.name,
                   subject=str(text.meta.get("subject", "")),
                   keywords=", ".join(text.meta.get("keywords", [])), lang=job.lang,
                   date=f"D:{date:%Y%m%d}000000+00'00'", creator=creator, archive=job.archive)
    limit = 99 if large else int(text.meta.get("max_pages", MAX_PAGES))
    texts = {"list": text}

    def lay_out(level: int, shown: str, probe: dict | None, room: tuple | None) -> tuple:
        return _lay_out(texts[shown], job, labels, palette, chain, date, page, meta, level,
                        large, probe, room)

    def briefer(shown: str) -> list:
        return _shorter_credentials(clinic, job, texts, shown)

    first = [(0, "list")] if large else [(level, "list") for level in FIT_LEVELS]
    room = None if large else frame_heights(page)
    best, skipped = _search(first, lay_out, briefer, limit, room)
    if skipped and (best is None or best[0][0]):  # nothing fits: compare every layout in full
        best, _ = _search(first, lay_out, briefer, limit, None)
    assert best is not None
    _, pdf, trace, level, shown = best
    if not pdf:  # the best was a trial that ran long: write it out after all
        pdf, trace, _ = lay_out(level, shown, None, None)
    if clinic.letterhead is not None:
        pdf = apply_letterhead(pdf, clinic.letterhead, clinic.source)
    return Composed(pdf, trace, texts[shown], shown)


def _page_info(clinic: Clinic, job: HandoutJob, palette: Palette, chain: FontChain,
               labels: dict) -> PageInfo:
    """What the page furniture of a resolved job needs."""
    return PageInfo(clinic, palette, chain, labels, job.paper,
                    logo_reader(clinic.logo) if clinic.logo else None,
                    clinic.letterhead is not None,
                    LARGE if job.edition == "large-print" else STANDARD)


def fit_furniture(clinic: Clinic, job: HandoutJob) -> None:
    """Fit a resolved job's header band and footer alone, without laying out the text (a
    RenderError names what does not fit): cheap enough to try every paper and edition."""
    text = render_text(clinic, job)
    _page_info(clinic, job, make_palette(clinic.brand.primary, clinic.brand.accent),
               font_chain(job.lang), _labels(text.meta, text.source)).fitted


def _search(attempts: list, lay_out: Any, briefer: Any, limit: int,
            room: tuple | None) -> tuple[tuple | None, bool]:
    """Lay out each (fit level, credentials) in turn until one fits its pages without a page
    fault; return the best layout (score, pdf, trace, level, credentials) and whether a trial
    was skipped because its blocks cannot fit (fitbound.py; only with `room`, the frames'
    heights). The last layout tried is written out in full; earlier ones are trials."""
    attempts = list(attempts)
    best: tuple | None = None
    skipped = False
    while attempts:  # a text that runs long is laid out again, tighter
        level, shown = attempts.pop(0)
        last = not attempts and shown == CREDENTIALS[-1]
        pdf, trace, pages = lay_out(level, shown, None if last else {"limit": limit},
                                    None if last else room)
        if pages is None:
            skipped = True
        else:
            score = (max(pages - limit, 0), len(page_faults(trace)))
            if best is None or score < best[0]:
                best = (score, pdf, trace, level, shown)
            if score == (0, 0):
                break
        if not attempts and (best is None or best[0][0]) and shown != CREDENTIALS[-1]:
            attempts = briefer(shown)
    return best, skipped


def _shorter_credentials(clinic: Clinic, job: HandoutJob, texts: dict, shown: str) -> list:
    """Still past its pages at every fit level: render the text with the credentials shown more
    briefly (inline, then by name only) and return the layouts to try next. A template that
    ignores the `credentials` variable gives the same text: nothing more to try."""
    for briefer in CREDENTIALS[CREDENTIALS.index(shown) + 1:]:
        texts[briefer] = render_text(clinic, job, briefer)
        if texts[briefer].body != texts[shown].body:
            return [(level, briefer) for level in FIT_LEVELS]
    return []


# Whether a text cannot fit its pages at a fit level (fitbound.cannot_fit), by everything its
# story is made from: a repeated handout skips the measuring (a tenth of its time).
_BOUNDS: dict[tuple, bool] = {}


def _digest(text: RenderedHandout) -> bytes:
    """The text and front matter, as a key that does not keep 10 KB of Markdown alive."""
    import hashlib

    return hashlib.blake2b(repr((text.body, text.meta)).encode("utf-8"), digest_size=20).digest()


def _lay_out(text: RenderedHandout, job: HandoutJob, labels: dict, palette: Palette,
             chain: FontChain, date: dt.date, page: PageInfo, meta: PdfMeta, level: int,
             large: bool, probe: dict | None,
             room: tuple | None = None) -> tuple[bytes, list, int | None]:
    """Lay the handout out at one fit level; return its PDF (b"" for a trial that ran past
    its pages), its layout trace and its page count. With `room` (the heights of page 1's
    text frame and the later ones'), a trial whose blocks cannot fit is not laid out at all:
    (b"", [], None)."""
    bound = None
    digest = _digest(text)
    if probe is not None and room is not None:
        # Everything the story is made from, and the room it must fit: the bound of a text
        # already measured in this process is known without building its story again.
        key = (digest, job.lang, job.paper, job.patient, date, palette, level, large,
               room, probe["limit"])
        bound = _BOUNDS.get(key)
        if bound is True:
            return b"", [], None
    # The same, with the text frames, says what every page's body draws (never kept for a
    # patient's handout: the key would hold the name).
    body_key = None if job.patient else ("Body", (digest, job.lang, job.paper, date, level,
                                                  large, text_frames(page)), palette)
    kept = bodyreplay.lookup(body_key)
    if kept is not None:
        try:
            pdf = render_pdf(bodyreplay.story(kept), page, meta, Node("Document", Lang=job.lang),
                             None, probe)
        except bodyreplay.Mismatch:
            pass  # a clinic's name took a character's code first: built afresh below
        else:
            return pdf, list(kept.trace), count_pages(pdf) if pdf else probe["pages"]
    styles = make_large_styles(palette, chain) if large else make_styles(palette, chain, level)
    root = Node("Document", Lang=job.lang)
    story = memoize_wraps(_story(text, job, labels, styles, palette, chain, date, root))
    if probe is not None and room is not None and bound is None:
        bound = _BOUNDS[key] = cannot_fit(story, frame_width(job.paper), *room, probe["limit"])
        if len(_BOUNDS) > 256:
            _BOUNDS.pop(next(iter(_BOUNDS)))
        if bound:
            return b"", [], None
    items = list(story)  # ReportLab empties the list it lays out
    trace: list = []
    body = bodyreplay.recorder(body_key)
    try:
        pdf = render_pdf(story, page, meta, root, trace, probe, body)
    except RenderError as err:
        raise too_tall(err, items, job.paper, text.source) from err
    if body is not None:
        body.keep(trace)
    return pdf, trace, count_pages(pdf) if pdf else probe["pages"]


def page_faults(trace: list[tuple[int, str]]) -> list[str]:
    """Return the page-balance rules a layout breaks: a heading ending a page, or a last page
    holding nothing but references and small print."""
    faults = []
    trace = [(page, kind) for page, kind in trace if kind != "none"]
    for (page, kind), (next_page, _) in zip(trace, trace[1:]):
        if kind == "heading" and next_page != page:
            faults.append(f"a heading ends page {page}")
    last = trace[-1][0] if trace else 0
    if last > 1 and all(kind in ("references", "small") for p, kind in trace if p == last):
        faults.append(f"page {last} holds only references")
    return faults


def too_tall(err: RenderError, story: list, paper: str, source: str) -> RenderError:
    """Name the section whose block is taller than a page, instead of ReportLab's `<Table@0x…>`."""
    from reportlab.platypus.doctemplate import LayoutError

    if not isinstance(err.__cause__, LayoutError):
        return err
    width = frame_width(paper)
    heights = [item.wrap(width, 10**6)[1] for item in story]
    tallest = max(range(len(heights)), key=heights.__getitem__)
    section = next((item.getPlainText() for item in reversed(story[:tallest])
                    if getattr(item, "is_heading", False)), "")
    where = f"the section \"{section}\"" if section else "the text before the first heading"
    return RenderError(f"{source}: {where} has a box, table or list about "
                       f"{heights[tallest] / 72:.0f} inches tall, taller than a page: split it "
                       "into smaller ones (or end the box and continue in plain paragraphs)")


def _story(text: RenderedHandout, job: HandoutJob, labels: dict, styles: dict, palette: Palette,
           chain: FontChain, date: dt.date, root: Node) -> list:
    """Return the flowables: prepared-for strip, template text, draft notice, version line."""
    story = build_story(text.body, styles, palette, chain, text.source, frame_width(job.paper),
                        root)
    story.insert(0, blocks.prepared_for(labels, job.patient, format_date(date, job.lang),
                                        styles, palette, chain))
    if translation_status(text.meta, text.source) == "draft":
        story.insert(2, blocks.notice(labels["draft_notice"], styles, palette, chain))
    version = labels["version"].format(version=text.meta.get("version", ""),
                                       reviewed=format_date(_reviewed(text.meta), job.lang))
    story.append(blocks.small_line(version, styles, chain))
    _keep_references_with_text(story)
    return story


def _keep_references_with_text(story: list) -> None:
    """Never leave the references alone on a page: the block before their heading goes with
    them (in large print, where they are one column, the whole list with it)."""
    from reportlab.platypus import KeepTogether

    for i, flowable in enumerate(story):
        if type(flowable).__name__ == "BalancedColumns" and i >= 2 and \
                getattr(story[i - 1], "is_heading", False):
            story[i - 2].keepWithNext = 1
            return
        if getattr(flowable, "is_references", False) and i >= 2 and \
                getattr(story[i - 1], "is_heading", False):
            end = i
            while end < len(story) and getattr(story[end], "is_references", False):
                end += 1
            story[i - 2:end + 1] = [KeepTogether(story[i - 2:end + 1])]  # and the version line
            return


# The {placeholders} each label may use.
_PLACEHOLDERS = {"page": {"page": 1, "pages": 2}, "version": {"version": "1", "reviewed": "x"}}


def _labels(meta: dict, source: str) -> dict:
    labels = meta.get("labels", {})
    missing = [key for key in LABELS if not isinstance(labels.get(key), str)]
    if missing:
        raise TemplateError(f"{source}: front matter: [labels] lacks {', '.join(missing)}")
    for key in LABELS:
        try:
            labels[key].format(**_PLACEHOLDERS.get(key, {}))
        except (KeyError, IndexError, ValueError) as err:
            raise TemplateError(f"{source}: front matter: labels.{key}: unknown or broken "
                                f"placeholder ({err})") from err
    _reviewed(meta, source)
    return labels


def _reviewed(meta: dict, source: object = "") -> dt.date:
    value = meta.get("reviewed")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TemplateError(f"{source}: front matter: reviewed: {value!r} is not a date like "
                            "2026-11-01") from None


_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def format_date(date: dt.date, lang: str) -> str:
    """Return the date written out the way the handout's language writes it."""
    if lang == "en":  # Babel's own "long" English format, without loading its locale data
        return f"{_EN_MONTHS[date.month - 1]} {date.day}, {date.year}"
    from babel.dates import format_date as babel_format

    return babel_format(date, format="long", locale=lang.replace("-", "_"))
