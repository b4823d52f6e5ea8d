"""Data-quality gaps that make a metric untrustworthy, from ``revline check``.

Each error or warning of :func:`revline.quality.run_checks` whose offending rows are in a table
that registry metrics read becomes a finding naming those metrics, owned by RevOps (the
function that owns "systems, data, definitions"; when the org map has no ``revops`` function,
the owner of ``mrr``). The
check's own count and example ids are the evidence and the drill-down. These findings carry no
money figure: what a wrong number costs depends on the decision taken with it.
"""

from __future__ import annotations

from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding
from revline.errors import ConfigError
from revline.metrics.api import REGISTRY, get_metric
from revline.org import Owner
from revline.quality import run_checks
from revline.schema import TABLES

CONFIDENCE = {"error": 0.9, "warning": 0.6}
MAX_METRICS = 6


def _data_owner(ctx: Context) -> Owner:
    try:
        return ctx.org.owner("revops")
    except ConfigError:
        return ctx.org.metric_owner("mrr", get_metric("mrr").owner)


def quality_findings(ctx: Context) -> list[Finding]:
    report = run_checks(ctx.wh)
    owner = _data_owner(ctx)
    out = []
    for f in report.findings:
        if f.severity not in CONFIDENCE:
            continue
        table = f.tables[0]  # the table holding the offending rows
        metrics = sorted(m.name for m in REGISTRY.values() if table in m.tables)
        if not metrics:
            continue
        shown = ", ".join(metrics[:MAX_METRICS]) + (
            f" and {len(metrics) - MAX_METRICS} more" if len(metrics) > MAX_METRICS else ""
        )
        key = TABLES[table].primary_key if table in TABLES else None
        where = ((key, "in", f.examples),) if key and f.examples else ()
        out.append(
            Finding(
                detector="data_quality",
                problem=f"Untrustworthy data ({f.check}) undermines {shown}: {f.message}",
                owner=owner.function,
                owner_label=str(owner),
                at_stake=None,
                at_stake_method="not measured in money",
                method=f"revline check '{f.check}' ({f.severity}), {f.count:,} rows or entities",
                confidence=CONFIDENCE[f.severity],
                evidence=(
                    ("count", f"{f.count:,}"),
                    ("examples", ", ".join(f.examples)),
                    ("tables", ", ".join(f.tables)),
                    ("metrics reading the rows", ", ".join(metrics)),
                ),
                drill=Drill(table, where, "examples named by the check; `revline check` lists all"),
                subject={"check": f.check, "table": table},
            )
        )
    return out
