"""Recording: what a drawing writes and does to its document, kept to be replayed.

A drawing's operators are the same wherever it lands (they are relative to its origin), but a
drawing also changes state it shares with the rest of its document: the font subset codes of
non-ASCII characters and the fonts' resource names (both given in order of first use), the
marked-content ids and structure elements of tagged text, link annotations, the PDF version.
So a recording keeps, in order:
- every call that touches the document's fonts or version (TTFont.splitString and
  getSubsetInternalName with their results, PDFDocument.ensureMinPdfVersion);
- every marked-content sequence opened and closed, with its node named by a *role* (the drawing
  says how: a list item's body, the node of the third paragraph in a cell …; the page
  furniture's own nodes by the order they are first used in), and every link;
- every document resource a drawing makes (an image, a shading), as the canvas call that makes
  it, to be made again;
- the operators written between them.
A replay makes the same calls in the new document and compares their results: if one differs
(a character given another code here), nothing is drawn and the caller draws afresh (the calls
it repeats give the same results). When every character past ASCII already has its recorded
code, no new code can be given, so the replay only notes the characters as drawn (for
subsetting) and asks for the subset names. Then it opens the same sequences on the new
document's nodes (found by role, or made like the recorded ones) and writes the operators.
The document's fonts, structure, annotations and resources end up exactly as a fresh drawing
leaves them.

A drawing that changes anything else (the canvas or tagger state, an object, a node no role
names) is not recorded. Shaped text (Punjabi) is a string of glyph codes whose positions and
/ActualText are in the operators: it is split into subsets by those codes alone, so it records
like any other. What is recorded, under which key, is replay.py's business.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from operator import itemgetter
from typing import Any, Callable, NamedTuple

from .signatures import value_key

KEPT = 4096  # recordings kept per kind of drawing (a handout draws about ninety paragraphs)

# Per kind of drawing, key → _Recording; None: not replayable; _SEEN: drawn once (a
# one-handout process, such as a cold `generate`, never pays for recording). Least recently
# used first out.
_STORES: list[OrderedDict] = []
_SEEN = ("seen",)


def recordings() -> dict:
    """Every recording kept, all kinds together (for tests and the benchmark)."""
    return {key: kept for store in _STORES for key, kept in store.items()}
stats = {"recorded": 0, "replayed": 0, "fresh": 0}
enabled = True  # the benchmark switches it off to measure what replay saves

# The canvas's graphics and text state, as drawing reads it (its position is not: operators
# are relative to the origin).
_STATE = ("_fontname", "_fontsize", "_textMode", "_leading", "_fillMode", "_charSpace",
          "_wordSpace", "_horizScale", "_textRenderMode", "_rise", "_textLineMatrix",
          "_textMatrix", "_lineCap", "_lineJoin", "_lineDash", "_lineWidth", "_mitreLimit",
          "_fillColorObj", "_strokeColorObj")
_canvas_state = itemgetter(*_STATE)
# Canvas attributes a drawing may change: its operators, the drawing position ReportLab
# moves (and puts back) around it, and the list item tagflow.py notes for the paragraph it is
# drawing (only read while that paragraph draws; None between paragraphs).
_MOVING = {"_code", "_currentMatrix", "_x", "_y", "state_stack", "_pending_lbody", "_list_item"}


def drawing_state(canvas: Any) -> tuple:
    """The canvas state a drawing starts from, as part of its key: fonts, colours, text and
    line state, ExtGState values, whether inside a list item, and the tagging depth."""
    state = _canvas_state(canvas.__dict__)
    try:
        hash(state)
    except TypeError:
        state = tuple(value_key(value) for value in state)
    tagger = getattr(canvas, "_tagger", None)
    ext = canvas.__dict__.get("_extgstate")
    return (state, repr(getattr(ext, "_d", None)), canvas.__dict__.get("_list_item") is not None,
            (bool(tagger.depth), bool(tagger.suspended), tagger.lang) if tagger else None)


def replaying(original: Callable, key_of: Callable, roles_of: Callable,
              kept: int = KEPT, at_once: bool = False) -> Callable:
    """Wrap a draw method: `key_of(drawable, canvas)` says what it draws (None: not replayable),
    `roles_of(drawable)` names and finds the structure nodes it opens; at most `kept` of its
    recordings are kept. `at_once`: recorded the first time, not the second."""
    store: OrderedDict[tuple, Any] = OrderedDict()
    _STORES.append(store)

    def draw(self: Any) -> None:
        canvas = self.canv
        doc = canvas._doc
        outer = getattr(doc, "_recorder", None)
        # inside a page body being recorded, a drawing is replayed (its calls are the body's)
        # but never recorded; inside another drawing's recording, drawn afresh
        key = key_of(self, canvas) if enabled and (outer is None or outer.page_body) else None
        recorded = store.get(key, False) if key is not None else None
        if recorded:
            store.move_to_end(key)
            if recorded is not _SEEN and _replay(recorded, canvas, doc, roles_of(self)):
                stats["replayed"] += 1
                return None
        if outer is not None:
            stats["fresh"] += 1
            return original(self)
        if recorded is False and at_once:
            recorded = _SEEN
        elif recorded is False:  # seen once: drawn afresh, recorded if it comes again
            store[key] = _SEEN
            if len(store) > kept:
                store.popitem(last=False)
        if recorded is not _SEEN:  # no key, not replayable, a result differed, or first seen
            stats["fresh"] += 1
            return original(self)
        store[key] = _record(original, self, canvas, doc, roles_of(self))
        if len(store) > kept:
            store.popitem(last=False)
        return None
    return draw


class _Recorder:
    """What a drawing does that touches its document's shared state, in order: font calls and
    their results, marked-content sequences opened and closed, links, and the operators drawn
    between them."""

    def __init__(self, canvas: Any, roles: Any) -> None:
        self.canvas, self.roles = canvas, roles
        self.events: list[tuple] = []
        self.safe = True
        # a link's annotation, an image or a shading made (each made again by a replay), and
        # whether such a call is under way
        self.made = self.making = False
        self._fresh: dict[int, tuple] = {}  # id(node) → (role, node) of nodes made here
        # A page body's (bodyreplay.py): no drawOn places its links' rectangles, so the canvas
        # matrix is kept with them; the drawings replayed inside it are part of it.
        self.page_body = False
        self._mark = len(canvas._code)

    def role(self, node: Any) -> Any:
        """Name `node` so a replay can find (or make) it again; None makes the drawing
        unrecordable. The drawing's roles come first; then, if it makes its own nodes
        (roles.fresh: the page furniture), a node not yet in the tree is named by the order it
        was first used in, its parent, tag, attributes and place (`last`)."""
        named = self.roles.name(self.canvas, node)
        if named is not None or not getattr(self.roles, "fresh", False):
            return named
        tagger = self.canvas._tagger
        if node is None:
            return ("none",)  # (a node made without a parent: the tree's root takes it)
        if node is tagger.root:
            return ("root",)
        known = self._fresh.get(id(node))
        if known is not None:
            return known[0]
        if node.placed:
            return None  # a node of the document's, not made by this drawing
        parent = self.role(node.parent)
        if parent is None:
            return None
        role = ("fresh", len(self._fresh), parent, node.tag, tuple(sorted(node.attrs.items())),
                node.last)
        self._fresh[id(node)] = (role, node)
        return role

    def flush(self) -> None:
        """Keep the operators drawn since the last event."""
        code = self.canvas._code
        if len(code) > self._mark:
            self.events.append(("code", tuple(code[self._mark:])))
        self._mark = len(code)

    def tagging(self, event: tuple) -> None:
        """Before a marked-content sequence opens or closes (it writes its own operator)."""
        self.flush()
        self.events.append(event)

    def tagged(self) -> None:
        self._mark = len(self.canvas._code)


def _fingerprint(obj: Any, skip: set | frozenset) -> dict:
    return {k: (id(v), len(v) if isinstance(v, (list, dict, set)) else None)
            for k, v in obj.__dict__.items() if k not in skip}


_LINKING = frozenset({"_annotationrefs", "_annotationCount", "annots"})
# Document attributes the recorded calls change (subset names, the PDF version), and those a
# link changes (its annotation object).
_DOC_CALLS = frozenset({"fontMapping", "delayedFonts", "_pdfVersion", "_recorder"})
_DOC_LINKING = frozenset({"idToObject", "idToObjectNumberAndVersion", "numberToId",
                          "objectcounter", "shadingCounter", "idToOf", "_xobjects"})
# Canvas attributes an image or a shading changes (the page's resources).
_RESOURCES = frozenset({"_shadingUsed", "_formsinuse", "_currentPageHasImages"})


def _record(original: Any, drawable: Any, canvas: Any, doc: Any, roles: Any) -> Any:
    tagger = getattr(canvas, "_tagger", None)

    def snapshot(made: bool) -> tuple:
        """What a recordable drawing leaves as it was (links and resources add objects)."""
        skip = _LINKING | _RESOURCES if made else frozenset()
        return (_fingerprint(canvas, _MOVING | skip),
                _fingerprint(tagger, {"mcids", "depth", "open"} | skip) if tagger else None,
                None if made else len(doc.idToObject),
                _fingerprint(doc, _DOC_CALLS | (_DOC_LINKING if made else frozenset())))

    graphics = canvas._extgstate._c  # ExtGState names given on this page (alpha, overprint)
    before = (snapshot(False), snapshot(True), len(graphics))
    fonts = len(doc.fontMapping)
    marked = len(tagger.mcids.get(tagger.page, ())) if tagger else 0
    depth = (tagger.depth, len(tagger.open)) if tagger else (0, 0)
    recorder = doc._recorder = _Recorder(canvas, roles)
    try:
        original(drawable)
    finally:
        doc._recorder = None
    recorder.flush()
    stats["recorded"] += 1
    events = recorder.events
    opened = sum(1 for e in events if e[0] == "begin")
    nested = opened - sum(1 for e in events if e[0] == "end")
    named = any(e[0] == "name" for e in events)
    made = recorder.made  # objects made by calls the replay makes again
    same = snapshot(made) == before[made] and len(graphics) == before[2]
    if not recorder.safe or not same or (not named and len(doc.fontMapping) != fonts) or \
            (tagger and (len(tagger.mcids.get(tagger.page, ())) != marked + opened or
                         (tagger.depth, len(tagger.open)) != (depth[0] + nested, depth[1] + nested))):
        return None
    return _recording(events, doc)


class _Recording(NamedTuple):
    calls: tuple  # ("split", font, text, result), ("name", font, subset, result) and
    #               ("version", None, keys, None): the document calls, in order
    names: tuple  # the calls but "split"
    codes: tuple  # (font, ((char code, code given), …), characters) per font: the font state
    drawing: tuple  # ("code", operators), ("begin", role, extra), ("end",),
    #                 ("add_link", role, args, kw), ("call", canvas method, args, kw)
    ordered: tuple = ()  # the calls but splits of printable ASCII (see _fonts_as_recorded)
    ascii: tuple = ()  # (font, characters) those splits drew


def _recording(events: list, doc: Any) -> _Recording:
    calls = tuple(e for e in events if e[0] in ("split", "name", "version"))
    texts: dict = {}
    for event in calls:
        if event[0] == "split":
            texts.setdefault(event[1], set()).update(event[2])
    codes = []
    for font, chars in texts.items():
        given = font.state[doc].assignments
        wanted = {32 if c == "\xa0" else ord(c) for c in chars} - _ASCII
        codes.append((font, tuple((code, given.get(code)) for code in sorted(wanted)),
                      frozenset(chars)))
    # A subset's name, or a version, asked for again gives the same and changes nothing: the
    # quick path asks once.
    names = tuple(dict.fromkeys(e for e in calls if e[0] != "split"))
    ascii: dict = {}
    for event in calls:
        if _fixed(event):
            ascii.setdefault(event[1], set()).update(event[2])
    # In order: the splits that may give new codes, and each name or version the first time
    # (asked again, the same answer and no change).
    ordered, asked = [], set()
    for event in calls:
        if event[0] != "split":
            if event in asked:
                continue
            asked.add(event)
        elif _fixed(event):
            continue
        ordered.append(event)
    return _Recording(calls, names, tuple(codes),
                      tuple(e for e in events if e[0] not in ("split", "name", "version")),
                      tuple(ordered),
                      tuple((font, frozenset(chars)) for font, chars in ascii.items()))


def _fixed(call: tuple) -> bool:
    """A split of printable ASCII: with ReportLab's asciiReadable its codes are the same in
    every document, so it gives the same result anywhere, in any order."""
    return call[0] == "split" and call[1]._asciiReadable and call[2].isascii() and \
        call[2].isprintable()


_ASCII = frozenset(range(32, 128))  # codes every document gives alike (ReportLab's asciiReadable)


def _fonts_as_recorded(recording: _Recording, doc: Any) -> bool:
    """Leave the document's fonts as a fresh drawing would; False if it would draw other bytes.

    Quick when every character past ASCII already has the code it had when recorded (no new
    code can then be given, so the order of calls does not matter): the characters are noted
    as drawn and the subset names asked for. Otherwise every font call is made again, in order,
    and its result compared. Inside a page body being recorded, the splits it skips are noted
    in the body's recording with their results (the ones a call would give)."""
    quick = True
    for font, wanted, _ in recording.codes:
        state = font.state.get(doc)
        if state is None and not wanted:
            state = font._assignState(doc)  # a font new to the document, drawing ASCII only
        if state is None or any(state.assignments.get(code) != n for code, n in wanted):
            quick = False
            break
    outer = getattr(doc, "_recorder", None)
    if not quick and outer is None:
        # printable ASCII has its own codes in every document (asciiReadable): those splits
        # give the same result anywhere, so only their characters are noted as drawn
        for font, chars in recording.ascii:
            _used(font._assignState(doc)).update(chars)
        return all(_call(doc, *call) for call in recording.ordered)
    if not quick:  # the same, each call noted in the page body being recorded, in order
        for call in recording.calls:
            if _fixed(call):
                _used(call[1]._assignState(doc)).update(call[2])
                outer.events.append(call)
            elif not _call(doc, *call):
                return False
        return True
    for font, _, chars in recording.codes:
        _used(font.state[doc]).update(chars)
    if outer is None:
        return all(_call(doc, *call) for call in recording.names)
    for call in recording.calls:  # in order: the body's recording keeps them as made
        if call[0] == "split":
            outer.events.append(call)
        elif not _call(doc, *call):
            return False
    return True


def _used(state: Any) -> set:
    """The characters a document draws in a font (textops.py notes them as splitString does)."""
    used = state.__dict__.get("_used")
    if used is None:
        used = state._used = set()
    return used


def _call(doc: Any, kind: str, font: Any, arg: Any, result: Any) -> bool:
    """Make one recorded call in `doc`; True if it gives the recorded result."""
    if kind == "split":
        return font.splitString(arg, doc) == result
    if kind == "name":
        return font.getSubsetInternalName(arg, doc) == result
    doc.ensureMinPdfVersion(*arg)  # "version": transparency used (alpha set, even to 1)
    return True


def _replay(recording: _Recording, canvas: Any, doc: Any, roles: Any,
            made: dict | None = None) -> bool:
    """Draw a recording in this document: its font calls first, then its operators and
    marked-content sequences. False, with nothing drawn, if a font call's result differs here
    (the caller draws afresh; the calls it repeats give the same results). `made`: the nodes
    made so far, by their order of first use (a page body's replay shares them across pages)."""
    if not _fonts_as_recorded(recording, doc):
        return False
    tagger = getattr(canvas, "_tagger", None)
    code = canvas._code
    find = node_finder(canvas, roles, {} if made is None else made)
    for event in recording.drawing:
        kind = event[0]
        if kind == "code":
            code.extend(event[1])
        elif kind == "begin":
            tagger.begin(canvas, find(event[1]), event[2])
        elif kind == "end":
            tagger.end(canvas)
        else:
            make_again(event, canvas, find)
    return True


def make_again(event: tuple, canvas: Any, find: Callable) -> None:
    """Make a recorded link, added link, image or shading again (or set the matrix a page
    body's link is placed by)."""
    kind = event[0]
    if kind == "add_link":
        canvas._tagger.add_link(canvas, find(event[1]), *event[2], **event[3])
    elif kind == "matrix":
        canvas._currentMatrix = event[1]
    else:  # "call": a link, an image or a shading, made again in this document
        getattr(canvas, event[1])(*event[2], **event[3])


def node_finder(canvas: Any, roles: Any, made: dict) -> Callable:
    """The node a role names in this document; nodes a recording made are made again (once,
    kept in `made` by their order of first use)."""
    from .tagging import Node

    tagger = getattr(canvas, "_tagger", None)
    again = Node.again

    def find(role: Any) -> Any:
        kind = role[0]
        if kind == "fresh":
            node = made.get(role[1])
            if node is None:
                _, n, parent, tag, attrs, last = role
                node = made[n] = again(tag, find(parent), last, attrs)
            return node
        if kind == "none":
            return None
        if kind == "root":
            return tagger.root
        return roles.find(canvas, role)
    return find


def _noting(split: Any) -> Any:
    def split_string(self: Any, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
        result = split(self, text, doc, encoding)
        recorder = getattr(doc, "_recorder", None)
        if recorder is not None:
            if isinstance(text, str):
                # Shaped text (a str of glyph codes, with its positions and the words it
                # stands for attached) is split by its characters alone: a plain copy says the
                # same; the positions and /ActualText it draws are in the recorded operators.
                recorder.events.append(("split", self, str.__str__(text), result))
            else:
                recorder.safe = False
        return result
    return split_string


def _naming(name: Any) -> Any:
    def get_subset_internal_name(self: Any, subset: int, doc: Any) -> str:
        result = name(self, subset, doc)
        recorder = getattr(doc, "_recorder", None)
        if recorder is not None:
            recorder.events.append(("name", self, subset, result))
        return result
    return get_subset_internal_name


def _begin(begin: Any) -> Any:
    def begin_marked(self: Any, canv: Any, node: Any, extra: str = "") -> None:
        recorder = getattr(canv._doc, "_recorder", None)
        if recorder is not None:
            role = recorder.role(node)
            if role is None:
                recorder.safe = False
            recorder.tagging(("begin", role, extra))
        begin(self, canv, node, extra)
        if recorder is not None:
            recorder.tagged()
    return begin_marked


def _end(end: Any) -> Any:
    def end_marked(self: Any, canv: Any) -> None:
        recorder = getattr(canv._doc, "_recorder", None)
        if recorder is not None:
            recorder.tagging(("end",))
        end(self, canv)
        if recorder is not None:
            recorder.tagged()
    return end_marked


def _made_again(method: Any, doc_of: Any, event_of: Any) -> Any:
    """Wrap a method that makes document objects (a link's annotation, an image, a shading)
    and writes its own operators: recorded as an event that a replay makes again.
    `doc_of(self, args)` is the document; `event_of(recorder, args, kwargs)` the event (it may
    mark the recording unsafe). A call made inside another such call is part of it."""
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = getattr(doc_of(self, args), "_recorder", None)
        if recorder is None or recorder.making:
            return method(self, *args, **kwargs)
        if recorder.page_body:
            canvas = self if doc_of is _canvas_doc else args[0]
            recorder.tagging(("matrix", canvas._currentMatrix))
        recorder.tagging(event_of(recorder, args, kwargs))
        recorder.made = recorder.making = True
        try:
            return method(self, *args, **kwargs)
        finally:
            recorder.making = False
            recorder.tagged()
    return call


def _canvas_doc(canvas: Any, args: tuple) -> Any:
    return canvas._doc


def _link_event(recorder: _Recorder, args: tuple, kwargs: dict) -> tuple:
    if kwargs.get("relative", args[2] if len(args) > 2 else 0) != 1:
        recorder.safe = False  # an absolute rectangle would not move with the drawing
    return ("call", "linkURL", args, kwargs)


def _added_link_event(recorder: _Recorder, args: tuple, kwargs: dict) -> tuple:
    role = recorder.role(args[1])  # Tagger.add_link(canv, node, …)
    if role is None:
        recorder.safe = False
    return ("add_link", role, args[2:], kwargs)


def _resource_event(name: str) -> Any:
    return lambda recorder, args, kwargs: ("call", name, args, kwargs)


def _versioning(ensure: Any) -> Any:
    def ensure_min_pdf_version(self: Any, *keys: str) -> None:
        recorder = getattr(self, "_recorder", None)
        if recorder is not None:
            recorder.events.append(("version", None, keys, None))
        ensure(self, *keys)
    return ensure_min_pdf_version


@cache
def _install_document_calls() -> None:
    from reportlab.pdfbase import pdfdoc, ttfonts

    from .tagging import Tagger

    ttfonts.TTFont.splitString = _noting(ttfonts.TTFont.splitString)
    ttfonts.TTFont.getSubsetInternalName = _naming(ttfonts.TTFont.getSubsetInternalName)
    pdfdoc.PDFDocument.ensureMinPdfVersion = _versioning(pdfdoc.PDFDocument.ensureMinPdfVersion)
    Tagger.begin = _begin(Tagger.begin)
    Tagger.end = _end(Tagger.end)
    Tagger.add_link = _made_again(Tagger.add_link, lambda tagger, args: args[0]._doc,
                                  _added_link_event)


@cache
def install(canvas_class: type) -> None:
    """Note, while recording, the document calls of fonts, tagging and the PDF version (once
    per process; after textops.install) and the links drawn on `canvas_class`."""
    _install_document_calls()
    canvas_class.linkURL = _made_again(canvas_class.linkURL, _canvas_doc, _link_event)
    for name in ("drawImage", "radialGradient", "linearGradient"):
        setattr(canvas_class, name,
                _made_again(getattr(canvas_class, name), _canvas_doc, _resource_event(name)))
