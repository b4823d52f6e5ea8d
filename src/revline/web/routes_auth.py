"""Sign-in and sign-out (CSRF-protected forms) and ``/api/me``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from revline.web.errors import WebError
from revline.web.security import SESSION_KEY, check_csrf, current_user, optional_user
from revline.web.throttle import LoginThrottle
from revline.web.users import User, UserStore


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class Throttled(WebError):
    """Too many failed sign-ins: 429 with ``Retry-After``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            429,
            "Too many failed sign-ins for this user or from this address.",
            f"Try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )


def _end(request: Request) -> None:
    """End the server-side session the cookie names, if any (a copy of it stops working)."""
    session = request.session.get(SESSION_KEY)
    if isinstance(session, str):
        store: UserStore = request.app.state.store
        store.end_session(session)


def install(app: FastAPI) -> None:
    from revline.web.app import render

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str | None = None) -> Response:
        if optional_user(request) is not None:
            return RedirectResponse(_safe_next(next), status_code=303)
        return render(
            request, "login.html", {"user": None, "next": _safe_next(next), "failed": False}
        )

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=64)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        csrf_token: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=2000)] = "/",
    ) -> Response:
        check_csrf(request, csrf_token)
        store: UserStore = request.app.state.store
        throttle: LoginThrottle = request.app.state.throttle
        address = request.client.host if request.client else "unknown"
        wait = throttle.retry_after(username, address)
        if wait is not None:
            raise Throttled(wait)
        user = store.authenticate(username, password)
        if user is None:
            throttle.failed(username, address)
            context = {"user": None, "next": _safe_next(next), "failed": True}
            return render(request, "login.html", context, status=401)
        throttle.succeeded(username)
        _end(request)
        request.session.clear()  # a new session on sign-in (no session fixation)
        request.session[SESSION_KEY] = store.create_session(user.username)
        return RedirectResponse(_safe_next(next), status_code=303)

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
        check_csrf(request, csrf_token)
        _end(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/api/me", tags=["auth"], summary="The signed-in user")
    def me(user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
        return {"username": user.username, "role": user.role, "functions": list(user.functions)}
