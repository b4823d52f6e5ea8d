"""The report's sections. Importing this package registers every section.

Every section lives here, reads its figures from the metric layer or an analysis, and registers
with :func:`revline.report.registry.section` (see docs/report.md).
"""

from __future__ import annotations

from revline.report.sections import (
    diagnose,  # What to fix; docs/diagnose.md
    efficiency,
    forecast,  # docs/forecast.md
    retention,
    revenue,
    sales,
    scorecard,
    seams,  # docs/seams.md
)

__all__ = [
    "diagnose",
    "efficiency",
    "forecast",
    "retention",
    "revenue",
    "sales",
    "scorecard",
    "seams",
]
