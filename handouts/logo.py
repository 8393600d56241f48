"""Logo: decoded once per clinic and downsampled to the resolution it prints at."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from .errors import ConfigError, problem
from .indexed import indexed_form, install as install_indexed
from .models import Logo
from .reading import Unreadable, read_regular

PRINT_DPI = 200  # enough for a 3/4-inch logo on an office printer; keeps the PDF small
TILE_HEIGHT_PT = 54.0  # the logo's height in the header band
MAX_HEIGHT_PX = round(TILE_HEIGHT_PT / 72 * PRINT_DPI)
MAX_WIDTH_PX = 3 * MAX_HEIGHT_PX  # the band allows a logo up to three times as wide as high
MAX_BYTES = 2 * 1024 * 1024  # as config.MAX_LOGO_BYTES
EXIF_ORIENTATION = 0x0112


def logo_reader(logo: Logo) -> Any:
    """Return a ReportLab ImageReader for the logo, cached by content (a chain's clinics usually
    share one logo file, copied into each folder)."""
    from PIL import Image

    source = logo.path.parent / "clinic.toml"
    try:
        data = read_regular(logo.path, MAX_BYTES)
        return _reader(hashlib.sha256(data).digest(), data, logo.format)
    except Unreadable as err:
        raise ConfigError(problem(source, "logo", f"{logo.path.name!r} {err.reason}")) from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as err:
        # Pillow reports a truncated file or a bad checksum only when it decodes the pixels.
        text = " ".join(str(err).split())[:80] or type(err).__name__
        raise ConfigError(problem(source, "logo", f"{logo.path.name!r} is a damaged image "
                                                  f"({text}): export it again")) from None


@lru_cache(maxsize=64)
def _reader(_digest: bytes, data: bytes, fmt: str) -> Any:
    from PIL import Image, ImageOps
    from reportlab.lib.utils import ImageReader

    with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as original:
        turned = original.getexif().get(EXIF_ORIENTATION, 1) not in (1, None)
        # A camera or phone logo is stored sideways with an EXIF note saying how to turn it.
        img = ImageOps.exif_transpose(original) if turned else original
        img.load()
        scale = min(1.0, MAX_HEIGHT_PX / img.height, MAX_WIDTH_PX / img.width)
        if scale >= 1.0 and fmt == "JPEG" and not turned and img.mode in ("RGB", "L"):
            # small enough: the JPEG goes in as it is. A CMYK one is made RGB below: the archive
            # form's output intent is sRGB, and PDF/A allows DeviceCMYK only with a CMYK one.
            return ImageReader(io.BytesIO(data))
        img = _eight_bit(img)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        if fmt == "JPEG":
            buf = io.BytesIO()
            img.convert("RGB").resize(size, Image.LANCZOS).save(buf, "JPEG", quality=88)
            buf.seek(0)
            return ImageReader(buf)
        # The logo sits on a white tile: flatten transparency onto white here, so the PDF has no
        # soft mask (print pipelines rasterise whole pages that use transparency).
        flat = _on_white(img.convert("RGBA").resize(size, Image.LANCZOS))
        reader = ImageReader(flat)
        indexed = indexed_form(flat)
        if indexed is not None:  # a logo of flat colours: a palette, one byte a pixel
            install_indexed()
            reader._indexed = indexed
        return reader


def _eight_bit(img: Any) -> Any:
    """Return a 16-bit grey image (PNG's "I;16", "I") as 8-bit grey. Pillow's own conversion
    clips every value over 255 to white, so a 16-bit grey logo would print as a blank tile."""
    if img.mode not in ("I;16", "I;16B", "I;16L", "I"):
        return img
    return img.convert("I").point(lambda v: v * (1 / 257)).convert("L")


def faint_on_white(logo: Logo) -> bool:
    """Whether the logo, on its white tile, is nearly invisible: a white logo on a transparent
    background (made for a dark page) prints as an empty tile. Its darkest pixel, once
    flattened onto white, is still near white."""
    from PIL import Image

    with Image.open(io.BytesIO(read_regular(logo.path, MAX_BYTES)),
                    formats=("PNG", "JPEG")) as img:
        rgba = _eight_bit(img).convert("RGBA")
    return _on_white(rgba).convert("L").getextrema()[0] >= FAINT


def _on_white(rgba: Any) -> Any:
    """The image flattened onto white, as its tile shows it (no soft mask in the PDF)."""
    from PIL import Image

    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


FAINT = 230  # a logo whose darkest pixel on white is this light or lighter cannot be seen
