"""The metric registry: every revenue metric declared once, computed by one Ibis expression.

``REGISTRY`` maps names to :class:`Metric` declarations; :func:`compute` returns a metric as a
DataFrame; :func:`validate_catalogue` checks every declaration at once; :func:`rows` drills a figure
down to the customer-month rows behind it.
"""

from __future__ import annotations

from revline.metrics.api import (
    REGISTRY,
    bridge_frame,
    check_breakdown,
    check_filters,
    compute,
    compute_many,
    compute_on_model,
    declaration,
    explain,
    get_metric,
    supports,
)
from revline.metrics.catalogue import ALL_METRICS, Problem, validate_catalogue
from revline.metrics.core import (
    Benchmark,
    Conversion,
    Cumulative,
    Derived,
    Measure,
    Metric,
    Ratio,
    Simple,
)
from revline.metrics.drill import rows

__all__ = [
    "ALL_METRICS",
    "REGISTRY",
    "Benchmark",
    "Conversion",
    "Cumulative",
    "Derived",
    "Measure",
    "Metric",
    "Problem",
    "Ratio",
    "Simple",
    "bridge_frame",
    "check_breakdown",
    "check_filters",
    "compute",
    "compute_many",
    "compute_on_model",
    "declaration",
    "explain",
    "get_metric",
    "rows",
    "supports",
    "validate_catalogue",
]
