"""Tagged PDF (PDF/UA-1): every sample handout in every language and edition passes the structure
check, reads in order, and poppler reads the same outline back."""

from __future__ import annotations

import subprocess

import pytest

from conftest import sample_jobs
from structcheck import check_structure, outline
from test_glyphs import _pdf


def _reader(clinic: str, who: str, lang: str, paper: str) -> object:
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(_pdf(clinic, who, lang, paper)))


def _elements(reader: object) -> list:
    """Every structure element of the PDF, depth first (reading order), as pypdf dictionaries."""
    found: list = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        for kid in node if isinstance(node, list) else [node]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and "/S" in kid:
                found.append(kid)
                if "/K" in kid:
                    walk(kid["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found

JOBS = [j for j in sample_jobs() if j[3] == "letter" or j[2] in ("en", "pa", "zh-Hant")]


@pytest.mark.parametrize("clinic,who,lang,paper", JOBS)
def test_every_sample_is_tagged(clinic: str, who: str | None, lang: str, paper: str) -> None:
    report = check_structure(_pdf(clinic, who, lang, paper))
    assert report.problems == []
    assert report.mcids > 80 and report.artifacts > 5
    tags = [tag for _, tag in report.elements]
    for tag in ("Document", "H1", "H2", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
                "TD", "Figure", "Link"):
        assert tag in tags, tag
    assert tags.count("H1") == 1


def test_reading_order_starts_with_the_clinic_then_the_title() -> None:
    report = check_structure(_pdf("harbour-physio", "sam-taylor", "en", "letter"))
    first = outline(report, 80)
    assert first[:4] == ["Document", "  Figure", "  P", "  P"]
    assert first.index("  H1") < first.index("  H2")


def _struct_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "pa"])
def test_poppler_reads_the_structure_back(tmp_path, lang: str) -> None:
    clinic = "harbour-physio" if lang == "en" else "maple-needle-clinic"
    who = "sam-taylor" if lang == "en" else "priya-gill"
    data = _pdf(clinic, who, lang, "letter" if lang == "en" else "a4")
    text = _struct_text(data, tmp_path)
    tags = [line.strip().split(" ")[0].rstrip(":") for line in text.splitlines()
            if line.strip() and not line.strip().startswith(('"', "/", "Object"))]
    assert tags == [tag for _, tag in check_structure(data).elements]
    assert "Syntax Error" not in text
    marked = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True).stdout
    assert b"Tagged:          yes" in marked


def test_figures_say_what_they_show() -> None:
    reader = _reader("harbour-physio", "sam-taylor", "en", "letter")
    alts = [str(e["/Alt"]) for e in _elements(reader) if e["/S"] == "/Figure"]
    assert "Harbourview Physiotherapy (sample clinic) logo" in alts
    assert any(a.startswith("Scan to book: https://") for a in alts)
    assert any("0.25 mm" in a for a in alts)  # the needle-sizes illustration


def test_a_letterhead_clinic_is_named_first(tmp_path) -> None:
    """The letterhead shows the clinic's name as artwork (an artifact): a screen reader still
    hears it first, from invisible text (render mode 3) that changes nothing on the page."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    from handouts import decorate

    data = _pdf("cedar-lane-wellness", "alex-morgan", "en", "letter")
    lines = [line.strip() for line in _struct_text(data, tmp_path).splitlines()]
    assert lines[1:3] == ["P (block)", '"Cedar Lane Wellness (sample clinic)"']
    saved = decorate._letterhead_name
    decorate._letterhead_name = lambda *args: None
    try:
        from handouts.jobs import HandoutJob, build_handout

        from conftest import DATE, EXAMPLES
        without = build_handout(HandoutJob(str(EXAMPLES / "cedar-lane-wellness"),
                                           practitioner="alex-morgan", lang="en",
                                           paper="letter", date=DATE))
    finally:
        decorate._letterhead_name = saved
    pages = [pdfium.PdfDocument(d)[0].render(scale=1).to_pil() for d in (data, without)]
    assert ImageChops.difference(*pages).getbbox() is None  # not a pixel changes


def test_the_qr_code_and_links_are_described_in_the_handouts_language() -> None:
    """The QR code's /Alt and the links' /Contents were English in every language, so a
    Vietnamese voice read English words (Matterhorn 11-004, 11-006)."""
    reader = _reader("harbour-physio", "sam-taylor", "vi", "letter")
    contents = sorted(str(a.get_object()["/Contents"]) for a in reader.pages[0]["/Annots"])
    assert any(c.startswith("Đặt hẹn trực tuyến: https://") for c in contents), contents
    assert not any(c.startswith(("Book online", "E-mail ", "Website ")) for c in contents), contents
    figures = [str(e["/Alt"]) for e in _elements(reader) if e["/S"] == "/Figure"]
    assert any(a.startswith("Quét để đặt hẹn: https://") for a in figures), figures


def test_the_tables_empty_corner_is_not_a_header() -> None:
    """The comparison table's top-left cell is empty: tagged TH it was read as a blank header."""
    elements = _elements(_reader("harbour-physio", "sam-taylor", "en", "letter"))
    first_row = next(e for e in elements if e["/S"] == "/TR")
    cells = [c.get_object() for c in first_row["/K"]]
    assert [str(c["/S"]) for c in cells] == ["/TD", "/TH", "/TH", "/TH"]


def test_english_references_are_marked_english_in_other_languages() -> None:
    """The citations stay English in every translation: `::: references en` gives their list
    /Lang en, so a Vietnamese voice does not read them (Matterhorn 11-001)."""
    langs = [[(str(e["/S"]), str(e["/Lang"])) for e in _elements(_reader(
        "harbour-physio", "sam-taylor", lang, "letter")) if "/Lang" in e] for lang in ("vi", "en")]
    assert ("/L", "en") in langs[0] and ("/Document", "vi") in langs[0]
    assert ("/L", "en") not in langs[1]  # English in an English handout needs no mark
