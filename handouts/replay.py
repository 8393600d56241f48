"""Replay: a paragraph drawn once is drawn again from its recorded operators.

Most of a handout's paragraphs are the same in every clinic's version: the same words, style and
width, drawn from the same canvas state. Drawing one (fitting words to lines, choosing fonts,
formatting numbers) is a fifth of a handout's time; the operators it writes are relative to the
paragraph's origin, so they are the same wherever it lands.

What makes the bytes differ from document to document is the state a drawing shares with the
rest of its document: the font subset codes of non-ASCII characters and the fonts' resource
names (both given in order of first use), marked-content ids, links. So:
- a recording keeps every call that touches that state (TTFont.splitString and
  getSubsetInternalName, in order, with their results) besides the operators;
- a replay makes the same calls, in the same order, in the new document: the document's fonts
  end up exactly as a fresh drawing would leave them, and if any result differs from the
  recorded one (a character given another code here) the paragraph is drawn afresh. When every
  character past ASCII already has its recorded code, no new code can be given, so the replay
  only notes the characters as drawn (for subsetting) and asks for the subset names;
- the PDF version a drawing asks for (transparency, for text colours) is asked for again;
- a list item's label and body and a link are made again in the new document's structure;
  a drawing that changed anything else (another marked-content sequence, the canvas or tagger
  state, a new object) is never recorded.
Shaped text (Punjabi) is a string of glyph codes whose positions and /ActualText are in the
operators: it is split into subsets by those codes alone, so it replays like any other.
The key is the paragraph's text, every style value, its width and lines, any attribute of the
paragraph that may change its drawing (a check box's colour), and the canvas state it is drawn
from (font, colours, text state, tagging depth). Colours are in the key: a heading in another
clinic's colour is recorded once for that colour. Output is byte for byte a fresh
drawing's, whatever the order of jobs (tests/test_order.py, tests/test_replay.py).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple

KEPT = 4096  # recordings kept per process (a handout draws about ninety paragraphs)

_RECORDED: OrderedDict[tuple, tuple | None] = OrderedDict()  # key → (calls, operators) or None
_STATE = ("_fontname", "_fontsize", "_textMode", "_leading", "_fillMode", "_charSpace",
          "_wordSpace", "_horizScale", "_textRenderMode", "_rise", "_textLineMatrix",
          "_textMatrix", "_lineCap", "_lineJoin", "_lineDash", "_lineWidth", "_mitreLimit",
          "_fillColorObj", "_strokeColorObj")
_canvas_state = itemgetter(*_STATE)  # the canvas's graphics and text state, as drawing reads it
# Canvas attributes a paragraph's drawing may change: its operators, and the drawing position
# ReportLab moves (and puts back) around it.
_MOVING = {"_code", "_currentMatrix", "_x", "_y", "state_stack"}
stats = {"recorded": 0, "replayed": 0, "fresh": 0}
enabled = True  # the benchmark switches it off to measure what replay saves


class _Recorder:
    """What a drawing does that touches its document's shared state, in order: font calls and
    their results, marked-content sequences opened and closed, links, and the operators drawn
    between them."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.events: list[tuple] = []
        self.safe = True
        self.linked = False
        self._mark = len(canvas._code)

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


def _value(value: Any) -> Any:
    try:
        hash(value)
        return type(value), value
    except TypeError:
        return type(value), repr(value)


# Paragraph attributes that do not change what it draws, given the rest of the key: its text,
# style and bullet (in the memo key), what wrapping made of them (lines, sizes, hyphenation
# counts), its place in the document (frame, canvas, structure node) and page-layout hints.
# Any other attribute (a check box's colour, `debug`, ReportLab's _JustifyLast …) is in the key.
_IGNORED = frozenset({
    "text", "style", "bulletText", "frags", "blPara", "width", "height", "_wrap_memo",
    "_wrapWidths", "_width_max", "_hyphenations", "_splitLongWordCount", "encoding",
    "caseSensitive", "canv", "_frame", "_node", "_lbody", "is_heading", "is_references",
    "is_small_print", "keepWithNext", "spaceBefore", "spaceAfter", "_postponed"})


def _key(para: Any, canvas: Any) -> tuple | None:
    attrs = para.__dict__
    memo = attrs.get("_wrap_memo")
    key = para._memo_key(memo[0]) if memo is not None else None
    if key is None or attrs.get("_split_tail"):
        return None
    tagger = getattr(canvas, "_tagger", None)
    state = _canvas_state(canvas.__dict__)
    try:
        hash(state)
    except TypeError:
        state = tuple(_value(value) for value in state)
    others = attrs.keys() - _IGNORED
    extra = tuple(sorted((name, _value(attrs[name])) for name in others)) if others else ()
    ext = canvas.__dict__.get("_extgstate")
    return (key, memo[1], memo[4], extra, getattr(para, "draws_own_label", False), state,
            repr(getattr(ext, "_d", None)), canvas.__dict__.get("_list_item") is not None,
            (bool(tagger.depth), bool(tagger.suspended), tagger.lang) if tagger else None)


def _fingerprint(obj: Any, skip: set | frozenset) -> dict:
    return {k: (id(v), len(v) if isinstance(v, (list, dict, set)) else None)
            for k, v in obj.__dict__.items() if k not in skip}


_LINKING = frozenset({"_annotationrefs", "_annotationCount", "annots"})
# Document attributes the recorded calls change (subset names, the PDF version), and those a
# link changes (its annotation object).
_DOC_CALLS = frozenset({"fontMapping", "delayedFonts", "_pdfVersion", "_recorder"})
_DOC_LINKING = frozenset({"idToObject", "idToObjectNumberAndVersion", "numberToId",
                          "objectcounter"})


def _draw(original: Any) -> Any:
    def draw(self: Any) -> None:
        canvas = self.canv
        doc = canvas._doc
        key = _key(self, canvas) if enabled and getattr(doc, "_recorder", None) is None \
            else None
        recorded = _RECORDED.get(key, False) if key is not None else None
        if recorded:
            _RECORDED.move_to_end(key)
            if _replay(recorded, canvas, doc):
                stats["replayed"] += 1
                return None
        if recorded is not False:  # no key, not replayable, or a result differed here
            stats["fresh"] += 1
            return original(self)
        _RECORDED[key] = _record(original, self, canvas, doc)
        if len(_RECORDED) > KEPT:
            _RECORDED.popitem(last=False)
        return None
    return draw


def _record(original: Any, para: Any, canvas: Any, doc: Any) -> tuple | None:
    tagger = getattr(canvas, "_tagger", None)

    def snapshot(linked: bool) -> tuple:
        """What a recordable drawing leaves as it was (links add annotations and objects)."""
        skip = _LINKING if linked else frozenset()
        return (_fingerprint(canvas, _MOVING | skip),
                _fingerprint(tagger, {"mcids", "depth", "open"} | skip) if tagger else None,
                None if linked else len(doc.idToObject),
                _fingerprint(doc, _DOC_CALLS | (_DOC_LINKING if linked else frozenset())))

    graphics = canvas._extgstate._c  # ExtGState names given on this page (alpha, overprint)
    before = (snapshot(False), snapshot(True), len(graphics))
    fonts = len(doc.fontMapping)
    marked = len(tagger.mcids.get(tagger.page, ())) if tagger else 0
    depth = (tagger.depth, len(tagger.open)) if tagger else (0, 0)
    recorder = doc._recorder = _Recorder(canvas)
    try:
        original(para)
    finally:
        doc._recorder = None
    recorder.flush()
    stats["recorded"] += 1
    events = recorder.events
    opened = sum(1 for e in events if e[0] == "begin")
    nested = opened - sum(1 for e in events if e[0] == "end")
    named = any(e[0] == "name" for e in events)
    same = snapshot(recorder.linked) == before[recorder.linked] and len(graphics) == before[2]
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
    drawing: tuple  # ("code", operators), ("begin", role, extra), ("end",), ("link", args, kw)


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
    return _Recording(calls, tuple(e for e in calls if e[0] != "split"), tuple(codes),
                      tuple(e for e in events if e[0] not in ("split", "name", "version")))


_ASCII = frozenset(range(32, 128))  # codes every document gives alike (ReportLab's asciiReadable)


def _fonts_as_recorded(recording: _Recording, doc: Any) -> bool:
    """Leave the document's fonts as a fresh drawing would; False if it would draw other bytes.

    Quick when every character past ASCII already has the code it had when recorded (no new
    code can then be given, so the order of calls does not matter): the characters are noted
    as drawn and the subset names asked for. Otherwise every font call is made again, in order,
    and its result compared."""
    quick = True
    for font, wanted, _ in recording.codes:
        state = font.state.get(doc)
        if state is None or any(state.assignments.get(code) != n for code, n in wanted):
            quick = False
            break
    if quick:
        for font, _, chars in recording.codes:
            state = font.state[doc]
            used = state.__dict__.get("_used")
            if used is None:
                used = state._used = set()
            used |= chars
        return all(_call(doc, *call) for call in recording.names)
    return all(_call(doc, *call) for call in recording.calls)


def _call(doc: Any, kind: str, font: Any, arg: Any, result: Any) -> bool:
    """Make one recorded call in `doc`; True if it gives the recorded result."""
    if kind == "split":
        return font.splitString(arg, doc) == result
    if kind == "name":
        return font.getSubsetInternalName(arg, doc) == result
    doc.ensureMinPdfVersion(*arg)  # "version": transparency used (alpha set, even to 1)
    return True


def _replay(recording: _Recording, canvas: Any, doc: Any) -> bool:
    """Draw a recording in this document: its font calls first, then its operators and
    marked-content sequences. False, with nothing drawn, if a font call's result differs here
    (the caller draws afresh; the calls it repeats give the same results)."""
    if not _fonts_as_recorded(recording, doc):
        return False
    tagger = getattr(canvas, "_tagger", None)
    code = canvas._code
    for event in recording.drawing:
        kind = event[0]
        if kind == "code":
            code.extend(event[1])
        elif kind == "begin":
            tagger.begin(canvas, _ROLES[event[1]](canvas), event[2])
        elif kind == "end":
            tagger.end(canvas)
        elif kind == "link":
            canvas.linkURL(*event[1], **event[2])
    return True


def _lbody(canvas: Any) -> Any:
    return canvas._pending_lbody


def _label(canvas: Any) -> Any:
    from .tagflow import _label as label

    return label(canvas._list_item, "")


def _box_label(canvas: Any) -> Any:
    from .tagflow import _label as label

    return label(canvas._list_item, "☐")


# How a recorded marked-content sequence finds its node in another document: a list item's
# label or body (tagflow.py); any other node makes a drawing unrecordable.
_ROLES = {"lbody": _lbody, "lbl": _label, "box": _box_label}


def _role(canvas: Any, node: Any) -> str | None:
    if node is canvas.__dict__.get("_pending_lbody"):
        return "lbody"
    item = canvas.__dict__.get("_list_item")
    if item is not None and node.tag == "Lbl" and node.parent is item:
        return "box" if node.attrs.get("ActualText") == "☐" else "lbl"
    return None


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
            role = _role(canv, node)
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


def _link(link_url: Any) -> Any:
    def link(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = getattr(self._doc, "_recorder", None)
        if recorder is None:
            return link_url(self, *args, **kwargs)
        if kwargs.get("relative", args[2] if len(args) > 2 else 0) != 1:
            recorder.safe = False  # an absolute rectangle would not move with the paragraph
        recorder.tagging(("link", args, kwargs))
        recorder.linked = True
        try:
            return link_url(self, *args, **kwargs)
        finally:
            recorder.tagged()
    return link


def _versioning(ensure: Any) -> Any:
    def ensure_min_pdf_version(self: Any, *keys: str) -> None:
        recorder = getattr(self, "_recorder", None)
        if recorder is not None:
            recorder.events.append(("version", None, keys, None))
        ensure(self, *keys)
    return ensure_min_pdf_version


@cache
def install(canvas_class: type) -> None:
    """Record and replay paragraph drawing on `canvas_class` (once per process; after
    textops.install)."""
    from reportlab.pdfbase import pdfdoc, ttfonts

    from .memo import _MemoWrap
    from .tagging import Tagger

    ttfonts.TTFont.splitString = _noting(ttfonts.TTFont.splitString)
    ttfonts.TTFont.getSubsetInternalName = _naming(ttfonts.TTFont.getSubsetInternalName)
    pdfdoc.PDFDocument.ensureMinPdfVersion = _versioning(pdfdoc.PDFDocument.ensureMinPdfVersion)
    Tagger.begin = _begin(Tagger.begin)
    Tagger.end = _end(Tagger.end)
    canvas_class.linkURL = _link(canvas_class.linkURL)
    _MemoWrap.draw = _draw(lambda para: super(_MemoWrap, para).draw())
