"""One error shape for every error the web app returns, JSON or HTML.

JSON (API requests: paths under ``/api/``, ``/openapi.json``, or ``Accept: application/json``)::

    {"ok": false, "status": 404, "title": "Not Found", "error": "Unknown page 'x'. ...",
     "hint": "Open one of the pages listed." | null, "details": [{"loc": [...], "msg": ...}]}

Browser requests get the same fields in the error template, with the same status code. No
response ever carries a stack trace: unexpected exceptions become a 500 with a generic message
(the trace goes to the server log).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from revline.errors import ConfigError, RevlineError, WarehouseError

log = logging.getLogger("revline.web")


class WebError(Exception):
    """An error with an HTTP status, a message and an optional hint."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint
        self.headers = headers or {}


class AuthRequired(WebError):
    """No valid session or token: 401 for the API, a redirect to /login for the browser."""

    def __init__(self) -> None:
        super().__init__(
            401,
            "Authentication required.",
            "Sign in at /login, or send 'Authorization: Bearer <token>' "
            "(create one with: revline users token NAME).",
        )


def wants_json(request: Request) -> bool:
    """True for API requests: under /api/, the OpenAPI schema, or JSON preferred."""
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_body(
    status: int, message: str, hint: str | None = None, details: Any = None
) -> dict[str, Any]:
    """The one error shape (see the module docstring)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return {
        "ok": False,
        "status": status,
        "title": title,
        "error": message,
        "hint": hint,
        "details": details or [],
    }


def respond(
    request: Request,
    status: int,
    message: str,
    hint: str | None = None,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as JSON for API requests, else as the HTML error page."""
    body = error_body(status, message, hint, details)
    headers = {**({"WWW-Authenticate": "Bearer"} if status == 401 else {}), **(headers or {})}
    if wants_json(request):
        return JSONResponse(body, status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"error": body, "user": None, "nav": []}, status_code=status
    )


def install(app: FastAPI) -> None:
    """Route every kind of error through :func:`respond`."""

    @app.exception_handler(AuthRequired)
    async def _auth(request: Request, exc: AuthRequired) -> Response:
        if wants_json(request):
            return respond(request, 401, exc.message, exc.hint)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import urlencode

        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        return respond(request, exc.status, exc.message, exc.hint, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and message == "Not Found":
            message = f"No page or endpoint at {request.url.path}."
        return respond(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        where = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details)
        return respond(request, 422, f"Invalid request: {where}", "Check the parameters.", details)

    @app.exception_handler(ConfigError)
    async def _config(request: Request, exc: ConfigError) -> Response:
        return respond(request, 422, exc.message, exc.hint)

    @app.exception_handler(WarehouseError)
    async def _warehouse(request: Request, exc: WarehouseError) -> Response:
        return respond(request, 503, exc.message, exc.hint)

    @app.exception_handler(RevlineError)
    async def _revline(request: Request, exc: RevlineError) -> Response:
        return respond(request, 400, exc.message, exc.hint)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        # Reached only for an error raised outside revline.web.headers.LastCatch.
        log.exception("Internal error on %s", request.url.path)
        return internal_error(request)


def internal_error(request: Request) -> Response:
    """The 500 answer to an unexpected exception: a generic message, never the trace."""
    return respond(
        request, 500, "Internal error.", "The server log has the details; please report it."
    )
