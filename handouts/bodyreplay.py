"""Body replay: a handout's laid-out pages, drawn once, drawn again for the same text.

A chain's clinics, or the front desk printing the same handout all day, lay out the same text
again and again: the same Markdown, styles, paper and text frames give the same pages, whatever
the clinic's name in the band and footer. Laying the text out (building the story, wrapping,
splitting, fitting the columns) and drawing it was over half of a warm handout's time.

So, for a text laid out a second time in a process (as for blocks: the first time drawn
afresh, the second recorded, from the third replayed), everything drawn inside the text frames
of each page is recorded as one drawing per page, between the page's furniture (drawn or
replayed on its own, as each clinic's differs) and the end of the page, together with the
layout's trace and page count. A replay builds no story at all: the document gets one
zero-size flowable per page that replays that page's recording, a page break between them, so
ReportLab still makes the pages, their templates and furniture, the page numbers and the file.

What a page's recording keeps and does is recording.py's (font calls and their results, marked
content with every structure node named by the order it was first used in, links, resources;
blocks already recorded are replayed into it, their calls noted as made);
and, around it, the canvas state the page's body started from (checked: a replay from another
state is given up) and the one it ended in (set again: the page number is drawn from it).
Anything else the body changes makes the layout unrecordable. A replay whose font calls give
other results (characters of a clinic's name coded first) is given up as a whole (`Mismatch`)
and the handout built afresh. A handout "prepared for" a patient is never recorded: the key
would hold the name. The same text in another clinic's colours is drawn from a recording in
other colours, recoloured, once that has been shown exact for this text (recolour.py). Output
is byte for byte a fresh build's (tests/test_bodyreplay.py).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

from . import recolour, recording
from .recording import _STATE, drawing_state
from .replay import OWN_NODES

KEPT = 32  # laid-out texts kept (each about 100 KB of operators) or counted
RECORD_AT = 1  # times a text is laid out before it is recorded (as for blocks: the second)

_LAYOUTS: OrderedDict = OrderedDict()  # key → _Layout, None (not recordable) or times seen
# A text's template, by the key without its colours: ("pending", palette, layout), its latest
# recording, until a recording in other colours shows that one recolours exactly, then
# ("ready", palette, layout, the fields that check changed) (recolour.py).
_TEMPLATES: OrderedDict = OrderedDict()
recording._STORES.extend([_LAYOUTS, _TEMPLATES])
stats = {"recorded": 0, "replayed": 0, "given_up": 0, "recoloured": 0}
enabled = True  # off: only blocks are replayed (recording.enabled off: nothing is)

_END_STATE = (*_STATE, "_currentMatrix")  # what the page number is drawn from, at save
# Canvas attributes a body changes that a replay sets or makes again: its operators and
# drawing state, the drawing position, links and the page's resources.
_CANVAS_SKIP = frozenset(_STATE) | recording._MOVING | recording._LINKING | recording._RESOURCES | \
    {"_doctemplate"}  # (ReportLab lets go of its document template as the last page ends)
_TAGGER_SKIP = frozenset({"mcids", "depth", "open", "annots"})
_DOC_SKIP = recording._DOC_CALLS | recording._DOC_LINKING


class Mismatch(Exception):
    """A recorded layout cannot be replayed in this document: build the handout afresh."""


class _Page(NamedTuple):
    start: tuple  # drawing_state and matrix the body started from
    end: tuple  # the _END_STATE values it ended with
    drawing: Any  # recording._Recording
    compiled: list  # [first MCID, steps] of its last replay (see _compiled), or empty


class _Layout(NamedTuple):
    pages: tuple  # _Page per page
    trace: tuple  # (page, block kind) per block drawn, as document.page_faults reads it


_ROLES = OWN_NODES  # every node a body opens is named by the order it was first used in


def lookup(key: tuple | None) -> _Layout | None:
    """The recorded layout of `key` ("Body", the text and its frames, the palette), if it is
    kept, or the text's template recoloured, if it can be."""
    if key is None or not (enabled and recording.enabled):
        return None
    kept = _LAYOUTS.get(key, 0)
    if isinstance(kept, _Layout):
        _LAYOUTS.move_to_end(key)
        return kept
    template = _TEMPLATES.get(key[1])
    if kept is not None and template and template[0] == "ready":  # (None: not recordable)
        _, source, layout, checked = template
        fields = recolour.changed(source, key[2])
        if fields is not None and fields <= checked:
            derived = _LAYOUTS[key] = recolour.recoloured(layout, source, key[2])
            _trim(_LAYOUTS)
            stats["recoloured"] += 1
            return derived
    return None


def recorder(key: tuple | None) -> BodyRecorder | None:
    """A recorder for a layout of `key` about to be built afresh: None while `key` has been laid
    out fewer than RECORD_AT times before (the count is kept), or when it is not recordable."""
    if key is None or not (enabled and recording.enabled):
        return None
    kept = _LAYOUTS.get(key, 0)
    if type(kept) is not int:
        return None  # not recordable (or kept, and given up in this document)
    if kept < RECORD_AT:
        _LAYOUTS[key] = kept + 1
        _LAYOUTS.move_to_end(key)
        _trim(_LAYOUTS)
        return None
    return BodyRecorder(key)


def _trim(store: OrderedDict) -> None:
    while len(store) > KEPT:
        store.popitem(last=False)


def _template(key: tuple, layout: _Layout) -> None:
    """Note a text's recording: the first is its template; a later one in other colours
    checks it (the recolouring must give exactly this recording)."""
    free, palette = key[1], key[2]
    template = _TEMPLATES.get(free)
    if template is None:
        _TEMPLATES[free] = ("pending", palette, layout)
        _trim(_TEMPLATES)
    elif template[0] == "pending" and template[1] != palette:
        fields = recolour.changed(template[1], palette)
        if fields is None:  # its colours cannot say which field is which: try the new one
            _TEMPLATES[free] = ("pending", palette, layout)
        elif fields:
            derived = recolour.recoloured(template[2], template[1], palette)
            # recoloured exactly: ready; else one of the two has a colour that is also a
            # fixed one (or the text derives a colour): the newer is tried next
            _TEMPLATES[free] = ("ready", *template[1:], fields) \
                if recolour.matches(derived, layout) else ("pending", palette, layout)


class BodyRecorder:
    """Records each page's body as it is built: `page_start` after its furniture,
    `page_end` before it is shown."""

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.pages: list[_Page] = []
        self.safe = True
        self._recorder: Any = None
        self._start: tuple = ()
        self._before: tuple = ()

    def page_start(self, canvas: Any) -> None:
        doc = canvas._doc
        if self._recorder is None:
            self._recorder = recording._Recorder(canvas, _ROLES)
            self._recorder.page_body = True
        rec = self._recorder
        rec.canvas, rec.events, rec.made = canvas, [], False
        rec._mark = len(canvas._code)
        self._start = (drawing_state(canvas), tuple(canvas._currentMatrix))
        self._before = _snapshot(canvas)
        doc._recorder = rec

    def page_end(self, canvas: Any) -> None:
        rec = self._recorder
        doc = canvas._doc
        doc._recorder = None
        if rec is None or not self.safe:
            return
        rec.flush()
        tagger = canvas._tagger
        if not rec.safe or _snapshot(canvas) != self._before or tagger.depth or tagger.open:
            self.safe = False
            return
        end = tuple(canvas.__dict__[name] for name in _END_STATE)
        self.pages.append(_Page(self._start, end, recording._recording(rec.events, doc), []))

    def keep(self, trace: list) -> None:
        """The layout is built (and was not given up): keep it, or note it cannot be kept."""
        if self.key in _LAYOUTS:
            layout = _Layout(tuple(self.pages), tuple(trace)) if self.safe else None
            _LAYOUTS[self.key] = layout
            stats["recorded"] += 1
            if layout is not None:
                _template(self.key, layout)


def _snapshot(canvas: Any) -> tuple:
    """What a recordable body leaves as it found it (but what a replay sets or makes again)."""
    tagger = canvas._tagger
    return (recording._fingerprint(canvas, _CANVAS_SKIP),
            recording._fingerprint(tagger, _TAGGER_SKIP),
            recording._fingerprint(canvas._doc, _DOC_SKIP),
            len(canvas._extgstate._c))


def story(layout: _Layout) -> list:
    """The story that replays `layout`: one page body per page, a page break between."""
    from reportlab.platypus import PageBreak

    replay = _Replay(layout)
    flowables: list = []
    for n in range(len(layout.pages)):
        if n:
            flowables.append(PageBreak())
        flowables.append(_page_body_class()(replay, n))
    return flowables


class _Replay:
    """One replay of a layout: the nodes it has made so far, shared by its pages."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        self.made: dict = {}

    def draw(self, canvas: Any, n: int) -> None:
        page = self.layout.pages[n]
        if (drawing_state(canvas), tuple(canvas._currentMatrix)) != page.start or \
                not recording._fonts_as_recorded(page.drawing, canvas._doc):
            stats["given_up"] += 1
            raise Mismatch(f"page {n + 1}")
        tagger = canvas._tagger
        owners = tagger.mcids.setdefault(tagger.page, [])
        if not page.compiled or page.compiled[0] != len(owners):
            page.compiled[:] = [len(owners), _compiled(page.drawing, len(owners),
                                                        tagger.root.tag)]
        _run(page.compiled[1], canvas, owners,
             recording.node_finder(canvas, _ROLES, self.made), self.made)
        canvas.__dict__.update(zip(_END_STATE, page.end))
        if n == len(self.layout.pages) - 1:
            stats["replayed"] += 1


def _compiled(drawing: Any, first: int, root_tag: str) -> tuple:
    """A page's recorded drawing as steps that open no marked-content sequence one by one:
    ("ops", operators with the sequences' BDC/EMC written in, the nodes they are for) for
    each run of drawing, and (event, the nodes open around it) for each link, image or shading
    made again. Its MCIDs follow on from `first`, the page's count so far (the furniture's)."""
    from .tagging import _mc_tag

    steps: list = []
    ops: list = []
    marked: list = []
    open_roles: list = []
    mcid = first
    for event in drawing.drawing:
        kind = event[0]
        if kind == "code":
            ops.extend(event[1])
        elif kind == "begin":
            role = event[1]
            tag = role[3] if role[0] == "fresh" else root_tag  # (a body's roles: OWN_NODES)
            ops.append(f"/{_mc_tag(tag)} <</MCID {mcid}{event[2]}>> BDC")
            mcid += 1
            marked.append((role[1] if role[0] == "fresh" else None, role))
            open_roles.append(role)
        elif kind == "end":
            ops.append("EMC")
            open_roles.pop()
        else:
            steps.append(("ops", tuple(ops), tuple(marked)))
            steps.append((event, tuple(open_roles)))
            ops, marked = [], []
    steps.append(("ops", tuple(ops), tuple(marked)))
    return tuple(steps)


def _run(steps: tuple, canvas: Any, owners: list, find: Any, made: dict) -> None:
    """Do what Tagger.begin and end would, in bulk: each node is placed in the tree and given
    its MCID in order; around a link, image or shading the nodes open then are open. A node
    already made is taken from `made` by its number (`find` makes the others)."""
    tagger, code, page = canvas._tagger, canvas._code, canvas._tagger.page
    place = tagger.place
    for step in steps:
        if step[0] == "ops":
            code.extend(step[1])
            for n, role in step[2]:
                node = made.get(n)
                if node is None:
                    node = find(role)
                place(node)
                node.kids.append(("mcid", page, len(owners)))
                owners.append(node)
            continue
        event, open_roles = step
        tagger.open[:] = [find(role) for role in open_roles]
        tagger.depth = len(open_roles)
        try:
            recording.make_again(event, canvas, find)
        finally:
            tagger.open.clear()
            tagger.depth = 0


_CLASS: list = []


def _page_body_class() -> type:
    """A flowable of no size that replays one page's body where the frame places it."""
    if _CLASS:
        return _CLASS[0]
    from reportlab.platypus import Flowable

    class PageBody(Flowable):
        def __init__(self, replay: _Replay, n: int) -> None:
            super().__init__()
            self.replay, self.n = replay, n
            self.width = self.height = 0

        def wrap(self, availWidth: float, availHeight: float) -> tuple:  # noqa: N803
            return (0, 0)

        def drawOn(self, canvas: Any, x: float, y: float,  # noqa: N802 - ReportLab's API
                   _sW: float = 0) -> None:  # noqa: N803
            self.replay.draw(canvas, self.n)

    _CLASS.append(PageBody)
    return PageBody
