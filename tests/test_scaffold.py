"""Scaffold: `handouts init` writes a clinic that passes `check` and renders."""

from __future__ import annotations

import pytest
import tomllib

from pypdf import PdfReader

from handouts.cli import main
from handouts.scaffold import practitioner_id

from conftest import DATE, EXAMPLES, pdf_text

FLAGS = ["--name", "Main St Physio & Rehab", "--address", "1 Main St", "--address",
         "Vancouver, BC V0V 0V0", "--phone", "604-555-0100", "--practitioner", "Sam O'Neil",
         "--email", "desk@main-st.example", "--booking-url", "https://main-st.example/book",
         "--logo", str(EXAMPLES / "harbour-physio" / "logo.png"), "--lang", "en", "--lang", "zh-Hant"]


def test_init_yes_then_check_then_generate(runner, tmp_path) -> None:
    folder = tmp_path / "main-st"
    result = runner.invoke(main, ["init", str(folder), "--yes", *FLAGS])
    assert result.exit_code == 0, result.output
    assert f"Next: handouts generate --clinic {folder} -o out/" in result.output
    text = (folder / "clinic.toml").read_text(encoding="utf-8")
    assert text.startswith("#:schema file://") and text.count("#") > 10  # commented
    data = tomllib.loads(text)
    assert data["practitioners"][0]["id"] == "sam-o-neil"
    assert data["practitioners"][0]["profession"] == "physiotherapist"
    assert (folder / "logo.png").is_file()
    check = runner.invoke(main, ["check", "--strict", str(folder)])
    assert check.exit_code == 0, check.output
    out = tmp_path / "h.pdf"
    made = runner.invoke(main, ["generate", "--clinic", str(folder), "--date", DATE, "-o", str(out)])
    assert made.exit_code == 0, made.output
    assert "Main St Physio & Rehab" in pdf_text(out.read_bytes())
    assert len(PdfReader(out).pages) == 2


def test_init_asks_when_not_given_yes(runner, tmp_path) -> None:
    folder = tmp_path / "asked"
    answers = "\n".join(["Asked Clinic", "2 Side St; Burnaby, BC", "604-555-0111", "Lee Wong",
                         "", "", "", ""]) + "\n"
    result = runner.invoke(main, ["init", str(folder), "--profession", "acupuncturist"],
                           input=answers)
    assert result.exit_code == 0, result.output
    data = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
    assert data["address"] == ["2 Side St", "Burnaby, BC"]
    assert data["practitioners"][0]["title"] == "Registered Acupuncturist"
    assert "needling_authorized" not in data["practitioners"][0]
    assert runner.invoke(main, ["check", str(folder)]).exit_code == 0


def test_init_yes_names_missing_flags_and_keeps_existing_file(runner, tmp_path) -> None:
    result = runner.invoke(main, ["init", str(tmp_path / "x"), "--yes", "--name", "X"])
    assert result.exit_code == 1
    assert "Error: init --yes needs --address, --phone, --practitioner" in result.output
    folder = tmp_path / "kept"
    assert runner.invoke(main, ["init", str(folder), "--yes", *FLAGS]).exit_code == 0
    again = runner.invoke(main, ["init", str(folder), "--yes", *FLAGS])
    assert again.exit_code == 1 and "already exists (use --force to replace it)" in again.output


def test_init_bad_value_is_reported_with_its_key(runner, tmp_path) -> None:
    result = runner.invoke(main, ["init", str(tmp_path / "bad"), "--yes", *FLAGS,
                                  "--colour", "green"])
    assert result.exit_code == 1
    assert "brand.primary: 'green' is not a colour" in result.output
    assert not (tmp_path / "bad").exists()  # nothing written: the same command, fixed, works


def test_init_refused_leaves_nothing_and_a_retry_works(runner, tmp_path) -> None:
    folder = tmp_path / "montreal"
    long_name = ["--name", "Clínica São João Physiothérapie & Acupuncture Integrative du "
                           "Grand-Montréal-Ouest"]  # 81 characters
    flags = [*FLAGS[2:], "--practitioner", "Marie-Ève Tremblay-O'Connor"]
    refused = runner.invoke(main, ["init", str(folder), "--yes", *long_name, *flags])
    assert refused.exit_code == 1
    assert "name: is 81 characters long; at most 80 fit" in refused.output
    assert "nothing was written" in refused.output and not folder.exists()
    fixed = runner.invoke(main, ["init", str(folder), "--yes", "--name", "Clínica São João",
                                 *flags])
    assert fixed.exit_code == 0, fixed.output
    config = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
    assert config["practitioners"][0]["id"] == "marie-eve-tremblay-o-connor"  # È → e, not dropped


@pytest.mark.parametrize("name, ident", [
    ("Dr. Siobhán Ní Bhriain-Łukasiewicz", "dr-siobhan-ni-bhriain-lukasiewicz"),
    ("Søren Ærø", "soren-aero"), ("Þórður Guðmundsson", "thordur-gudmundsson"),
    ("Đặng Thị Ngọc", "dang-thi-ngoc"), ("Anna Weiß", "anna-weiss"), ("陳小明", "practitioner")])
def test_practitioner_id_keeps_every_latin_letter(name, ident) -> None:
    """Letters Unicode does not decompose (ł, ø, þ, đ, ß …) become their plain letters; no
    letter of a Latin name is dropped from its id."""
    assert practitioner_id(name) == ident


def test_init_refuses_a_logo_the_header_cannot_show(runner, tmp_path) -> None:
    """A 4000×150 logo passed init and then failed `check`: init checks as `check` does."""
    from PIL import Image

    logo = tmp_path / "wide.png"
    Image.new("RGB", (4000, 150), (0, 90, 160)).save(logo)
    folder = tmp_path / "wide-clinic"
    result = runner.invoke(main, ["init", str(folder), "--yes", *FLAGS, "--practitioner",
                                  "Sam Lee", "--logo", str(logo)])
    assert result.exit_code == 1
    assert "logo: the logo is 4000×150 pixels: too wide and flat" in result.output
    assert "nothing was written" in result.output and not folder.exists()


def test_init_in_a_folder_whose_name_cannot_be_an_id_writes_one(runner, tmp_path) -> None:
    """'Main St Physio' as a folder: init said "add id = …" (it has no --id) and wrote nothing."""
    folder = tmp_path / "Main St Physio"
    result = runner.invoke(main, ["init", str(folder), "--yes", *FLAGS])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
    assert config["id"] == "main-st-physio"
    assert f"--clinic '{folder}'" in result.output  # the next command, quoted for the shell
    assert runner.invoke(main, ["check", "--no-render", str(folder)]).exit_code == 0
