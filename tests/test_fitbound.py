"""The fit bound skips trial layouts that cannot fit; it must never change which layout wins."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import handouts.document as document
from handouts.config import load_clinic
from handouts.fitbound import least_height
from handouts.jobs import HandoutJob

from conftest import DATE, EXAMPLES

sys.path.insert(0, str(Path(__file__).parent))
import test_stress as stress  # noqa: E402

CASES = [("harbour-physio", "sam-taylor", "en", "letter"),  # level 0 skipped
         ("harbour-physio", "sam-taylor", "fr", "a4"),      # levels 0-2 skipped
         ("maple-needle-clinic", None, "pa", "letter"),     # credentials shown by name
         ("maple-needle-clinic", "chen-wei", "zh-Hant", "a4"),
         ("cedar-lane-wellness", None, "en", "letter")]


def _both(clinic, job) -> tuple[bytes, bytes]:
    document._BOUNDS.clear()  # measured here, not remembered from an earlier test
    with_bound = document.compose_traced(clinic, job, "test").pdf
    saved = document.cannot_fit
    document.cannot_fit = lambda *args: False
    document._BOUNDS.clear()
    try:
        without = document.compose_traced(clinic, job, "test").pdf
    finally:
        document.cannot_fit = saved
        document._BOUNDS.clear()
    return with_bound, without


def test_the_bound_of_a_text_is_remembered() -> None:
    """A repeated handout does not measure its text again; another patient's strip (which
    changes the story) is measured anew; the bytes are the same either way."""
    clinic = load_clinic(EXAMPLES / "harbour-physio")
    job = HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor", lang="en",
                     paper="letter", date=DATE).resolved(clinic)
    calls = []
    saved = document.cannot_fit
    document.cannot_fit = lambda *args: calls.append(1) or saved(*args)
    document._BOUNDS.clear()
    try:
        first = document.compose_traced(clinic, job, "test").pdf
        measured = len(calls)
        assert measured >= 1
        assert document.compose_traced(clinic, job, "test").pdf == first
        assert len(calls) == measured  # remembered
        other = job.__class__(**{**job.__dict__, "patient": "Pat Example"})
        document.compose_traced(clinic, other, "test")
        assert len(calls) > measured
    finally:
        document.cannot_fit = saved


@pytest.mark.parametrize("name,who,lang,paper", CASES)
def test_skipping_never_changes_the_output(name, who, lang, paper) -> None:
    clinic = load_clinic(EXAMPLES / name)
    job = HandoutJob(str(EXAMPLES / name), practitioner=who, lang=lang, paper=paper,
                     date=DATE).resolved(clinic)
    with_bound, without = _both(clinic, job)
    assert with_bound == without


@pytest.mark.parametrize("lang", ["en", "fr", "pa"])
def test_skipping_never_changes_the_output_of_long_clinics(tmp_path: Path, lang: str) -> None:
    six = "".join(stress.person(f"p{i}", f"Practitioner Number {i}", stress.EIGHT)
                  for i in range(6))
    folder = stress.make(tmp_path, stress.clinic_toml(name=stress.LONG_NAME, people=six))
    clinic = load_clinic(folder)
    for who in ("p0", None):  # eight credentials; six practitioners (nothing fits two pages)
        job = HandoutJob(str(folder), practitioner=who, lang=lang, date=DATE).resolved(clinic)
        with_bound, without = _both(clinic, job)
        assert with_bound == without


def test_the_bound_skips_the_roomy_english_layout() -> None:
    """The English handout needs more than two pages at the roomiest level: the bound knows
    without laying it out (a third of a warm handout's time)."""
    calls = []
    saved = document._lay_out

    def spy(*args, **kwargs):
        result = saved(*args, **kwargs)
        calls.append((args[8], result[2]))
        return result
    document._lay_out = spy
    try:
        clinic = load_clinic(EXAMPLES / "harbour-physio")
        job = HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor", lang="en",
                         paper="letter", date=DATE).resolved(clinic)
        document.compose_traced(clinic, job, "test")
    finally:
        document._lay_out = saved
    assert calls == [(0, None), (1, 2)]


def test_least_height_counts_blocks_and_the_spaces_between() -> None:
    from reportlab.platypus.flowables import Flowable

    class Box(Flowable):
        def __init__(self, h: float) -> None:
            super().__init__()
            self.h, self.spaceBefore, self.spaceAfter = h, 6, 12

        def wrap(self, aW, aH):
            return aW, self.h
    boxes = [Box(100), Box(50), Box(30)]
    assert least_height(boxes, 400, 0) == 180 + 12 + 12  # the larger of 12 after and 6 before
    assert least_height(boxes, 400, 1) == 180 + 12  # one page break drops one space


def test_table_and_figure_heights_are_remembered_exactly() -> None:
    """The bound keeps the heights of tables and figures by what they are made of: a second
    story's boxes are not wrapped again, and a kept height is the one wrapping gives."""
    import handouts.fitbound as fitbound
    from handouts.fitbound import _scratch_canvas, _signature

    clinic = load_clinic(EXAMPLES / "harbour-physio")
    job = HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor", lang="en",
                     paper="letter", date=DATE).resolved(clinic)
    fitbound._HEIGHTS.clear()
    document._BOUNDS.clear()
    document.compose_traced(clinic, job, "test")
    kept = dict(fitbound._HEIGHTS)
    assert len(kept) >= 3  # boxes, the comparison table, the figure, the strip
    text = document.render_text(clinic, job)
    from handouts.layout import frame_width
    from handouts.styles import make_palette, make_styles
    from handouts.fonts import font_chain

    chain = font_chain("en")
    palette = make_palette(clinic.brand.primary, clinic.brand.accent)
    story = document.memoize_wraps(document._story(
        text, job, document._labels(text.meta, text.source), make_styles(palette, chain, 1),
        palette, chain, __import__("datetime").date(2026, 11, 25),
        document.Node("Document", Lang="en")))
    width = frame_width(job.paper)
    checked = 0
    for item in story:
        key = _signature(item)
        if key is not None and (key, width) in kept:
            assert kept[(key, width)] == item.wrapOn(_scratch_canvas(), width, 0x7FFFFFFF)[1]
            checked += 1
    assert checked >= 2
