"""Derived facts built from the canonical tables: subscription MRR, customer-months, movements.

Everything here is an Ibis expression over the warehouse; nothing is computed row by row in
Python. The metric layer (:mod:`revline.metrics`) reads these facts and never the raw tables.
"""

from __future__ import annotations

from revline.model.movements import bridge, movements
from revline.model.mrr import MrrModel, build_model

__all__ = ["MrrModel", "bridge", "build_model", "movements"]
