"""The FastAPI app factory: ``create_app(warehouse_path)``.

The app opens the warehouse read-only, keeps users in a SQLite file next to it (see
:mod:`revline.web.users`), registers the routes of every registered page (HTML and JSON twin
from one handler), the drill-downs, the metrics API and the sign-in pages, and routes every
error through one shape (:mod:`revline.web.errors`). With ``precompute=True`` the default view
of every page is computed in a background thread at start-up, so the first visitors are served
from the cache.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from revline import __version__
from revline.web import errors
from revline.web.config import WebSettings
from revline.web.fastpath import serve_static
from revline.web.headers import LastCatch, SecurityHeaders
from revline.web.monitor import Monitor
from revline.web.registry import Page
from revline.web.security import can_see_page, csrf_token, current_user
from revline.web.state import WebState
from revline.web.throttle import LoginThrottle
from revline.web.usercache import CachedUsers
from revline.web.users import User, UserStore, users_path

_HERE = Path(str(resources.files("revline.web")))


def create_app(
    warehouse_path: str | Path,
    *,
    users: str | Path | None = None,
    org: str | Path | None = None,
    precompute: bool = False,
    secret_key: str | None = None,
    cache_size: int = 512,
    secure: bool = False,
    settings: WebSettings | None = None,
) -> FastAPI:
    """The dashboard and API over the warehouse at ``warehouse_path`` (opened read-only).

    ``users`` is the user store (default ``<warehouse stem>.users.sqlite`` beside it), ``org``
    the function category map (default the built-in or ``$REVLINE_ORG``), ``secret_key`` the
    session-signing key (default: generated once and kept in the user store). ``secure`` (a
    server reached over HTTPS) marks the session cookie ``Secure`` and sends HSTS;
    ``settings`` the session timeouts and sign-in limits (default: from the environment).
    """
    web_settings = settings or WebSettings.from_env()
    store = UserStore(users or users_path(warehouse_path))
    state = WebState(warehouse_path, org, cache_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.reopen()
        state.monitor = Monitor()
        state.monitor.start()
        state.monitor.settle()  # the app and the open warehouse: out of later collections
        if precompute:
            from revline.web.routes_pages import warm

            threading.Thread(
                target=state.run_precompute,
                args=(functools.partial(warm, state, templates=app.state.templates),),
                name="precompute",
                daemon=True,
            ).start()
        yield
        state.monitor.stop()
        state.monitor = None
        state.close()

    app = FastAPI(
        title="revline",
        version=__version__,
        description="The revenue engine's dashboard and REST API. Every page has a JSON twin "
        "under /api/; errors share one shape. Authenticate with a session (browser) or "
        "'Authorization: Bearer <token>' (revline users token NAME).",
        openapi_url=None,  # served below, behind authentication
        docs_url=None,  # Swagger UI loads from a CDN; the dashboard works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.users = CachedUsers(store)
    app.state.web_settings = web_settings
    app.state.throttle = LoginThrottle(web_settings)
    app.state.web = state
    app.state.templates = Jinja2Templates(directory=str(_HERE / "templates"))
    app.state.templates.env.globals["version"] = __version__
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or store.secret_key(),
        session_cookie="revline_session",
        same_site="lax",
        max_age=int(web_settings.max_seconds),
        https_only=secure,
    )
    # Added last, so outermost of the app's own: every answer, errors included, has them.
    app.add_middleware(LastCatch)
    app.add_middleware(SecurityHeaders, secure=secure)
    errors.install(app)
    serve_static(app, "/static/style.css", _HERE / "static" / "style.css", "text/css")
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    from revline.web.routes_api import install as install_api
    from revline.web.routes_auth import install as install_auth
    from revline.web.routes_pages import install as install_pages
    from revline.web.routes_rows import install as install_rows

    install_auth(app)
    install_api(app)
    install_rows(app)
    install_pages(app)

    declare_security(app)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(user: Annotated[User, Depends(current_user)]) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/", include_in_schema=False)
    def home(user: Annotated[User, Depends(current_user)]) -> Response:
        visible = [p for p in state.pages if can_see_page(user, p)]
        return RedirectResponse(visible[0].path if visible else "/api/me", status_code=303)

    return app


#: The OpenAPI security schemes: every operation takes either (``security`` at the top level).
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: revline users token NAME (list: revline users tokens).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "revline_session",
        "description": "The browser session cookie set by signing in at /login.",
    },
}


def declare_security(app: FastAPI) -> None:
    """Make the app's OpenAPI document declare the bearer and cookie schemes."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()  # FastAPI keeps it as app.openapi_schema
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        schema["security"] = [{name: []} for name in SECURITY_SCHEMES]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render ``template`` with the navigation, the user and the CSRF token."""
    user = context.get("user")
    served: list[Page] = request.app.state.web.pages
    nav = [p for p in served if isinstance(user, User) and can_see_page(user, p)]
    full = {"nav": nav, "csrf": csrf_token(request), "path": request.url.path, **context}
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, full, status_code=status)
