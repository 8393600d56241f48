"""Logos of flat colours are stored with a palette; photographs and gradients stay RGB."""

from __future__ import annotations

import io
import random

import pypdfium2 as pdfium
from PIL import Image, ImageChops
from pypdf import PdfReader

from handouts.indexed import MAX_ERROR, indexed_form
from handouts.jobs import HandoutJob, build_handout

from conftest import DATE, EXAMPLES


def _images(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        found += [x.get_object() for x in xobjects.values()
                  if x.get_object()["/Subtype"] == "/Image"]
    return found


def test_the_sample_logo_is_indexed_and_looks_the_same() -> None:
    pdf = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor",
                                   lang="en", paper="letter", date=DATE))
    (logo,) = _images(pdf)
    space = logo["/ColorSpace"]
    assert space[0] == "/Indexed" and space[1] == "/DeviceRGB"
    shown = logo.decode_as_image().convert("RGB")  # pypdf expands the palette
    source = Image.open(EXAMPLES / "harbour-physio" / "logo.png").convert("RGBA")
    source = source.resize(shown.size, Image.LANCZOS)  # as logo.py: resized, then flattened
    flat = Image.new("RGB", shown.size, (255, 255, 255))
    flat.paste(source, mask=source.getchannel("A"))
    assert max(high for _, high in ImageChops.difference(flat, shown).getextrema()) <= MAX_ERROR
    page = pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil()
    assert page.getpixel((60, 60)) != (255, 255, 255)  # drawn, in the band


def test_a_photograph_stays_rgb() -> None:
    rng = random.Random(7)
    noise = Image.new("RGB", (120, 120))
    noise.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(120 * 120)])
    assert indexed_form(noise) is None
    flat = Image.new("RGB", (120, 120), (11, 110, 79))
    palette, pixels = indexed_form(flat)
    assert len(palette) % 3 == 0 and 3 <= len(palette) <= 768 and pixels
