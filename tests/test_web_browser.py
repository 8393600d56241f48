"""The front desk in a real browser: Debian's Chromium, driven by Playwright, against a real
`handouts serve` process. Screenshots and timings go to tests/artifacts/ (ignored by git)."""

from __future__ import annotations

import email
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, pdf_text
from webserver import ARTIFACTS, running_server, skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
NAME = "陳小明 Quorble"  # Chinese and Latin in one name; "Quorble" is in no handout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A real server over the sample clinics plus one whose clinic.toml has errors."""
    root = tmp_path_factory.mktemp("clinics")
    for folder in EXAMPLES.iterdir():
        if (folder / "clinic.toml").is_file():
            shutil.copytree(folder, root / folder.name)
    (root / "broken-clinic").mkdir()
    (root / "broken-clinic" / "clinic.toml").write_text('name = "Broken"\n[brand]\nprimary = "x"\n',
                                                        encoding="utf-8")
    log = tmp_path_factory.mktemp("log") / "server.log"
    with running_server(root, log=log) as url:
        yield url, log
    assert "Quorble" not in log.read_text(encoding="utf-8")  # the name never reaches the log


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright's Python package is not installed")
    if not CHROMIUM.exists():
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(server[0] + "/")
    wait_for_preview(tab, 0)
    yield tab
    context.close()
    assert errors == []  # no script errors, no CSP violations


def wait_for_preview(tab, after: int) -> int:
    """Wait until a preview newer than number `after` is on the page; return its number."""
    tab.wait_for_function(f"() => Number(document.body.dataset.previewSeq || 0) > {after} && "
                          "!document.getElementById('page-1').hidden", timeout=30_000)
    return int(tab.evaluate("document.body.dataset.previewSeq"))


def choose(tab) -> None:
    """Pick the Chinese handout of one practitioner, for a named patient."""
    seq = int(tab.evaluate("document.body.dataset.previewSeq"))
    tab.select_option("#clinic", "maple-needle-clinic")
    seq = wait_for_preview(tab, seq)
    tab.select_option("#practitioner", "chen-wei")
    tab.get_by_label("中文（繁體）").check()
    tab.fill("#patient", NAME)
    tab.wait_for_function("() => document.getElementById('page-1').hidden === false && "
                          f"Number(document.body.dataset.previewSeq) >= {seq + 2}", timeout=30_000)
    wait_idle(tab)


def wait_idle(tab) -> None:
    tab.wait_for_function("() => !document.getElementById('pages').classList"
                          ".contains('updating')")


def timing(name: str, value: float) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "browser-timings.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = round(value, 3)
    path.write_text(json.dumps(data, indent=1, sort_keys=True))


def test_pick_preview_and_download(page) -> None:
    choose(page)
    images = page.locator(".pages img:not([hidden])")
    assert images.count() == 2
    assert all(images.nth(i).evaluate("img => img.naturalWidth") > 500 for i in range(2))
    assert page.locator("#clinic-name").text_content() == \
        "Maple & Pine Needle Clinic (sample clinic)"

    times = []
    for language in ("English", "ਪੰਜਾਬੀ", "中文（简体）", "English", "中文（繁體）"):
        seq = int(page.evaluate("document.body.dataset.previewSeq"))
        started = time.perf_counter()
        page.get_by_label(language).check()
        wait_for_preview(page, seq)
        wait_idle(page)
        times.append(time.perf_counter() - started)
    timing("click_to_preview_s_median_of_5", sorted(times)[2])

    started = time.perf_counter()
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    timing("click_to_pdf_download_s", time.perf_counter() - started)
    assert download.suggested_filename == \
        "maple-needle-clinic-ims-vs-acupuncture-chen-wei-zh-Hant-a4.pdf"
    data = Path(download.path()).read_bytes()
    assert "陳小明" in pdf_text(data) and "Quorble" in pdf_text(data)
    from pypdf import PdfReader

    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title and not any("Quorble" in str(v) or "陳小明" in str(v)
                                      for v in metadata.values())
    page.screenshot(path=str(ARTIFACTS / "front-desk-1280x800.png"))


def test_print_opens_the_pdf_for_the_print_dialog(page) -> None:
    choose(page)
    bodies: list[bytes] = []

    def keep(route) -> None:  # see what the page receives, and pass it on unchanged
        answer = route.fetch()
        bodies.append(answer.body())
        route.fulfill(response=answer)
    page.route("**/api/pdf", keep)
    # Headless Chromium has no print dialog (print() on a framed PDF crashes its renderer): note
    # what print() was called on instead, before the page's own load handler calls it.
    page.evaluate("""() => {
        const frame = document.getElementById('print-frame');
        frame.addEventListener('load', () => {
            const shown = frame.contentDocument.contentType;
            frame.contentWindow.print = () => { document.body.dataset.printed = shown; };
        });
    }""")
    started = time.perf_counter()
    page.click("#print")
    page.wait_for_function("() => document.body.dataset.printed", timeout=30_000)
    timing("click_to_print_dialog_s", time.perf_counter() - started)
    assert page.evaluate("document.body.dataset.printed") == "application/pdf"
    assert page.evaluate("document.getElementById('print-frame').src").startswith("blob:")
    pdf = bodies[0]
    assert pdf.startswith(b"%PDF") and "Quorble" in pdf_text(pdf)
    assert "print dialog" in page.locator("#status").text_content()


def test_email_draft(page) -> None:
    choose(page)
    assert page.locator("#email-draft").is_hidden()  # only once an address is typed
    page.fill("#to", "patient@example.com")
    assert page.locator("#email-draft").is_visible()
    assert page.locator("#send").is_hidden()  # the sample clinic has no [smtp]
    with page.expect_download() as info:
        page.click("#email-draft")
    assert info.value.suggested_filename == "ims-vs-acupuncture-chen-wei-zh-Hant.eml"
    message = email.message_from_bytes(Path(info.value.path()).read_bytes())
    assert message["To"] == "patient@example.com"
    assert "Quorble" not in str(message["Subject"])
    pdf = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert "Quorble" in pdf_text(pdf.get_payload(decode=True))


def test_keyboard_only(page) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    assert order[:4] == ["clinic", "practitioner", "lang", "paper"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.focus("#clinic")
    seq = int(page.evaluate("document.body.dataset.previewSeq"))
    page.select_option("#clinic", "harbour-physio")  # what arrow keys on a select do
    wait_for_preview(page, seq)
    page.focus('input[name="lang"]')
    page.keyboard.press("ArrowRight")  # radio group: arrows move and choose
    assert page.evaluate("document.querySelector('input[name=lang]:checked').value") == "fr"
    page.focus("#patient")
    page.keyboard.type("Quorble")
    page.focus("#download")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith("-fr-letter.pdf")
    assert page.evaluate("document.activeElement.id") == "download"  # focus stays put


def test_every_control_has_a_label(page) -> None:
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        'select, input:not([type=hidden]), button')].filter(el =>
          !(el.labels && el.labels.length) && !el.getAttribute('aria-label') &&
          !(el.tagName === 'BUTTON' && el.textContent.trim())).map(el => el.id || el.name)""")
    assert unlabelled == []
    assert page.evaluate("document.documentElement.lang") == "en"
    langs = page.evaluate("[...document.querySelectorAll('#languages span')].map(s => s.lang)")
    assert langs == ["en"]  # the first clinic that loads: English only


def test_remembers_clinic_and_paper_never_the_patient(page) -> None:
    choose(page)
    page.select_option("#paper", "letter")
    page.reload()
    wait_for_preview(page, 0)
    assert page.input_value("#clinic") == "maple-needle-clinic"
    assert page.input_value("#paper") == "letter"
    assert page.input_value("#patient") == ""
    stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert "Quorble" not in stored and "陳小明" not in stored


def test_a_clinic_with_errors_shows_its_error_lines(page) -> None:
    page.select_option("#clinic", "broken-clinic")
    errors = page.locator("#clinic-error-lines li")
    assert errors.count() >= 2
    text = errors.all_text_contents()
    assert all(line.startswith("Error: ") for line in text)
    assert any("brand.primary" in line for line in text)
    assert page.locator("#controls").is_hidden()


def test_readable_at_200_percent_zoom(browser, server) -> None:
    # 200 % zoom of a 1280×800 window: a 640×400 CSS-pixel viewport at two device pixels each
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(server[0] + "/")
    wait_for_preview(tab, 0)
    wait_idle(tab)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways
    tab.screenshot(path=str(ARTIFACTS / "front-desk-200-percent.png"), full_page=True)
    context.close()


def test_print_on_the_desk_printer_through_cups(browser, tmp_path: Path) -> None:
    """Last: a real CUPS queue (cups-pdf) on a private scheduler receives the handout."""
    from webserver import private_cups

    with private_cups("deskpdf") as cups_server:
        log = tmp_path / "server.log"
        with running_server(EXAMPLES, "--printer", "deskpdf", log=log,
                            env={"CUPS_SERVER": cups_server}) as url:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            tab = context.new_page()
            tab.goto(url + "/")
            wait_for_preview(tab, 0)
            tab.select_option("#clinic", "harbour-physio")
            tab.fill("#patient", "Quorble Deskprint")
            tab.click("#desk-print")
            tab.wait_for_function("() => /CUPS job/.test("
                                  "document.getElementById('status').textContent)",
                                  timeout=60_000)
            status = tab.locator("#status").text_content()
            context.close()
        assert status.startswith("Sent to the printer deskpdf: CUPS job deskpdf-"), status
        printed = printed_file(status.rsplit("-", 1)[1].rstrip("."))
    assert "Quorble" not in log.read_text(encoding="utf-8")
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True,
                          check=True).stdout
    printed.unlink()  # the printed page holds the name: leave nothing behind
    assert "Quorble Deskprint" in " ".join(text.split()) and "Harbourview" in text


def printed_file(number: str) -> Path:
    """Wait for the PDF cups-pdf writes for job `number` (in ~/PDF)."""
    for _ in range(300):
        found = [p for p in (Path.home() / "PDF").glob(f"*job_{number}.pdf")
                 if p.stat().st_size > 0]
        if found:
            time.sleep(0.3)  # let cups-pdf finish writing
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"cups-pdf wrote nothing for job {number}")



def test_a_failed_preview_hides_the_last_pages_and_each_clinic_keeps_its_paper(browser,
                                                                              server) -> None:
    """A name that cannot be printed: the last pages (another patient's) are taken down and the
    reason is shown by the preview. A4 chosen at one clinic does not follow to the next (a
    letterhead clinic on A4 could make nothing)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(server[0] + "/")
    seq = wait_for_preview(tab, 0)
    tab.select_option("#clinic", "maple-needle-clinic")
    seq = wait_for_preview(tab, seq)
    tab.select_option("#paper", "a4")
    seq = wait_for_preview(tab, seq)
    tab.fill("#patient", "محمد العلي")
    tab.press("#patient", "Enter")
    tab.wait_for_function("() => document.getElementById('preview-status').textContent"
                          ".startsWith('No preview')", timeout=30_000)
    status = tab.text_content("#preview-status")
    assert "Arabic letters" in status and "clinic.toml" not in status, status
    assert tab.locator("#page-1").is_hidden() and tab.locator("#page-2").is_hidden()
    assert tab.get_attribute("#page-1", "src") is None
    tab.fill("#patient", "")
    tab.select_option("#clinic", "cedar-lane-wellness")
    assert tab.input_value("#paper") == "letter"  # its own, the letterhead's size
    seq = wait_for_preview(tab, seq)
    tab.select_option("#clinic", "maple-needle-clinic")
    assert tab.input_value("#paper") == "a4"  # as chosen for it
    wait_for_preview(tab, seq)
    context.close()


def test_the_patients_name_and_address_are_cleared_when_the_desk_is_idle(browser, server) -> None:
    """A name left in the field would be seen by the next patient, or printed on their
    handout: after three idle minutes it and the address are cleared."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.clock.install()
    tab.goto(server[0] + "/")
    seq = wait_for_preview(tab, 0)
    tab.fill("#patient", NAME)
    tab.fill("#to", "pat@example.com")
    tab.clock.run_for("02:50")
    assert tab.input_value("#patient") == NAME  # not yet
    tab.clock.run_for("00:20")
    assert tab.input_value("#patient") == "" and tab.input_value("#to") == ""
    assert "cleared after a few idle minutes" in tab.text_content("#status")
    wait_for_preview(tab, seq)
    context.close()
