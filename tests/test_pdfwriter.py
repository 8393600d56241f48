"""The compact writer: object streams and a cross-reference stream that any reader follows."""

from __future__ import annotations

import io
import re
import zlib

import pypdf
import pypdfium2 as pdfium
import pytest

from handouts.jobs import HandoutJob, build_handout
from handouts.layout import count_pages

from conftest import DATE, EXAMPLES


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor",
                                    lang="en", paper="letter", date=DATE))


def _xref(pdf: bytes) -> tuple[dict, list]:
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    head = pdf[start:start + 400]
    assert re.match(rb"\d+ 0 obj\n<< /Type /XRef ", head)
    length = int(re.search(rb"/Length (\d+)", head).group(1))
    data_at = start + head.index(b"stream\n") + 7
    rows = zlib.decompress(pdf[data_at:data_at + length])
    widths = list(map(int, re.search(rb"/W \[(\d+) (\d+) (\d+)\]", head).groups()))
    assert widths[1] <= 4 and widths[2] <= 2  # as narrow as the file allows
    step = sum(widths)
    entries = []
    for i in range(0, len(rows), step):
        row, at = [], i
        for width in widths:
            row.append(int.from_bytes(rows[at:at + width], "big"))
            at += width
        entries.append(tuple(row))
    return {"size": int(re.search(rb"/Size (\d+)", head).group(1))}, entries


def test_every_offset_points_at_its_object(pdf: bytes) -> None:
    info, entries = _xref(pdf)
    assert len(entries) == info["size"]
    assert entries[0] == (0, 0, 65535)
    direct = [(n, e) for n, e in enumerate(entries) if e[0] == 1]
    packed = [(n, e) for n, e in enumerate(entries) if e[0] == 2]
    assert direct and len(packed) > 150  # the small dictionaries share one object stream
    for n, (_, offset, _) in direct:
        assert pdf[offset:offset + 12].startswith(b"%d 0 obj\n" % n)


def test_packed_objects_are_where_the_index_says(pdf: bytes) -> None:
    _, entries = _xref(pdf)
    heap = {e[1] for e in entries if e[0] == 2}
    assert len(heap) == 1
    offset = entries[heap.pop()][1]
    head = pdf[offset:offset + 200]
    assert b"/Type /ObjStm" in head
    first = int(re.search(rb"/First (\d+)", head).group(1))
    length = int(re.search(rb"/Length (\d+)", head).group(1))
    at = offset + head.index(b"stream\n") + 7
    data = zlib.decompress(pdf[at:at + length])
    pairs = list(map(int, data[:first].split()))
    numbers = [n for n, e in enumerate(entries) if e[0] == 2]
    assert pairs[0::2] == numbers
    for start in pairs[1::2]:
        assert data[first + start:first + start + 2] in (b"<<", b"[ ") or \
            data[first + start:first + start + 1].isalnum()


def test_readers_see_the_same_document(pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == count_pages(pdf) == 2
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/StructTreeRoot"]["/K"]["/S"] == "/Document"
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 2
    document.close()


def test_smaller_than_the_plain_writer(pdf: bytes) -> None:
    """ReportLab's own writer, on the same objects, is about half as large again."""
    from handouts import pdfwriter

    saved = pdfwriter.install
    pdfwriter.install = lambda doc: None
    try:
        plain = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"),
                                         practitioner="sam-taylor", lang="en", paper="letter",
                                         date=DATE))
    finally:
        pdfwriter.install = saved
    assert len(pdf) < 0.75 * len(plain)
    assert pdfium.PdfDocument(plain).get_page(0).get_textpage().get_text_range() == \
        pdfium.PdfDocument(pdf).get_page(0).get_textpage().get_text_range()


def test_only_the_ascii_glyphs_drawn_are_embedded(pdf: bytes) -> None:
    """ASCII keeps its own codes (text stays searchable through a PDF printer), but a glyph
    the handout never draws is not embedded: its code points at .notdef."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    drawn = set(pdfium.PdfDocument(pdf).get_page(0).get_textpage().get_text_range()) | \
        set(pdfium.PdfDocument(pdf).get_page(1).get_textpage().get_text_range())
    checked = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapped = {chr(int(u, 16)) for code, u in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4})>",
                                                               cmap)}
            ascii_mapped = {ch for ch in mapped if 33 <= ord(ch) < 127}
            assert ascii_mapped <= drawn, sorted(ascii_mapped - drawn)
            checked += len(ascii_mapped)
    assert checked > 60
    assert "~" not in drawn and "^" not in drawn  # never in the English handout
