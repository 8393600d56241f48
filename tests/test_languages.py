"""Languages: every translation renders in two pages with its own words, fonts and labels."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from handouts.cli import main
from handouts.fonts import font_chain
from handouts.jobs import HandoutJob, build_handout

from conftest import DATE, EXAMPLES, pdf_fonts, pdf_text, squash

# language → (phrases of its own that must be in the PDF, font family that must be embedded)
LANGUAGES = {
    "en": (["Tell us first if you", "Page 1 of 2", "Get urgent care"], "AtkinsonHyperlegible"),
    "fr": (["Dites-nous d'abord si vous", "Page 1 de 2", "Appelez le 911 ou allez à l'urgence",
            "Cette traduction est une ébauche"], "AtkinsonHyperlegible"),
    "es": (["Díganos antes si usted", "Página 1 de 2", "Llame al 911 o vaya a urgencias",
            "Esta traducción es un borrador"], "AtkinsonHyperlegible"),
    "vi": (["Hãy cho chúng tôi biết trước", "Trang 1/2", "Đi cấp cứu",
            "Bản dịch này là bản nháp"], "NotoSans"),
    "zh-Hant": (["如有以下情況，請先告訴我們", "第 1 頁，共 2 頁", "立即就醫", "本譯文為草稿"],
                "WenQuanYi"),
    "zh-Hans": (["如有以下情况，请先告诉我们", "第 1 页，共 2 页", "立即就医", "本译文为草稿"],
                "WenQuanYi"),
    # Shaped Gurmukhi, with the i-sign (ਿ) drawn before its letter and stacked signs (ੀਂ): the
    # text layer still reads in logical order (/ActualText), so any phrase can be checked.
    "pa": (["ਗਰਭਵਤੀ ਹੋ ਜਾਂ ਹੋ ਸਕਦੇ ਹੋ", "ਸਫ਼ਾ 1 / 2", "ਤੁਰੰਤ", "ਤਿੰਨ", "ਨਹੀਂ", "ਰੈਗੂਲੇਟਰੀ ਕਾਲਜ"],
           "NotoSansGurmukhi"),
}
CLINICS = {"harbour-physio": ("Harbourview Physiotherapy (sample clinic)", "Sam Taylor"),
           "maple-needle-clinic": ("Maple & Pine Needle Clinic (sample clinic)", "Chen Wei 陈伟")}
# The two-page promise is for the version a practitioner hands out (content 1.1 fills two pages;
# a clinic version naming three practitioners runs to a third, and the CLI says so).
PRACTITIONER = {"harbour-physio": "sam-taylor", "maple-needle-clinic": "chen-wei"}


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("clinic", sorted(CLINICS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_language_renders(lang: str, clinic: str, paper: str) -> None:
    data = build_handout(HandoutJob(str(EXAMPLES / clinic), practitioner=PRACTITIONER[clinic],
                                    lang=lang, paper=paper, date=DATE))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert reader.trailer["/Root"]["/Lang"] == lang
    text = squash(pdf_text(data))
    phrases, family = LANGUAGES[lang]
    for phrase in phrases:
        assert squash(phrase) in text, phrase
    clinic_name, person = CLINICS[clinic]
    assert squash(clinic_name) in text and squash(person) in text
    fonts = pdf_fonts(data)
    assert all(embedded for _, embedded in fonts)
    assert any(family in name for name, _ in fonts), fonts


def test_chinese_name_in_an_english_handout() -> None:
    data = build_handout(HandoutJob(str(EXAMPLES / "maple-needle-clinic"), practitioner="chen-wei",
                                    lang="en", date=DATE))
    assert "Chen Wei 陈伟" in pdf_text(data)
    names = [name for name, _ in pdf_fonts(data)]
    assert any("WenQuanYi" in n for n in names) and any("Atkinson" in n for n in names)


def test_cjk_subset_is_small() -> None:
    data = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="zh-Hant", date=DATE))
    assert len(data) < 120_000  # the font file is 3.8 MB: only the glyphs used are embedded


def test_gurmukhi_is_shaped() -> None:
    chain = font_chain("pa")
    assert chain.shaping and chain.regular == "NotoSansGurmukhi"
    from reportlab.pdfbase.pdfmetrics import getFont

    assert getFont("NotoSansGurmukhi").shapable  # uharfbuzz is installed and used
    shaped = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="pa", date=DATE))
    assert len(PdfReader(io.BytesIO(shaped)).pages) == 2


def test_full_width_punctuation_never_starts_a_line() -> None:
    from reportlab.platypus import Paragraph

    from handouts.styles import make_palette, make_styles

    styles = make_styles(make_palette("#0B6E4F"), font_chain("zh-Hant"))
    text = "還有什麼其他選擇？什麼時候檢查是否有效？"
    for width in range(120, 300, 2):
        para = Paragraph(text, styles["body"])
        para.wrap(width, 1000)
        for line in para.blPara.lines[1:]:
            words = line[1] if isinstance(line, tuple) else line.words
            first = "".join(str(w) for w in words)[:1]
            assert first not in "，。、！？：；）」", (width, first)


def test_draft_notice_only_for_drafts() -> None:
    fr = pdf_text(build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="fr", date=DATE)))
    en = pdf_text(build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="en", date=DATE)))
    assert "ébauche" in fr and "draft" not in en


def test_locale_dates() -> None:
    data = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="es", date=DATE,
                                    patient="Ana"))
    assert "Preparado para Ana el 25 de noviembre de 2026" in pdf_text(data)


def test_character_no_font_has_is_a_clean_error(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'name = "Sam Taylor"': 'name = "Sam \U0001D11E Taylor"',
                                  'paper = "letter"': 'languages = ["en", "zh-Hans"]\npaper = "letter"'})
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "--lang", "zh-Hans",
                                  "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "practitioners[0].name: character '\U0001D11E' (U+1D11E) is not in any bundled font" in result.output


def test_list_shows_translation_status(runner) -> None:
    result = runner.invoke(main, ["list", "--clinic", str(EXAMPLES / "harbour-physio")])
    assert "en (original)" in result.output and "zh-Hant (draft)" in result.output


def test_reviewed_translation_needs_reviewer(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'paper = "letter"': 'languages = ["en", "fr"]\npaper = "letter"'})
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    source = (EXAMPLES.parent.parent / "templates/ims-vs-acupuncture/fr.md.j2").read_text(encoding="utf-8")
    (own / "fr.md.j2").write_text(source.replace('translation = "draft"', 'translation = "reviewed"'),
                                  encoding="utf-8")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "--lang", "fr", "-o",
                                  str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "a reviewed translation needs reviewer and reviewed_on" in result.output
    (own / "fr.md.j2").write_text(source.replace(
        'translation = "draft"', 'translation = "reviewed"\nreviewer = "A. Reviewer"\nreviewed_on = "2026-11-20"'),
        encoding="utf-8")
    ok = runner.invoke(main, ["generate", "--clinic", str(folder), "--lang", "fr", "-o", str(tmp_path / "y.pdf")])
    assert ok.exit_code == 0
    assert "ébauche" not in pdf_text((tmp_path / "y.pdf").read_bytes())


def test_english_dates_match_babel() -> None:
    import datetime as dt

    from babel.dates import format_date as babel_format

    from handouts.document import format_date

    for day in (dt.date(2026, 11, 25), dt.date(2026, 1, 1), dt.date(2027, 5, 9)):
        assert format_date(day, "en") == babel_format(day, format="long", locale="en")


def test_a_name_in_another_script_keeps_its_weight_and_is_shaped() -> None:
    """In an English handout, a patient's name the body font cannot draw all of: the letters set
    in a fallback font stay bold ("Nguy" bold, "ễ" regular before), and Gurmukhi is shaped
    (ReportLab drew it unjoined where the language's own styles do not shape)."""
    from glyphcheck import check_pdf

    data = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), lang="en", date=DATE,
                                    patient="ਗੁਰਪ੍ਰੀਤ ਕੌਰ Nguyễn Παπαδόπουλος"))
    names = [name for name, _ in pdf_fonts(data)]
    assert any("NotoSans-Bold" in n for n in names), names  # ễ and the Greek, bold
    assert any("NotoSansGurmukhi-Bold" in n for n in names), names
    assert not any(n.endswith("+NotoSans") or n.endswith("+NotoSansGurmukhi") for n in names), names
    report = check_pdf(data)
    assert report.problems == [] and report.spans > 0  # shaped runs carry their /ActualText
    assert "ਗੁਰਪ੍ਰੀਤ ਕੌਰ Nguyễn Παπαδόπουλος" in pdf_text(data)
