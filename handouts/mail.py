"""Mail: the handout as an e-mail — a ready-to-send .eml draft, or sent over SMTP."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from .errors import DeliveryError, SelectionError, TemplateError
from .jobs import HandoutJob, select_practitioners
from .models import Clinic
from .templating import read_front_matter

MAX_EMAIL_PDF = 150 * 1024
USER_ENV, PASSWORD_ENV = "HANDOUTS_SMTP_USER", "HANDOUTS_SMTP_PASSWORD"
_LABELS = ("email_subject", "email_greeting", "email_summary", "email_practitioner",
           "email_booking", "email_closing")


def attachment_name(clinic: Clinic, job: HandoutJob) -> str:
    """Return a name a patient can read, from ids only: ims-vs-acupuncture-sam-taylor.pdf."""
    who = job.practitioner or clinic.id
    lang = "" if job.lang == "en" else f"-{job.lang}"
    large = "-large-print" if job.edition == "large-print" else ""
    return f"{job.handout}-{who}{lang}{large}.pdf"


def build_message(clinic: Clinic, job: HandoutJob, pdf: bytes, to: str, draft: bool) -> EmailMessage:
    """Return the e-mail: plain text and HTML body in the handout's language, PDF attached."""
    if len(pdf) > MAX_EMAIL_PDF:
        raise DeliveryError(f"the PDF is {len(pdf) / 1024:.1f} KB; an e-mailed handout must be at "
                            f"most {MAX_EMAIL_PDF // 1024} KB (a letterhead or a password adds "
                            "to it: leave out --password, or print this one)")
    meta, source = read_front_matter(clinic.folder, job.handout, job.lang or "en")
    labels = meta.get("labels", {})
    missing = [key for key in _LABELS if not isinstance(labels.get(key), str)]
    if missing:
        raise TemplateError(f"{source}: front matter: [labels] lacks {', '.join(missing)}")
    lines = [labels["email_greeting"], "", labels["email_summary"], ""]
    if job.practitioner:
        from .team import localize

        person = localize(select_practitioners(clinic, job.practitioner)[0], job.lang or "en")
        lines.append(labels["email_practitioner"].format(name=person.name, title=person.title))
    if clinic.booking_url:
        lines.append(labels["email_booking"].format(url=clinic.booking_url))
    lines += ["", labels["email_closing"], clinic.name, clinic.phone]
    lines = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]  # one blank
    msg = EmailMessage()
    msg["Subject"] = labels["email_subject"]  # never the patient's name
    sender = clinic.smtp.sender if clinic.smtp else clinic.email
    if sender:  # without one, the mail program fills in the user's own address
        msg["From"] = sender
    msg["To"] = to
    # a draft is dated by the handout (the same inputs, the same bytes; the mail program dates
    # it when it is sent); a message sent now says now
    msg["Date"] = format_datetime(dt.datetime.fromisoformat(f"{job.date}T09:00:00+00:00")
                                  if draft else dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1] if sender else None)
    if draft:
        msg["X-Unsent"] = "1"  # Outlook opens the .eml as a draft ready to send
    msg.set_content("\n".join(lines))
    paragraphs = "".join(f"<p>{_html_line(line, clinic.booking_url)}</p>" for line in lines if line)
    msg.add_alternative(f'<!DOCTYPE html><html lang="{job.lang}"><body>{paragraphs}</body></html>',
                        subtype="html")
    msg.add_attachment(pdf, maintype="application", subtype="pdf",
                       filename=attachment_name(clinic, job))
    return msg


def _html_line(line: str, url: str) -> str:
    """One line of the HTML body, the booking link made a link."""
    text = html.escape(line)
    if url and url in line:
        link = html.escape(url)
        text = text.replace(link, f'<a href="{link}">{link}</a>')
    return text


def check_address(to: str) -> str:
    """Return the one plain address to send to, its domain in ASCII (an international domain
    as punycode); refuse a list (a patient's handout to several people) and anything else.
    The messages never repeat what was typed ("Alex Doe <alex@…>" holds a name)."""
    if any(ch in to for ch in ",;") or re.search(r"@[^@]+@", to):  # two addresses
        raise SelectionError("--to: give exactly one e-mail address (the patient's), "
                             "not a list")
    local, _, domain = to.rpartition("@")
    if (not local or "@" in local or "." not in domain.strip(".") or ".." in domain
            or any(ch.isspace() or not ch.isprintable() or ch in '<>()[]"\\' for ch in to)):
        raise SelectionError("--to: not an e-mail address: give one plain address, such as "
                             "name@example.com, without a name or brackets")
    if not local.isascii():
        raise SelectionError("--to: the part before the @ has letters beyond ASCII, which many "
                             "mail servers cannot deliver: check the address with the patient")
    try:
        domain = domain.encode("idna").decode("ascii")  # exämple.com → xn--exmple-cua.com
    except UnicodeError:
        raise SelectionError("--to: the part after the @ is not a domain name") from None
    return f"{local}@{domain}"


def send(clinic: Clinic, msg: EmailMessage) -> None:
    """Send over SMTP with the clinic's [smtp] settings; credentials from the environment."""
    if clinic.smtp is None:
        raise DeliveryError(f"{clinic.source}: smtp: no [smtp] section: add host, port, security "
                            "and from to send e-mail (or leave out --send to write a draft)")
    cfg = clinic.smtp
    context = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    try:
        if cfg.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, context=context, timeout=30)
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=30)
        with server:
            if cfg.security == "starttls":
                server.starttls(context=context)
            if user and password:
                server.login(user, password)
            server.send_message(msg)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as err:
        raise DeliveryError(f"SMTP {cfg.host}:{cfg.port}: {_one_line(err)}") from err


def _one_line(err: Exception) -> str:
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{to} ({code} {_text(msg)})" for to, (code, msg) in err.recipients.items())
        return f"recipient refused: {refused}"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"{err.smtp_code} {_text(err.smtp_error)}"
    return " ".join(str(err).split()) or type(err).__name__


def eml_bytes(msg: EmailMessage) -> bytes:
    """Return the message as .eml file content."""
    return bytes(msg)


def default_eml_path(clinic: Clinic, job: HandoutJob) -> Path:
    """Return the default draft path: the attachment name with .eml."""
    return Path(attachment_name(clinic, job)).with_suffix(".eml")


def _text(message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return " ".join(text.split())
