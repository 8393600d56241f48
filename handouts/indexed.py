"""Indexed logos: a logo of flat colours is stored as a palette of at most 256 colours and one
byte a pixel, instead of three (a third of the image's bytes; most clinic logos are a few
colours with smooth edges).

The palette is only used when no pixel moves by more than MAX_ERROR in any channel (2 % of the
range, below what print or screen shows); a photograph or a gradient stays RGB. The compressed
pixels are kept with the logo, so a batch compresses each logo once, not once a handout.
"""

from __future__ import annotations

import zlib
from typing import Any

MAX_ERROR = 8  # of 255, per channel


def indexed_form(img: Any) -> tuple[bytes, bytes] | None:
    """Return (RGB palette, compressed palette indices) for an RGB Pillow image, or None when
    256 colours cannot show it faithfully."""
    from PIL import Image, ImageChops

    quantized = img.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    error = max(high for _, high in ImageChops.difference(img, quantized.convert("RGB"))
                .getextrema())
    if error > MAX_ERROR:
        return None
    count = max(index for _, index in quantized.getcolors(256)) + 1  # the palette entries used
    palette = bytes(quantized.getpalette()[:3 * count])
    return palette, zlib.compress(quantized.tobytes(), 9)


def install() -> None:
    """Let ReportLab's image XObject write an ImageReader that carries `_indexed` as an
    /Indexed image (once per process; other images are untouched)."""
    from reportlab.pdfbase import pdfdoc

    cls = pdfdoc.PDFImageXObject
    if getattr(cls, "_handouts_indexed", False):
        return
    load, write = cls.loadImageFromSRC, cls.format

    def load_from_src(self: Any, im: Any) -> None:
        indexed = getattr(im, "_indexed", None)
        if indexed is None:
            return load(self, im)
        self.width, self.height = im.getSize()
        self.bitsPerComponent, self.mask, self._filters = 8, None, ("FlateDecode",)
        self.colorSpace = "Indexed"
        self._palette, self.streamContent = indexed
        return None

    def format_image(self: Any, document: Any) -> bytes:
        palette = getattr(self, "_palette", None)
        if palette is None:
            return write(self, document)
        stream = pdfdoc.PDFStream(content=self.streamContent)
        entries = stream.dictionary
        entries["Type"], entries["Subtype"] = pdfdoc.PDFName("XObject"), pdfdoc.PDFName("Image")
        entries["Width"], entries["Height"] = self.width, self.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = pdfdoc.PDFArray([
            pdfdoc.PDFName("Indexed"), pdfdoc.PDFName("DeviceRGB"), len(palette) // 3 - 1,
            b"<" + palette.hex().upper().encode("ascii") + b">"])
        entries["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        entries["Length"] = len(self.streamContent)
        return stream.format(document)

    cls.loadImageFromSRC, cls.format = load_from_src, format_image
    cls._handouts_indexed = True
