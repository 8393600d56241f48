"""PDF writer: ReportLab's objects, written with object streams and a cross-reference stream.

A tagged handout has about two hundred small dictionaries (structure elements, annotations,
font and page dictionaries). ReportLab writes each as plain text with a 20-byte line in the
cross-reference table: a third of the file. PDF 1.5 lets such objects share one compressed
object stream, with a compressed cross-reference stream instead of the table (ISO 32000-1,
7.5.7 and 7.5.8; PDF/A-2 and PDF/UA allow both). Streams (page content, fonts, images, XMP)
stay where they are, and so does the page tree, whose /Count layout.count_pages reads. Each object is formatted by ReportLab as before, in the same order, so
the output is as deterministic as ReportLab's own.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
from functools import cache, lru_cache
from typing import Any

_PAGE_TREE = re.compile(rb"^<<.*/Type /Pages\s.*>>$", re.S)  # the root of the page tree


def install(doc: Any) -> None:
    """Make this ReportLab PDFDocument write itself compactly (other documents are untouched)."""
    _install_format()
    doc.format = lambda: write_compact(doc)


@cache
def _install_format() -> None:
    """ReportLab's `format`, the step every value of every object goes through (about 1,400
    times a handout), with its commonest cases first: whole numbers written as ReportLab's
    fp_str writes them, and names and other text encoded once per process (names made once).
    Other values take ReportLab's own path, so the bytes are the same."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    original = pdfdoc.format
    pdf_object = pdfdoc.PDFObject
    fp_str = pdfdoc.fp_str
    encoded: dict[str, bytes] = {}

    def format_value(element: Any, document: Any, toplevel: int = 0) -> bytes:
        kind = type(element)
        if kind is int:
            return b"%d" % element
        if kind is float:  # as ReportLab: fp_str, whose digits encode alike in any codec
            return fp_str(element).encode("ascii")
        if kind is bytes:  # as ReportLab: bytes are written as they are
            return element
        if kind is str:
            data = encoded.get(element)
            if data is None:
                data = element.encode("extpdfdoc")
                if len(encoded) < 4096 and len(element) < 64:
                    encoded[element] = data
            return data
        if isinstance(element, pdf_object) and (toplevel or not hasattr(element, "__RefOnly__")) \
                and (rl_config.invariant or not rl_config.pdfComments):
            return element.format(document)
        return original(element, document, toplevel)

    pdfdoc.format = format_value
    pdfdoc.PDFName = lru_cache(maxsize=4096)(pdfdoc.PDFName)  # a pure function of a short text

    def reference(self: Any, document: Any) -> bytes:  # "n v R", as pdfdocEnc would write it
        try:
            return b"%d %d R" % document.idToObjectNumberAndVersion[self.name]
        except KeyError:
            raise KeyError(f"forward reference to {self.name!r} not resolved upon final "
                           "formatting") from None

    pdfdoc.PDFObjectReference.format = reference  # about 200 a handout: the ParentTree's
    pdfdoc.PDFZCompress.encode = _kept_compression(pdfdoc.PDFZCompress.encode)


# A stream's content (a page's operators, 10–20 KB; a font subset; a ToUnicode map; the
# metadata; the object stream) → compressed: the front desk prints the same handout again and
# again, page for page the same, and a language's fonts have the same subsets handout after
# handout. Kept by the whole content (a bytes object keeps its hash), least recently used first
# out; what a handout prepared for a patient added is dropped (forgetting.py).
STREAMS: OrderedDict = OrderedDict()
KEPT_STREAMS = 128  # a handout has about six to twenty streams


def _kept_compression(encode: Any) -> Any:
    def kept(content: Any) -> bytes:
        if len(content) < 512:
            return encode(content)
        packed = STREAMS.get(content)
        if packed is None:
            packed = STREAMS[content] = encode(content)
            while len(STREAMS) > KEPT_STREAMS:
                STREAMS.popitem(last=False)
        else:
            STREAMS.move_to_end(content)
        return packed
    return kept


_pack_objects = _kept_compression(lambda raw: zlib.compress(raw, 6))


def write_compact(doc: Any) -> bytes:
    """Return the document's bytes: stream objects as they are, every other object in one
    compressed object stream, then a cross-reference stream (mirrors PDFDocument.format)."""
    from reportlab.pdfbase.pdfdoc import PDFFile, format as pdf_format

    doc.encrypt.prepare(doc)
    if doc.encrypt.info() or getattr(doc, "_digiSigs", None):
        raise ValueError("the compact writer does not encrypt or sign (pypdf does that later)")
    catalog, info = doc.Reference(doc.Catalog), doc.Reference(doc.info)
    out = PDFFile(doc._pdfVersion)  # the %PDF-1.x header and the binary comment line
    offsets: dict[int, int] = {}
    packed: list[tuple[int, bytes]] = []
    number = 0
    doc.__accum__ = out
    while number + 1 in doc.numberToId:  # formatting may add objects: go until none are left
        number += 1
        doc.encrypt.register(number, 0)
        body = pdf_format(doc.idToObject[doc.numberToId[number]], doc, toplevel=1)
        if body[-32:].rstrip().endswith(b"endstream") or \
                (b"/Type /Pages" in body and _PAGE_TREE.search(body)):
            # streams cannot be packed; the page tree stays readable (layout.count_pages)
            offsets[number] = out.add(b"%d 0 obj\n%s\nendobj\n" % (number, body.rstrip(b"\n")))
        else:
            packed.append((number, body.strip()))
    del doc.__accum__
    heap = number + 1
    offsets[heap] = out.add(_object_stream(heap, packed))
    xref = heap + 1
    at = out.offset
    data, widths = _xref_rows(offsets, packed, heap, xref, at)
    ident = doc.ID().split(b"]")[0].strip() + b"]"  # without ReportLab's trailing comment
    out.add(b"%d 0 obj\n<< /Type /XRef /Size %d /W [%d %d %d] /Root %s /Info %s /ID %s "
            b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n"
            % (xref, xref + 1, *widths, catalog.format(doc), info.format(doc), ident,
               len(data), data))
    out.add(b"startxref\n%d\n%%%%EOF\n" % at)
    return out.format(doc)


def _xref_rows(offsets: dict[int, int], packed: list, heap: int, xref: int,
               at: int) -> tuple[bytes, tuple[int, int, int]]:
    """The cross-reference stream's rows, compressed, and their field widths: object 0 free
    (generation 65535), streams and the page tree at their offsets, the rest in the object
    stream `heap` by index, and the cross-reference stream itself at `at`."""
    where = {n: i for i, (n, _) in enumerate(packed)}
    wide = _width(max(at, heap if packed else 0, *offsets.values()))
    deep = _width(max(65535, len(packed) - 1))
    size, kind_shift, at_shift = 1 + wide + deep, 8 * (wide + deep), 8 * deep
    plain, in_stream = 1 << kind_shift, (2 << kind_shift) | (heap << at_shift)
    rows = [(65535).to_bytes(size, "big")]
    for n in range(1, xref):
        offset = offsets.get(n)
        value = (plain | offset << at_shift) if offset is not None else in_stream | where[n]
        rows.append(value.to_bytes(size, "big"))
    rows.append((plain | at << at_shift).to_bytes(size, "big"))
    return zlib.compress(b"".join(rows), 3), (1, wide, deep)


def _width(largest: int) -> int:
    """Bytes needed for a cross-reference field (a 40 KB file needs 2 for its offsets, not 4)."""
    return max(1, (largest.bit_length() + 7) // 8)


def _object_stream(number: int, packed: list[tuple[int, bytes]]) -> bytes:
    """One object stream holding `packed` (object number, body) in order."""
    index, bodies, offset = [], [], 0
    for n, body in packed:
        index.append(b"%d %d" % (n, offset))
        bodies.append(body)
        offset += len(body) + 1
    head = b" ".join(index) + b"\n"
    # level 6: 2 % larger than 9 in half the time (about 0.2 ms a handout); the same objects
    # again (the front desk's same handout) are compressed once, like any stream
    data = _pack_objects(head + b"\n".join(bodies))
    return (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (number, len(packed), len(head), len(data), data))
