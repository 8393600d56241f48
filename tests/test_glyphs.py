"""What is printed: every glyph of every sample handout decodes right, and the text layer is the
template's text, in every language and paper size."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pytest

from handouts.config import load_clinic
from handouts.document import compose_traced, render_text
from handouts.jobs import HandoutJob, build_handout
from handouts.markup import parse_blocks

from conftest import DATE, EXAMPLES, pdf_text, sample_jobs, squash
from glyphcheck import check_marks, check_pdf

FIXTURE = Path(__file__).parent / "fixtures" / "broken-punjabi-reportlab-shaping.pdf"
JOBS = sample_jobs()


@cache
def _job(clinic: str, who: str | None, lang: str, paper: str) -> HandoutJob:
    return HandoutJob(str(EXAMPLES / clinic), practitioner=who, lang=lang, paper=paper, date=DATE)


@cache
def _pdf(*key: object) -> bytes:
    return build_handout(_job(*key))


def source_blocks(markdown: str) -> list[str]:
    """Return the plain text of every heading, paragraph, list item and table cell printed."""
    out = []
    in_figure = in_item = False
    for tok in parse_blocks(markdown):
        if tok.type.startswith("container_figure"):
            in_figure = tok.type.endswith("_open")
        elif tok.type in ("list_item_open", "list_item_close"):
            in_item = tok.type == "list_item_open"
        if tok.type != "inline" or (in_figure and not in_item):
            continue  # a figure's paragraph is its alternative text (/Alt), not printed
        parts = []
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = "".join(parts)
        out.append(text[4:] if text.startswith("[ ] ") else text)
    return [t for t in out if t.strip()]


def _normal(text: str) -> str:
    return squash(unicodedata.normalize("NFC", text))


def test_the_checker_fails_on_reportlabs_own_punjabi_shaping() -> None:
    report = check_pdf(FIXTURE.read_bytes())
    text = "\n".join(report.problems)
    assert len(report.problems) > 20
    assert "mark 'ਿ' (U+0A3F) after ' '" in text           # the i-sign drawn before its letter
    assert "(U+0A01) after 'T'" in text  # "PT-00000": the digits drawn as Gurmukhi marks
    assert "maps to '\\uffff' (no text)" in text            # bullets: a glyph the font lacks


def test_mark_rule() -> None:
    assert check_marks("ਤਿੰਨ ਨਹੀਂ café") == []
    assert check_marks("ਿਤੰਨ") and check_marks("CC਼")


@pytest.mark.parametrize("clinic,who,lang,paper", JOBS)
def test_every_glyph_decodes_to_its_character(clinic: str, who: str | None, lang: str,
                                              paper: str) -> None:
    report = check_pdf(_pdf(clinic, who, lang, paper))
    assert report.problems == []
    assert report.glyphs > 1500
    assert report.min_size >= 9.0
    if lang == "pa":
        assert report.spans > 20  # shaped words carry their text as /ActualText


@pytest.mark.parametrize("clinic,who,lang,paper", [j for j in JOBS if j[3] == "letter"]
                         + [j for j in JOBS if j[3] == "a4" and j[2] == "pa"])
def test_text_layer_is_the_template_text(clinic: str, who: str | None, lang: str,
                                         paper: str) -> None:
    job = _job(clinic, who, lang, paper)
    folder = load_clinic(Path(job.clinic_dir))
    composed = compose_traced(folder, job.resolved(folder), "test")
    pdf, text = composed.pdf, composed.text  # the text laid out
    blocks = source_blocks(text.body)
    extracted = _normal(pdf_text(pdf))
    missing = [b for b in blocks if _normal(b) not in extracted]
    assert len(blocks) > 40
    assert missing == []


def test_shaped_output_does_not_depend_on_what_came_before(tmp_path: Path) -> None:
    """A Punjabi handout made alone in a new process equals the one made after many others."""
    import subprocess
    import sys

    for key in JOBS:  # shape everything else first, in this process
        if key[2] in ("pa", "zh-Hant") and key[3] == "letter":
            _pdf(*key)
    job = ("maple-needle-clinic", "chen-wei", "pa", "a4")
    after_others = build_handout(_job(*job))
    out = tmp_path / "alone.pdf"
    subprocess.run([sys.executable, "-m", "handouts", "generate", "--clinic",
                    str(EXAMPLES / job[0]), "--practitioner", job[1], "--lang", job[2],
                    "--paper", job[3], "--date", DATE, "-o", str(out)], check=True)
    assert out.read_bytes() == after_others
