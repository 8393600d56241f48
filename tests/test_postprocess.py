"""postprocess: the clinic letterhead under page 1 (refused when unusable), AES-256 encryption."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from handouts.cli import main

from conftest import DATE, EXAMPLES, pdf_text


def letterhead(path: Path, pages: int = 1, size=(612, 792), rotate: int = 0, link: bool = False,
               password: str | None = None) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(*size)
        if rotate:
            page.rotate(rotate)
        if link:
            action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                       NameObject("/JS"): TextStringObject("app.alert(1)")})
            annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                      NameObject("/Subtype"): NameObject("/Link"),
                                      NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                      NameObject("/A"): action})
            page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
            page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    if password:
        writer.encrypt(password, algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def run(runner, folder: Path, out: Path, *extra: str):
    return runner.invoke(main, ["generate", "--clinic", str(folder), "--date", DATE, "-o", str(out), *extra])


def test_letterhead_goes_under_page_one_without_actions(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'logo = "logo.png"': 'logo = "logo.png"\nletterhead = "lh.pdf"'})
    letterhead(folder / "lh.pdf", link=True)
    out = tmp_path / "h.pdf"
    result = run(runner, folder, out)
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    first = reader.pages[0]
    assert "/Annots" not in first or all("/JavaScript" not in str(a.get_object()) for a in first["/Annots"])
    assert "/AA" not in first and b"JavaScript" not in out.read_bytes()
    assert "IMS and acupuncture" in pdf_text(out.read_bytes())


@pytest.mark.parametrize("kwargs, content, expected", [
    ({"pages": 2}, None, "'lh.pdf' has 2 pages; it must have exactly one"),
    ({"size": (595, 842)}, None, "'lh.pdf' is 595×842 pt but the handout is 612×792 pt"),
    ({"rotate": 90}, None, "'lh.pdf' is rotated (90°)"),
    ({"password": "x"}, None, "'lh.pdf' is encrypted"),
    ({}, b"not a pdf at all", "'lh.pdf' is not a readable PDF"),
])
def test_bad_letterheads(runner, make_clinic, tmp_path, kwargs, content, expected) -> None:
    folder = make_clinic(replace={'logo = "logo.png"': 'logo = "logo.png"\nletterhead = "lh.pdf"'})
    if content is None:
        letterhead(folder / "lh.pdf", **kwargs)
    else:
        (folder / "lh.pdf").write_bytes(content)
    out = tmp_path / "h.pdf"
    result = run(runner, folder, out)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {folder / 'clinic.toml'}: letterhead: ") and expected in result.output
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_missing_letterhead_is_a_config_error(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={'logo = "logo.png"': 'logo = "logo.png"\nletterhead = "../x.pdf"'})
    result = run(runner, folder, tmp_path / "h.pdf")
    assert result.exit_code == 1 and "letterhead: '../x.pdf' is outside the clinic folder" in result.output


def test_sample_letterhead_is_deterministic(runner, tmp_path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    run(runner, EXAMPLES / "cedar-lane-wellness", a)
    run(runner, EXAMPLES / "cedar-lane-wellness", b)
    assert a.read_bytes() == b.read_bytes()


def test_password_encrypts_with_aes_256(runner, tmp_path, monkeypatch) -> None:
    out = tmp_path / "h.pdf"
    monkeypatch.setenv("HANDOUTS_PDF_PASSWORD", "open sesame")
    assert run(runner, EXAMPLES / "harbour-physio", out).exit_code == 0
    reader = PdfReader(out)
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"]
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6  # AES-256; RC4 would be V 1/2
    assert out.read_bytes().startswith(b"%PDF-1.7")  # not pypdf's 1.3: R6 is 1.7 extension 8
    assert reader.decrypt("open sesame")
    assert "IMS and acupuncture" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Extensions"]["/ADBE"]["/ExtensionLevel"] == 8


def test_a_password_set_empty_in_the_environment_is_refused(runner, tmp_path, monkeypatch) -> None:
    """Click takes an empty variable for unset: the PDF went out unencrypted without a word."""
    out = tmp_path / "h.pdf"
    monkeypatch.setenv("HANDOUTS_PDF_PASSWORD", "")
    result = run(runner, EXAMPLES / "harbour-physio", out)
    assert result.exit_code == 2 and "HANDOUTS_PDF_PASSWORD is set but empty" in result.output
    assert not out.exists()
    monkeypatch.setenv("HANDOUTS_PDF_PASSWORD", "open sesame")
    said = run(runner, EXAMPLES / "harbour-physio", out).output
    assert "AES-256 encrypted" in said  # the confirmation says the file is locked
