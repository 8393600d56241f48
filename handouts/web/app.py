"""App: the front desk's routes — the page, its static files, the logo, and the actions.

Starlette answers; rendering happens in the worker pool (workers.py). The patient name comes only
in POST bodies and goes only into the job handed to a worker: never into a URL, a log or a file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import traceback
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import HandoutError, SelectionError
from . import work
from .catalog import Catalog, load_catalog, make_job
from .security import Guard, Policy, csrf_ok, csrf_token
from .workers import Busy, RenderPool, WorkerFailed, default_workers

log = logging.getLogger("handouts.web")
HERE = Path(__file__).resolve().parent
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".svg": "image/svg+xml"}
QUEUE_LIMIT = 64


@dataclass
class Settings:
    """How `handouts serve` was started."""

    root: Path
    hosts: frozenset[str]
    token: str | None = None
    printers: tuple[str, ...] = ()
    workers: int = field(default_factory=default_workers)
    queue_limit: int = QUEUE_LIMIT


def _font_files() -> dict[str, Path]:
    """Return the bundled fonts by file name: the page uses the handouts' own typefaces."""
    from ..resources import data_dir

    return {p.name: p for p in sorted(data_dir("fonts").glob("*/*.ttf"))}


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Read the page's static files once: a fixed table, so no request path reaches the disk."""
    folder = HERE / "static"
    return {p.name: (p.read_bytes(), STATIC_TYPES[p.suffix])
            for p in sorted(folder.iterdir()) if p.suffix in STATIC_TYPES}


class FrontDesk:
    """The state behind the routes: settings, the clinic catalog, the worker pool."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.secret = secrets.token_bytes(32)
        self.catalog: Catalog = load_catalog(settings.root)
        first = next((e for e in self.catalog.entries if e.clinic is not None), None)
        self.pool = RenderPool(settings.workers, settings.queue_limit,
                               str(first.folder) if first else None)
        self.static = _static_files()
        self.fonts = _font_files()
        self.page = _page_template()

    async def index(self, request: Request) -> Response:
        try:
            self.catalog = load_catalog(self.settings.root)  # a clinic.toml edited shows now
        except HandoutError:
            pass  # the folder went away: keep offering what was there
        data = {**self.catalog.to_json(), "printers": list(self.settings.printers)}
        html = self.page.render(csrf=csrf_token(self.secret), data=json.dumps(data),
                                catalog=data, printers=self.settings.printers)
        return HTMLResponse(html)

    async def static_file(self, request: Request) -> Response:
        found = self.static.get(request.path_params["name"])
        if found is None:
            return Response("Not found.", 404, media_type="text/plain")
        return Response(found[0], media_type=found[1])

    async def font(self, request: Request) -> Response:
        path = self.fonts.get(request.path_params["name"])
        if path is None:
            return Response("Not found.", 404, media_type="text/plain")
        return Response(path.read_bytes(), media_type="font/ttf")

    async def logo(self, request: Request) -> Response:
        try:
            clinic = self.catalog.entry(request.path_params["clinic"]).clinic
        except SelectionError:
            clinic = None
        if clinic is None or clinic.logo is None:
            return Response("Not found.", 404, media_type="text/plain")
        kind = "image/png" if clinic.logo.format == "PNG" else "image/jpeg"
        return Response(clinic.logo.path.read_bytes(), media_type=kind)

    async def action(self, request: Request) -> Response:
        """Handle one POST: read the form, check it, run the work in the pool, answer."""
        name = request.path_params["action"]
        if name not in ACTIONS:
            return Response("Not found.", 404, media_type="text/plain")
        try:
            form = await read_form(request, self.secret)
            job = make_job(self.catalog, form, dt.date.today().isoformat())
            return await ACTIONS[name](self, job, form)
        except Refused as err:
            return JSONResponse({"error": err.message}, err.status)
        except HandoutError as err:
            lines = [line for text in err.lines() for line in text.split("\n")]
            return JSONResponse({"error": "\n".join(_for_page(line) for line in lines)}, 400)
        except Busy:
            return JSONResponse({"error": "The front desk is busy: try again in a moment."}, 503,
                                headers={"retry-after": "2"})
        except WorkerFailed as err:
            log.error("%s failed in a worker: %s", name, err)  # the type only, never its text
            return JSONResponse({"error": "Something went wrong; try again."}, 500)
        except Exception as err:  # noqa: BLE001 - logged without its message (it may hold input)
            log.error("%s failed: %s\n%s", name, type(err).__name__,
                      "".join(traceback.format_tb(err.__traceback__)))
            return JSONResponse({"error": "Something went wrong; try again."}, 500)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def read_form(request: Request, secret: bytes) -> dict[str, str]:
    """Read a small JSON or URL-encoded body of string fields, and check its CSRF token."""
    limit, body = request.app.state.max_body, b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, "Request too large.")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        raw = json.loads(body) if kind == "application/json" else \
            dict(parse_qsl(body.decode("utf-8"), strict_parsing=False))
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The form could not be read.") from None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise Refused(400, "The form could not be read.")
    offered = request.headers.get("x-csrf-token") or raw.get("csrf", "")
    if not csrf_ok(offered, secret):
        raise Refused(403, "This page has expired: reload it and try again.")
    return raw


# The CLI's option names in messages, as the page names its fields
_PAGE_WORDS = ((": --for:", ": patient name:"), ("--for: ", "patient name: "),
               ("--to: ", "e-mail address: "), (" (or leave out --send to write a draft)", ""))


def _for_page(line: str) -> str:
    """Say "patient name" and "e-mail address" where the CLI's messages name --for and --to."""
    for cli, page in _PAGE_WORDS:
        line = line.replace(cli, page)
    return line


def _attachment(download: work.Download) -> Response:
    return Response(download.data, media_type=download.media_type,
                    headers={"content-disposition": f'attachment; filename="{download.name}"'})


async def _preview(desk: FrontDesk, job: Any, form: dict) -> Response:
    return JSONResponse(await desk.pool.run(work.preview, job))


async def _pdf(desk: FrontDesk, job: Any, form: dict) -> Response:
    return _attachment(await desk.pool.run(work.pdf, job))


async def _email_draft(desk: FrontDesk, job: Any, form: dict) -> Response:
    return _attachment(await desk.pool.run(work.email_draft, job, form.get("to", "").strip()))


async def _send(desk: FrontDesk, job: Any, form: dict) -> Response:
    from ..mail import send

    to = form.get("to", "").strip()
    clinic, message = await desk.pool.run(work.email_for_sending, job, to)
    await asyncio.to_thread(send, clinic, message)  # SMTP waits here, not in a render worker
    return JSONResponse({"message": f"Sent to {to}."})


async def _print(desk: FrontDesk, job: Any, form: dict) -> Response:
    from ..printing import print_pdf

    printer = form.get("printer", "")
    if printer not in desk.settings.printers:
        raise Refused(400, "That printer is not one this front desk was started with.")
    pdf = await desk.pool.run(work.pdf, job)
    # the job title is the file name, built from ids only: print queues are visible to everyone
    job_id = await asyncio.to_thread(print_pdf, pdf.data, pdf.name, job.paper, printer, 1, True)
    return JSONResponse({"message": f"Sent to the printer {printer}: CUPS job {job_id}"})


ACTIONS = {"preview": _preview, "pdf": _pdf, "email-draft": _email_draft, "send": _send,
           "print": _print}


def _page_template() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    return env.get_template("index.html")


def create_app(settings: Settings) -> Any:
    """Return the ASGI app: the routes inside the Guard middleware."""
    desk = FrontDesk(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(desk.pool.start)
        try:
            yield
        finally:
            await asyncio.to_thread(desk.pool.stop)

    app = Starlette(routes=[
        Route("/", desk.index, methods=["GET"]),
        Route("/static/{name}", desk.static_file, methods=["GET"]),
        Route("/fonts/{name}", desk.font, methods=["GET"]),
        Route("/logo/{clinic}", desk.logo, methods=["GET"]),
        Route("/api/{action}", desk.action, methods=["POST"]),
    ], lifespan=lifespan)
    app.state.max_body = Policy(settings.hosts).max_body
    app.state.desk = desk
    return Guard(app, Policy(settings.hosts, settings.token))
