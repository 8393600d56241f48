"""Archive: what PDF/A-2b adds to a tagged handout: an sRGB output intent (the ICC profile made
by Pillow's LittleCMS, its creation date zeroed so the bytes never change) and the pdfaid XMP
entries (written by structtree.py). Fonts are embedded, links carry the Print flag, nothing is
encrypted (`--archive` with `--password` is refused)."""

from __future__ import annotations

from functools import cache
from typing import Any

SRGB = "sRGB IEC61966-2.1"


@cache
def srgb_profile() -> bytes:
    """Return an sRGB ICC profile whose bytes are the same every time."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes(12)   # creation date and time
    data[84:100] = bytes(16)  # profile ID: zero means "not computed", which stays true
    return bytes(data)


def add_output_intent(doc: Any) -> None:
    """Give ReportLab's document catalog an sRGB /OutputIntents entry (GTS_PDFA1)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile(), filters=None)
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(SRGB), "Info": PDFString(SRGB),
        "DestOutputProfile": doc.Reference(profile, "sRGBProfile"),
    })
    catalog = doc.Catalog
    if "OutputIntents" not in catalog.__NoDefault__:
        catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
        catalog.__Refs__ = catalog.__NoDefault__
    catalog.OutputIntents = PDFArray([intent])
