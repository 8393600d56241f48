"""Work: what a front-desk worker process does for one request (render, preview, e-mail).

These run in the worker pool, never on the server's event loop. A job with a patient name leaves
nothing of the name behind in the worker: the caches it touched are trimmed afterwards
(forgetting.py).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..jobs import HandoutJob

if TYPE_CHECKING:
    from email.message import EmailMessage

    from ..models import Clinic

PREVIEW_PAGES = 2
PREVIEW_SCALE = 1.25  # 1.25 px per point: a letter page is 765 px wide, crisp at 2x on screen


@dataclass(frozen=True)
class Download:
    """Bytes for the browser and the file name to offer (from ids only)."""

    name: str
    media_type: str
    data: bytes


def warm(clinic_dir: str | None) -> None:
    """Load the rendering modules and make one handout, so the first request is fast."""
    from .. import document  # noqa: F401 - import cost paid here, once per worker
    from ..errors import HandoutError

    if clinic_dir:
        try:
            preview(HandoutJob(clinic_dir, date="2026-01-01"))
        except HandoutError:
            pass  # the page shows that clinic's errors when it is picked


def _run(job: HandoutJob, action: Callable[[], Any]) -> Any:
    from ..forgetting import forgetting

    with forgetting(job.patient):
        return action()


def pdf(job: HandoutJob) -> Download:
    """Render the handout PDF."""
    from ..config import load_clinic
    from ..jobs import build_handout, file_name

    clinic = load_clinic(job.clinic_dir)
    data = _run(job, lambda: build_handout(job, clinic))
    return Download(file_name(clinic, job), "application/pdf", data)


def preview(job: HandoutJob) -> dict:
    """Render the handout and return image data URLs of its first pages, and its page count."""
    import pypdfium2

    data = pdf(job).data
    document = pypdfium2.PdfDocument(data)
    try:
        images = []
        for index in range(min(PREVIEW_PAGES, len(document))):
            page = document[index]
            bitmap = page.render(scale=PREVIEW_SCALE)
            buffer = io.BytesIO()
            # JPEG: 3 ms a page against 18 ms for PNG, and smaller; fine for a preview
            bitmap.to_pil().save(buffer, format="JPEG", quality=88)
            images.append("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode())
            page.close()
        return {"pages": images, "pageCount": len(document)}
    finally:
        document.close()


def email_draft(job: HandoutJob, to: str) -> Download:
    """Return the .eml draft that `handouts email` writes."""
    from .. import mail
    from ..service import email_message

    clinic, resolved, msg = _run(job, lambda: email_message(job, to, draft=True))
    name = mail.default_eml_path(clinic, resolved).name
    return Download(name, "message/rfc822", mail.eml_bytes(msg))


def email_for_sending(job: HandoutJob, to: str) -> tuple[Clinic, EmailMessage]:
    """Return the clinic and the e-mail to send (the server sends it: its environment holds
    the SMTP credentials, and a render worker should not wait on the network)."""
    from ..service import email_message

    clinic, _, msg = _run(job, lambda: email_message(job, to, draft=False))
    return clinic, msg
