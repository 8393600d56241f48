"""The large-print edition and the PDF/A-2b archive form: every language, tagged, legible."""

from __future__ import annotations

import collections
import io
import re

import pytest
from pypdf import PdfReader

from handouts.cli import main
from handouts.jobs import HandoutJob, build_handout

from conftest import DATE, EXAMPLES, pdf_fonts
from glyphcheck import check_pdf
from structcheck import check_structure

LANGS = {"en": "harbour-physio", "fr": "harbour-physio", "es": "harbour-physio",
         "vi": "harbour-physio", "zh-Hant": "maple-needle-clinic",
         "zh-Hans": "maple-needle-clinic", "pa": "maple-needle-clinic"}
WHO = {"harbour-physio": "sam-taylor", "maple-needle-clinic": "priya-gill"}


def _sizes(data: bytes, first: int = 0) -> collections.Counter:
    """How many text-setting operators use each type size (pages from `first`, 0-based)."""
    sizes: collections.Counter = collections.Counter()
    for page in PdfReader(io.BytesIO(data)).pages[first:]:
        text = page.get_contents().get_data()
        sizes.update(float(s) for s in re.findall(rb"/F\d+\+\d+ ([\d.]+) Tf", text))
    return sizes


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_large_print_in_every_language(lang: str) -> None:
    clinic = LANGS[lang]
    data = build_handout(HandoutJob(str(EXAMPLES / clinic), practitioner=WHO[clinic], lang=lang,
                                    date=DATE, edition="large-print"))
    assert check_structure(data).problems == []
    report = check_pdf(data)
    assert report.problems == []
    sizes = _sizes(data)
    assert sizes.most_common(1)[0][0] == 18.0           # the body is 18 pt
    later = _sizes(data, first=1)  # after page 1's band: the running header, footer and page
    assert min(later) >= 14.0       # numbers are 14 pt too, the references 14 pt: nothing smaller
    assert report.min_size >= 12.0  # page 1's band: a long booking link may shrink to 12 pt
    tags = [tag for _, tag in check_structure(data).elements]
    assert "Table" not in tags                          # one short section per approach
    assert b"BalancedColumns" not in data and len(PdfReader(io.BytesIO(data)).pages) >= 4


def test_large_print_file_names_and_batch(runner, tmp_path) -> None:
    folder = str(EXAMPLES / "harbour-physio")
    result = runner.invoke(main, ["generate", "--clinic", folder, "--edition", "large-print",
                                  "--date", DATE, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "harbour-physio-ims-vs-acupuncture-clinic-en-letter-large-print.pdf").exists()
    out = tmp_path / "batch"
    result = runner.invoke(main, ["batch", folder, "--out", str(out), "--lang", "en",
                                  "--edition", "standard", "--edition", "large-print",
                                  "--date", DATE, "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (out / "harbour-physio/ims-vs-acupuncture/en").iterdir())
    assert names == ["clinic-letter-large-print.pdf", "clinic-letter.pdf",
                     "sam-taylor-letter-large-print.pdf", "sam-taylor-letter.pdf"]


def test_archive_is_pdfa_2b_and_pdfua_1(runner, tmp_path) -> None:
    job = HandoutJob(str(EXAMPLES / "maple-needle-clinic"), practitioner="priya-gill",
                     lang="zh-Hant", date=DATE, archive=True)
    data = build_handout(job)
    assert data == build_handout(job)  # byte-identical
    assert data.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "/Filter" not in root["/Metadata"].get_object()  # PDF/A: the packet in plain text
    for entry in ("<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
                  "<pdfuaid:part>1</pdfuaid:part>", "ReportLab PDF Library - (opensource)"):
        assert entry in xmp
    # PDF/A-2 6.6.2.3: pdfuaid is no predefined schema, so the packet declares it
    from xml.dom.minidom import parseString

    packet = parseString(xmp.lstrip("\ufeff").encode())
    schema = packet.getElementsByTagName("pdfaSchema:namespaceURI")
    assert [n.firstChild.data for n in schema] == ["http://www.aiim.org/pdfua/ns/id/"]
    assert [n.firstChild.data for n in packet.getElementsByTagName("pdfaProperty:name")] == ["part"]
    plain = PdfReader(io.BytesIO(build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"),
                                                           date=DATE))))
    assert b"pdfaExtension" not in plain.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert not reader.is_encrypted
    assert all(embedded for _, embedded in pdf_fonts(data))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert int(annot.get_object()["/F"]) & 4  # printed
    assert check_structure(data).problems == []
    result = runner.invoke(main, ["generate", "--clinic", str(EXAMPLES / "harbour-physio"),
                                  "--archive", "--password", "x", "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 1 and "cannot be encrypted" in result.output
    assert not (tmp_path / "a.pdf").exists()


def test_large_print_furniture_is_14_pt(tmp_path) -> None:
    """The phone number, e-mail, website and page numbers a low-vision patient needs are
    14 pt in large print (9 pt in the standard edition), on every page."""
    import pypdfium2 as pdfium

    job = dict(practitioner="sam-taylor", lang="en", date=DATE)
    for edition, size in (("large-print", 14.0), ("standard", 9.0)):
        data = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), edition=edition, **job))
        document = pdfium.PdfDocument(data)
        for number in range(len(document)):
            text = document[number].get_textpage()
            whole = text.get_text_range()
            for needle in ("604-555-0142", f"of {len(document)}"):
                at = whole.index(needle)
                got = pdfium.raw.FPDFText_GetFontSize(text.raw, at)
                assert abs(got - size) < 0.01, (edition, number + 1, needle, got)


def test_large_print_stacks_the_needle_figure_when_it_is_crowded() -> None:
    """At 18 pt the three groups side by side broke every label over three or four short lines:
    in large print they go one under another, each label on at most two lines; the standard
    edition keeps them side by side."""
    from handouts.fonts import font_chain
    from handouts.illustration import make_figure
    from handouts.layout import frame_width
    from handouts.styles import make_large_styles, make_palette, make_styles

    chain, palette = font_chain("en"), make_palette("#0B6E4F", "#F2A541")
    labels = ["How thin? Drawn 15 times real size", "IMS or acupuncture needle: 0.25 mm, solid",
              "Needle for a blood test: 0.8 mm, hollow"]
    width = frame_width("letter")
    for styles, stacked in ((make_large_styles(palette, chain), True),
                            (make_styles(palette, chain), False)):
        figure = make_figure("needle-sizes", labels, "Two needles drawn to scale.", styles,
                             palette, chain, "test")
        figure.wrap(width, 1000)
        assert figure.stacked is stacked
        if stacked:
            assert all(len(label.blPara.lines) <= 2 for label in figure.labels)
