"""Post-processing with pypdf: a clinic letterhead under page 1, and optional AES-256 encryption."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from pathlib import Path

from .errors import ConfigError, OutputError, problem
from .reading import Unreadable, read_regular

SIZE_TOLERANCE = 1.0  # points
MAX_LETTERHEAD_BYTES = 10 * 1024 * 1024  # as config.MAX_LETTERHEAD_BYTES


def apply_letterhead(pdf: bytes, letterhead: Path, source: object) -> bytes:
    """Put the clinic's one-page letterhead PDF under page 1, stripped of links and actions."""
    from pypdf.errors import PyPdfError

    name = letterhead.name
    try:
        data = read_regular(letterhead, MAX_LETTERHEAD_BYTES)
        with _letterhead_limits():
            return _merge(pdf, data, name, source)
    except Unreadable as err:
        raise ConfigError(problem(source, "letterhead", f"{name!r} {err.reason}")) from None
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, ZeroDivisionError, RecursionError) as err:
        # pypdf parses a broken or hostile PDF lazily: any of these can surface from any step,
        # including its own limit on how far a compressed stream may expand (a "flate bomb").
        what = ("expands to too much data when decompressed" if type(err).__name__ ==
                "LimitReachedError" else "is not a readable PDF")
        raise ConfigError(problem(source, "letterhead", f"{name!r} {what}: save it again as a "
                                                        "plain one-page PDF")) from None


# A letterhead page is a logo and a few lines: its streams never need pypdf's default 75 MB.
_LIMITS = {f"{kind}_maximum_output_length": 8_000_000
           for kind in ("zlib", "lzw", "run_length", "jbig2", "brotli", "array_based_stream")}
_LIMITS.update(stream_decoding_work_maximum_length=32_000_000,
               stream_parsing_work_maximum_count=500_000, image_maximum_buffer_size=32_000_000)


def _letterhead_limits() -> contextlib.AbstractContextManager:
    """Tighter decompression limits while a letterhead is read (pypdf ≥ 7 has them per context)."""
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        return contextlib.nullcontext()
    known = {f.name for f in dataclasses.fields(pypdf.Configuration)}
    return apply(**{k: v for k, v in _LIMITS.items() if k in known})


def _merge(pdf: bytes, data: bytes, name: str, source: object) -> bytes:
    from pypdf import PdfReader, PdfWriter

    lh = PdfReader(io.BytesIO(data))
    if lh.is_encrypted:
        raise ConfigError(problem(source, "letterhead", f"{name!r} is encrypted; "
                                                        "save it without a password"))
    pages = len(lh.pages)
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
    first.merge_page(_as_artifact(background), over=False)
    return _write(writer)


def _as_artifact(page: object) -> object:
    """Return the letterhead page with its drawing marked as an artifact (the tagged handout
    reads its own text, not the letterhead's)."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, NameObject

    writer = PdfWriter()
    copy = writer.add_page(page)
    content = ContentStream(copy.get_contents(), writer)
    content.operations.insert(0, ([NameObject("/Artifact")], b"BMC"))
    content.operations.append(([], b"EMC"))
    copy.replace_contents(content)
    return copy


def encrypt(pdf: bytes, password: str) -> bytes:
    """Return the PDF encrypted with AES-256 (never RC4)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import DependencyError

    if not password:
        raise OutputError("--password: the password must not be empty (leave out --password "
                          "for an unencrypted PDF)")
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # pypdf wrote %PDF-1.3; AES-256 with revision 6 is PDF 1.7 with Adobe's extension level 8
    # (ISO 32000-2 made it standard), which the catalog says as readers expect
    writer.pdf_header = "%PDF-1.7"
    writer.root_object[NameObject("/Extensions")] = DictionaryObject({
        NameObject("/ADBE"): DictionaryObject({NameObject("/BaseVersion"): NameObject("/1.7"),
                                               NameObject("/ExtensionLevel"): NumberObject(8)})})
    try:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    except (DependencyError, ImportError) as err:
        raise OutputError("--password: AES-256 encryption needs the `cryptography` package, "
                          "which cannot be loaded: pip install cryptography") from err
    return _write(writer)


def _write(writer: object) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
