"""Inspection: one `handouts check` run names every problem of a clinic, of every kind."""

from __future__ import annotations

import json
import shutil

from handouts.cli import main

from conftest import EXAMPLES, SAMPLE_CLINICS, DATE

EVERY_PROBLEM = '''name = "Trouble Clinic"
address = ["1 Test Street"]
phone = 6045550100
languages = ["en", "zh-TW"]
paper = "a4"
letterhead = "letterhead.pdf"
colour = "#0B6E4F"

[brand]
primary = "green"

[[practitioners]]
id = "sam"
name = "Sam \U0001F600"
profession = "physiotherapist"
title = "Registered Physiotherapist"
credentials = ["Certified Wizard", "BScPT"]
college = "College of Physical Therapists of BC"
needling_authorized = true

[[practitioners]]
id = "kim"
name = "Kim Kinetic"
profession = "kinesiologist"
title = "Kinesiologist"
needling_authorized = true

[[practitioners]]
id = "old"
name = "Old Style"
title = "Registered Physiotherapist"
needling_authorized = true
'''

EXPECTED = [  # (level, text): one of every kind
    ("Error", "phone: must be a string, not a number"),                         # type
    ("Error", "colour: unknown key"),                                          # unknown key
    ("Error", "brand.primary: 'green' is not a colour"),                       # colour
    ("Error", "practitioners[0].name: character '\U0001F600' (U+1F600) is not in any bundled font"),  # glyph
    ("Error", "languages[1]: handout 'ims-vs-acupuncture' has no 'zh-TW' template"),  # language
    ("Error", "letterhead: 'letterhead.pdf' is 612×792 pt, not a4 paper"),      # letterhead size
    ("Error", "practitioners[1].needling_authorized: a kinesiologist cannot claim needling"),  # profession
    ("Error", "templates/ims-vs-acupuncture/en.md.j2: line"),                   # a broken clinic template
    ("Warning", "practitioners[0].credentials[0]: 'Certified Wizard' is not in the glossary"),  # credential
    ("Warning", "practitioners[0].college: 'College of Physical Therapists of BC': that college became"),
    ("Warning", "practitioners[2].profession: not set"),                      # old file
]


def make_trouble(tmp_path):
    folder = tmp_path / "trouble"
    (folder / "templates" / "ims-vs-acupuncture").mkdir(parents=True)
    (folder / "clinic.toml").write_text(EVERY_PROBLEM, encoding="utf-8")
    shutil.copy(EXAMPLES / "cedar-lane-wellness" / "letterhead.pdf", folder)  # letter size
    (folder / "templates" / "ims-vs-acupuncture" / "en.md.j2").write_text(
        '+++\ntitle = "x"\n+++\n# {{ clinic.no_such_thing }}\n', encoding="utf-8")
    return folder


def test_one_check_names_every_problem(runner, tmp_path) -> None:
    folder = make_trouble(tmp_path)
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for level, text in EXPECTED:
        assert any(line.startswith(f"{level}: ") and text in line for line in lines), (level, text)
    summary = [line for line in lines if line.startswith("FAILED ")]
    assert summary == [f"FAILED {folder}: 8 errors, 3 warnings (3 practitioners × 2 languages × 1 handout)"]


def test_sample_clinics_pass_strict(runner) -> None:
    result = runner.invoke(main, ["check", "--strict", *map(str, SAMPLE_CLINICS)])
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("OK ") for line in result.output.splitlines()) == len(SAMPLE_CLINICS)


def test_warnings_are_fatal_only_under_strict(runner, make_clinic) -> None:
    folder = make_clinic(replace={'credentials = ["FCAMPT"]': 'credentials = ["House Cert"]'})
    relaxed = runner.invoke(main, ["check", str(folder)])
    strict = runner.invoke(main, ["check", "--strict", str(folder)])
    assert relaxed.exit_code == 0 and "Warning: " in relaxed.output and "OK " in relaxed.output
    assert strict.exit_code == 1 and "FAILED " in strict.output


def test_list_refuses_what_generate_refuses(runner, tmp_path) -> None:
    folder = make_trouble(tmp_path)
    result = runner.invoke(main, ["list", "--clinic", str(folder)])
    assert result.exit_code == 1 and "zh-TW" in result.output


def test_batch_reports_a_bad_clinic_once_and_skips_its_jobs(runner, tmp_path) -> None:
    chain = tmp_path / "chain"
    chain.mkdir()
    shutil.copytree(EXAMPLES / "harbour-physio", chain / "harbour-physio")
    bad = chain / "bad"
    shutil.copytree(EXAMPLES / "harbour-physio", bad)
    toml = (bad / "clinic.toml").read_text(encoding="utf-8")
    (bad / "clinic.toml").write_text(toml.replace('"FCAMPT"', '"FCAMPT", "\U0001F600 course"'),
                                     encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["batch", str(chain), "--out", str(out), "--date", DATE, "-q",
                                  "--jobs", "1"])
    assert result.exit_code == 1
    rows = json.loads((out / "manifest.json").read_text())
    rows = rows["jobs"] if isinstance(rows, dict) else rows
    bad_rows = [r for r in rows if r["clinic"] == "bad"]
    assert len(bad_rows) == 1 and bad_rows[0]["status"] == "failed"
    assert "U+1F600" in bad_rows[0]["error"]
    assert all(r["status"] == "built" for r in rows if r["clinic"] == "harbour-physio")


def test_batch_out_on_a_file_is_one_line(runner, tmp_path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    result = runner.invoke(main, ["batch", str(EXAMPLES / "harbour-physio"), "--out", str(target)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: --out {target}: is a file, not a folder"]


def test_check_lays_out_each_practitioner_version(runner, make_clinic) -> None:
    long = "Finished a long course with many parts about many things, " * 2
    creds = ", ".join(f'{{ name = "{i} {long[:77]}", meaning = "{long[:150]}" }}' for i in range(8))
    folder = make_clinic(replace={'credentials = ["FCAMPT"]': f"credentials = [{creds}]",
                                  'paper = "letter"': 'languages = ["fr"]\npaper = "letter"'})
    result = runner.invoke(main, ["check", str(folder)])  # too long even by name only
    assert "practitioners[0]: the fr practitioner version of 'ims-vs-acupuncture' runs to 3 pages" \
        in result.output
    assert result.exit_code == 0  # a warning: generate still makes it (with a note)
    quick = runner.invoke(main, ["check", "--no-render", str(folder)])
    assert quick.exit_code == 0 and "runs to" not in quick.output


def test_check_notes_credentials_shown_briefly(runner, make_clinic) -> None:
    eight = ('["B.Sc. Physiotherapy", "MPT", "FCAMPT", "CAFCI", "Certified IMS practitioner", '
             '"B.Sc. Kinesiology", "M.Sc. Physical Therapy", "CAMPT"]')
    folder = make_clinic(replace={'credentials = ["FCAMPT"]': f"credentials = {eight}",
                                  'paper = "letter"': 'languages = ["en", "fr"]\npaper = "letter"'})
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Note:")]
    assert any(line.endswith("practitioners[0].credentials: the fr practitioner version of "
                             "'ims-vs-acupuncture' shows them by name only, to keep 2 pages "
                             "(fewer or shorter ones are listed one per line with their meanings)")
               for line in notes), notes
    assert any("the en practitioner version of 'ims-vs-acupuncture' shows them inline" in line
               for line in notes), notes


def test_check_warns_of_dr_before_a_non_physicians_name(runner, make_clinic) -> None:
    """"Dr." before a physiotherapist's name: patients may read it as "medical doctor"
    (CONTENT-FACTS); a physician's is fine, and so is a name that only starts with "Dr"."""
    def warned(name: str, profession: str, title: str, folder: str) -> bool:
        clinic = make_clinic(replace={'name = "Sam Taylor"': f'name = "{name}"\n'
                                                              f'profession = "{profession}"',
                                      'title = "Registered Physiotherapist"': f'title = "{title}"',
                                      'college = "College of Health and Care Professionals of '
                                      'BC"\n': ""}, name=folder)
        result = runner.invoke(main, ["check", str(clinic)])
        assert result.exit_code == 0, result.output
        return "practitioners[0].name" in result.output and '"medical doctor"' in result.output

    physio = ("physiotherapist", "Registered Physiotherapist")
    assert warned("Dr. Sam Taylor", *physio, "a")
    assert warned("DR Sam Taylor", *physio, "b")
    assert warned("Doctor Sam Taylor", *physio, "c")
    assert warned("Dr. Li Wei", "tcm-practitioner", "Doctor of TCM", "d")  # not a medical doctor
    assert not warned("Drew Taylor", *physio, "e")
    assert not warned("Dr. Sam Taylor", "physician", "Physician", "f")


def test_check_fits_the_furniture_of_every_paper_and_edition(runner, make_clinic) -> None:
    """A website that fits the standard footer but not the large-print one: `check` said OK and a
    batch with --edition large-print failed every job."""
    folder = make_clinic(replace={'website = "https://test-clinic.example"':
                                  f'website = "https://{"w" * 40}.example"'})
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "website:" in result.output and "too long for the footer at 14 pt" in result.output
    assert "(large-print, letter, en)" in result.output
    assert runner.invoke(main, ["check", "--strict", str(folder)]).exit_code == 1


def test_the_same_error_for_many_handouts_of_a_clinic_is_said_once(runner, make_clinic,
                                                                   tmp_path) -> None:
    folder = make_clinic(replace={'website = "https://test-clinic.example"':
                                  f'website = "https://{"w" * 40}.example"',
                                  'paper = "letter"': 'paper = "letter"\nlanguages = ["en", "fr"]'})
    result = runner.invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out"), "--date",
                                  DATE, "--edition", "large-print", "--jobs", "1", "--quiet"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, errors  # four handouts, one line
    assert "test-clinic: 4 handouts (" in errors[0] and "and 3 more)" in errors[0]


def test_check_warns_of_a_white_logo(runner, make_clinic) -> None:
    """A white logo on transparent (made for dark backgrounds) printed as an empty tile."""
    from PIL import Image, ImageDraw

    folder = make_clinic()
    logo = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rectangle((20, 20, 280, 100), fill=(255, 255, 255, 255))
    logo.save(folder / "logo.png")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0 and "logo: 'logo.png' is white or nearly so" in result.output
    shutil.copy(EXAMPLES / "harbour-physio" / "logo.png", folder / "logo.png")
    assert "white or nearly so" not in runner.invoke(main, ["check", str(folder)]).output
