"""The server's state: the read-only warehouse, its load id, and the page-data cache.

DuckDB runs one query at a time per connection, so computations share one lock; cached page
data is served without it. The cache key is ``(what, filters, load id)``: the load id is a hash
of every canonical table's row count and latest ``loaded_at``, taken when the server opens the
warehouse (read-only, so the data cannot change under it: DuckDB refuses writers meanwhile).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from revline.errors import ConfigError
from revline.metrics.gtm_frame import GtmSettings
from revline.model.data_end import data_end
from revline.model.periods import last_full_quarter, month_index, parse_period
from revline.org import OrgMap, load_org
from revline.schema import TABLES
from revline.warehouse import Warehouse
from revline.web.fastpath import LRU, Prebuilt
from revline.web.monitor import Monitor
from revline.web.registry import Filters, Page, PageContext, pages

log = logging.getLogger("revline.web")
T = TypeVar("T")
#: The earliest year a period may start in.
FIRST_YEAR = 1970


def load_id(wh: Warehouse) -> str:
    """A short hash of each canonical table's row count and latest ``loaded_at``."""
    parts: dict[str, list[str]] = {}
    for name in TABLES:
        t = wh.table(name)
        row = wh.ibis.execute(t.aggregate(n=t.count(), last=t.loaded_at.max()))
        parts[name] = [str(v) for v in row.iloc[0].tolist()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Precompute:
    """Progress of the start-up precomputation (``/api/status`` reports it)."""

    total: int = 0
    done: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    running: bool = False


class WebState:
    """Everything the request handlers share."""

    def __init__(
        self,
        warehouse: str | Path,
        org_path: str | Path | None = None,
        cache_size: int = 512,
        frame_cache_size: int = 512,
    ) -> None:
        self.path = str(warehouse)
        self._warehouse = Warehouse.open(warehouse, read_only=True)
        self.closed = False
        self.lock = threading.RLock()
        self.org: OrgMap = load_org(org_path)
        self.as_of = data_end(self.warehouse.ibis)
        self.settings = GtmSettings(as_of=self.as_of)
        self.default_period = last_full_quarter(self.as_of)
        self.load_id = load_id(self.warehouse)
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        #: Whole HTML pages (the cached content in one user's frame), see revline.web.fastpath.
        self.frames: LRU[tuple[Any, ...], Prebuilt] = LRU(frame_cache_size)
        self.precompute = Precompute()
        #: Set while the app is served (its lifespan): GC and loop-lag figures, GC settling.
        self.monitor: Monitor | None = None
        self.pages: list[Page] = pages()

    def close(self) -> None:
        """Close the warehouse (server shutdown); :meth:`reopen` opens it again."""
        with self.lock:
            if not self.closed:
                self._warehouse.close()
                self.closed = True

    def reopen(self) -> None:
        """Open the warehouse again after :meth:`close` (a restarted app); the cache stays
        valid only if the data is unchanged, so the load id is taken again."""
        with self.lock:
            if self.closed:
                self._warehouse = Warehouse.open(self.path, read_only=True)
                self.closed = False
                self.load_id = load_id(self._warehouse)

    @property
    def warehouse(self) -> Warehouse:
        """The open warehouse (opened again if an app shutdown closed it)."""
        if self.closed:
            self.reopen()
        return self._warehouse

    def context(self, filters: Filters) -> PageContext:
        return PageContext(
            self.warehouse, filters, filters.period or self.default_period, self.settings, self.org
        )

    def cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """The cached value of ``key`` (with the load id), built under the warehouse lock."""
        full = (*key, self.load_id)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[no-any-return]
        with self.lock:
            with self._cache_lock:  # another thread may have built it while we waited
                if full in self._cache:
                    return self._cache[full]  # type: ignore[no-any-return]
            value = build()
        with self._cache_lock:
            self._cache[full] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value

    def settle(self) -> None:
        """After computing something the server keeps: collect, then freeze the survivors
        out of later collections (only while served; see :mod:`revline.web.monitor`)."""
        if self.monitor is not None:
            self.monitor.settle()

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached value of ``key`` or ``None``, without computing (the fast path)."""
        with self._cache_lock:
            return self._cache.get((*key, self.load_id))

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        """Cache ``value`` under ``key`` too (an alias, e.g. the request's raw filters)."""
        with self._cache_lock:
            self._cache[(*key, self.load_id)] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def is_cached(self, key: tuple[Any, ...]) -> bool:
        with self._cache_lock:
            return (*key, self.load_id) in self._cache

    def page_data(self, page: Page, filters: Filters) -> dict[str, Any]:
        """The data dict of ``page`` under ``filters`` (cached)."""
        filters = self.normalize(filters)
        key = ("page", page.name, filters.key())
        return self.cached(key, lambda: page.data(self.context(filters)))

    def normalize_period(self, period: str | None) -> str:
        """A period's canonical label (default: the last full quarter of the data)."""
        if not period:
            return self.default_period
        parsed = parse_period(period)
        first, last = month_index(date(FIRST_YEAR, 1, 1)), month_index(self.as_of) + 60
        if parsed.first < first or parsed.last > last:
            raise ConfigError(
                f"Period {period!r} is outside the range revline reports "
                f"({FIRST_YEAR} to five years after the data, which ends {self.as_of}).",
                hint=f"Pick a period such as {self.default_period}.",
            )
        return parsed.label

    def normalize(self, filters: Filters) -> Filters:
        """``filters`` with the period spelled canonically (default: the last full quarter);
        a period that cannot be read, or two breakdown filters, raise ConfigError (422)."""
        _ = filters.breakdown  # validates: one breakdown filter at most
        return replace(filters, period=self.normalize_period(filters.period))

    def choices(self, dim: str) -> list[str]:
        """The values a breakdown filter may take, as the metric layer labels them."""
        return self.cached(("choices", dim), lambda: self._choices(dim))

    def _choices(self, dim: str) -> list[str]:
        from revline.metrics.channel import account_channels
        from revline.metrics.frame import NONE_LABEL

        con = self.warehouse.ibis
        if dim == "channel":
            column = account_channels(con).group
        elif dim == "plan":
            column = con.table("plans").plan_id
        else:
            column = con.table("accounts")[dim]
        values = con.execute(
            column.cast("string").coalesce(NONE_LABEL).name("v").as_table().distinct()
        )
        return sorted(str(v) for v in values["v"])

    def run_precompute(self, warm: Callable[[Page], object]) -> None:
        """Run ``warm`` (compute and render the default view) for every page that asks for
        it; start-up calls this in a thread."""
        todo = [p for p in self.pages if p.precompute]
        self.precompute = Precompute(total=len(todo), running=True)
        started = time.perf_counter()
        for page in todo:
            try:
                warm(page)
                self.precompute.done += 1
            except Exception:  # one broken page must not stop the others being warmed
                log.exception("Precomputing page %s failed", page.name)
                self.precompute.failed.append(page.name)
        self.settle()
        self.precompute.seconds = round(time.perf_counter() - started, 2)
        self.precompute.running = False
        log.info("Precomputed %d pages in %.1f s", self.precompute.done, self.precompute.seconds)
