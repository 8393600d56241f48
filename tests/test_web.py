"""The front desk (handouts serve): the page, its actions, and its safety checks."""

from __future__ import annotations

import asyncio
import email
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from conftest import EXAMPLES, pdf_text
from test_mail import smtp_server  # noqa: F401 - a fixture: a real SMTP server on loopback
from webserver import ARTIFACTS, running_server, skip_or_fail

try:
    from starlette.testclient import TestClient
except ImportError:  # pragma: no cover - the serve extra is missing
    TestClient = None

NAME = "Zyxwa Quorble-Testname"  # a name no handout text contains
HOST = "http://127.0.0.1:8750"


@pytest.fixture(autouse=True)
def _needs_serve_extra() -> None:
    if TestClient is None:
        skip_or_fail('the serve extra is not installed (pip install -e ".[test,serve]")')


@pytest.fixture(scope="module")
def clinics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample clinics plus one whose clinic.toml has errors."""
    root = tmp_path_factory.mktemp("clinics")
    for folder in EXAMPLES.iterdir():
        if (folder / "clinic.toml").is_file():
            shutil.copytree(folder, root / folder.name)
    broken = root / "broken-clinic"
    broken.mkdir()
    (broken / "clinic.toml").write_text('name = "Broken"\nphone = 5\n[brand]\nprimary = "green"\n',
                                        encoding="utf-8")
    return root


def make_app(clinics: Path, **settings):
    from handouts.web.app import Settings, create_app
    from handouts.web.server import allowed_hosts

    settings.setdefault("hosts", allowed_hosts("127.0.0.1"))
    settings.setdefault("workers", 1)
    return create_app(Settings(clinics, **settings))


@pytest.fixture(scope="module")
def client(clinics: Path):
    """A test client whose app has a started worker pool."""
    with TestClient(make_app(clinics), base_url=HOST) as test_client:
        yield test_client


def csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text).group(1)


def post(client, action: str, token: str | None = None, **form):
    body = {"clinic": "harbour-physio", **form}
    headers = {"X-CSRF-Token": token if token is not None else csrf(client)}
    return client.post(f"/api/{action}", json=body, headers=headers)


# --- the page ---------------------------------------------------------------------------------

def test_page_offers_the_validated_clinics_and_safe_headers(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", page.text))  # no inline JS
    data = json.loads(re.search(r'data-json="([^"]*)"', page.text).group(1)
                      .replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">"))
    by_id = {c["id"]: c for c in data["clinics"]}
    assert set(by_id) == {"broken-clinic", "cedar-lane-wellness", "harbour-physio",
                          "maple-needle-clinic"}
    names = [lang["name"] for lang in by_id["maple-needle-clinic"]["languages"]]
    assert names == ["English", "中文（繁體）", "中文（简体）", "ਪੰਜਾਬੀ"]
    assert [lang["name"] for lang in by_id["harbour-physio"]["languages"]] == \
        ["English", "Français", "Español", "Tiếng Việt"]
    assert [e["id"] for e in data["editions"]] == ["standard", "large-print"]
    assert any("brand.primary: 'green' is not a colour" in line
               for line in by_id["broken-clinic"]["errors"])
    assert all("/" not in json.dumps(c.get("logo", "")).replace("/logo/", "") for c in
               data["clinics"])  # no file-system paths reach the page


def test_page_colours_reach_aa_contrast(clinics: Path) -> None:
    from handouts.styles import contrast
    from handouts.web.catalog import load_catalog

    for entry in load_catalog(clinics).entries:
        if entry.clinic is None:
            continue
        shown = entry.to_json()
        assert contrast(shown["onPrimary"], shown["primary"]) >= 4.5, entry.id  # header band
        assert contrast("#FFFFFF", shown["brandText"]) >= 4.5, entry.id  # buttons, headings
    css = (Path(__file__).parent.parent / "handouts/web/static/app.css").read_text()
    for colour in re.findall(r"--(?:ink|muted|error): (#[0-9A-F]{6})", css):
        assert contrast(colour, "#FFFFFF") >= 4.5, colour
    assert contrast(re.search(r"--line: (#[0-9A-F]{6})", css).group(1), "#FFFFFF") >= 3.0


def test_static_files_come_from_a_fixed_table(client) -> None:
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    for path in ("/static/", "/static/..%2fapp.py", "/static/app.py", "/fonts/..%2f..%2fcli.py",
                 "/logo/..%2fharbour-physio", "/logo/broken-clinic", "/static/%2e%2e/app.py"):
        assert client.get(path).status_code == 404, path
    assert client.get("/fonts/AtkinsonHyperlegible-Regular.ttf").status_code == 200
    assert client.get("/logo/harbour-physio").headers["content-type"] == "image/png"


# --- requests the page would never send -------------------------------------------------------

def test_wrong_host_header_is_refused(client) -> None:
    for host in ("evil.example", "evil.example:8750", "127.0.0.1.evil.example"):
        response = client.get("/", headers={"Host": host})
        assert response.status_code == 400, host
        assert response.headers["cache-control"] == "no-store"
    assert client.get("/", headers={"Host": "localhost:8750"}).status_code == 200


def test_a_token_is_required_on_every_request_when_set(clinics: Path) -> None:
    app = make_app(clinics, token="s3cret-token")
    with TestClient(app, base_url=HOST, follow_redirects=False) as anonymous:
        for path in ("/", "/static/app.js", "/logo/harbour-physio"):
            assert anonymous.get(path).status_code == 401, path
        assert anonymous.get("/?token=wrong").status_code == 401
        assert anonymous.post("/api/pdf", json={}).status_code == 401
        link = anonymous.get("/?token=s3cret-token")
        assert link.status_code == 303 and link.headers["location"] == "/"  # token off the URL
        assert "HttpOnly" in link.headers["set-cookie"] and "SameSite=Strict" in \
            link.headers["set-cookie"]
    with TestClient(app, base_url=HOST, cookies={"handouts_token": "s3cret-token"}) as member:
        assert member.get("/").status_code == 200
    with TestClient(app, base_url=HOST,
                    headers={"Authorization": "Bearer s3cret-token"}) as scripted:
        assert scripted.get("/static/app.css").status_code == 200


def test_a_network_address_gets_a_generated_token() -> None:
    from handouts.web.server import access_token, allowed_hosts

    assert access_token("127.0.0.1", None) is None
    assert access_token("localhost", "given") == "given"
    generated = access_token("0.0.0.0", None)
    assert generated and len(generated) >= 24 and access_token("0.0.0.0", None) != generated
    assert access_token("192.168.1.20", "mine") == "mine"
    assert "evil.example" not in allowed_hosts("0.0.0.0")
    assert allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "[::1]"}


def test_cross_site_posts_are_refused(client) -> None:
    good = csrf(client)
    assert post(client, "pdf", token="").status_code == 403
    assert post(client, "pdf", token="0" * 64).status_code == 403
    form = {"clinic": "harbour-physio", "csrf": good}
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}):
        response = client.post("/api/pdf", data=form, headers=headers)
        assert response.status_code == 403, headers
    # a plain HTML form of another site cannot send JSON without a preflight, nor this:
    assert client.post("/api/pdf", content=b"x", headers={"Content-Type": "text/plain"}) \
        .status_code == 415
    assert client.options("/api/pdf").status_code == 405  # no CORS preflight succeeds
    # the page's own token in a same-origin form body is accepted
    assert client.post("/api/pdf", data=form, headers={"Origin": HOST}).status_code == 200


def test_oversized_bodies_are_refused(client) -> None:
    token = csrf(client)
    big = {"clinic": "harbour-physio", "patient": "x" * 20_000}
    response = client.post("/api/pdf", json=big, headers={"X-CSRF-Token": token})
    assert response.status_code == 413

    def chunks():  # no Content-Length: counted while reading
        for _ in range(40):
            yield b'{"a": "' + b"y" * 1000 + b'"}'
    response = client.post("/api/pdf", content=chunks(), headers={
        "X-CSRF-Token": token, "Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("field, value", [
    ("clinic", "../../etc"), ("clinic", "/etc"), ("clinic", str(EXAMPLES / "harbour-physio")),
    ("practitioner", "../../../etc/passwd"), ("lang", "../../templates/x"),
    ("paper", "/dev/zero"), ("edition", "../large"), ("handout", "../_glossary"),
    ("clinic", "broken-clinic"), ("practitioner", "jo-no-needles"),
])
def test_paths_in_parameters_never_reach_the_file_system(client, field: str, value: str) -> None:
    response = post(client, "pdf", **{field: value})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "error" in response.json()


# --- what the actions return ------------------------------------------------------------------

def test_pdf_has_the_name_on_the_page_not_in_its_metadata(client) -> None:
    from pypdf import PdfReader

    response = post(client, "pdf", practitioner="sam-taylor", lang="fr", patient=NAME)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == \
        'attachment; filename="harbour-physio-ims-vs-acupuncture-sam-taylor-fr-letter.pdf"'
    assert NAME in pdf_text(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    assert NAME not in repr(reader.metadata) and NAME.encode() not in response.content


def test_preview_returns_two_page_images(client) -> None:
    response = post(client, "preview", clinic="maple-needle-clinic", lang="zh-Hant",
                    practitioner="chen-wei", patient="陳小明")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["pageCount"] == 2 and len(result["pages"]) == 2
    assert all(page.startswith("data:image/jpeg;base64,") for page in result["pages"])


def test_email_draft_and_send(client) -> None:
    response = post(client, "email-draft", practitioner="sam-taylor", patient=NAME,
                    to="patient@example.com")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == \
        'attachment; filename="ims-vs-acupuncture-sam-taylor.eml"'
    message = email.message_from_bytes(response.content)
    assert message["To"] == "patient@example.com" and message["X-Unsent"] == "1"
    assert NAME not in response.content.decode("ascii", "replace")  # PDF compressed, subject ids
    assert post(client, "email-draft", to="not an address").status_code == 400
    refused = post(client, "send", to="patient@example.com")  # the sample has no [smtp]
    assert refused.status_code == 400 and "no [smtp] section" in refused.json()["error"]


def test_desk_printer_must_be_one_the_server_was_started_with(client) -> None:
    response = post(client, "print", printer="../../dev/lp0")
    assert response.status_code == 400
    assert "not one this front desk was started with" in response.json()["error"]


def test_a_name_no_font_can_draw_is_a_clean_error(client) -> None:
    """Said without blaming clinic.toml or repeating the name, with what to do instead."""
    for name, script in (("Ann 😀", "this symbol or emoji (U+1F600)"),
                         ("محمد العلي", "Arabic letters (U+0645)"),
                         ("דוד לוי", "Hebrew letters (U+05D3)")):
        response = post(client, "pdf", patient=name)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error.startswith(f"patient name: the handout's fonts cannot print {script}"), error
        assert "write it on the line by hand" in error
        assert "clinic.toml" not in error and name.split()[-1] not in error


def test_the_page_checks_names_as_the_command_line_does(client) -> None:
    """Bidi overrides and zero-width marks are refused (they printed as stray glyphs); a name
    pasted as letters and separate accents prints as the letters it spells (NFC)."""
    for bad, code in (("Bob\u202eevil", "U+202E"), ("Bo\u200bb", "U+200B")):
        response = post(client, "pdf", patient=bad)
        assert response.status_code == 400 and code in response.json()["error"]
        assert response.json()["error"].startswith("patient name: ")
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert decomposed != "Nguyễn Thị Hương"
    response = post(client, "pdf", patient=decomposed, lang="vi")
    assert response.status_code == 200
    assert "Nguyễn Thị Hương" in pdf_text(response.content)


def test_patient_name_is_never_logged(clinics: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(make_app(clinics), base_url=HOST) as test_client:
        for action, extra in (("preview", {}), ("pdf", {}), ("email-draft", {"to": "a@b.example"}),
                              ("send", {"to": "a@b.example"}), ("print", {"printer": "x"})):
            post(test_client, action, patient=NAME, **extra)
        post(test_client, "pdf", patient=NAME + " 😀")
        post(test_client, "pdf", patient=NAME, clinic="nowhere")
    assert "POST /api/pdf 200" in caplog.text  # the access log is there…
    assert NAME not in caplog.text and "Quorble" not in caplog.text  # …without the name


def test_a_worker_keeps_no_trace_of_the_name_in_its_caches(clinics: Path) -> None:
    from handouts import memo
    from handouts.web import work
    from handouts.web.catalog import load_catalog, make_job

    catalog = load_catalog(clinics)
    for lang in ("en", "es"):
        work.pdf(make_job(catalog, {"clinic": "harbour-physio", "lang": lang, "patient": NAME},
                          "2026-11-25"))
    from handouts.forgetting import text_caches

    for _ in range(2):  # the third time a drawing comes, it is replayed
        work.pdf(make_job(catalog, {"clinic": "harbour-physio", "lang": "en", "patient": NAME},
                          "2026-11-25"))
    caches = text_caches()
    assert not any(NAME in repr(key) or any(w in repr(key) for w in NAME.split() if len(w) > 3)
                   for cache in caches for key in cache)
    assert len(memo._SHARED) > 10  # the handout's own text is still cached
    assert sum(len(cache) for cache in caches[5:]) > 50  # and its drawing recordings


def test_a_full_queue_answers_busy(clinics: Path) -> None:
    from handouts.web.workers import Busy, RenderPool

    async def run() -> list:
        pool = RenderPool(workers=1, queue_limit=2)
        await asyncio.to_thread(pool.start)
        try:
            return await asyncio.gather(*(pool.run(time.sleep, 0.5) for _ in range(4)),
                                        return_exceptions=True)
        finally:
            pool.stop()
    results = asyncio.run(run())
    assert results[:2] == [None, None]
    assert all(isinstance(r, Busy) for r in results[2:])

    app = make_app(clinics, queue_limit=0)
    with TestClient(app, base_url=HOST) as test_client:
        response = post(test_client, "preview")
    assert response.status_code == 503 and response.headers["retry-after"] == "2"
    assert response.json()["error"] == "The front desk is busy: try again in a moment."


# --- the command ------------------------------------------------------------------------------

def test_core_cli_does_not_import_the_web_stack() -> None:
    code = ("import sys, handouts.cli; from click.testing import CliRunner; "
            "CliRunner().invoke(handouts.cli.main, ['serve', '--help']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('starlette', 'uvicorn', 'pypdfium2') or m.startswith('handouts.web')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_help_and_a_missing_folder(runner, tmp_path: Path) -> None:
    from handouts.cli import main

    result = runner.invoke(main, ["serve", "--help"])
    assert "[default: 127.0.0.1]" in result.output  # this machine only, unless asked
    assert result.exit_code == 0
    assert "handouts serve --clinic examples/clinics --open" in result.output
    result = runner.invoke(main, ["serve", "--clinic", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "no such folder" in result.output
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--clinic", str(EXAMPLES), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == (f"Error: cannot listen on 127.0.0.1 port {port} (Address already "
                             "in use): another program uses it; choose another with --port\n")


# --- a real server ----------------------------------------------------------------------------

def test_twenty_concurrent_requests_against_a_real_server(clinics: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running_server(clinics, log=log) as url:
        page = urlopen(url + "/").read().decode()
        token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)

        def one(i: int) -> tuple[int, float, bytes]:
            action = "pdf" if i % 2 else "preview"
            form = {"clinic": "maple-needle-clinic" if i % 3 else "harbour-physio",
                    "patient": f"{NAME} {i}"}
            request = Request(f"{url}/api/{action}", data=json.dumps(form).encode(), headers={
                "Content-Type": "application/json", "X-CSRF-Token": token}, method="POST")
            started = time.perf_counter()
            with urlopen(request, timeout=120) as response:
                return response.status, time.perf_counter() - started, response.read()

        started = time.perf_counter()
        with ThreadPoolExecutor(20) as threads:
            results = list(threads.map(one, range(20)))
        wall = time.perf_counter() - started
    assert [status for status, _, _ in results] == [200] * 20
    assert all(f"{NAME} {i}" in pdf_text(body) for i, (_, _, body) in enumerate(results) if i % 2)
    times = sorted(t for _, t, _ in results)
    figures = {"requests": 20, "wall_s": round(wall, 2), "median_s": round(times[10], 3),
               "max_s": round(times[-1], 3)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    text = log.read_text(encoding="utf-8")
    assert text.count("POST /api/") == 20
    assert "Quorble" not in text


def test_a_mixed_script_name_leaves_no_trace_either(clinics: Path) -> None:
    from handouts import glyphtext, pdfwriter, subsets
    from handouts.fonts import font_chain
    from handouts.forgetting import text_caches
    from handouts.web import work
    from handouts.web.catalog import load_catalog, make_job

    catalog = load_catalog(clinics)
    form = {"clinic": "harbour-physio", "patient": "Ann陳小明 Ng"}
    job = make_job(catalog, form, "2026-11-25")
    earlier = set(subsets._MADE)  # (a Chinese handout built before may hold these characters)
    earlier_maps, earlier_pages = set(glyphtext._CMAPS), set(pdfwriter.STREAMS)
    assert "陳小明" in pdf_text(work.pdf(job).data)
    for _ in range(2):  # the third time a drawing comes, it is replayed
        work.pdf(job)
    keys = [re.sub(r"<[^>]*>", "", repr(k)) for c in text_caches() for k in c]
    assert not any("Ann陳小明" in key or "陳小明" in key for key in keys)
    drew = [font for font in _fonts(font_chain("en"))
            if all(ord(c) in font.face.charToGlyph for c in "陳小明")]
    assert drew  # a fallback font has the name's characters…
    for font in drew:  # …and no subset of it kept in the process spells them
        glyphs = {font.face.charToGlyph[ord(c)] for c in "陳小明"}
        assert not any(key[0] == font.face.filename and set(key[2]) >= glyphs
                       for key in subsets._MADE if key not in earlier)
    # nor any ToUnicode map (its codes, in first-use order, are the characters)
    assert not any(set(map(ord, "陳小明")) <= set(key[1])
                   for key in glyphtext._CMAPS if key not in earlier_maps)
    assert set(pdfwriter.STREAMS) <= earlier_pages  # nor a page it was drawn on


def test_send_over_the_clinics_smtp(make_clinic, smtp_server, monkeypatch) -> None:
    from test_mail import smtp_clinic

    port, cert, received = smtp_server
    folder = smtp_clinic(make_clinic, port, cert)
    monkeypatch.setenv("HANDOUTS_SMTP_USER", "desk")
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", "s3cret")
    with TestClient(make_app(folder), base_url=HOST) as test_client:
        page = test_client.get("/").text
        assert "&#34;smtp&#34;: true" in page or "&quot;smtp&quot;: true" in page
        response = post(test_client, "send", clinic="test-clinic", practitioner="sam-taylor",
                        patient=NAME, to="pat@example.com")
    assert response.status_code == 200, response.text
    assert response.json() == {"message": "Sent to pat@example.com."}
    (_, rcpt, raw) = received[0]
    assert rcpt == ["pat@example.com"]
    message = email.message_from_bytes(raw)
    pdf = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert NAME in pdf_text(pdf.get_payload(decode=True))
    assert NAME not in str(message["Subject"])


def test_a_network_address_needs_the_printed_token(tmp_path: Path) -> None:
    from webserver import ROOT, free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--clinic",
                                str(EXAMPLES), "--host", "0.0.0.0", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                               text=True)
    try:
        first = process.stdout.readline()
        link = re.search(r"http://\S+\?token=([\w-]+)", first)
        assert link, first
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urlopen(base + "/", timeout=2)
            except HTTPError as err:
                if err.code == 401:
                    break
            except OSError:
                time.sleep(0.1)
        with pytest.raises(HTTPError) as refused:
            urlopen(base + "/static/app.js", timeout=5)
        assert refused.value.code == 401
        with urlopen(Request(base + "/", headers={"Authorization": f"Bearer {link.group(1)}"}),
                     timeout=5) as page:
            assert page.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def _fonts(chain) -> list:
    from reportlab.pdfbase.pdfmetrics import getFont

    out = []
    for family in chain.families:
        try:
            out.append(getFont(family))
        except KeyError:
            pass
    return out


def test_two_folders_with_one_clinic_id_are_both_shown_as_errors(tmp_path: Path) -> None:
    """The page keys clinics by id: the second folder's choice gave the first clinic's handout
    (with the second's address). Both are refused, each naming the other."""
    from handouts.web.catalog import load_catalog

    for name in ("harbour-physio", "harbour-north"):
        shutil.copytree(EXAMPLES / "harbour-physio", tmp_path / name)
    toml = tmp_path / "harbour-north" / "clinic.toml"
    toml.write_text('id = "harbour-physio"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(EXAMPLES / "cedar-lane-wellness", tmp_path / "cedar-lane-wellness")
    entries = {e.id: e for e in load_catalog(tmp_path).entries}
    assert set(entries) == {"cedar-lane-wellness", "harbour-physio@harbour-physio",
                            "harbour-physio@harbour-north"}
    north = entries["harbour-physio@harbour-north"]
    assert north.clinic is None and "is also the id of" in north.errors[0]
    assert str(tmp_path / "harbour-physio") in north.errors[0]
    assert entries["cedar-lane-wellness"].clinic is not None
