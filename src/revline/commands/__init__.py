"""Each part of revline registers its CLI commands on :data:`revline.cli.app` in a module here.

Importing this package registers them all.
"""

from __future__ import annotations

from revline.commands import (
    check,
    demo,
    diagnose,
    forecast,
    forecast_revenue,
    ingest,
    metrics,
    org,
    report,
    schema,
    scorecard,
    seams,
    serve,
    synth,
)

__all__ = [
    "check",
    "demo",
    "diagnose",
    "forecast",
    "forecast_revenue",
    "ingest",
    "metrics",
    "org",
    "report",
    "schema",
    "scorecard",
    "seams",
    "serve",
    "synth",
]
