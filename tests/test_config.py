"""config: every bad-input class gives `<file>: <key>: <problem>`, all problems at once."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from handouts.config import load_clinic
from handouts.errors import ConfigError

from conftest import SAMPLE_CLINICS


@pytest.mark.parametrize("folder", SAMPLE_CLINICS, ids=lambda p: p.name)
def test_sample_clinics_load(folder: Path) -> None:
    clinic = load_clinic(folder)
    assert clinic.id == folder.name
    assert clinic.practitioners


def test_values_and_defaults(make_clinic) -> None:
    clinic = load_clinic(make_clinic(replace={'paper = "letter"\n': ""}))
    assert clinic.name == "Test Clinic"
    assert clinic.paper == "letter" and clinic.languages == ("en",)
    assert clinic.brand.primary == "#0B6E4F"
    assert [p.id for p in clinic.practitioners] == ["sam-taylor", "jo-no-needles"]
    assert clinic.logo is not None and clinic.logo.format == "PNG"


def problems(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_clinic(folder)
    return err.value.lines()


def test_toml_syntax_error_names_line(make_clinic) -> None:
    folder = make_clinic(replace={'phone = "604-555-0100"': 'phone = "604-555-0100'})
    (line,) = problems(folder)
    assert line.startswith(f"{folder / 'clinic.toml'}: line 3, column 22: ")
    assert "TOML syntax error" in line


def test_every_problem_reported_at_once(make_clinic) -> None:
    folder = make_clinic(replace={
        'name = "Test Clinic"\n': "",
        'phone = "604-555-0100"': "phone = 6045550100",
        'primary = "#0B6E4F"': 'primary = "green"',
        'website = "https://test-clinic.example"': 'website = "http://test-clinic.example"',
        'name = "Sam Taylor"': 'name = "   "',
        'id = "jo-no-needles"': 'id = "sam-taylor"',
        "needling_authorized = true": 'needling_authorized = "yes"',
    })
    src = folder / "clinic.toml"
    assert problems(folder) == [
        f"{src}: brand.primary: 'green' is not a colour like \"#0B6E4F\" (#RRGGBB)",
        f"{src}: name: required",
        f"{src}: phone: must be a string, not a number",
        f"{src}: website: 'http://test-clinic.example' must be a full https:// address",
        f"{src}: practitioners[0].name: must not be empty or only spaces",
        f"{src}: practitioners[0].needling_authorized: must be true or false, not a string",
        f"{src}: practitioners[1].id: duplicate id 'sam-taylor' (also practitioners[0])",
    ]


@pytest.mark.parametrize("replace, expected", [
    ({'name = "Test Clinic"': 'name = "Test\\u0007Clinic"'}, "name: contains control character U+0007"),
    ({'name = "Test Clinic"': 'name = "Test\\u202eClinic"'}, "name: contains control character U+202E"),
    ({'booking_url = "https://test-clinic.example/book"': 'booking_url = "javascript:alert(1)"'},
     "booking_url: 'javascript:alert(1)' must be a full https:// address"),
    ({'email = "desk@test-clinic.example"': 'email = "desk"'}, "email: 'desk' is not an e-mail address"),
    ({'paper = "letter"': 'paper = "legal"'}, "paper: 'legal' must be one of: letter, a4"),
    ({'accent = "#F2A541"': 'accent = "#F2A54"'}, "brand.accent: '#F2A54' is not a colour"),
    ({'id = "sam-taylor"': 'id = "Sam Taylor"'}, "practitioners[0].id: 'Sam Taylor' must be lowercase"),
    ({'address = ["1 Test Street", "Vancouver, BC"]': "address = []"}, "address: must list at least one entry"),
    ({'[brand]\nprimary = "#0B6E4F"\naccent = "#F2A541"\n': ""}, "brand: required"),
    ({'bookng = 1\n' if False else 'paper = "letter"': 'paper = "letter"\nbookng_url = "https://x.example"'},
     "bookng_url: unknown key (did you mean booking_url?)"),
    ({'credentials = ["FCAMPT"]': 'credentials = [{ name = "X" }]'},
     "practitioners[0].credentials[0].meaning: required"),
])
def test_bad_values(make_clinic, replace: dict, expected: str) -> None:
    lines = problems(make_clinic(replace=replace))
    assert any(expected in line for line in lines), lines


def test_missing_folder_and_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope") == [f"{tmp_path / 'nope'}: not a clinic folder (no such directory)"]
    (tmp_path / "empty").mkdir()
    assert "missing" in problems(tmp_path / "empty")[0]


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("logo, content, expected", [
    ("missing.png", None, "'missing.png' does not exist"),
    ("../outside.png", b"", "'../outside.png' is outside the clinic folder"),
    ("logo.gif", b"GIF89a" + b"\0" * 20, "'logo.gif' is not a PNG or JPEG image"),
    ("fake.png", b"this is text", "'fake.png' is not a PNG or JPEG image"),
    ("bomb.png", _png(50_000, 50_000), "'bomb.png' has too many pixels"),
    ("wide.png", _png(9000, 10), "'wide.png' is 9000×10 pixels"),
    ("huge.png", b"\x89PNG" + b"\0" * (3 * 1024 * 1024), "'huge.png' is 3072 KB; at most 2048 KB"),
])
def test_bad_logos(make_clinic, logo: str, content: bytes | None, expected: str) -> None:
    folder = make_clinic(replace={'logo = "logo.png"': f'logo = "{logo}"'})
    if content is not None:
        (folder / logo).write_bytes(content)
    (line,) = problems(folder)
    assert line == f"{folder / 'clinic.toml'}: logo: {expected}" or expected in line, line


def test_logo_symlink_outside_is_refused(make_clinic, tmp_path: Path) -> None:
    folder = make_clinic(replace={'logo = "logo.png"': 'logo = "link.png"'})
    (tmp_path / "secret.png").write_bytes((folder / "logo.png").read_bytes())
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    assert "outside the clinic folder" in problems(folder)[0]


def test_a_logo_shared_by_clinics_is_checked_once(make_clinic, monkeypatch) -> None:
    """A chain's clinics share one logo: its bytes are checked (PNG verified) once per
    process; other bytes, a damaged copy included, are checked on their own."""
    from PIL import Image

    import handouts.config as config

    monkeypatch.setattr(config, "_SOUND_LOGOS", {})
    opened = []
    real = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(1) or real(*a, **k))
    first, second = make_clinic(name="one"), make_clinic(name="two")
    assert config.load_clinic(first).logo.width == config.load_clinic(second).logo.width
    assert len(opened) == 2  # read and verified once, for both clinics
    damaged = make_clinic(name="three")
    data = (damaged / "logo.png").read_bytes()
    (damaged / "logo.png").write_bytes(data[:-20])
    with pytest.raises(Exception, match="logo"):
        config.load_clinic(damaged)
