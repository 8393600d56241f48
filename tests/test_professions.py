"""Professions: one practitioner of each renders the right wording, regulator and register."""

from __future__ import annotations

import pytest

from handouts.jobs import HandoutJob, build_handout
from handouts.professions import LICENCE, NONE, professions
from handouts.team import group_team

from conftest import DATE, pdf_text, squash

LANGS = ("en", "fr", "es", "vi", "zh-Hant", "zh-Hans", "pa")

HEAD = '''name = "Every Profession Clinic"
address = ["1 Test Street", "Vancouver, BC"]
phone = "604-555-0100"
languages = ["en", "fr", "es", "vi", "zh-Hant", "zh-Hans", "pa"]
paper = "letter"

[brand]
primary = "#0B6E4F"
'''


def person(pid: str, profession: str, extra: str = "") -> str:
    return (f'\n[[practitioners]]\nid = "{pid}"\nname = "Pat {pid.title()}"\n'
            f'profession = "{profession}"\ntitle = "{professions()[profession].titles["en"]}"\n{extra}')


EVERYONE = HEAD + "".join([
    person("physio", "physiotherapist", "needling_authorized = true\n"),
    person("acu", "acupuncturist"), person("tcm", "tcm-practitioner"),
    person("doc", "physician"), person("chiro", "chiropractor"),
    person("rmt", "massage-therapist"), person("kin", "kinesiologist"),
])


def test_seven_professions_each_sourced_with_every_language() -> None:
    profs = professions()
    assert list(profs) == ["physiotherapist", "acupuncturist", "tcm-practitioner", "physician",
                           "chiropractor", "massage-therapist", "kinesiologist"]
    for prof in profs.values():
        assert prof.sources and all(s.startswith("http") for s in prof.sources), prof.id
        for lang in LANGS:
            for count in (1, 2):
                text = prof.statement(lang, count)
                assert text and "{" not in text, (prof.id, lang)
                if prof.regulator:
                    assert prof.regulator.names[lang] in text, (prof.id, lang)
            assert prof.titles[lang] and prof.label(lang, 1), (prof.id, lang)
        if prof.regulator:
            assert prof.regulator.url.startswith("https://") and prof.regulator.sources
    assert profs["kinesiologist"].regulator is None
    assert profs["physiotherapist"].regulator.id == "chcpbc"
    assert {profs[p].regulator.id for p in ("acupuncturist", "tcm-practitioner", "chiropractor",
                                            "massage-therapist")} == {"cchpbc"}
    assert profs["physician"].regulator.id == "cpsbc"


@pytest.mark.parametrize("lang", LANGS)
def test_clinic_with_every_profession_renders_true_wording(make_clinic, lang) -> None:
    folder = make_clinic(toml=EVERYONE)
    data = build_handout(HandoutJob(str(folder), lang=lang, date=DATE))
    profs = professions()
    named = [p for p in profs.values() if p.needling != NONE]
    if lang == "pa":
        return  # shaped Gurmukhi does not map back to text; the data test above checks pa
    text = squash(pdf_text(data))
    for prof in named:  # one of each: the singular sentence, then the register
        assert squash(prof.statement(lang, 1)) in text, (prof.id, lang)
        assert prof.regulator.short in text
    for pid in ("chiro", "rmt", "kin"):  # never named in a needling handout
        assert f"Pat{pid.title()}" not in text
    assert {p.regulator.url for p in named} <= set(link_targets(data))  # printed, and a link


def link_targets(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [a.get_object()["/A"]["/URI"] for page in PdfReader(io.BytesIO(data)).pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]


def test_group_statement_is_plural_for_several(make_clinic) -> None:
    from handouts.config import load_clinic

    folder = make_clinic(toml=HEAD + person("a", "physiotherapist", "needling_authorized = true\n")
                         + person("b", "physiotherapist", "needling_authorized = true\n")
                         + person("c", "acupuncturist")
                         + person("d", "physiotherapist", "needling_authorized = false\n"))
    clinic = load_clinic(folder)
    from handouts.jobs import select_practitioners

    groups = group_team(select_practitioners(clinic, None), "en")
    assert [g.statement.split(" ")[0] for g in groups] == ["These", "This"]
    assert [len(g.people) for g in groups] == [2, 1]  # d has no authorization: not named
    assert groups[0].statement.startswith("These physiotherapists are registered with the College "
                                          "of Health and Care Professionals of BC (CHCPBC)")
    zh = group_team(select_practitioners(clinic, None), "zh-Hant")
    assert zh[0].statement.startswith("這些物理治療師") and zh[1].statement.startswith("這位針灸師")


@pytest.mark.parametrize("profession", ["chiropractor", "massage-therapist", "kinesiologist"])
def test_profession_without_needling_cannot_claim_it(runner, make_clinic, profession) -> None:
    from handouts.cli import main

    folder = make_clinic(toml=HEAD + person("x", "physiotherapist", "needling_authorized = true\n")
                         + person("y", profession, "needling_authorized = true\n"))
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert f"practitioners[1].needling_authorized: a {profession} cannot claim needling" in result.output


def test_licensed_professions_need_no_flag_and_physio_does(make_clinic, runner, tmp_path) -> None:
    from handouts.cli import main

    assert professions()["acupuncturist"].needling == LICENCE
    folder = make_clinic(toml=HEAD + person("acu", "acupuncturist")
                         + person("pt", "physiotherapist"))
    ok = runner.invoke(main, ["generate", "--clinic", str(folder), "--practitioner", "acu",
                              "--date", DATE, "-o", str(tmp_path / "a.pdf")])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(main, ["generate", "--clinic", str(folder), "--practitioner", "pt",
                                   "-o", str(tmp_path / "b.pdf")])
    assert refused.exit_code == 1 and "pt is not authorised for needling" in refused.output


def test_titles_and_colleges_are_translated(make_clinic) -> None:
    folder = make_clinic(toml=HEAD + person(
        "acu", "acupuncturist",
        'college = "College of Complementary Health Professionals of BC"\n'
        'credentials = ["R.Ac", { name = "House course", meaning = { en = "A course", '
        'zh-Hant = "一個課程" } }]\n'))
    text = squash(pdf_text(build_handout(HandoutJob(str(folder), lang="zh-Hant", date=DATE))))
    assert "註冊針灸師" in text and "Registered Acupuncturist" not in text
    assert "卑詩省輔助健康專業人員管理局" in text and "College of Complementary" not in text
    assert "一個課程" in text and "A course" not in text
    assert "註冊針灸師，在卑詩省持牌提供針灸" in text


def test_a_plain_doctor_title_is_never_made_physician() -> None:
    """"Doctor" was one of the physician's known titles: with no profession set, a chiropractor
    or Dr.TCM titled "Doctor" was printed as "Physician" (醫生), a medical doctor."""
    from handouts.professions import professions, translate_title

    assert translate_title("Doctor", "en", None) == "Doctor"
    assert translate_title("Doctor", "zh-Hant", None) == "Doctor"
    physician = professions()["physician"]
    assert translate_title("Medical Doctor", "zh-Hant", physician) != "Medical Doctor"
