"""Patient: the name a handout is prepared for, checked alike on the command line and the page."""

from __future__ import annotations

import unicodedata

import pytest

from handouts.cli import main
from handouts.errors import SelectionError
from handouts.patient import patient_name

from conftest import DATE, EXAMPLES, pdf_text


def test_blank_is_no_name_and_spaces_are_tidied() -> None:
    assert patient_name(None) is None and patient_name("") is None
    assert patient_name("   ") is None and patient_name("\t") is None  # a line to write on
    assert patient_name("  Ann \t  Lee ") == "Ann Lee"
    assert patient_name("Ann\u00a0Lee") == "Ann Lee"  # a no-break space from a paste


def test_a_name_typed_as_letters_and_separate_accents_is_put_together() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương · Zoë Ñúñez")
    assert len(decomposed) > len("Nguyễn Thị Hương · Zoë Ñúñez")
    assert patient_name(decomposed) == "Nguyễn Thị Hương · Zoë Ñúñez"


@pytest.mark.parametrize("name, code", [("Alex\u202eeoD", "U+202E"), ("Alex\u200bDoe", "U+200B"),
                                        ("Alex\nDoe", "U+000A"), ("Alex\u2028Doe", "U+2028")])
def test_invisible_characters_are_refused_without_repeating_the_name(name, code) -> None:
    with pytest.raises(SelectionError) as err:
        patient_name(name)
    assert code in str(err.value) and "Alex" not in str(err.value)


def test_eighty_characters_fit_and_eighty_one_do_not() -> None:
    assert patient_name("a" * 80) == "a" * 80
    with pytest.raises(SelectionError, match="81 characters long; at most 80 fit"):
        patient_name("a" * 81)


def test_generate_prints_the_put_together_name(runner, tmp_path) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["generate", "--clinic", str(EXAMPLES / "harbour-physio"),
                                  "--lang", "vi", "--for", decomposed, "--date", DATE,
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Nguyễn Thị Hương" in pdf_text(out.read_bytes())


def test_a_script_no_font_has_is_named_and_the_way_out_given(runner, tmp_path) -> None:
    result = runner.invoke(main, ["generate", "--clinic", str(EXAMPLES / "harbour-physio"),
                                  "--for", "محمد العلي", "--date", DATE,
                                  "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert "--for: the handout's fonts cannot print Arabic letters (U+0645)" in result.output
    assert "clinic.toml" not in result.output and "محمد" not in result.output
    assert not (tmp_path / "out.pdf").exists()
