"""Logo: decoded once per clinic and downsampled to the resolution it prints at."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from .models import Logo

PRINT_DPI = 200  # enough for a 3/4-inch logo on an office printer; keeps the PDF small
TILE_HEIGHT_PT = 54.0  # the logo's height in the header band
MAX_HEIGHT_PX = round(TILE_HEIGHT_PT / 72 * PRINT_DPI)
MAX_WIDTH_PX = 3 * MAX_HEIGHT_PX  # the band allows a logo up to three times as wide as high


def logo_reader(logo: Logo) -> Any:
    """Return a ReportLab ImageReader for the logo, cached by content (a chain's clinics usually
    share one logo file, copied into each folder)."""
    data = logo.path.read_bytes()
    return _reader(hashlib.sha256(data).digest(), data, logo.format)


@lru_cache(maxsize=64)
def _reader(_digest: bytes, data: bytes, fmt: str) -> Any:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    with Image.open(io.BytesIO(data)) as img:
        scale = min(1.0, MAX_HEIGHT_PX / img.height, MAX_WIDTH_PX / img.width)
        if scale >= 1.0 and fmt == "JPEG":
            return ImageReader(io.BytesIO(data))  # small enough: the JPEG goes in as it is
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        if fmt == "JPEG":
            buf = io.BytesIO()
            img.convert("RGB").resize(size, Image.LANCZOS).save(buf, "JPEG", quality=88)
            buf.seek(0)
            return ImageReader(buf)
        # The logo sits on a white tile: flatten transparency onto white here, so the PDF has no
        # soft mask (print pipelines rasterise whole pages that use transparency).
        rgba = img.convert("RGBA").resize(size, Image.LANCZOS)
        flat = Image.new("RGB", size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return ImageReader(flat)
