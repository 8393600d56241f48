"""Hostile inputs (issue 9): every case ends in one clean line and exit code, never a traceback, a
hang or a half-written file. One row per case: set-up, arguments, exit code, message, output."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from handouts.cli import main

from conftest import DATE, EXAMPLES, ROOT

TEMPLATE = ROOT / "templates" / "ims-vs-acupuncture" / "en.md.j2"
FRONT = TEMPLATE.read_text(encoding="utf-8").split("+++\n", 2)
FRONT_MATTER = f"+++\n{FRONT[1]}+++\n"
CLEAN_FAILURE = 1
USAGE = 2


@dataclass(frozen=True)
class Case:
    """One hostile input: `setup(tmp)` builds it and returns the CLI arguments."""

    id: str
    issue_class: int              # the class of issue 9 it belongs to (1-8)
    setup: Callable[[Path], list[str]]
    code: int
    message: str                  # a fragment of the one-line error
    output: str | None = "out.pdf"  # must not exist afterwards (None: nothing to check)


# ---- builders -------------------------------------------------------------------------------

def clinic(tmp: Path, sample: str = "harbour-physio", name: str = "c") -> Path:
    folder = tmp / name
    shutil.copytree(EXAMPLES / sample, folder)
    return folder


def generate(folder: Path, tmp: Path, *extra: str) -> list[str]:
    return ["generate", "--clinic", str(folder), "--date", DATE, "-o", str(tmp / "out.pdf"),
            *extra]


def with_toml(data: bytes | str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        folder = clinic(tmp)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        (folder / "clinic.toml").write_bytes(raw)
        return generate(folder, tmp)
    return setup


def with_file(name: str, make: Callable[[Path], None], sample: str = "harbour-physio",
              ) -> Callable[[Path], list[str]]:
    """A clinic file replaced by what `make(path)` puts there (a pipe, a link, other bytes)."""
    def setup(tmp: Path) -> list[str]:
        folder = clinic(tmp, sample)
        (folder / name).unlink()
        make(folder / name)
        return generate(folder, tmp)
    return setup


def toml_special(make: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    return with_file("clinic.toml", make)


def with_logo(data: Callable[[bytes], bytes], sample: str = "harbour-physio",
              name: str = "logo.png") -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        folder = clinic(tmp, sample)
        (folder / name).write_bytes(data((folder / name).read_bytes()))
        return generate(folder, tmp)
    return setup


def with_letterhead(make: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    return with_file("letterhead.pdf", make, "cedar-lane-wellness")


def with_template(body: str | bytes, extra: Callable[[Path], None] | None = None,
                  ) -> Callable[[Path], list[str]]:
    """A clinic template: the stock front matter, then `body` (bytes: the whole file)."""
    def setup(tmp: Path) -> list[str]:
        folder = clinic(tmp)
        own = folder / "templates" / "ims-vs-acupuncture"
        own.mkdir(parents=True)
        raw = body if isinstance(body, bytes) else (FRONT_MATTER + body).encode("utf-8")
        (own / "en.md.j2").write_bytes(raw)
        if extra:
            extra(folder / "templates")
        return generate(folder, tmp)
    return setup


def plain(*extra: str, sample: str = "harbour-physio") -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        return generate(clinic(tmp, sample), tmp, *extra)
    return setup


def truncate(at: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * at)]


def bad_crc(data: bytes) -> bytes:
    i = data.index(b"IDAT") + 8  # inside the first image-data chunk: its CRC no longer matches
    return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]


def flate_bomb(size: int) -> Callable[[Path], None]:
    """A one-page letter-sized PDF whose content stream inflates to `size` bytes."""
    def make(path: Path) -> None:
        from pypdf import PdfWriter
        from pypdf.generic import NameObject, StreamObject

        writer = PdfWriter()
        page = writer.add_blank_page(612, 792)
        stream = StreamObject()
        stream._data = zlib.compress(b" " * size, 9)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(stream)
        with path.open("wb") as fh:
            writer.write(fh)
    return make


def link_outside(name: str) -> Callable[[Path], None]:
    """Make templates/<name> a link to a file next to (outside) the clinic folder."""
    def make(templates: Path) -> None:
        secret = templates.parent.parent / "secret.txt"
        secret.write_text("SECRET-OUTSIDE-THE-CLINIC\n", encoding="utf-8")
        (templates / name).unlink(missing_ok=True)
        (templates / name).symlink_to(secret)
    return make


def link_to(target: Path) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def batch_out(make: Callable[[Path], Path]) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        return ["batch", str(clinic(tmp)), "--out", str(make(tmp)), "--date", DATE, "-q"]
    return setup


def existing_file(tmp: Path) -> Path:
    (tmp / "out.pdf").write_bytes(b"")  # an existing file: must stay as it is (checked below)
    return tmp / "out.pdf"


def email(to: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        return ["email", "--clinic", str(clinic(tmp)), "--practitioner", "sam-taylor", "--date",
                DATE, "--to", to, "-o", str(tmp / "out.pdf")]
    return setup


def printing(*extra: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        return ["print", "--clinic", str(clinic(tmp)), "--date", DATE, *extra]
    return setup


def nested(depth: int) -> str:
    return "name = " + "[" * depth + "]" * depth + "\n"


BOM_TOML = b"\xef\xbb\xbf" + (EXAMPLES / "harbour-physio" / "clinic.toml").read_bytes()
TALL_BOX = "# T\n\n## Red flags\n\n::: warning\n" + "".join(f"- item {i}\n" for i in range(150)) + ":::\n"

CASES = [
    # 1. tracebacks
    Case("toml-nested-5000", 1, with_toml(nested(5000)), 1, "nested too deeply"),
    Case("toml-nested-400", 1, with_toml(nested(400)), 1, "name: must be a string, not a list"),
    Case("png-truncated-half", 1, with_logo(truncate(0.5)), 1, "is a damaged image"),
    Case("png-truncated-header", 1, with_logo(truncate(0.02)), 1, "logo: 'logo.png'"),
    Case("png-bad-crc", 1, with_logo(bad_crc), 1, "is a damaged image"),
    Case("jpeg-truncated", 1, with_logo(truncate(0.6), "cedar-lane-wellness", "logo.jpg"), 1,
         "is a damaged image"),
    Case("letterhead-flate-bomb", 1, with_letterhead(flate_bomb(100_000_000)), 1,
         "expands to too much data"),
    Case("letterhead-garbage", 1, with_letterhead(lambda p: p.write_bytes(b"%PDF-1.4\n" + b"\0" * 999)),
         1, "is not a readable PDF"),
    Case("letterhead-truncated", 1, with_letterhead(
        lambda p: p.write_bytes((EXAMPLES / "cedar-lane-wellness" / "letterhead.pdf").read_bytes()[:700])),
         1, "letterhead: 'letterhead.pdf'"),
    Case("batch-out-is-a-file", 1, batch_out(existing_file), 1, "is a file, not a folder", None),
    Case("batch-out-under-a-file", 1, batch_out(lambda t: existing_file(t) / "sub"), 1,
         "cannot write there", None),
    Case("template-string-times-10**9", 1, with_template('# {{ "ab" * 10**9 }}\n'), 1,
         "repeating a text 1,000,000,000 times"),
    Case("template-macro-recursion", 1, with_template(
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}# {{ f(0) }}\n"), 1, "calls itself too deeply"),
    Case("template-include-itself", 1, with_template(
        '# x\n{% include "ims-vs-acupuncture/en.md.j2" %}\n'), 1, "calls itself too deeply"),
    # 2. hangs and unbounded resources
    Case("toml-fifo", 2, toml_special(lambda p: os.mkfifo(p)), 1, "is not a regular file (a named pipe)"),
    Case("toml-dev-zero", 2, toml_special(link_to(Path("/dev/zero"))), 1,
         "is not a regular file (a device)"),
    Case("toml-1mb", 2, with_toml(b"# " + b"x" * 1_000_000 + b"\n"), 1, "at most 256 KB"),
    Case("toml-is-a-folder", 2, toml_special(lambda p: p.mkdir()), 1, "(a folder)"),
    Case("logo-fifo", 2, with_file("logo.png", os.mkfifo), 1, "not a regular file"),
    Case("letterhead-dev-zero", 2, with_letterhead(link_to(Path("/dev/zero"))), 1,
         "outside the clinic folder"),
    Case("letterhead-fifo", 2, with_letterhead(os.mkfifo), 1, "not a regular file"),
    Case("template-power-tower", 2, with_template("# {{ 9**(9**9) }}\n"), 1, "a power far too large"),
    Case("template-nested-range", 2, with_template(
        "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}# x\n"), 1,
         "loops run more than"),
    Case("template-huge-range", 2, with_template("{% for i in range(10**9) %}{% endfor %}# x\n"),
         1, "range() of 1,000,000,000 items"),
    Case("template-lipsum", 2, with_template("# {{ lipsum(10**6) }}\n"), 1, "too large here"),
    Case("template-doubling", 2, with_template(
        '{% set a = "x" * 100000 %}{% set b = a ~ a ~ a %}# {{ b }}\n'), 1, "characters or items"),
    Case("template-wide-format", 2, with_template('# {{ "%0999999999d" % 1 }}\n'), 1,
         "huge width"),
    Case("template-center", 2, with_template('# {{ "x"|center(10**9) }}\n'), 1, "too large here"),
    Case("template-replace-bomb", 2, with_template(
        '# {{ ("a" * 100000)|replace("a", "aaaaaaaaaa") }}\n'), 1, "too long"),
    Case("template-long-output", 2, with_template('# x\n\n{{ "word " * 20000 }}\n'), 1,
         "at most 50,000"),
    Case("template-include-fifo", 2, with_template(
        '# x\n{% include "pipe.md" %}\n', lambda t: os.mkfifo(t / "pipe.md")), 1,
         "not a regular file"),
    # 3. reading outside the clinic folder
    Case("include-symlink-outside", 3, with_template(
        '# x\n{% include "secret.md" %}\n', link_outside("secret.md")), 1,
         "outside the clinic folder"),
    Case("include-dotdot", 3, with_template('# x\n{% include "../clinic.toml" %}\n'), 1,
         'without ".."'),
    Case("include-absolute", 3, with_template('# x\n{% include "/etc/passwd" %}\n'), 1,
         "not found in the clinic's templates"),
    Case("template-itself-a-link-outside", 3, with_template(
        "# x\n", link_outside("ims-vs-acupuncture/en.md.j2")), 1, "outside the clinic folder"),
    Case("logo-link-outside", 3, with_file("logo.png", link_to(EXAMPLES / "harbour-physio" /
                                                              "logo.png")), 1,
         "outside the clinic folder"),
    Case("letterhead-link-outside", 3, with_letterhead(
        link_to(EXAMPLES / "cedar-lane-wellness" / "letterhead.pdf")), 1, "outside the clinic folder"),
    # 4. silent wrong output
    Case("empty-password", 4, plain("--password", ""), USAGE, "the password must not be empty"),
    Case("blank-password", 4, plain("--password", "   "), USAGE, "must not be empty or only spaces"),
    Case("unknown-box", 4, with_template("# x\n\n::: danger\nhello\n:::\n"), 1,
         "unknown box '::: danger'"),
    Case("for-bidi-override", 4, plain("--for", "Alex\u202eeoD"), USAGE, "U+202E"),
    Case("for-zero-width", 4, plain("--for", "Alex\u200bDoe"), USAGE, "U+200B"),
    Case("for-newline", 4, plain("--for", "Alex\nDoe"), USAGE, "U+000A"),
    Case("email-two-recipients", 4, email("a@x.example,b@y.example"), 1, "exactly one e-mail address"),
    Case("email-semicolon", 4, email("a@x.example;b@y.example"), 1, "exactly one e-mail address"),
    Case("email-display-list", 4, email("a@x.example b@y.example"), 1, "exactly one"),
    Case("print-cups-down", 4, printing("--printer", "front-desk"), 1, "CUPS is not running", None),
    Case("print-cups-down-default-printer", 4, printing(), 1, "CUPS is not running", None),
    # 6. messages that leak internals
    Case("toml-bom", 6, with_toml(BOM_TOML), 1, "byte-order mark (BOM)"),
    Case("block-taller-than-a-page", 6, with_template(TALL_BOX), 1,
         'the section "Red flags" has a box, table or list'),
    Case("toml-not-utf8", 6, with_toml(b'name = "Caf\xe9"\n'), 1, "is not UTF-8 text"),
    Case("toml-utf16", 6, with_toml("\ufeffname = 'x'\n".encode("utf-16")), 1,
         "is not UTF-8 text (byte 0)"),
    Case("template-unsafe-attribute", 6, with_template("# {{ clinic.__class__.__mro__ }}\n"), 1,
         "is unsafe"),
    Case("template-not-utf8", 6, with_template(b"+++\ntitle = \"\xff\"\n+++\n# x\n"), 1,
         "is not UTF-8 text"),
]


@pytest.fixture
def cli(monkeypatch, tmp_path: Path) -> Callable[[list[str]], tuple[int, str]]:
    monkeypatch.delenv("HANDOUTS_DEBUG", raising=False)
    # A scheduler socket nobody listens on: for these tests, CUPS is down.
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))

    def run(args: list[str]) -> tuple[int, str]:
        result = CliRunner().invoke(main, args)
        return result.exit_code, result.output
    return run


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.issue_class}-{c.id}")
def test_hostile_input(case: Case, cli, tmp_path: Path) -> None:
    if case.id.startswith("print-") and shutil.which("lp") is None:
        if os.environ.get("HANDOUTS_REQUIRE_CUPS") == "1":  # CI installs CUPS: never skip there
            pytest.fail("the CUPS client (lp) is not installed, and CI requires it")
        pytest.skip("the CUPS client (lp) is not installed")
    args = case.setup(tmp_path)
    before = (tmp_path / "out.pdf").exists()
    code, output = cli(args)
    assert "Traceback" not in output
    assert code == case.code, output
    assert case.message in output, output
    assert "SECRET-OUTSIDE" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    if code == CLEAN_FAILURE:
        # one line per problem (a broken clinic.toml lists every problem at once)
        assert lines and all(line.startswith("Error: ") for line in lines), output
    if case.output is not None and not before:
        assert not (tmp_path / case.output).exists()
        assert not list(tmp_path.glob(".out.pdf.*"))  # no temporary file left either


def test_cases_cover_every_class() -> None:
    per_class = {n: sum(c.issue_class == n for c in CASES) for n in range(1, 9)}
    assert all(per_class[n] >= 3 for n in (1, 2, 3, 4, 6)), per_class


# ---- 1. the error boundary itself -------------------------------------------------------------

def _explode(*_args: object, **_kwargs: object) -> None:
    raise ZeroDivisionError("a bug")


def test_unexpected_error_is_one_line_without_traceback(monkeypatch, tmp_path) -> None:
    import handouts.service

    monkeypatch.delenv("HANDOUTS_DEBUG", raising=False)
    monkeypatch.setattr(handouts.service, "generate", _explode)
    result = CliRunner().invoke(main, plain()(tmp_path))
    assert result.exit_code == 1
    assert result.output == ("Error: internal error, please report (ZeroDivisionError); rerun "
                             "with --debug or HANDOUTS_DEBUG=1 for details\n")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(monkeypatch, tmp_path, how) -> None:
    import handouts.service

    monkeypatch.setattr(handouts.service, "generate", _explode)
    args = plain()(tmp_path)
    if how == "flag":
        args = ["--debug", *args]
    else:
        monkeypatch.setenv("HANDOUTS_DEBUG", "1")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "ZeroDivisionError: a bug" in result.output and "internal error" in result.output


def _cli_subprocess(args: list[str], prelude: str = "", **kwargs: object) -> subprocess.CompletedProcess:
    code = f"import sys\n{prelude}\nfrom handouts.cli import main\nmain(sys.argv[1:], prog_name='handouts')"
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, timeout=120, **streams)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_stdout_on_a_full_device(tmp_path) -> None:
    with open("/dev/full", "wb") as full:
        proc = _cli_subprocess(["generate", "--clinic", str(clinic(tmp_path)), "--date", DATE,
                                "-o", "-"], stdout=full, stderr=subprocess.PIPE)
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err and "Exception ignored" not in err, err
    assert err == "Error: standard output: cannot write (No space left on device)\n"


def test_password_without_cryptography(tmp_path) -> None:
    out = tmp_path / "out.pdf"
    proc = _cli_subprocess(["generate", "--clinic", str(clinic(tmp_path)), "--date", DATE, "-o",
                            str(out), "--password", "s3cret"],
                           prelude="sys.modules['cryptography'] = None  # as if not installed")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert "needs the `cryptography` package" in err and not out.exists()


# ---- 2. limits that need a measurement ----------------------------------------------------------

def test_a_template_that_runs_too_long_is_stopped(monkeypatch, tmp_path) -> None:
    from handouts import sandbox

    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.2)
    monkeypatch.setattr(sandbox, "MAX_STEPS", 10**9)  # only the clock can stop it
    slow = "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}# x\n"
    result = CliRunner().invoke(main, with_template(slow)(tmp_path))
    assert result.exit_code == 1
    assert "rendering took longer than" in result.output and "Traceback" not in result.output


def test_a_huge_stray_file_is_hashed_in_constant_memory(tmp_path) -> None:
    import tracemalloc

    from handouts.manifest import clinic_digest

    folder = clinic(tmp_path)
    with (folder / "stray.bin").open("wb") as fh:  # sparse: 256 MB on paper, nothing on disk
        fh.truncate(256 * 1024 * 1024)
    tracemalloc.start()
    try:
        digest = clinic_digest(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(digest) == 64 and peak < 8 * 1024 * 1024, peak


# ---- 4. silent wrong output: logo orientation and file modes ------------------------------------

def test_exif_orientation_is_applied(tmp_path) -> None:
    from PIL import Image

    from handouts.config import load_clinic
    from handouts.logo import logo_reader

    folder = clinic(tmp_path, "cedar-lane-wellness")
    img = Image.new("RGB", (300, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to display
    img.save(folder / "logo.jpg", "JPEG", exif=exif.tobytes())
    clinic_ = load_clinic(folder)
    assert (clinic_.logo.width, clinic_.logo.height) == (200, 300)
    width, height = logo_reader(clinic_.logo).getSize()
    assert height > width  # drawn upright: tall, as the camera meant it
    result = CliRunner().invoke(main, generate(folder, tmp_path))
    assert result.exit_code == 0, result.output


def _embedded_logo(folder: Path, tmp: Path, logo: str, *extra: str) -> tuple[str, tuple]:
    """Generate with `logo` as the clinic's logo; return the embedded image's colour space and
    the colour of its centre pixel, as it is in the PDF."""
    from pypdf import PdfReader

    toml = folder / "clinic.toml"
    toml.write_text(re.sub(r'(?m)^logo = ".*"', f'logo = "{logo}"',
                           toml.read_text(encoding="utf-8")), encoding="utf-8")
    result = CliRunner().invoke(main, generate(folder, tmp, *extra))
    assert result.exit_code == 0, result.output
    [image] = PdfReader(tmp / "out.pdf").pages[0].images
    pixels = image.image.convert("RGB")
    return str(image.indirect_reference.get_object()["/ColorSpace"]), \
        pixels.getpixel((pixels.width // 2, pixels.height // 2))


def test_a_16_bit_grey_logo_prints_grey_not_blank(tmp_path) -> None:
    """Pillow converts 16-bit grey to 8 bits by clipping: every value over 255 became white."""
    from PIL import Image

    folder = clinic(tmp_path)
    Image.new("I;16", (240, 240), 30000).save(folder / "grey16.png")  # 46 % grey
    _, (r, g, b) = _embedded_logo(folder, tmp_path, "grey16.png")
    assert r == g == b and 100 <= r <= 130, (r, g, b)


def test_a_cmyk_jpeg_logo_goes_in_as_rgb(tmp_path) -> None:
    """A small CMYK JPEG used to go in as it was: DeviceCMYK, which PDF/A allows only with a
    CMYK output intent (the archive form's is sRGB). It is made RGB, its colour kept."""
    from PIL import Image

    folder = clinic(tmp_path)
    Image.new("RGB", (120, 120), (10, 80, 160)).convert("CMYK").save(folder / "cmyk.jpg", "JPEG")
    space, (r, g, b) = _embedded_logo(folder, tmp_path, "cmyk.jpg", "--archive")
    assert space == "/DeviceRGB"
    assert b > 120 and r < 60 and abs(g - 80) < 40, (r, g, b)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("mask, expected", [(0o077, 0o600), (0o022, 0o644)])
def test_files_follow_the_umask(tmp_path, mask, expected) -> None:
    folder = clinic(tmp_path)
    old = os.umask(mask)
    try:
        named = CliRunner().invoke(main, generate(folder, tmp_path, "--for", "Jane Doe"))
        eml = CliRunner().invoke(main, email("jane@example.com")(tmp_path / "mail")[:-2] +
                                 ["-o", str(tmp_path / "draft.eml")])
        batch = subprocess.run([sys.executable, "generate.py", "batch", str(folder), "--out",
                                str(tmp_path / "b"), "--date", DATE, "-q", "--jobs", "1",
                                "--handout", "ims-vs-acupuncture", "--lang", "en"],
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        os.umask(old)
    assert named.exit_code == 0 and eml.exit_code == 0 and batch.returncode == 0, batch.stderr
    written = [tmp_path / "out.pdf", tmp_path / "draft.eml", *(tmp_path / "b").rglob("*.*")]
    assert len(written) > 4
    assert {p.name: _mode(p) for p in written} == {p.name: expected for p in written}


# ---- 5. the manifest always agrees with the disk ---------------------------------------------

def _batch(tmp: Path, clinics: list[Path], env: dict | None = None, jobs: int = 2) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "generate.py", "batch", *map(str, clinics), "--out",
                             str(tmp / "out"), "--jobs", str(jobs), "--date", DATE],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def manifest_agrees_with_disk(out: Path) -> list[dict]:
    """Every built row's file exists with its hash; every PDF on disk is a built row; no temp files."""
    import hashlib
    import json

    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["jobs"]
    by_path = {r["path"]: r for r in rows if r["path"]}
    for path in out.rglob("*.pdf"):
        row = by_path.get(str(path.relative_to(out)))
        assert row is not None and row["status"] == "built", (path, row)
        assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    for row in by_path.values():
        assert (row["status"] == "built") == (out / row["path"]).is_file(), row
    assert not list(out.rglob("*.part"))
    assert (out / "manifest.csv").is_file()
    return rows


@pytest.mark.parametrize("where", ["written", "received"])
def test_signal_inside_the_window_is_recorded(tmp_path, where) -> None:
    """SIGINT lands after a worker wrote its PDF but before the parent recorded it (`written`), or
    while the parent holds the result but has not recorded it yet (`received`)."""
    target = "fr/clinic-letter"
    proc = _batch(tmp_path, [EXAMPLES / "harbour-physio"],
                  {"HANDOUTS_FAULT_SIGNAL": f"{target}:{where}"}, jobs=1)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Batch (interrupted)" in err and "Traceback" not in err
    rows = manifest_agrees_with_disk(tmp_path / "out")
    status = {r["path"].split("/", 2)[2]: r["status"] for r in rows}
    assert status[f"{target}.pdf"] == "built"
    assert "pending" in status.values()  # it did stop: later jobs were never started


def _wait_for_pdfs(out: Path, count: int, proc: subprocess.Popen) -> None:
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.rglob("*.pdf"))) >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the batch wrote no PDF in time")


def _chain(tmp: Path, copies: int) -> list[Path]:
    return [clinic(tmp, "harbour-physio", f"clinic-{i:02d}") for i in range(copies)]


@pytest.mark.parametrize("signals", [["SIGINT", "SIGINT"], ["SIGTERM"], ["SIGTERM", "SIGINT"]])
def test_stop_signals_leave_a_manifest(tmp_path, signals) -> None:
    import signal as sig
    import time

    proc = _batch(tmp_path, _chain(tmp_path, 8))
    _wait_for_pdfs(tmp_path / "out", 2, proc)
    for name in signals:  # in quick succession: a second one means "stop now"
        proc.send_signal(getattr(sig, name))
        time.sleep(0.01)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Batch (interrupted)" in err and "Traceback" not in err and "Aborted" not in err
    rows = manifest_agrees_with_disk(tmp_path / "out")
    assert any(r["status"] == "pending" for r in rows)


def test_reconcile_records_a_pdf_whose_result_was_lost(tmp_path) -> None:
    from handouts.batch import _identity, reconcile
    from handouts.manifest import Row

    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    stale, fresh = out / "a" / "stale.pdf", out / "a" / "fresh.pdf"
    stale.write_bytes(b"%PDF old")
    pdf = _one_pdf(tmp_path)
    rows = [Row("c", "", "h", "en", "letter", "a/stale.pdf", status="pending"),
            Row("c", "", "h", "en", "letter", "a/fresh.pdf", status="pending")]
    before = {r.path: _identity(out / r.path) for r in rows}
    fresh.write_bytes(pdf)  # written by a worker that was stopped before it could report
    assert reconcile(out, rows, before) == 1
    assert [r.status for r in rows] == ["pending", "built"]
    assert rows[1].pages == 2 and rows[1].bytes == len(pdf)


def _one_pdf(tmp: Path) -> bytes:
    result = CliRunner().invoke(main, plain()(tmp))
    assert result.exit_code == 0, result.output
    return (tmp / "out.pdf").read_bytes()


# ---- 7. the print tests leave the machine as it was --------------------------------------------

def _machine_state() -> tuple:
    etc = Path("/etc/cups")
    listing = sorted((str(p), p.stat().st_mtime_ns) for p in etc.rglob("*")) if etc.is_dir() else []
    home_pdf = sorted(str(p) for p in (Path.home() / "PDF").glob("*")) if (Path.home() / "PDF").is_dir() else []
    return listing, home_pdf, os.environ.get("CUPS_SERVER")


def test_private_cups_scheduler_leaves_nothing_behind(tmp_path) -> None:
    import private_cups

    why = private_cups.unavailable()
    if why is not None and os.environ.get("HANDOUTS_REQUIRE_CUPS") != "1":
        pytest.skip(why)
    before = _machine_state()
    with private_cups.private_cups("handouts-hostile") as (server, pdf_dir):
        root = Path(server).parent
        env = {**os.environ, "CUPS_SERVER": server}
        queues = subprocess.run(["lpstat", "-p"], capture_output=True, text=True, env=env).stdout
        assert "handouts-hostile" in queues
        job = subprocess.run(["lp", "-d", "handouts-hostile", "-t", "probe",
                              str(EXAMPLES / "cedar-lane-wellness" / "letterhead.pdf")],
                             capture_output=True, text=True, env=env)
        assert "request id is handouts-hostile-" in job.stdout, job
        assert pdf_dir.is_relative_to(root)
    assert not root.exists()  # ServerRoot, spool, socket and cups-pdf output: all gone
    assert _machine_state() == before  # /etc/cups untouched, nothing in ~/PDF, env unchanged
    system = subprocess.run(["lpstat", "-p"], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "CUPS_SERVER"})
    assert "handouts-hostile" not in system.stdout  # no queue was added to the system's CUPS


# ---- 8. set-up uses the package managers' own clients only -------------------------------------

def test_dev_script_downloads_nothing_itself() -> None:
    text = (ROOT / "dev").read_text(encoding="utf-8")
    for forbidden in ("urllib", "https://", "http://", "curl ", "wget ", "pip.whl"):
        assert forbidden not in text, forbidden


def _fake_tools(tmp: Path, uid: int) -> tuple[Path, Path]:
    """A PATH whose python3 has no working venv module, an `id` reporting `uid`, and an apt-get
    that only records how it was called."""
    bin_dir, log = tmp / "bin", tmp / "calls.log"
    bin_dir.mkdir()
    scripts = {
        "python3": f'#!/bin/sh\necho "python3 $*" >> {log}\n'
                   '[ "$1" = "-m" ] && [ "$2" = "venv" ] && { echo "ensurepip is not available" >&2; exit 1; }\n'
                   f'exec {sys.executable} "$@"\n',
        "id": f"#!/bin/sh\necho {uid}\n",
        "apt-get": f'#!/bin/sh\necho "apt-get $*" >> {log}\nexit 0\n',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir, log


@pytest.mark.parametrize("uid", [1000, 0])
def test_dev_without_venv_module(tmp_path, uid) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "dev", project / "dev")
    bin_dir, log = _fake_tools(tmp_path, uid)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", str(project / "dev"), "samples"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)
    calls = log.read_text(encoding="utf-8") if log.exists() else ""
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "sudo apt-get install python3-venv" in proc.stderr  # says what to install
    assert not (project / ".venv").exists()
    assert ("apt-get install -y -q python3-venv" in calls) == (uid == 0), calls


# ---- property: any bytes as clinic.toml, logo or letterhead ------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TARGETS = {  # file → (sample clinic it belongs to, a valid original to mutate)
    "clinic.toml": "harbour-physio",
    "logo.png": "harbour-physio",
    "logo.jpg": "cedar-lane-wellness",
    "letterhead.pdf": "cedar-lane-wellness",
}


@st.composite
def hostile_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """Random bytes, or the valid file truncated and with a few bytes changed."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=4096))
    data = bytearray(original[: draw(st.integers(0, len(original)))])
    for _ in range(draw(st.integers(0, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


FUZZ_EXAMPLES = int(os.environ.get("HANDOUTS_FUZZ_EXAMPLES", "80"))  # more for a longer hunt


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data(), target=st.sampled_from(sorted(TARGETS)))
def test_random_bytes_give_a_clean_error_or_a_valid_pdf(tmp_path_factory, data, target) -> None:
    from pypdf import PdfReader

    tmp = tmp_path_factory.mktemp("fuzz")
    folder = clinic(tmp, TARGETS[target])
    (folder / target).write_bytes(data.draw(hostile_bytes((folder / target).read_bytes())))
    result = CliRunner().invoke(main, generate(folder, tmp))
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    out = tmp / "out.pdf"
    if result.exit_code == 0:
        assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) >= 1
    else:
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert lines and all(line.startswith("Error: ") for line in lines), result.output
        assert not out.exists()


# ---- 4. printing: localized CUPS messages and job ids --------------------------------------------

def _fake_cups(tmp: Path, lp_output: str) -> Path:
    """`lp` and `lpstat` that answer in German unless LC_ALL=C (as a localized CUPS does)."""
    bin_dir = tmp / "fake-cups"
    bin_dir.mkdir()
    scripts = {
        "lpstat": '#!/bin/sh\nif [ "$LC_ALL" = C ]; then echo "scheduler is running"; '
                  'else echo "Planer läuft"; fi\n',
        "lp": f'#!/bin/sh\ncat > /dev/null\nif [ "$LC_ALL" = C ]; then echo "{lp_output}"; '
              'else echo "Anfrage-ID ist front-desk-42 (1 Datei(en))"; fi\n',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("lp_output, job_id", [
    ("request id is front-desk-42 (1 file(s))", "front-desk-42"),
    ("request id is hp-4050-tray-2-1234 (1 file(s))", "hp-4050-tray-2-1234"),
    ("request id is q-7", "q-7"),
])
def test_print_reads_cups_in_c_locale(monkeypatch, tmp_path, lp_output, job_id) -> None:
    monkeypatch.setenv("PATH", f"{_fake_cups(tmp_path, lp_output)}:{os.environ['PATH']}")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    result = CliRunner().invoke(main, printing()(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output == f"Sent to the printer: CUPS job {job_id}\n"


@pytest.mark.skipif((os.geteuid() != 0 or shutil.which("unshare") is None)
                    and os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
                    reason="needs root and unshare to mount a read-only file system (never "
                           "skipped in CI)")
def test_batch_out_on_a_read_only_mount(tmp_path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    script = (f'mount -t tmpfs -o ro tmpfs "{ro}" && exec "{sys.executable}" generate.py batch '
              f'"{clinic(tmp_path)}" --out "{ro}/out" --date {DATE}')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    if "mount:" in proc.stderr:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"cannot mount in CI, where this test must run: {proc.stderr.strip()}")
        pytest.skip(f"cannot mount here: {proc.stderr.strip()}")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr == f"Error: --out {ro}/out: cannot write there (Read-only file system)\n"
