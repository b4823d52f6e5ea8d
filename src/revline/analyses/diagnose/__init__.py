"""Diagnosis: find where the revenue engine leaks, who owns each leak, and what it costs.

>>> from revline.analyses.diagnose import DETECTORS
>>> DETECTORS.names()[:3]
('slow_response', 'lead_quality', 'poor_onboarding')

:func:`diagnose` runs every detector of :data:`DETECTORS` and ranks the findings by revenue
at stake weighted by confidence. Each :class:`Finding` states the problem in one sentence, its
owner from the function category map, the revenue at stake and how it was measured, the
evidence, and a :class:`Drill` handle to the rows behind it (:func:`rows`). The detectors are
statistical (tests against the rest of the company, trends tested month by month), never keyed
to the synthetic company's planted problems. See docs/diagnose.md.
"""

from __future__ import annotations

import pandas as pd

from revline.analyses.diagnose.findings import Drill, Finding, rank
from revline.analyses.diagnose.run import DETECTORS, Diagnosis, diagnose
from revline.warehouse import Warehouse


def rows(wh: Warehouse, finding: Finding) -> pd.DataFrame:
    """The rows behind ``finding`` (its drill-down), as a DataFrame."""
    return finding.drill.rows(wh)


__all__ = ["DETECTORS", "Diagnosis", "Drill", "Finding", "diagnose", "rank", "rows"]
