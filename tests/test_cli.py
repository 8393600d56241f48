"""End-to-end: the CLI (CliRunner and a real `python generate.py` subprocess) → PDFs read back."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import tomllib

import pytest
from pypdf import PdfReader

from handouts.cli import main

from conftest import DATE, ROOT, SAMPLE_CLINICS, pdf_fonts, pdf_text, squash


def generate(runner, *args: str):
    return runner.invoke(main, ["generate", "--date", DATE, *args], catch_exceptions=False)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("folder", SAMPLE_CLINICS, ids=lambda p: p.name)
def test_every_sample_clinic_renders_on_two_pages(runner, tmp_path, folder, paper) -> None:
    out = tmp_path / "h.pdf"
    # the two-page promise is for a practitioner's version (a clinic version naming several
    # practitioners may take a third page: test_many_practitioners_run_onto_more_pages_cleanly)
    first = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))["practitioners"][0]["id"]
    result = generate(runner, "--clinic", str(folder), "--practitioner", first, "--paper", paper,
                      "-o", str(out))
    if folder.name == "cedar-lane-wellness" and paper == "a4":  # its letterhead is letter-sized
        assert result.exit_code == 1 and not out.exists()
        assert "letterhead: 'letterhead.pdf' is 612×792 pt but the handout is 595×842 pt" in result.output
        return
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    width = float(reader.pages[0].mediabox.width)
    assert round(width) == (612 if paper == "letter" else 595)
    text = pdf_text(data)
    assert "IMS and acupuncture" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert "Prepared for" in text
    assert all(embedded for _, embedded in pdf_fonts(data)), pdf_fonts(data)


def test_metadata_and_fonts(runner, tmp_path) -> None:
    out = tmp_path / "h.pdf"
    generate(runner, "--clinic", str(ROOT / "examples/clinics/harbour-physio"), "-o", str(out))
    reader = PdfReader(out)
    info = reader.metadata
    assert info.title == "IMS and acupuncture: how are they different?"
    assert info.author == "Harbourview Physiotherapy (sample clinic)"
    assert info.subject and "IMS" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20261125")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = pdf_fonts(out.read_bytes())
    names = {name.split("+")[-1] for name, _ in fonts}
    assert names == {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}
    assert all(re.match(r"/[A-Z]{6}\+", name) for name, _ in fonts), "fonts must be subsets"


def test_practitioner_version_names_only_them(runner, tmp_path) -> None:
    out = tmp_path / "h.pdf"
    clinic = ROOT / "examples/clinics/maple-needle-clinic"
    result = generate(runner, "--clinic", str(clinic), "--practitioner", "priya-gill", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Priya Gill" in text and "Chen Wei" not in text


def test_clinic_version_names_every_authorised_practitioner(runner, tmp_path) -> None:
    out = tmp_path / "h.pdf"
    clinic = ROOT / "examples/clinics/maple-needle-clinic"
    generate(runner, "--clinic", str(clinic), "-o", str(out))
    text = pdf_text(out.read_bytes())
    assert "Priya Gill" in text and "Chen Wei 陈伟" in text
    assert "Jordan Lee" not in text  # not authorised for needling


def test_prepared_for_is_filled_in_and_never_stored(runner, tmp_path) -> None:
    clinic = ROOT / "examples/clinics/harbour-physio"
    result = generate(runner, "--clinic", str(clinic), "--for", "Zoë O'Brien & Co", "-o", str(tmp_path) + "/")
    assert result.exit_code == 0, result.output
    (out,) = tmp_path.glob("*.pdf")
    assert out.name == "harbour-physio-ims-vs-acupuncture-clinic-en-letter.pdf"
    data = out.read_bytes()
    assert "Prepared for Zoë O'Brien & Co on November 25, 2026" in pdf_text(data)
    meta = " ".join(str(v) for v in PdfReader(out).metadata.values())
    assert "Zo" not in meta and "Zo" not in result.output
    blank = generate(runner, "--clinic", str(clinic), "-o", "-").stdout_bytes
    assert "Prepared for ______" in pdf_text(blank)


def test_deterministic_bytes(runner, tmp_path) -> None:
    clinic = str(ROOT / "examples/clinics/maple-needle-clinic")
    digests = set()
    for name in ("a.pdf", "b.pdf"):
        generate(runner, "--clinic", clinic, "-o", str(tmp_path / name))
        digests.add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert len(digests) == 1


def test_stdout_output(runner) -> None:
    result = generate(runner, "--clinic", str(ROOT / "examples/clinics/cedar-lane-wellness"), "-o", "-")
    assert result.stdout_bytes.startswith(b"%PDF-")


def test_subprocess_generate_py(tmp_path) -> None:
    out = tmp_path / "x.pdf"
    proc = subprocess.run([sys.executable, "generate.py", "generate", "--clinic",
                           "examples/clinics/harbour-physio", "--practitioner", "sam-taylor",
                           "--date", DATE, "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Sam Taylor" in pdf_text(out.read_bytes())
    assert f"Wrote {out}" in proc.stderr


def test_config_text_is_never_markup(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={
        'name = "Test Clinic"': 'name = "A & B <Physio> \\"Clinic\\" **not bold** [x](y) `c` _u_"',
        'name = "Sam Taylor"': "name = \"Sam <b>Taylor</b> &amp; 1. # Kim\"",
    })
    out = tmp_path / "h.pdf"
    result = generate(runner, "--clinic", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(out.read_bytes()))
    assert squash('A & B <Physio> "Clinic" **not bold** [x](y) `c` _u_') in text
    assert squash("Sam <b>Taylor</b> &amp; 1. # Kim") in text


@pytest.mark.parametrize("args, expected", [
    (["--practitioner", "nobody"], "unknown practitioner 'nobody'; available: sam-taylor, jo-no-needles"),
    (["--practitioner", "jo-no-needles"], "practitioners[1].needling_authorized: jo-no-needles is not authorised for needling"),
    (["--handout", "nope"], "unknown handout 'nope'; available: ims-vs-acupuncture"),
    (["--lang", "xx"], "languages: this clinic offers en, not 'xx'"),
])
def test_selection_errors(runner, make_clinic, tmp_path, args, expected) -> None:
    folder = make_clinic()
    out = tmp_path / "h.pdf"
    result = generate(runner, "--clinic", str(folder), *args, "-o", str(out))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_config_error_exit_and_nothing_written(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'primary = "#0B6E4F"': 'primary = "#GGGGGG"'})
    out = tmp_path / "h.pdf"
    result = generate(runner, "--clinic", str(folder), "-o", str(out))
    assert result.exit_code == 1
    assert result.output == (f"Error: {folder / 'clinic.toml'}: brand.primary: '#GGGGGG' is not "
                             "a colour like \"#0B6E4F\" (#RRGGBB)\n")
    assert not out.exists()


def test_missing_glyph_names_key_and_codepoint(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'title = "Registered Physiotherapist"': 'title = "Physio \U0001F600"'})
    result = generate(runner, "--clinic", str(folder), "-o", str(tmp_path / "h.pdf"))
    assert result.exit_code == 1
    assert "practitioners[0].title: character '\U0001F600' (U+1F600) is not in any bundled font" in result.output


def test_unexplained_credential_is_printed_with_a_warning(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'credentials = ["FCAMPT"]': 'credentials = ["XYZ Cert"]'})
    result = generate(runner, "--clinic", str(folder), "-o", str(tmp_path / "h.pdf"))
    assert result.exit_code == 0
    assert "Warning: " in result.output
    assert "practitioners[0].credentials[0]: 'XYZ Cert' is not in the glossary" in result.output
    assert "XYZ Cert" in pdf_text((tmp_path / "h.pdf").read_bytes())
    strict = runner.invoke(main, ["check", "--strict", str(folder)])
    assert strict.exit_code == 1 and "Error: " in strict.output and "'XYZ Cert'" in strict.output


def test_bad_date_is_usage_error(runner, make_clinic) -> None:
    result = runner.invoke(main, ["generate", "--clinic", str(make_clinic()), "--date", "25/11/2026"])
    assert result.exit_code == 2 and "is not a date like" in result.output


def test_list(runner) -> None:
    result = runner.invoke(main, ["list", "--clinic", str(ROOT / "examples/clinics/maple-needle-clinic")])
    assert result.exit_code == 0
    assert "ims-vs-acupuncture: en" in result.output
    assert ("jordan-lee: Jordan Lee, Registered Massage Therapist (massage-therapist, not authorised "
            "for needling)") in result.output


def test_every_command_has_help_and_is_in_readme(runner) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, name
        assert f"handouts {name}" in readme, name


def test_clinic_template_override_is_sandboxed(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic()
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    source = (ROOT / "templates/ims-vs-acupuncture/en.md.j2").read_text(encoding="utf-8")
    (own / "en.md.j2").write_text(source.replace("## What to expect", "## What to expect here"), encoding="utf-8")
    out = tmp_path / "h.pdf"
    assert generate(runner, "--clinic", str(folder), "-o", str(out)).exit_code == 0
    assert "What to expect here" in pdf_text(out.read_bytes())
    (own / "en.md.j2").write_text(source + "{{ clinic.__class__.__mro__ }}", encoding="utf-8")
    result = generate(runner, "--clinic", str(folder), "-o", str(out))
    assert result.exit_code == 1 and "unsafe" in result.output


def test_many_practitioners_run_onto_more_pages_cleanly(runner, make_clinic, tmp_path) -> None:
    people = "".join(f'''
[[practitioners]]
id = "p{i}"
name = "Practitioner {i} With A Long Name"
title = "Registered Physiotherapist"
credentials = ["B.Sc. Physiotherapy", "FCAMPT", "Certified IMS practitioner"]
registration = "PT-{i:05d}"
college = "College of Health and Care Professionals of BC"
needling_authorized = true
''' for i in range(12))
    folder = make_clinic(replace={"\n[[practitioners]]\nid = \"jo-no-needles\"": people + "\n[[practitioners]]\nid = \"jo-no-needles\""})
    out = tmp_path / "big.pdf"
    result = generate(runner, "--clinic", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = len(PdfReader(out).pages)
    assert pages > 2 and f"Note: this handout runs to {pages} pages" in result.output
    text = pdf_text(out.read_bytes())
    assert all(f"Practitioner {i} With A Long Name" in text for i in range(12))
    one = generate(runner, "--clinic", str(folder), "--practitioner", "p7", "-o", str(tmp_path / "one.pdf"))
    assert "Note:" not in one.output and len(PdfReader(tmp_path / "one.pdf").pages) == 2
