"""Post-processing with pypdf: a clinic letterhead under page 1, and optional AES-256 encryption."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import ConfigError, OutputError, problem

SIZE_TOLERANCE = 1.0  # points


def apply_letterhead(pdf: bytes, letterhead: Path, source: object) -> bytes:
    """Put the clinic's one-page letterhead PDF under page 1, stripped of links and actions."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    name = letterhead.name
    try:
        lh = PdfReader(letterhead)
        if lh.is_encrypted:
            raise ConfigError(problem(source, "letterhead", f"{name!r} is encrypted; "
                                                            "save it without a password"))
        pages = len(lh.pages)
    except (PdfReadError, OSError, ValueError) as err:
        raise ConfigError(problem(source, "letterhead", f"{name!r} is not a readable PDF")) from err
    if pages != 1:
        raise ConfigError(problem(source, "letterhead", f"{name!r} has {pages} pages; it must have "
                                                        "exactly one"))
    background = lh.pages[0]
    if background.rotation % 360:
        raise ConfigError(problem(source, "letterhead", f"{name!r} is rotated "
                                                        f"({background.rotation}°); use an upright page"))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    first = writer.pages[0]
    want = (float(first.mediabox.width), float(first.mediabox.height))
    have = (float(background.mediabox.width), float(background.mediabox.height))
    if any(abs(a - b) > SIZE_TOLERANCE for a, b in zip(want, have, strict=True)):
        raise ConfigError(problem(
            source, "letterhead", f"{name!r} is {have[0]:.0f}×{have[1]:.0f} pt but the handout is "
                                  f"{want[0]:.0f}×{want[1]:.0f} pt: use a letterhead of the same paper size"))
    for key in ("/Annots", "/AA"):  # links, JavaScript and other actions never reach the handout
        if key in background:
            del background[key]
    first.merge_page(background, over=False)
    return _write(writer)


def encrypt(pdf: bytes, password: str) -> bytes:
    """Return the PDF encrypted with AES-256 (never RC4)."""
    from pypdf import PdfReader, PdfWriter

    if not password:
        raise OutputError("--password: the password must not be empty")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    return _write(writer)


def _write(writer: object) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
