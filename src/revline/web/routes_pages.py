"""One handler per registered page, served twice: ``/<name>`` (HTML) and ``/api/<name>`` (JSON).

The handler checks access first (a refused page computes nothing), validates the filters
(only those the page declares, values that exist in the warehouse), takes the page data from
the cache (computed once for everyone), removes what the user may not see
(:func:`revline.web.redact.redact`), and renders it: as JSON under ``/api/``, else through the
page's template with the charts drawn as SVG (also cached). Every cached answer is keyed by
the user's visibility class (:func:`revline.web.redact.visibility`): users of one class see
the same bytes, and no answer built for one class is served to another.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from revline import __version__
from revline.errors import ConfigError, unknown
from revline.serialize import dumps
from revline.web.charts import render_all
from revline.web.fastpath import Prebuilt
from revline.web.redact import redact, visibility
from revline.web.registry import BREAKDOWN_FILTERS, Filters, Page
from revline.web.security import can_see_page, csrf_token, current_user, require_page
from revline.web.state import WebState
from revline.web.users import User

T = TypeVar("T")
FilterQuery = Annotated[str | None, Query(max_length=64, description="See docs/web.md: filters.")]


def check_filters(state: WebState, page: Page, filters: Filters) -> Filters:
    """``filters`` validated against the page and the warehouse, normalised for the cache."""
    given = [name for name, value in asdict(filters).items() if value]
    refused = [name for name in given if name not in page.filters]
    if refused:
        takes = ", ".join(page.filters) or "no filters"
        raise ConfigError(
            f"Page {page.name!r} does not take the filter(s) {', '.join(refused)}.",
            hint=f"It takes {takes}.",
        )
    chosen = filters.breakdown
    if chosen:
        dim, value = chosen
        choices = state.choices(dim)
        if value not in choices:
            raise ConfigError(unknown(dim, value, choices), hint=f"Pick a {dim} from the list.")
    return state.normalize(filters)


def payload(state: WebState, page: Page, filters: Filters, user: User) -> dict[str, Any]:
    """The JSON twin of a page as ``user`` may see it: what it is, the filters applied, its
    data (redacted) and what was ``withheld``."""
    data = redact(state.page_data(page, filters), user, state.org)
    return {
        "page": page.name,
        "title": page.title,
        "description": page.description,
        "period": filters.period,
        # Only the filters the page takes: its JSON link must open (a page without a period
        # filter refuses ?period=).
        "filters": {k: v for k, v in filters.query().items() if k in page.filters},
        "as_of": str(state.as_of),
        "load_id": state.load_id,
        **data,
    }


def json_bytes(state: WebState, page: Page, filters: Filters, user: User) -> Prebuilt:
    """The JSON twin, serialised once per (page, filters, visibility class), then cached."""
    key = ("json", page.name, filters.key(), visibility(user))

    def build() -> Prebuilt:
        body = dumps(payload(state, page, filters, user), indent=None).encode()
        return Prebuilt.of(body, "application/json")

    return state.cached(key, build)


def body_html(
    state: WebState, page: Page, filters: Filters, user: User, templates: Jinja2Templates
) -> str:
    """The page's content (its template, charts drawn), rendered once per (page, filters,
    visibility class).

    The frame around it (navigation, user, CSRF token) is added by :func:`framed`."""

    def build() -> str:
        data = payload(state, page, filters, user)
        full = state.page_data(page, filters)  # every chart, drawn once for every class
        drawn = state.cached(("svg", page.name, filters.key()), lambda: render_all(full))
        choices = {dim: state.choices(dim) for dim in BREAKDOWN_FILTERS if dim in page.filters}
        context = {
            "page": page,
            "data": data,
            "svg": drawn,
            "filters": filters,
            "choices": choices,
            "api": page.api_path,
        }
        return templates.get_template(page.template).render(context)

    return state.cached(("html", page.name, filters.key(), visibility(user)), build)


#: The user whose view the start-up precompute renders (admins and executives share it).
WARM_USER = User("precompute", "exec", ())


def warm(state: WebState, page: Page, templates: Jinja2Templates) -> None:
    """Compute the default view of ``page`` (start-up precompute): its data, shared by every
    user, and the everything-visible class's serialised JSON and HTML."""
    filters = state.normalize(Filters())
    json_bytes(state, page, filters, WARM_USER)
    body_html(state, page, filters, WARM_USER, templates)


def _remember(state: WebState, kind: str, page: Page, raw: Filters, user: User, value: T) -> T:
    """Cache ``value`` under the request's raw filters too, so the next identical request is
    answered without validating or normalising again; then settle the collector (the
    computation's garbage collected, the kept data frozen out of later collections)."""
    state.put(request_key(kind, page, raw, user), value)
    state.settle()
    return value


def request_key(kind: str, page: Page, raw: Filters, user: User) -> tuple[Any, ...]:
    """The cache key of an answer to the request's raw filters, for the user's class."""
    return ("request", kind, page.name, raw.key(), visibility(user))


def answer_json(state: WebState, page: Page, raw: Filters, user: User) -> Prebuilt:
    """The JSON twin of ``page`` for the request's filters ``raw`` (computed if needed)."""
    value = json_bytes(state, page, check_filters(state, page, raw), user)
    return _remember(state, "json", page, raw, user, value)


def answer_html(
    state: WebState, page: Page, raw: Filters, user: User, templates: Jinja2Templates
) -> str:
    """The content HTML of ``page`` for the request's filters ``raw`` (computed if needed)."""
    value = body_html(state, page, check_filters(state, page, raw), user, templates)
    return _remember(state, "html", page, raw, user, value)


def framed(
    request: Request, page: Page, user: User, csrf: str, content: str, templates: Jinja2Templates
) -> Prebuilt:
    """The whole HTML page: the cached ``content`` inside this user's frame."""
    served: list[Page] = request.app.state.web.pages
    context = {
        "nav": [p for p in served if can_see_page(user, p)],
        "csrf": csrf,
        "path": page.path,
        "user": user,
        "page": page,
        "body": content,
        "version": __version__,
    }
    html = templates.get_template("frame.html").render(context)
    return Prebuilt.of(html.encode(), "text/html; charset=utf-8")


def _handler(page: Page) -> Any:
    async def handler(
        request: Request,
        user: Annotated[User, Depends(current_user)],
        period: Annotated[
            str | None,
            Query(max_length=32, description="A month (2025-07), quarter (2025-Q3) or year."),
        ] = None,
        segment: FilterQuery = None,
        region: FilterQuery = None,
        plan: FilterQuery = None,
        channel: FilterQuery = None,
    ) -> Response:
        require_page(user, page)
        state: WebState = request.app.state.web
        raw = Filters(period, segment, region, plan, channel)
        templates: Jinja2Templates = request.app.state.templates
        if request.url.path.startswith("/api/"):
            found: Prebuilt | None = state.peek(request_key("json", page, raw, user))
            if found is None:  # compute (or wait for the lock) off the event loop
                found = await run_in_threadpool(answer_json, state, page, raw, user)
            return found.response(request)
        csrf = csrf_token(request)
        key = (page.name, raw.key(), user, csrf, state.load_id)
        built = state.frames.get(key)
        if built is None:
            content: str | None = state.peek(request_key("html", page, raw, user))
            if content is None:
                content = await run_in_threadpool(answer_html, state, page, raw, user, templates)
            built = framed(request, page, user, csrf, content, templates)
            state.frames.put(key, built)
        return built.response(request)

    handler.__doc__ = f"{page.title}: {page.description}" if page.description else page.title
    return handler


def install(app: FastAPI) -> None:
    """Add the HTML and JSON routes of every registered page."""
    for page in app.state.web.pages:
        handler = _handler(page)
        app.add_api_route(page.path, handler, methods=["GET"], include_in_schema=False)
        app.add_api_route(
            page.api_path,
            handler,
            methods=["GET"],
            tags=["pages"],
            summary=page.title,
            name=f"page_{page.name}",
            responses={
                401: {"description": "Not signed in"},
                403: {"description": "Not your page"},
                422: {"description": "Bad filter"},
            },
        )
