"""Who is asking and what they may see: sessions, API tokens, CSRF and the access rules.

- A browser signs in at ``/login``; the session cookie (signed by Starlette's
  SessionMiddleware) holds a server-side session id (:meth:`UserStore.create_session`),
  checked against the user store on every request with its idle and absolute timeouts
  (:class:`revline.web.config.WebSettings`): signing out, removing the user or a timeout ends
  it, and a copy of the cookie stops working with it.
- An API client sends ``Authorization: Bearer <token>``.
- Every state-changing form (login, logout) carries the session's CSRF token; a POST without
  the matching token is refused with 403.

Access rules: ``admin`` and ``exec`` see every page and every row; a ``lead`` sees the pages
whose owning functions include one of theirs (pages owned by no function are for everyone) and
the drill-down rows of metrics their functions own (owner from the org map); a ``viewer`` sees
every page's figures but no row-level drill-down. A refusal is a 403 whose body names the page
or metric asked for and nothing else.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from revline.web.config import WebSettings
from revline.web.errors import AuthRequired, WebError
from revline.web.registry import Page
from revline.web.usercache import CachedUsers
from revline.web.users import User

#: The session cookie's key holding the server-side session id.
SESSION_KEY = "sid"


async def current_user(request: Request) -> User:
    """The signed-in user (a FastAPI dependency); raises :class:`AuthRequired` otherwise.

    Async: the lookup is answered from memory (a ``stat`` and a 100-byte read of the user
    file tell whether it changed), cheaper inline than a hop to the threadpool."""
    user = optional_user(request)
    if user is None:
        raise AuthRequired()
    return user


def optional_user(request: Request) -> User | None:
    """The user of a bearer token or of the session cookie, if any."""
    store: CachedUsers = request.app.state.users
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return store.user_for_token(header[7:].strip())
    session = request.session.get(SESSION_KEY)
    if not isinstance(session, str):
        return None
    settings: WebSettings = request.app.state.web_settings
    return store.user_for_session(session, settings.idle_seconds, settings.max_seconds)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use; ``""`` for a bearer-token request,
    which has no session and posts no forms)."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse (403) a form whose CSRF token does not match the session's."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise WebError(
            403,
            "The form's CSRF token is missing or does not match this session.",
            "Reload the page and submit the form again.",
        )


def can_see_page(user: User, page: Page) -> bool:
    if user.role != "lead" or not page.functions:
        return True
    return bool(set(page.functions) & set(user.functions))


def require_page(user: User, page: Page) -> None:
    if not can_see_page(user, page):
        raise WebError(
            403,
            f"Your role does not include the page {page.name!r}.",
            "Ask an admin for access to one of the functions that own it.",
        )


def can_see_rows(user: User, owner: str) -> bool:
    """May ``user`` see the rows behind a metric owned by function ``owner``?"""
    if user.sees_everything:
        return True
    return user.role == "lead" and owner in user.functions


def require_rows(user: User, metric: str, owner: str) -> None:
    if not can_see_rows(user, owner):
        raise WebError(
            403,
            f"Your role does not include the rows behind {metric!r}.",
            "Row-level data is shown to admins, executives and the leads of the owning function.",
        )


def can_see_metric(user: User, owner: str) -> bool:
    """Metric values: everyone but a lead outside the owning function."""
    return user.role != "lead" or owner in user.functions


def require_metric(user: User, metric: str, owner: str) -> None:
    if not can_see_metric(user, owner):
        raise WebError(
            403,
            f"Your role does not include the metric {metric!r}.",
            "Ask an admin for access to the function that owns it.",
        )
