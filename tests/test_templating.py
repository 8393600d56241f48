"""templating: inserted values are literal Markdown text; strict, sandboxed, ordered search path."""

from __future__ import annotations

import pytest

from handouts.markup import parse_blocks
from handouts.templating import available, escape_markdown, template_dirs


@pytest.mark.parametrize("value", ["A & B", "**x**", "# h", "1. one", "[a](b)", "<b>x</b>", "a|b",
                                   "back\\slash", "&amp;", "_u_", "`c`", "- item", "> quote"])
def test_escaped_values_parse_back_to_the_same_text(value: str) -> None:
    tokens = parse_blocks(f"Say {escape_markdown(value)} now\n")
    inline = tokens[1]
    assert [c.type for c in inline.children] == ["text"] * len(inline.children)
    assert "".join(c.content for c in inline.children) == f"Say {value} now"


def test_search_path_puts_the_clinic_first(tmp_path) -> None:
    (tmp_path / "templates" / "custom-handout").mkdir(parents=True)
    (tmp_path / "templates" / "custom-handout" / "en.md.j2").write_text("+++\n+++\n# x\n")
    dirs = template_dirs(tmp_path)
    assert dirs[0] == tmp_path / "templates" and dirs[-1].name == "templates"
    found = available(tmp_path)
    assert found["custom-handout"] == ["en"] and "ims-vs-acupuncture" in found


@pytest.mark.parametrize("old, new, expected", [
    ('page = "Page {page} of {pages}"', 'page = "Page {pag} of {pages}"', "labels.page: unknown or broken placeholder"),
    ('reviewed = "2026-11-26"', 'reviewed = "soon"', "reviewed: 'soon' is not a date like 2026-11-01"),
    ('draft_notice = ', 'draft_notic = ', "[labels] lacks draft_notice"),
])
def test_broken_front_matter_is_a_clean_error(runner, make_clinic, tmp_path, old, new, expected) -> None:
    from conftest import ROOT

    from handouts.cli import main

    folder = make_clinic()
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    source = (ROOT / "templates/ims-vs-acupuncture/en.md.j2").read_text(encoding="utf-8")
    assert old in source
    (own / "en.md.j2").write_text(source.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output


def test_template_that_is_not_utf8(runner, make_clinic, tmp_path) -> None:
    from handouts.cli import main

    folder = make_clinic()
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    (own / "en.md.j2").write_bytes(b"+++\ntitle = \"\xff\xfe\"\n+++\n# x\n")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output and "Traceback" not in result.output
