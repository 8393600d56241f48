"""Glyph check: decode every glyph a PDF draws and say what is wrong with what is printed.

Text read back from a PDF proves the text layer, not the page. This walks every page's content
stream, follows the font and /ActualText spans, and for each glyph drawn:
- decodes it through the font's ToUnicode map: it must map to text, never to nothing, U+0000,
  U+FFFD or U+FFFF;
- finds it in the embedded font program: the code must draw a real glyph (not .notdef), and that
  glyph must have the outline the original font's cmap gives the character it claims to be (a
  glyph handed over from another font fails here);
- reads the text as a reader would (the /ActualText of a span, else the decoded glyphs) and fails
  on a combining mark with no base of its script before it;
- records the smallest type size drawn.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "fonts"
BAD = {"", "\x00", "\ufffd", "\uffff"}


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    glyphs: int = 0
    min_size: float = 1e9
    spans: int = 0

    def add(self, page: int, message: str) -> None:
        if len(self.problems) < 200:
            self.problems.append(f"page {page}: {message}")


@cache
def _original_fonts() -> dict[str, object]:
    from fontTools.ttLib import TTFont

    out = {}
    for path in FONTS.rglob("*.ttf"):
        font = TTFont(str(path), lazy=True)
        font.source_path = str(path)
        out[font["name"].getDebugName(6)] = font
    return out


@cache
def _variants(name: str) -> dict[str, set]:
    """Text → outlines of every glyph of the bundled font that stands for it, the cmap's and
    the shaped forms its substitution rules reach (a vowel sign's variant after some letters)."""
    from handouts.glyphtext import glyph_texts

    font = _original_fonts()[name]
    order = font.getGlyphOrder()
    out: dict[str, set] = {}
    for gid, text in glyph_texts(font.source_path).items():
        out.setdefault(text, set()).add(_outline(font, order[gid]))
    return out


def _to_unicode(font: object) -> dict[int, str]:
    cmap: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return cmap
    data = stream.get_object().get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            cmap[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be") if dst else ""
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                cmap[code] = chr(base + n)
    return cmap


@dataclass
class _Font:
    name: str
    unicode: dict[int, str]
    program: object | None      # fontTools TTFont of the embedded subset
    original: object | None     # fontTools TTFont of the bundled font it came from

    def glyph_name(self, code: int) -> str | None:
        if self.program is None:
            return None
        cmap = self.program["cmap"].getcmap(3, 0) or self.program["cmap"].getcmap(1, 0)
        table = cmap.cmap if cmap else {}
        return table.get(code, table.get(0xF000 + code))


def _load_font(ref: object) -> _Font:
    from fontTools.ttLib import TTFont

    font = ref.get_object()
    base = str(font.get("/BaseFont", "")).lstrip("/")
    name = base.split("+", 1)[-1]
    program = None
    descriptor = font.get("/FontDescriptor")
    if descriptor is not None and "/FontFile2" in descriptor.get_object():
        data = descriptor.get_object()["/FontFile2"].get_object().get_data()
        program = TTFont(io.BytesIO(data))
    return _Font(name, _to_unicode(font), program, _original_fonts().get(name))


def _outline(font: object, glyph: str) -> tuple:
    glyf = font["glyf"]
    coords, ends, _ = glyf[glyph].getCoordinates(glyf)
    return tuple(coords), tuple(ends)


def _check_glyph(font: _Font, code: int, text: str, page: int, report: Report) -> None:
    report.glyphs += 1
    if text in BAD or any(ch in BAD for ch in text):
        report.add(page, f"{font.name}: code {code} maps to {text!r} (no text)")
        return
    glyph = font.glyph_name(code)
    if font.program is not None and (glyph is None or glyph == ".notdef"):
        report.add(page, f"{font.name}: code {code} ({text!r}) draws no glyph (.notdef)")
        return
    if font.original is None or font.program is None or len(text) != 1 or _private(text):
        return
    real = font.original.getBestCmap().get(ord(text))
    if real is None:
        report.add(page, f"{font.name}: draws {text!r} (U+{ord(text):04X}) but its cmap has "
                         "no such character")
    elif _outline(font.program, glyph) != _outline(font.original, real) and \
            _outline(font.program, glyph) not in _variants(font.name).get(text, ()):
        report.add(page, f"{font.name}: the glyph drawn for {text!r} (U+{ord(text):04X}) is "
                         "not the font's glyph for that character")


def _private(text: str) -> bool:
    return any(0xE000 <= ord(ch) <= 0xF8FF for ch in text)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else ""


def check_marks(text: str) -> list[str]:
    """Return a description of each combining mark in `text` with no base of its script."""
    bad = []
    for i, ch in enumerate(text):
        if not unicodedata.category(ch).startswith("M"):
            continue
        script = _script(ch)
        j = i - 1
        while j >= 0 and unicodedata.category(text[j]).startswith("M"):
            j -= 1
        base = text[j] if j >= 0 else ""
        inherited = script in ("COMBINING", "VARIATION", "ZERO")
        if not base or not unicodedata.category(base).startswith("L") or \
                (not inherited and _script(base) != script):
            bad.append(f"mark {ch!r} (U+{ord(ch):04X}) after {base!r} in {text[max(0, i - 12):i + 4]!r}")
    return bad


def _strings(operands: list) -> list[bytes]:
    out = []
    for op in operands:
        if isinstance(op, (bytes, str)) or hasattr(op, "original_bytes"):
            out.append(op.original_bytes if hasattr(op, "original_bytes") else
                       (op if isinstance(op, bytes) else op.encode("latin-1")))
        elif isinstance(op, list):
            out.extend(_strings(op))
    return out


def check_pdf(data: bytes) -> Report:
    """Decode every glyph of every page; return what is wrong and the smallest size drawn."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(data))
    report = Report()
    for number, page in enumerate(reader.pages, 1):
        fonts_ref = page["/Resources"].get_object().get("/Font", {})
        fonts = {name: _load_font(ref) for name, ref in fonts_ref.get_object().items()}
        _walk(ContentStream(page.get_contents(), reader), fonts, number, report)
    return report


def _walk(stream: object, fonts: dict, page: int, report: Report) -> None:
    font: _Font | None = None
    size = 0.0
    spans: list[str | None] = []   # /ActualText of each open marked-content sequence
    drawn: list[str] = []          # decoded text of the glyphs since the span (or BT) opened
    for operands, op in stream.operations:
        if op == b"Tf":
            font, size = fonts.get(operands[0]), float(operands[1])
        elif op == b"BDC":
            props = operands[1] if len(operands) > 1 else {}
            actual = props.get("/ActualText") if hasattr(props, "get") else None
            spans.append(str(actual) if actual is not None else None)
            if actual is not None:
                report.spans += 1
                _flush(drawn, page, report)
                drawn = []
        elif op == b"BMC":
            spans.append(None)
        elif op == b"EMC" and spans:
            actual = spans.pop()
            if actual is not None:
                _check_span(actual, drawn, page, report)
                drawn = []
        elif op in (b"BT", b"ET"):
            if not any(s is not None for s in spans):
                _flush(drawn, page, report)
                drawn = []
        elif op in (b"Tj", b"TJ", b"'", b'"') and font is not None:
            for raw in _strings(operands):
                if not raw:
                    continue
                report.min_size = min(report.min_size, size)
                for code in raw:
                    text = font.unicode.get(code, "")
                    _check_glyph(font, code, text, page, report)
                    drawn.append(text)


def _flush(drawn: list[str], page: int, report: Report) -> None:
    for problem in check_marks("".join(t for t in drawn if not _private(t))):
        report.add(page, problem)


def _check_span(actual: str, drawn: list[str], page: int, report: Report) -> None:
    for problem in check_marks(actual):
        report.add(page, "ActualText: " + problem)
    letters = set(unicodedata.normalize("NFD", actual))
    for text in drawn:
        stray = [ch for ch in unicodedata.normalize("NFD", text)
                 if not ch.isspace() and ch not in letters]
        if stray:
            report.add(page, f"glyph {text!r} in a span whose text is {actual[:30]!r}")
