"""Data quality: ``revline check`` finds what is wrong in a warehouse and why it matters.

>>> from revline.quality import run_checks  # doctest: +SKIP
>>> report = run_checks(wh)  # doctest: +SKIP

Checks read the canonical tables through Ibis (no SQL strings) and are driven by the schema
declarations where the schema allows: foreign keys give the orphan checks, order rules the
impossible-date checks. Each finding names the check, table, severity, count and example ids.
"""

from __future__ import annotations

from revline.quality.findings import MAX_EXAMPLES, SEVERITIES, CheckReport, Finding
from revline.quality.runner import CHECKS, run_checks

__all__ = ["CHECKS", "MAX_EXAMPLES", "SEVERITIES", "CheckReport", "Finding", "run_checks"]
