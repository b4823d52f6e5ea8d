"""Drill-downs: the rows behind a figure (:func:`revline.metrics.drill.rows`), paginated, as
HTML (``/rows/<metric>``), JSON (``/api/rows/<metric>``) or CSV (``/rows/<metric>.csv``).

Access is checked before anything is computed: a lead asking for the rows of a metric another
function owns gets a 403 naming only the metric.
"""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from revline.errors import ConfigError, unknown
from revline.metrics.api import REGISTRY
from revline.metrics.drill import ROWS, rows
from revline.metrics.frame import BREAKDOWNS
from revline.serialize import plain, to_csv
from revline.web.errors import WebError
from revline.web.security import current_user, require_rows
from revline.web.state import WebState
from revline.web.users import User

Metric = Annotated[str, Path(max_length=64, description="A metric name (see /api/metrics).")]
Period = Annotated[str | None, Query(max_length=32, description="Month, quarter or year.")]
By = Annotated[str | None, Query(max_length=32, description=f"One of {', '.join(BREAKDOWNS)}.")]
Value = Annotated[str | None, Query(max_length=64, description="The breakdown value.")]


def _frame(
    request: Request, user: User, metric: str, period: str | None, by: str | None, value: str | None
) -> tuple[pd.DataFrame, str]:
    state: WebState = request.app.state.web
    if metric not in REGISTRY:
        raise WebError(404, unknown("metric", metric, REGISTRY), "List them at /api/metrics.")
    m = REGISTRY[metric]
    require_rows(user, metric, state.org.metric_owner(metric, m.owner).function)
    if metric not in ROWS:
        raise WebError(
            404,
            f"Metric {metric!r} has no row-level drill-down.",
            f"Drill down one of: {', '.join(ROWS)}.",
        )
    if by is not None and by not in BREAKDOWNS:
        raise ConfigError(unknown("breakdown", by, BREAKDOWNS), hint="Use one of these for by.")
    if value is not None and by is None:
        raise ConfigError(f"value {value!r} was given without by.", hint="Pass by= as well.")
    if by is not None and value is not None and value not in state.choices(by):
        raise ConfigError(unknown(by, value, state.choices(by)), hint=f"Pick a {by} from the list.")
    label = state.normalize_period(period)
    key = ("rows", metric, label, by, value)
    frame = state.cached(
        key,
        lambda: rows(metric, label, by, value, warehouse=state.warehouse, settings=state.settings),
    )
    return frame, label


def install(app: FastAPI) -> None:
    from revline.web.app import render

    def csv(
        request: Request,
        metric: Metric,
        user: Annotated[User, Depends(current_user)],
        period: Period = None,
        by: By = None,
        value: Value = None,
    ) -> Response:
        """The rows behind a figure as CSV (every row, exact values)."""
        frame, label = _frame(request, user, metric, period, by, value)
        name = "_".join(str(p) for p in (metric, label, by, value) if p)
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(to_csv(frame), media_type="text/csv", headers=headers)

    def page_of_rows(
        request: Request,
        metric: Metric,
        user: Annotated[User, Depends(current_user)],
        period: Period = None,
        by: By = None,
        value: Value = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        size: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> Response:
        """The rows behind a figure, one page at a time, with the CSV link."""
        frame, label = _frame(request, user, metric, period, by, value)
        total = len(frame)
        pages = max(1, math.ceil(total / size))
        chunk = frame.iloc[(page - 1) * size : page * size]
        query = {k: v for k, v in (("period", label), ("by", by), ("value", value)) if v}
        body = {
            "metric": metric,
            "period": label,
            "by": by,
            "value": value,
            "columns": [str(c) for c in frame.columns],
            "rows": [[plain(v) for v in row] for row in chunk.itertuples(index=False)],
            "page": page,
            "size": size,
            "total": total,
            "pages": pages,
            "csv": f"/rows/{metric}.csv?{urlencode(query)}",
        }
        if request.url.path.startswith("/api/"):
            return JSONResponse(body)

        def link(n: int) -> str:
            return f"/rows/{metric}?{urlencode({**query, 'page': n, 'size': size})}"

        nav = {
            "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
        }
        return render(request, "rows.html", {"user": user, "data": body, "nav_links": nav})

    for path in ("/rows/{metric}.csv", "/api/rows/{metric}.csv"):
        app.add_api_route(
            path,
            csv,
            methods=["GET"],
            include_in_schema=path.startswith("/api/"),
            tags=["drill-down"],
            response_class=Response,
            responses={200: {"content": {"text/csv": {}}}},
        )
    app.add_api_route("/rows/{metric}", page_of_rows, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        "/api/rows/{metric}",
        page_of_rows,
        methods=["GET"],
        tags=["drill-down"],
        summary="The rows behind a figure",
    )
