"""Front-desk conveniences: HANDOUTS_CLINIC, -V, shell completion, languages on offer."""

from __future__ import annotations

import click

from handouts import __version__
from handouts.cli import main
from handouts.setup_commands import complete_language, complete_practitioner

from conftest import DATE, EXAMPLES

MAPLE = str(EXAMPLES / "maple-needle-clinic")


def test_version_short_flag(runner) -> None:
    result = runner.invoke(main, ["-V"])
    assert result.exit_code == 0 and result.output == f"handouts, version {__version__}\n"


def test_handouts_clinic_is_the_default_clinic(runner, tmp_path) -> None:
    out = tmp_path / "h.pdf"
    result = runner.invoke(main, ["generate", "--date", DATE, "-o", str(out)],
                           env={"HANDOUTS_CLINIC": MAPLE})
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    listed = runner.invoke(main, ["list"], env={"HANDOUTS_CLINIC": MAPLE})
    assert listed.exit_code == 0 and "priya-gill" in listed.output


def test_lang_is_limited_to_the_clinics_languages(runner, tmp_path) -> None:
    result = runner.invoke(main, ["generate", "--clinic", MAPLE, "--lang", "fr",
                                  "-o", str(tmp_path / "h.pdf")])
    assert result.exit_code == 1
    assert "languages: this clinic offers en, zh-Hant, zh-Hans, pa, not 'fr'" in result.output


def _ctx(clinic: str | None) -> click.Context:
    ctx = click.Context(main.commands["generate"])
    ctx.params = {"clinic_dir": clinic} if clinic else {}
    return ctx


def test_completion_of_practitioner_ids_and_languages(monkeypatch) -> None:
    ids = [item.value for item in complete_practitioner(_ctx(MAPLE), None, "")]
    assert ids == ["priya-gill", "chen-wei"]  # jordan-lee provides no needling: not offered
    assert [i.value for i in complete_practitioner(_ctx(MAPLE), None, "ch")] == ["chen-wei"]
    assert [i.value for i in complete_language(_ctx(MAPLE), None, "zh")] == ["zh-Hant", "zh-Hans"]
    monkeypatch.setenv("HANDOUTS_CLINIC", MAPLE)
    assert [i.value for i in complete_practitioner(_ctx(None), None, "p")] == ["priya-gill"]
    monkeypatch.delenv("HANDOUTS_CLINIC")
    assert "vi" in [i.value for i in complete_language(_ctx(None), None, "")]
    assert complete_practitioner(_ctx("/no/such/clinic"), None, "") == []


def test_completion_script_offers_ids(runner) -> None:
    result = runner.invoke(main, [], prog_name="handouts",
                           env={"_HANDOUTS_COMPLETE": "bash_complete",
                                "COMP_WORDS": f"handouts generate --clinic {MAPLE} --practitioner ",
                                "COMP_CWORD": "5"})
    assert "priya-gill" in result.output and "chen-wei" in result.output
