"""Chinese line breaking: no opening bracket at a line end, no closing mark at a line start, no
single ideograph alone on a paragraph's last line, Latin words kept whole."""

from __future__ import annotations

import re

import pytest

from handouts.cjkwrap import NEVER_END, NEVER_START, break_points

from conftest import pdf_text_lines, sample_jobs
from test_glyphs import _pdf


def lines_of(text: str, width: int) -> list[str]:
    cuts = [0, *break_points(list(text), [1.0] * len(text), [width], [False] * len(text)),
            len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if a < b]


def test_an_opening_bracket_moves_down_with_its_word() -> None:
    lines = lines_of("物理治療學士學位（物理治療）", 9)
    assert not any(line[-1] in NEVER_END for line in lines)
    assert lines[1].startswith("（")


def test_a_closing_mark_hangs_instead_of_starting_a_line() -> None:
    lines = lines_of("一二三四五六七八，九十", 8)
    assert not any(line[0] in NEVER_START for line in lines[1:])


def test_no_single_character_alone_on_the_last_line() -> None:
    lines = lines_of("一二三四五六七八九", 8)
    assert len(lines[-1]) >= 2


def test_latin_words_stay_whole() -> None:
    lines = lines_of("請上網 Acupuncture 預約", 12)
    assert any("Acupuncture" in line for line in lines)


ZH = [j for j in sample_jobs() if j[2].startswith("zh")]


@pytest.mark.parametrize("clinic,who,lang,paper", ZH)
def test_chinese_pages_follow_the_rules(clinic: str, who: str | None, lang: str,
                                        paper: str) -> None:
    lines = [line.strip() for line in pdf_text_lines(_pdf(clinic, who, lang, paper))]
    assert not [line for line in lines if line and line[-1] in "（《〈「『【〔"]
    assert not [line for line in lines if line and line[0] in "，。、！？：；）》〉」』】"]
    alone = [line for line in lines if re.fullmatch(r"[\u4e00-\u9fff][，。！？；：）」』]?", line)]
    assert alone == []
