"""email: an .eml draft, or a real SMTP server on loopback (aiosmtpd, STARTTLS) receives it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import io
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.cli import main

from conftest import DATE, EXAMPLES, SAMPLE_CLINICS, pdf_text


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def attachment(msg: email.message.EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in msg.iter_attachments()]
    return part.get_filename(), part.get_content()


def test_eml_draft(runner, tmp_path) -> None:
    out = tmp_path / "draft.eml"
    result = runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--practitioner",
                                  "sam-taylor", "--to", "pat@example.com", "--for", "Jane Doe",
                                  "--date", DATE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    msg = parse(out.read_bytes())
    assert msg["Subject"] == "Your handout: IMS and acupuncture" and msg["X-Unsent"] == "1"
    assert msg["To"] == "pat@example.com" and msg["From"] == "hello@harbourview-physio.example"
    body = msg.get_body(("plain",)).get_content()
    assert "Sam Taylor, Registered Physiotherapist" in body
    assert "https://harbourview-physio.example/book" in body
    assert "<p>Hello,</p>" in msg.get_body(("html",)).get_content()
    name, pdf = attachment(msg)
    assert name == "ims-vs-acupuncture-sam-taylor.pdf"
    assert "Prepared for Jane Doe" in pdf_text(pdf)
    assert b"Jane" not in out.read_bytes().replace(pdf, b"")  # only inside the PDF page
    reader = PdfReader(io.BytesIO(pdf))
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "Jane" not in str(reader.metadata)


def test_email_body_in_the_handout_language(runner, tmp_path) -> None:
    out = tmp_path / "d.eml"
    runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--lang", "es",
                         "--to", "a@example.com", "--date", DATE, "-o", str(out)])
    msg = parse(out.read_bytes())
    assert msg["Subject"] == "Su folleto: IMS y acupuntura"
    assert "Reserve su próxima cita" in msg.get_body(("plain",)).get_content()
    assert attachment(msg)[0] == "ims-vs-acupuncture-harbour-physio-es.pdf"


@pytest.mark.parametrize("folder", SAMPLE_CLINICS, ids=lambda p: p.name)
def test_email_pdf_is_small(runner, tmp_path, folder) -> None:
    out = tmp_path / "d.eml"
    result = runner.invoke(main, ["email", "--clinic", str(folder), "--to", "a@example.com",
                                  "--date", DATE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(attachment(parse(out.read_bytes()))[1]) <= 150 * 1024


@pytest.mark.parametrize("to", ["nobody", "x@y", "Alex Doe <alex@example.com>", "user@@x.com",
                                "a@.com", "a@example..com"])
def test_bad_address(runner, tmp_path, to) -> None:
    """Refused without repeating what was typed (a "Name <address>" holds the patient's name)."""
    result = runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--to", to,
                                  "-o", str(tmp_path / "x.eml")])
    assert result.exit_code == 1
    assert result.output == ("Error: --to: not an e-mail address: give one plain address, such "
                             "as name@example.com, without a name or brackets\n")
    assert not (tmp_path / "x.eml").exists()


def test_an_international_domain_is_written_as_punycode(runner, tmp_path) -> None:
    """zoë@exämple.com was written as encoded words no server could deliver to."""
    run = lambda to: runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"),  # noqa: E731
                                          "--to", to, "--date", DATE, "-o", str(tmp_path / "x.eml")])
    result = run("pat@exämple.com")
    assert result.exit_code == 0, result.output
    assert parse((tmp_path / "x.eml").read_bytes())["To"] == "pat@xn--exmple-cua.com"
    refused = run("zoë@example.com")
    assert refused.exit_code == 1 and "the part before the @ has letters beyond ASCII" in refused.output


def test_draft_goes_where_generate_would_put_a_pdf(runner, tmp_path) -> None:
    """-o - is standard output, a name ending in / a new folder, and a file must be .eml (a
    draft was written into a file named '-', a file named like the folder, or a .pdf)."""
    base = ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--to", "a@example.com",
            "--date", DATE]
    out = runner.invoke(main, [*base, "-o", "-"])
    assert out.exit_code == 0 and out.stdout.startswith("Subject: ")
    folder = runner.invoke(main, [*base, "-o", str(tmp_path / "new") + "/"])
    assert folder.exit_code == 0
    assert (tmp_path / "new" / "ims-vs-acupuncture-harbour-physio.eml").is_file()
    wrong = runner.invoke(main, [*base, "-o", str(tmp_path / "h.pdf")])
    assert wrong.exit_code == 1 and "output must be a .eml file" in wrong.output
    assert not (tmp_path / "h.pdf").exists()


# ---- a real SMTP server on loopback -------------------------------------------------------------

def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server(tmp_path):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received: list[tuple[str, list[str], bytes]] = []

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            if address.startswith("reject@"):
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_required=True,
                            server_hostname="localhost")
    controller.start()
    yield port, cert, received
    controller.stop()


def smtp_clinic(make_clinic, port: int, cert: Path, **extra: str) -> Path:
    folder = make_clinic()
    (folder / "ca.pem").write_bytes(cert.read_bytes())
    table = {"host": '"localhost"', "port": str(port), "security": '"starttls"',
             "from": '"desk@test-clinic.example"', "ca_file": '"ca.pem"', **extra}
    toml = folder / "clinic.toml"
    smtp = "\n[smtp]\n" + "".join(f"{k} = {v}\n" for k, v in table.items())
    text = toml.read_text(encoding="utf-8").replace("\n[brand]", smtp + "\n[brand]", 1)
    toml.write_text(text, encoding="utf-8")
    return folder


def test_send_over_smtp(runner, make_clinic, smtp_server, monkeypatch) -> None:
    port, cert, received = smtp_server
    folder = smtp_clinic(make_clinic, port, cert)
    monkeypatch.setenv("HANDOUTS_SMTP_USER", "desk")
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", "s3cret")
    result = runner.invoke(main, ["email", "--clinic", str(folder), "--practitioner", "sam-taylor",
                                  "--to", "pat@example.com", "--for", "Jane Doe", "--send", "--date", DATE])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    (mail_from, rcpt, raw) = received[0]
    assert mail_from == "desk@test-clinic.example" and rcpt == ["pat@example.com"]
    msg = parse(raw)
    assert "X-Unsent" not in msg and "Jane" not in msg["Subject"]
    name, pdf = attachment(msg)
    assert name == "ims-vs-acupuncture-sam-taylor.pdf" and pdf.startswith(b"%PDF")
    assert "Sam Taylor" in msg.get_body(("plain",)).get_content()
    sent = email.utils.parsedate_to_datetime(msg["Date"])  # when it was sent, not 09:00 of --date
    assert abs((sent - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 300


def test_smtp_errors_are_one_line(runner, make_clinic, smtp_server, monkeypatch) -> None:
    port, cert, _ = smtp_server
    folder = smtp_clinic(make_clinic, port, cert)
    monkeypatch.setenv("HANDOUTS_SMTP_USER", "desk")
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", "s3cret")
    result = runner.invoke(main, ["email", "--clinic", str(folder), "--to", "reject@example.com", "--send"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "s3cret" not in result.output
    assert result.output.startswith(f"Error: SMTP localhost:{port}: ")
    assert "550" in result.output and "mailbox unavailable" in result.output


def test_bad_smtp_settings(runner, make_clinic, tmp_path) -> None:
    folder = make_clinic(replace={"\n[brand]": '\n[smtp]\nhost = ""\nport = 70000\nsecurity = "plain"\n\n[brand]'})
    result = runner.invoke(main, ["email", "--clinic", str(folder), "--to", "p@example.com", "--send"])
    assert result.exit_code == 1
    src = folder / "clinic.toml"
    for line in (f"{src}: smtp.security: 'plain' must be one of: starttls, ssl",
                 f"{src}: smtp.port: 70000 is not a port number (1–65535)",
                 f"{src}: smtp.host: must not be empty or only spaces",
                 f"{src}: smtp.from: required (the address the e-mail comes from)"):
        assert f"Error: {line}" in result.output


def test_send_without_smtp_section(runner, make_clinic) -> None:
    result = runner.invoke(main, ["email", "--clinic", str(make_clinic()), "--to", "p@example.com", "--send"])
    assert result.exit_code == 1 and "smtp: no [smtp] section" in result.output


def test_unreachable_server(runner, make_clinic, tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = make_clinic(replace={"\n[brand]": f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "a@b.example"\n\n[brand]'})
    result = runner.invoke(main, ["email", "--clinic", str(folder), "--to", "p@example.com", "--send"])
    assert result.exit_code == 1 and result.output.startswith(f"Error: SMTP 127.0.0.1:{port}: ")


def test_body_and_attachment_name_read_well(runner, tmp_path) -> None:
    """One blank line where the booking link would be, the link clickable in the HTML part, and
    the large print's attachment named so (it had the standard one's name)."""
    out = tmp_path / "d.eml"
    result = runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "cedar-lane-wellness"),
                                  "--to", "a@example.com", "--date", DATE, "--edition",
                                  "large-print", "-o", str(out)])
    assert result.exit_code == 0, result.output
    msg = parse(out.read_bytes())
    assert "\n\n\n" not in msg.get_body(("plain",)).get_content()
    assert attachment(msg)[0] == "ims-vs-acupuncture-cedar-lane-wellness-large-print.pdf"
    result = runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--to",
                                  "a@example.com", "--date", DATE, "-o", str(out)])
    html_part = parse(out.read_bytes()).get_body(("html",)).get_content()
    assert '<a href="https://harbourview-physio.example/book">' in html_part


def test_the_prepared_for_strip_has_no_space_after_a_full_width_colon() -> None:
    from handouts.jobs import HandoutJob, build_handout

    data = build_handout(HandoutJob(str(EXAMPLES / "maple-needle-clinic"), lang="zh-Hant",
                                    date=DATE, patient="陳大文"))
    assert "患者：陳大文" in pdf_text(data).replace(" ", "") and "患者： 陳大文" not in pdf_text(data)


def test_send_with_an_output_is_refused_before_anything_is_built(runner, tmp_path) -> None:
    result = runner.invoke(main, ["email", "--clinic", str(EXAMPLES / "harbour-physio"), "--to",
                                  "a@example.com", "--send", "-o", str(tmp_path / "x.eml")])
    assert result.exit_code == 1 and "-o and --send" in result.output
    assert not (tmp_path / "x.eml").exists()
