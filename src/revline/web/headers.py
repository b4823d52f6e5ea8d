"""Two ASGI middlewares every response passes through: security headers and the last catch.

:class:`SecurityHeaders` adds to every answer (pages, API, sign-in, errors, static files):

- ``Content-Security-Policy``: only this origin's own resources; no inline script and no
  inline style (the dashboard has neither: pages are rendered on the server, charts are SVG
  drawn with presentation attributes), no plugins, no ``<base>``, forms post only here, and
  ``frame-ancestors 'none'`` so no other site can frame the dashboard (clickjacking);
- ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``;
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` (a drill-down's
  query string, which names segments and periods, never leaves the site in a Referer);
- with ``secure=True`` (``revline serve --secure``, for a server behind HTTPS)
  ``Strict-Transport-Security``; the session cookie is then also marked ``Secure``
  (:func:`revline.web.app.create_app`).

:class:`LastCatch` turns an exception no handler took into the one JSON/HTML error shape
(:mod:`revline.web.errors`) *without re-raising it*. Starlette's outermost error middleware
answers 500 and then re-raises, and the server closes the keep-alive connection, so a client's
next request on that connection failed; here the error is logged with its trace and the
connection stays usable. docs/security.md maps each control to its OWASP ASVS requirement.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from revline.web.errors import internal_error

log = logging.getLogger("revline.web")

#: The content security policy of every answer (see the module docstring).
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: One year, the whole site: a browser that once reached the HTTPS server never falls back.
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(secure: bool) -> list[tuple[bytes, bytes]]:
    """The headers :class:`SecurityHeaders` adds (HSTS only when ``secure``)."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    if secure:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class SecurityHeaders:
    """Add :func:`security_headers` to every HTTP response (replacing any same-named one)."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.headers = security_headers(secure)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LastCatch:
    """Answer an unhandled exception with the one error shape (500), log it, keep the
    connection open (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:  # the status line is out: nothing better than closing can be done
                raise
            request = Request(scope, receive)
            log.exception("Internal error on %s", request.url.path)
            response = internal_error(request)
            await response(scope, receive, send)
