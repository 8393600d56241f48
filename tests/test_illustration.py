"""illustration: `::: figure` boxes become labelled vector figures that keep their alt text."""

from __future__ import annotations

import re

import pytest

from conftest import DATE, EXAMPLES, ROOT, pdf_text, squash
from handouts.errors import TemplateError
from handouts.fonts import font_chain
from handouts.illustration import FIGURES, NEEDLE_SCALE, _share
from handouts.jobs import HandoutJob, build_handout
from handouts.markup import build_story
from handouts.styles import make_palette, make_styles

FIGURE = """::: figure needle-sizes
- How thin? Drawn {scale} times real size
- One: 0.25 mm, solid
- Two: 0.8 mm, hollow

Two needle cross-sections, drawn to scale.
:::
"""


def _story(markdown: str, lang: str = "en") -> list:
    palette = make_palette("#0B6E4F")
    chain = font_chain(lang)
    return build_story(markdown, make_styles(palette, chain), palette, chain, "test.md.j2", 500)


def test_figure_keeps_its_alt_text_and_labels() -> None:
    [figure] = _story(FIGURE.format(scale=NEEDLE_SCALE))
    assert figure.alt_text == "Two needle cross-sections, drawn to scale."
    assert [re.sub("<[^>]+>", "", label.text) for label in figure.labels] == [
        f"How thin?Drawn {NEEDLE_SCALE} times real size", "One:0.25\u00a0mm, solid",
        "Two:0.8\u00a0mm, hollow"]
    width, height = figure.wrap(500, 800)
    assert width == 500 and 40 < height < 120


@pytest.mark.parametrize("markdown, message", [
    ("::: figure unicorn\n- a\n\nalt\n:::\n", "unknown figure 'unicorn'; known: needle-sizes"),
    ("::: figure needle-sizes\n- a\n- b\n\nalt\n:::\n", "needs 3 labels (list items), not 2"),
    ("::: figure needle-sizes\n- a\n- b\n- c\n:::\n", "needs a paragraph of alternative text"),
])
def test_figure_mistakes_are_template_errors(markdown: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        _story(markdown)


def test_labels_share_the_width_by_their_length() -> None:
    assert _share([100, 50], 300) == [175, 125]            # room to spare: shared evenly
    assert _share([300, 50, 60], 250) == [140, 50, 60]     # the widest wraps, short ones stay whole
    assert _share([300, 50, 60], 410) == [300, 50, 60]
    assert sum(_share([200, 180, 90], 300)) == pytest.approx(300)


def test_every_template_draws_the_figure_at_the_scale_its_label_states() -> None:
    for path in sorted((ROOT / "templates" / "ims-vs-acupuncture").glob("*.md.j2")):
        text = path.read_text(encoding="utf-8")
        for kind, labels in re.findall(r"^::: figure (\S+)\n((?:- .*\n)+)", text, re.M):
            assert kind in FIGURES, path.name
            items = labels.splitlines()
            assert len(items) == FIGURES[kind].labels, path.name
            if kind == "needle-sizes":
                assert re.search(rf"(?<!\d){NEEDLE_SCALE}(?!\d)", items[0]), (path.name, items[0])


def test_figure_is_drawn_in_the_handout_with_its_labels() -> None:
    data = build_handout(HandoutJob(str(EXAMPLES / "harbour-physio"), practitioner="sam-taylor",
                                    lang="en", date=DATE))
    text = squash(pdf_text(data))
    for phrase in ("How thin?", f"Drawn {NEEDLE_SCALE} times real size", "IMS or acupuncture needle:",
                   "Needle for a blood test:", "0.8 mm, hollow"):
        assert squash(phrase) in text, phrase


def test_chinese_labels_use_the_chinese_font() -> None:
    [figure] = _story(FIGURE.format(scale=NEEDLE_SCALE).replace("One", "針灸針"), lang="zh-Hant")
    assert figure.labels[1].style.fontName == "WenQuanYi"
