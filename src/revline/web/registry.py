"""The page registry: the contract every dashboard page follows (docs/web.md "Adding a page").

A page is data: a name (its URL ``/<name>`` and JSON twin ``/api/<name>``), a title, the
owning functions from the function category map (who may see it), and a data function
``(PageContext) -> dict`` returning a JSON-able dict. The same dict is served as the JSON twin
and rendered as HTML (by the generic template unless the page names its own), so what the page
shows and what the API returns can never differ.

Page modules live in :mod:`revline.web.pages` (every module there is imported on start-up)
and call :func:`register` at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from revline.errors import ConfigError, unknown
from revline.registry import Registry

#: The filters a page may take; at most one of the breakdown filters at a time, because the
#: metric layer breaks a figure down by one dimension (``by``).
BREAKDOWN_FILTERS: tuple[str, ...] = ("segment", "region", "plan", "channel")
FILTERS: tuple[str, ...] = ("period", *BREAKDOWN_FILTERS)


@dataclass(frozen=True)
class Filters:
    """The filters of one page request: ``period`` and at most one breakdown value."""

    period: str | None = None
    segment: str | None = None
    region: str | None = None
    plan: str | None = None
    channel: str | None = None

    @property
    def breakdown(self) -> tuple[str, str] | None:
        """``(dimension, value)`` of the breakdown filter set, or ``None``."""
        chosen = [(name, getattr(self, name)) for name in BREAKDOWN_FILTERS if getattr(self, name)]
        if len(chosen) > 1:
            names = ", ".join(name for name, _ in chosen)
            raise ConfigError(
                f"Filters {names} were given together; a page filters by one of "
                f"{', '.join(BREAKDOWN_FILTERS)} at a time.",
                hint="Keep one breakdown filter and remove the others.",
            )
        return chosen[0] if chosen else None

    def key(self) -> tuple[tuple[str, str], ...]:
        """A hashable, order-independent key of the filters set (for the page cache)."""
        return tuple(
            (f.name, str(getattr(self, f.name))) for f in fields(self) if getattr(self, f.name)
        )

    def query(self, **override: str | None) -> dict[str, str]:
        """The filters as URL query parameters (``override`` replaces or removes some)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(override)
        return {k: str(v) for k, v in values.items() if v}


@dataclass
class PageContext:
    """What a page's data function is given.

    ``warehouse`` is the server's (read-only) :class:`~revline.warehouse.Warehouse`;
    ``period`` is the requested period or, by default, the last full quarter of the data;
    ``settings`` the metric settings every page uses (so figures match ``revline`` commands);
    ``org`` the function category map. Use :mod:`revline.web.content` to compute figures: it
    asks the metric registry and applies the breakdown filter the same way on every page.
    """

    warehouse: Any  # revline.warehouse.Warehouse (Any: keeps this module import-light)
    filters: Filters
    period: str
    settings: Any  # revline.metrics.gtm_frame.GtmSettings
    org: Any  # revline.org.OrgMap


DataFunction = Callable[[PageContext], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    """One dashboard page.

    - ``name``: lower-case identifier; the page is served at ``/<name>`` and ``/api/<name>``.
    - ``title``: shown in the navigation and the page heading.
    - ``functions``: owning functions (names in the org map). A function lead sees the page
      when they lead one of them; ``()`` means every signed-in user sees it.
    - ``data``: ``(PageContext) -> dict`` (JSON-able); see docs/web.md for the keys the
      generic template renders (``figures``, ``tables``, ``charts``, ``notes``).
    - ``template``: a Jinja2 template in ``revline/web/templates`` (default: the generic one).
    - ``filters``: which of :data:`FILTERS` the page takes (others are refused with 422).
    - ``precompute``: compute the default view when the server starts.
    - ``order``: position in the navigation.
    """

    name: str
    title: str
    functions: tuple[str, ...]
    data: DataFunction
    description: str = ""
    template: str = "page.html"
    filters: tuple[str, ...] = FILTERS
    precompute: bool = True
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.name}"

    @property
    def api_path(self) -> str:
        return f"/api/{self.name}"


def load_pages() -> None:
    """Import every module of :mod:`revline.web.pages` (each registers its pages)."""
    import importlib
    import pkgutil

    from revline.web import pages as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")


#: Every dashboard page, by name (the one :class:`revline.registry.Registry` helper).
PAGES: Registry[Page] = Registry("page", hint="Open one of the pages listed.", load=load_pages)
#: Names the server uses for its own routes; a page may not take them.
RESERVED = frozenset(
    {"api", "login", "logout", "static", "rows", "metrics", "openapi", "docs", "redoc", "health"}
)


def register(page: Page) -> Page:
    """Add ``page`` to :data:`PAGES` (a name registered twice is refused)."""
    if not page.name.isidentifier() or page.name != page.name.lower():
        raise ConfigError(
            f"Page name {page.name!r} is not a lower-case identifier.",
            hint="Name pages in snake_case, e.g. 'funnel'.",
        )
    if page.name in RESERVED:
        raise ConfigError(
            f"Page name {page.name!r} is reserved by the server.",
            hint=f"Choose a name other than {', '.join(sorted(RESERVED))}.",
        )
    for name in page.filters:
        if name not in FILTERS:
            raise ConfigError(unknown("filter", name, FILTERS), hint=f"Fix page {page.name!r}.")
    return PAGES.register(page.name, page)


def pages() -> list[Page]:
    """Every registered page, in navigation order (built-in pages are loaded first)."""
    return sorted(PAGES, key=lambda p: (p.order, p.name))


def get_page(name: str) -> Page:
    """The page called ``name``; an unknown name suggests the closest."""
    return PAGES.get(name)
