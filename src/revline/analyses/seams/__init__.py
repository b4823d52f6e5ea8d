"""The seams: the lifecycle, its hand-offs, where volume leaks, and the SLAs between functions.

Public API (stable; see docs/seams.md "API"):

- :func:`journeys` / :func:`events` (ibis tables): the lifecycle model, one row per journey
  (a lead, or a deal no lead led to) and one row per stage reached.
- :func:`skips`, :func:`out_of_order` (ibis tables) and :func:`lifecycle_report`
  (:class:`LifecycleReport`): skipped and out-of-order stages, reported, never raised.
- :func:`flow` and :func:`seams` (lists of :class:`FlowStats`): volume in and out, conversion,
  time taken, where lost volume went and entry-month cohorts, for any two stages or for every
  hand-off of the function category map, overall or broken down (segment, region, channel,
  owner, ``attr:KEY``). :func:`flow_rows` gives the rows behind them.
- :func:`gaps` (list of :class:`Gap`): breakdown values that are missing or placeholders
  (``unknown``), which make a breakdown untrustworthy.
- :func:`leaking_seams` (list of :class:`Leak`): groups converting far below their seam's rate,
  with the owner and the revenue at stake, ranked.
- :func:`load_slas` (:class:`SlaSet`) and :func:`evaluate_slas` (:class:`SlaReport`): SLAs
  declared in YAML, their breaches per owner function, rep and period, and revenue at stake.
"""

from __future__ import annotations

from revline.analyses.seams.anomalies import (
    Anomaly,
    LifecycleReport,
    lifecycle_report,
    out_of_order,
    skips,
)
from revline.analyses.seams.coverage import Gap, gaps
from revline.analyses.seams.flows import flow_rows
from revline.analyses.seams.funnel import CohortRow, FlowStats, TimeTaken, flow, seams
from revline.analyses.seams.leaks import Leak, leaking_seams
from revline.analyses.seams.sla import BreachCount, SlaReport, SlaResult, evaluate_slas
from revline.analyses.seams.sla_config import SlaSet, SlaSpec, load_slas
from revline.model.lifecycle import events, journeys

__all__ = [
    "Anomaly",
    "BreachCount",
    "CohortRow",
    "FlowStats",
    "Gap",
    "Leak",
    "LifecycleReport",
    "SlaReport",
    "SlaResult",
    "SlaSet",
    "SlaSpec",
    "TimeTaken",
    "evaluate_slas",
    "events",
    "flow",
    "flow_rows",
    "gaps",
    "journeys",
    "leaking_seams",
    "lifecycle_report",
    "load_slas",
    "out_of_order",
    "seams",
    "skips",
]
