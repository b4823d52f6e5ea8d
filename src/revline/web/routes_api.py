"""The REST API beside the page twins: pages, metric declarations and values, server status,
and (for admins) the user list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request

from revline.errors import ConfigError, unknown
from revline.metrics.api import REGISTRY, compute_many
from revline.metrics.core import display
from revline.metrics.frame import BREAKDOWNS
from revline.metrics.gtm_frame import GTM_BREAKDOWNS
from revline.serialize import plain
from revline.web.errors import WebError
from revline.web.security import can_see_page, current_user, require_metric
from revline.web.state import WebState
from revline.web.users import User, UserStore

CurrentUser = Annotated[User, Depends(current_user)]


def _declaration(state: WebState, name: str) -> dict[str, Any]:
    m = REGISTRY[name]
    return {
        "name": m.name,
        "kind": m.kind,
        "unit": m.unit,
        "grain": m.grain,
        "description": m.description,
        "formula": m.formula,
        "owner": state.org.metric_owner(m.name, m.owner).function,
        "benchmark": None
        if m.benchmark is None
        else {"band": m.benchmark.band, "source": m.benchmark.source},
        "tables": list(m.tables),
    }


def install(app: FastAPI) -> None:
    @app.get("/api/pages", tags=["pages"], summary="The pages you may open")
    def list_pages(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "title": p.title,
                "path": p.path,
                "api": p.api_path,
                "functions": list(p.functions),
                "filters": list(p.filters),
            }
            for p in request.app.state.web.pages
            if can_see_page(user, p)
        ]

    @app.get("/api/metrics", tags=["metrics"], summary="Every metric's declaration")
    def list_metrics(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
        state: WebState = request.app.state.web
        return [_declaration(state, name) for name in REGISTRY]

    @app.get("/api/metrics/{name}", tags=["metrics"], summary="A metric's values")
    def metric_values(
        request: Request,
        name: str,
        user: CurrentUser,
        period: Annotated[
            str | None,
            Query(
                max_length=32, description="A period (2025-Q4), or a grain: month, quarter, year."
            ),
        ] = None,
        by: Annotated[
            str | None, Query(max_length=32, description=f"One of {', '.join(GTM_BREAKDOWNS)}.")
        ] = None,
    ) -> dict[str, Any]:
        """A metric's values for a period or every period of a grain, optionally broken down."""
        state: WebState = request.app.state.web
        if name not in REGISTRY:
            raise WebError(404, unknown("metric", name, REGISTRY), "List them at /api/metrics.")
        declared = _declaration(state, name)
        require_metric(user, name, declared["owner"])
        valid = GTM_BREAKDOWNS if REGISTRY[name].frame == "gtm" else BREAKDOWNS
        if by is not None and by not in valid:
            raise ConfigError(
                unknown("breakdown", by, valid), hint=f"Break {name} down by one of these."
            )
        spec = (
            period.strip().lower()
            if period and period.strip().lower() in ("month", "quarter", "year")
            else state.normalize_period(period)
        )

        def build() -> Any:
            return compute_many(
                [name], spec, by, warehouse=state.warehouse, settings=state.settings
            )[name]

        frame = state.cached(("metric", name, spec, by), build)
        unit = declared["unit"]
        values = [
            {
                **{str(k): plain(v, unit if k == "value" else None) for k, v in row.items()},
                "display": display(row["value"], unit),
            }
            for row in frame.to_dict(orient="records")
        ]
        return {"metric": declared, "period": spec, "by": by, "values": values}

    @app.get("/api/status", tags=["server"], summary="Warehouse, cache and precompute status")
    def status(request: Request, user: CurrentUser) -> dict[str, Any]:
        state: WebState = request.app.state.web
        pre = state.precompute
        return {
            "warehouse": state.path if user.sees_everything else None,
            "as_of": plain(state.as_of),
            "default_period": state.default_period,
            "load_id": state.load_id,
            "precompute": {
                "total": pre.total,
                "done": pre.done,
                "failed": pre.failed,
                "seconds": pre.seconds,
                "running": pre.running,
            },
            "server": None if state.monitor is None else state.monitor.report(),
        }

    @app.get("/api/users", tags=["server"], summary="Users (admins only)")
    def users(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
        if user.role != "admin":
            raise WebError(403, "Only admins may list users.", "Ask an admin.")
        store: UserStore = request.app.state.store
        return [
            {
                "username": u.username,
                "role": u.role,
                "functions": list(u.functions),
                "created_at": u.created_at,
            }
            for u in store.list()
        ]
