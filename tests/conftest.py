"""Shared fixtures: a CLI runner, a clinic-folder factory, a fixed date, PDF helpers."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "clinics"
SAMPLE_CLINICS = sorted(p for p in EXAMPLES.iterdir() if (p / "clinic.toml").is_file())
DATE = "2026-11-25"

BASE_TOML = '''\
name = "Test Clinic"
address = ["1 Test Street", "Vancouver, BC"]
phone = "604-555-0100"
email = "desk@test-clinic.example"
website = "https://test-clinic.example"
booking_url = "https://test-clinic.example/book"
paper = "letter"
logo = "logo.png"

[brand]
primary = "#0B6E4F"
accent = "#F2A541"

[[practitioners]]
id = "sam-taylor"
name = "Sam Taylor"
title = "Registered Physiotherapist"
credentials = ["FCAMPT"]
registration = "PT-1"
college = "College of Health and Care Professionals of BC"
needling_authorized = true

[[practitioners]]
id = "jo-no-needles"
name = "Jo Nonneedle"
title = "Registered Massage Therapist"
credentials = ["RMT"]
needling_authorized = false
'''


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def make_clinic(tmp_path: Path):
    """Return a factory writing a clinic folder; `toml` replaces clinic.toml, `replace` edits it."""
    def make(toml: str | None = None, replace: dict[str, str] | None = None,
             name: str = "test-clinic") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        text = BASE_TOML if toml is None else toml
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        (folder / "clinic.toml").write_text(text, encoding="utf-8")
        shutil.copy(EXAMPLES / "harbour-physio" / "logo.png", folder / "logo.png")
        return folder
    return make


def pdf_text(data: bytes) -> str:
    """Return the text of every page, whitespace collapsed, as PDFium reads it (it honours
    /ActualText, as screen readers and copy/paste do; pypdf does not)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    return " ".join(" ".join(text.replace("\ufffe", "").split()) for text in pages)


def pdf_text_lines(data: bytes) -> list[str]:
    """Return every text line of every page as PDFium reads it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return text.replace("\r", "").replace("\ufffe", "").split("\n")


def sample_jobs(papers: tuple[str, ...] = ("letter", "a4")) -> list[tuple[str, str | None, str, str]]:
    """Every sample clinic × version (clinic, each practitioner who needles) × language × paper."""
    from handouts.config import load_clinic
    from handouts.team import names_needling

    jobs = []
    for folder in SAMPLE_CLINICS:
        clinic = load_clinic(folder)
        people = [None] + [p.id for p in clinic.practitioners if names_needling(p)]
        own = (clinic.paper,) if clinic.letterhead is not None else papers
        for lang in clinic.languages:
            for paper in own:
                jobs += [(folder.name, who, lang, paper) for who in people]
    return jobs


def squash(text: str) -> str:
    """Remove all whitespace (line breaks fall anywhere in wrapped text)."""
    return re.sub(r"\s+", "", text)


def pdf_fonts(data: bytes) -> list[tuple[str, bool]]:
    """Return (base font name, embedded?) for every font of every page."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append((str(font["/BaseFont"]), embedded))
    return out
