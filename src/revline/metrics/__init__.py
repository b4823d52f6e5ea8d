"""The metric registry: every revenue metric declared once, computed by one Ibis expression.

``REGISTRY`` maps names to :class:`Metric` declarations; :func:`compute` returns a metric as a
DataFrame; :func:`validate_catalogue` checks every declaration at once; :func:`rows` drills a figure
down to the customer-month rows behind it.
"""

from __future__ import annotations

from revline.metrics.api import (
    REGISTRY,
    bridge_frame,
    compute,
    compute_many,
    explain,
    get_metric,
)
from revline.metrics.catalogue import ALL_METRICS, Problem, validate_catalogue
from revline.metrics.core import Benchmark, Metric
from revline.metrics.drill import rows

__all__ = [
    "ALL_METRICS",
    "REGISTRY",
    "Benchmark",
    "Metric",
    "Problem",
    "bridge_frame",
    "compute",
    "compute_many",
    "explain",
    "get_metric",
    "rows",
    "validate_catalogue",
]
