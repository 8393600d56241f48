"""Security: the checks every request passes before the app sees it, and the headers on every
answer (Host, access token, cross-site POSTs, body size, no-store, a strict CSP).
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

log = logging.getLogger("handouts.web")

MAX_BODY = 16 * 1024  # a form of a few short fields; anything bigger is not from the page
TOKEN_COOKIE = "handouts_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"cache-control", b"no-store"), (b"pragma", b"no-cache"),
    (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


@dataclass(frozen=True)
class Policy:
    """What a request must show: one of these Host names, and the token when one is set."""

    hosts: frozenset[str]
    token: str | None = None
    max_body: int = MAX_BODY


def host_name(value: str) -> str:
    """Return the host part of a Host header, lower-case, without the port."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware: refuse what the page would never send; add the safety headers."""

    def __init__(self, app: Any, policy: Policy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        try:
            refusal = self.refusal(scope)
            if refusal is not None:
                await _plain(send_with_headers, *refusal)
            elif scope["method"] == "GET" and self.policy.token and _query_token(scope):
                await self.accept_link(scope, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            # method, path and status only: never the query string, a header or the body
            log.info("%s %s %d %.0f ms", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - started) * 1000)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Return (status, message) when the request must be refused, else None."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if host_name(headers.get("host", "")) not in self.policy.hosts:
            return 400, "Unknown Host header: open the address the server printed at start."
        if self.policy.token and not self.token_ok(headers, scope):
            return 401, "This front desk needs its access link (printed when the server started)."
        if scope["method"] not in ("GET", "HEAD", "POST"):
            return 405, "Method not allowed."
        if scope["method"] == "POST":
            return _post_refusal(headers, self.policy.max_body)
        return None

    def token_ok(self, headers: dict[str, str], scope: Scope) -> bool:
        """Tell whether the request carries the access token (cookie, bearer or link)."""
        token = self.policy.token or ""
        cookie = SimpleCookie(headers.get("cookie", ""))
        offered = [cookie[TOKEN_COOKIE].value] if TOKEN_COOKIE in cookie else []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            offered.append(auth[7:].strip())
        if scope["method"] == "GET":
            offered.append(_query_token(scope))
        return any(hmac.compare_digest(o.encode(), token.encode()) for o in offered if o)

    async def accept_link(self, scope: Scope, send: Send) -> None:
        """Trade the token in the link for a cookie, and drop it from the address bar."""
        cookie = f"{TOKEN_COOKIE}={self.policy.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", scope["path"].encode()),
                                (b"set-cookie", cookie.encode()),
                                (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


def _post_refusal(headers: dict[str, str], max_body: int) -> tuple[int, str] | None:
    # a browser says where a request comes from; another site's page must not post here
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return 403, "Cross-site request refused."
    origin = headers.get("origin")
    if origin is not None and host_name(origin.split("://", 1)[-1]) != \
            host_name(headers.get("host", "")):
        return 403, "Cross-site request refused."
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        return 400, "Bad Content-Length."
    if length > max_body:
        return 413, "Request too large."
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/json", "application/x-www-form-urlencoded"):
        return 415, "Send the form as JSON or URL-encoded."
    return None


def _query_token(scope: Scope) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return values[0] if values else ""


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def csrf_token(secret: bytes) -> str:
    """Return the page's anti-forgery token (the same for the life of the server)."""
    return hmac.new(secret, b"csrf", "sha256").hexdigest()


def csrf_ok(offered: str, secret: bytes) -> bool:
    """Tell whether a POST carries the page's anti-forgery token."""
    return hmac.compare_digest(offered.encode(), csrf_token(secret).encode())
