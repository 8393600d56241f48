"""Markdown parsed section by section gives the tokens of parsing it whole (line numbers
aside), for every sample handout in every language."""

from __future__ import annotations

import pytest

from handouts.config import load_clinic
from handouts.document import render_text
from handouts.jobs import HandoutJob
from handouts.markup import _sections, parse_blocks, parse_whole

from conftest import DATE, EXAMPLES, sample_jobs


def _shape(tokens: list) -> list:
    return [(t.type, t.tag, t.nesting, t.level, t.content, t.markup, t.info, dict(t.attrs),
             t.block, t.hidden, [(c.type, c.content, c.markup, dict(c.attrs))
                                 for c in t.children or []]) for t in tokens]


@pytest.mark.parametrize("clinic,who,lang,paper", [j for j in sample_jobs() if j[3] == "letter"])
def test_sections_parse_like_the_whole(clinic: str, who: str | None, lang: str,
                                       paper: str) -> None:
    folder = load_clinic(EXAMPLES / clinic)
    job = HandoutJob(str(EXAMPLES / clinic), practitioner=who, lang=lang, paper=paper,
                     date=DATE).resolved(folder)
    for shown in ("list", "inline", "names"):
        markdown = render_text(folder, job, shown).body
        assert len(_sections(markdown)) >= 8
        assert _shape(parse_blocks(markdown)) == _shape(parse_whole(markdown))


def test_a_heading_inside_a_container_does_not_cut() -> None:
    text = "intro\n\n::: columns\n## Left\n\n- a\n\n## Right\n\n1. b\n:::\n\n## After\n\ntext\n"
    assert _sections(text) == ["intro\n\n::: columns\n## Left\n\n- a\n\n## Right\n\n1. b\n:::\n\n",
                               "## After\n\ntext\n"]
    assert _sections("#hashtag is not a heading\n# Heading\n") == [
        "#hashtag is not a heading\n", "# Heading\n"]
