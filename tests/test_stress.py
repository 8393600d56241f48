"""Stress clinics: the names, addresses, colours and logos strangers bring. Each renders legibly
(every glyph right, nothing under 9 pt, two pages for a practitioner) or fails with a clean error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from handouts.config import load_clinic
from handouts.document import compose_traced, page_faults
from handouts.jobs import HandoutJob
from handouts.layout import count_pages

from conftest import DATE, EXAMPLES, pdf_text, squash
from glyphcheck import check_pdf

LANGS = ["en", "fr", "es", "vi", "zh-Hant", "zh-Hans", "pa"]
LONG_NAME = "The Long-Named Integrated Physiotherapy & Acupuncture Wellness Centre of Burnaby"
EIGHT = ('["B.Sc. Physiotherapy", "MPT", "FCAMPT", "CAFCI", "Certified IMS practitioner", '
         '"B.Sc. Kinesiology", "M.Sc. Physical Therapy", { name = "Dry needling course (Level 2)", '
         'meaning = "Finished a two-level course in dry needling for physiotherapists" }]')


def person(pid: str, name: str, credentials: str = '["MPT"]') -> str:
    return f'''
[[practitioners]]
id = "{pid}"
name = "{name}"
title = "Registered Physiotherapist"
credentials = {credentials}
registration = "PT-{abs(hash(pid)) % 100000:05d} (sample)"
college = "College of Health and Care Professionals of BC"
needling_authorized = true
'''


def clinic_toml(name: str = "Stress Test Clinic (sample)", primary: str = "#0B6E4F",
                address: str = '["100 Example Quay, Suite 2", "Vancouver, BC V0V 0V0"]',
                people: str = "", logo: str = "logo.png") -> str:
    return f'''name = "{name}"
address = {address}
phone = "604-555-0100"
email = "desk@stress.example"
website = "https://stress.example"
booking_url = "https://stress.example/book"
languages = {LANGS!r}
paper = "letter"
logo = "{logo}"

[brand]
primary = "{primary}"
accent = "#F2A541"
''' + (people or person("sam", "Sam Taylor"))


def make(tmp_path: Path, toml: str, logo: tuple[int, int] | None = None) -> Path:
    folder = tmp_path / "stress-clinic"
    folder.mkdir(exist_ok=True)
    (folder / "clinic.toml").write_text(toml, encoding="utf-8")
    if logo:
        Image.new("RGB", logo, (20, 90, 160)).save(folder / "logo.png")
    else:
        shutil.copy(EXAMPLES / "harbour-physio" / "logo.png", folder / "logo.png")
    return folder


def render(folder: Path, **job: object) -> tuple[bytes, list]:
    clinic = load_clinic(folder)
    full = HandoutJob(str(folder), date=DATE, **job).resolved(clinic)  # type: ignore[arg-type]
    return compose_traced(clinic, full, "test")[:2]


def assert_legible(pdf: bytes) -> None:
    report = check_pdf(pdf)
    assert report.problems == []
    assert report.min_size >= 9.0


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("lang", LANGS)
def test_long_names_and_eight_credentials_fit_two_pages(tmp_path: Path, lang: str,
                                                        paper: str) -> None:
    """Eight credentials as a list would take a third page: they are shown inline with their
    meanings, or by name only, whichever is the first to fit two pages."""
    people = person("anne-marie", "Anne-Marie O'Neil-Sandhu Nguyễn 陳大文", EIGHT)
    folder = make(tmp_path, clinic_toml(name=LONG_NAME, people=people))
    pdf, trace = render(folder, practitioner="anne-marie", lang=lang, paper=paper,
                        patient="Sandhu-Grewal ਸੰਧੂ-ਗਰੇਵਾਲ")
    assert count_pages(pdf) == 2
    assert page_faults(trace) == []
    assert_legible(pdf)
    text = squash(pdf_text(pdf))
    for name in ("B.Sc.Physiotherapy", "FCAMPT", "CertifiedIMSpractitioner",
                 "Dryneedlingcourse(Level2)"):
        assert name in text  # every credential is still named


def test_credentials_are_shown_as_fully_as_two_pages_allow(tmp_path: Path) -> None:
    """English fits eight credentials inline with their meanings; French only by name; a
    practitioner with three keeps the one-per-line list."""
    people = person("anne-marie", "Anne-Marie O'Neil-Sandhu", EIGHT)
    folder = make(tmp_path, clinic_toml(name=LONG_NAME, people=people))
    meaning = squash("Finished a two-level course in dry needling for physiotherapists")
    english = squash(pdf_text(render(folder, practitioner="anne-marie", lang="en")[0]))
    assert meaning in english
    french = squash(pdf_text(render(folder, practitioner="anne-marie", lang="fr")[0]))
    assert squash("Dry needling course (Level 2)") in french and meaning not in french
    sample, _ = render(EXAMPLES / "harbour-physio", practitioner="sam-taylor", lang="fr")
    assert "• " in pdf_text(sample).split("FCAMPT")[0][-40:]  # a bullet before the credential


@pytest.mark.parametrize("lang", ["en", "pa", "zh-Hant"])
def test_four_line_address_goes_partly_to_the_footer(tmp_path: Path, lang: str) -> None:
    address = ('["Unit 1200 – 4567 Kingsway Boulevard North", "Metrotown Professional Tower, '
               '12th Floor", "Burnaby, British Columbia", "V5H 2A9 Canada"]')
    pdf, _ = render(make(tmp_path, clinic_toml(address=address)), lang=lang)
    assert_legible(pdf)
    text = squash(pdf_text(pdf))
    for line in ("Unit 1200 – 4567 Kingsway Boulevard North", "V5H 2A9 Canada"):
        assert squash(line) in text


@pytest.mark.parametrize("lang", ["en", "pa", "zh-Hant"])
def test_large_print_furniture_with_a_long_name_and_address(tmp_path: Path, lang: str) -> None:
    """Large print sets the furniture at 14 pt: an 80-character name takes two lines of the
    taller band, and three address lines go to a footer of up to five lines."""
    address = ('["Unit 1200 – 4567 Kingsway Boulevard North", "Metrotown Professional Tower, '
               '12th Floor", "Burnaby, British Columbia", "V5H 2A9 Canada"]')
    folder = make(tmp_path, clinic_toml(name=LONG_NAME, address=address))
    pdf, _ = render(folder, lang=lang, edition="large-print")
    report = check_pdf(pdf)
    assert report.problems == []
    assert report.min_size >= 14.0
    assert squash("V5H 2A9 Canada") in squash(pdf_text(pdf))  # the last line, in the footer


def test_large_print_keeps_an_address_at_14_pt(tmp_path: Path) -> None:
    """Two address lines that fit the band together only at 12 pt: the first stays in the band
    at 14 pt and the second goes to the footer (they were set on one line at 12.4 pt)."""
    address = '["1234, boulevard Saint-Laurent Ouest, bureau 5678", "Montréal (Québec) H2X 0A0"]'
    folder = make(tmp_path, clinic_toml(address=address).replace(
        'booking_url = "https://stress.example/book"\n', ""))
    pdf, _ = render(folder, lang="en", edition="large-print")
    report = check_pdf(pdf)
    assert report.problems == [] and report.min_size >= 14.0, report.min_size
    assert squash("Montréal (Québec) H2X 0A0") in squash(pdf_text(pdf))


@pytest.mark.parametrize("edition", ["standard", "large-print"])
@pytest.mark.parametrize("lang", ["en", "fr", "zh-Hant"])
def test_a_long_booking_link_is_broken_into_lines(tmp_path: Path, lang: str,
                                                  edition: str) -> None:
    """A booking link too long for one line even alone is broken after a / ? & or = (two or
    three lines), the first part after its label; every part links to the whole address, as
    the QR code does."""
    import io

    from pypdf import PdfReader

    url = ("https://clinique-sao-joao.example/reserver-en-ligne/physiotherapie-acupuncture"
           "?service=acupuncture&lang=fr&src=handout")
    toml = clinic_toml().replace('booking_url = "https://stress.example/book"',
                                 f'booking_url = "{url}"')
    pdf, _ = render(make(tmp_path, toml), lang=lang, edition=edition)
    report = check_pdf(pdf)
    assert report.problems == [] and report.min_size >= 9.0
    text = squash(pdf_text(pdf))
    assert squash("clinique-sao-joao.example/reserver-en-ligne/") in text
    assert squash("physiotherapie-acupuncture?service=acupuncture&lang=fr&src=handout") in text
    assert squash(url.removeprefix("https://")) in text  # the parts, in order
    links = [a.get_object()["/A"]["/URI"] for a in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]
             if a.get_object().get("/A")]
    assert links.count(url) >= 3  # two lines of text and the QR code


@pytest.mark.parametrize("primary", ["#F8F8F8", "#111111"])
@pytest.mark.parametrize("lang", ["en", "zh-Hant", "pa"])
def test_very_light_and_very_dark_brands(tmp_path: Path, primary: str, lang: str) -> None:
    pdf, _ = render(make(tmp_path, clinic_toml(primary=primary)), lang=lang)
    assert_legible(pdf)


def test_chinese_emphasis_is_bold_not_colour(tmp_path: Path) -> None:
    """The CJK font has no bold face: bold is drawn stroked (render mode 2), in any brand."""
    import zlib
    import re

    pdf, _ = render(make(tmp_path, clinic_toml(primary="#111111")), lang="zh-Hant")
    streams = b"".join(zlib.decompress(m.group(1)) for m in
                       re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S)
                       if m.group(1)[:1] == b"x")
    assert streams.count(b"2 Tr") >= 10  # title, headings, clinic name, the urgent-care words


def test_wide_logo_is_fitted_with_a_minimum_height(tmp_path: Path) -> None:
    from handouts.furniture import LOGO_MIN_H, logo_box

    assert logo_box(1000, 100, "x")[1] >= LOGO_MIN_H
    pdf, _ = render(make(tmp_path, clinic_toml(name=LONG_NAME), logo=(1000, 100)))
    assert_legible(pdf)


def test_tall_logo_is_a_clean_error(tmp_path: Path, runner) -> None:
    from handouts.cli import main

    folder = make(tmp_path, clinic_toml(), logo=(100, 1000))
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "logo: the logo is 100×1000 pixels: too tall and narrow" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_twelve_practitioners(tmp_path: Path) -> None:
    people = "".join(person(f"p{n}", f"Practitioner Number {n} O'Brien-Lee", EIGHT if n % 3 == 0
                            else '["MPT", "FCAMPT"]') for n in range(12))
    pdf, trace = render(make(tmp_path, clinic_toml(people=people)))
    assert count_pages(pdf) >= 3
    assert page_faults(trace) == []
    assert_legible(pdf)


NAMES = ["Anne-Marie O'Neil", "ਸੰਧੂ-ਗਰੇਵਾਲ", "歐陽-明", "Nguyễn-Trần Thị Ánh", "D'Souza-Ng"]


@pytest.mark.parametrize("lang", LANGS)
def test_hyphen_and_apostrophe_names_in_every_script(tmp_path: Path, lang: str) -> None:
    people = "".join(person(f"n{i}", name) for i, name in enumerate(NAMES))
    pdf, _ = render(make(tmp_path, clinic_toml(people=people)), lang=lang, patient="Kim Min-jun")
    assert_legible(pdf)
    text = squash(pdf_text(pdf))
    for name in [*NAMES, "Kim Min-jun"]:
        assert squash(name) in text


def test_punjabi_for_a_hyphenated_name_from_the_command_line(runner, tmp_path: Path) -> None:
    from handouts.cli import main

    out = tmp_path / "pa.pdf"
    result = runner.invoke(main, ["generate", "--clinic", str(EXAMPLES / "maple-needle-clinic"),
                                  "--practitioner", "priya-gill", "--lang", "pa",
                                  "--for", "Sandhu-Grewal", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert_legible(out.read_bytes())


@pytest.mark.parametrize("lang", ["en", "pa", "zh-Hant"])
def test_a_third_page_starts_at_a_section(tmp_path: Path, lang: str) -> None:
    """A clinic version naming six practitioners needs a third page: it starts with a heading
    (the practitioners' section moves whole), never in the middle of a section."""
    people = "".join(person(f"p{i}", name, '["MPT", "FCAMPT", "CAFCI"]') for i, name in
                     enumerate(["Sam Taylor", "Chen Wei 陈伟", "Priya Gill", "Kim Min-jun",
                                "Anne-Marie O'Neil", "Nguyễn Văn An"]))
    pdf, trace = render(make(tmp_path, clinic_toml(people=people)), lang=lang, paper="letter")
    assert count_pages(pdf) == 3
    first_on_3 = next(kind for page, kind in trace if page == 3 and kind != "none")
    assert first_on_3 == "heading"
    assert page_faults(trace) == []


def test_contact_details_too_long_for_the_footer_are_a_clean_error(tmp_path: Path, runner) -> None:
    from handouts.cli import main

    address = ('["Unit 1200 – 4567 Kingsway Boulevard North", "Metrotown Professional Tower, '
               '12th Floor", "Burnaby, British Columbia", "V5H 2A9 Canada"]')
    toml = clinic_toml(name=LONG_NAME, address=address).replace(
        'email = "desk@stress.example"',
        'email = "front-desk-reception@an-extremely-long-named-wellness-centre.example"').replace(
        'website = "https://stress.example"',
        'website = "https://www.an-extremely-long-named-wellness-centre.example"').replace(
        'phone = "604-555-0100"', 'phone = "604-555-0100 ext. 1234"')
    folder = make(tmp_path, toml, logo=(1000, 100))
    out = tmp_path / "x.pdf"
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "--lang", "zh-Hant",
                                  "-o", str(out)])
    assert result.exit_code == 1
    assert "address: the contact details need more than 3 footer lines at 9 pt" in result.output
    assert "Traceback" not in result.output and not out.exists()
