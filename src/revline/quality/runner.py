"""Run every check on a warehouse and collect the findings into one report.

The checks are a :class:`~revline.registry.Registry` (:data:`CHECKS`): each is a function of a
:class:`Context` that returns its findings; adding a check is one function and one
``CHECKS.register(name, function)`` call (the built-ins below use the same call).
"""

from __future__ import annotations

from collections.abc import Callable

from revline.quality import billing, dates, integrity, sales
from revline.quality.findings import CheckReport, Context, Finding, sort_findings
from revline.registry import Registry
from revline.warehouse import Warehouse

CheckFunction = Callable[[Context], list[Finding]]

#: Every check, by name, in the order they run (grouped as in ``revline check --help``).
CHECKS: Registry[CheckFunction] = Registry("check")
# referential integrity and duplicates
CHECKS.register("orphans", integrity.orphans)
CHECKS.register("quarantined_duplicates", integrity.quarantined_duplicates)
CHECKS.register("likely_duplicates", integrity.likely_duplicates)
# impossible dates
CHECKS.register("date_order", dates.date_order)
CHECKS.register("future_dates", dates.future_dates)
CHECKS.register("dates_before_1990", dates.ancient_dates)
CHECKS.register("dates_outside_window", dates.dates_outside_window)
# billing consistency
CHECKS.register("overlapping_subscriptions", billing.overlapping_subscriptions)
CHECKS.register("usage_outside_subscription", billing.usage_outside_subscription)
CHECKS.register("churn_with_running_subscription", billing.churn_with_running_subscription)
CHECKS.register("subscription_without_price", billing.subscription_without_price)
# sales consistency
CHECKS.register("won_without_amount", sales.won_without_amount)
CHECKS.register("closed_without_close_date", sales.closed_without_close_date)
CHECKS.register("opportunity_without_account", sales.opportunity_without_account)
# what the importer refused
CHECKS.register("quarantine", integrity.quarantine_summary)


def run_checks(wh: Warehouse) -> CheckReport:
    """Run every check in :data:`CHECKS` on ``wh`` and return the findings, worst first.

    Read-only: nothing in the warehouse changes. Checks on empty tables are skipped, so an
    empty warehouse gives an empty report.
    """
    ctx = Context(wh, wh.counts())
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(ctx))
    return CheckReport(sort_findings(findings), CHECKS.names())
