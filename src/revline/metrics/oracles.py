"""The value test of every metric: metric -> the test node that checks its figures.

Each metric has an independent oracle (../shared/STYLE.md point 8): a hand-computed fixture, a
hand-written check query or a peer's figure, asserted by one test. :data:`ORACLES` names it;
``revline metrics validate`` reports a metric without one, and (in a source checkout, where
``tests/`` sits beside ``src/``) a test that does not exist or whose file never names the
metric (in quotes, as a value test computes it by name). So
a metric added without a value test fails CI.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

_COMPUTE = "tests/test_metrics_compute.py::"
_RETENTION = "tests/test_metrics_retention.py::"
_COHORTS = "tests/test_cohorts.py::"
_EFFICIENCY = "tests/test_efficiency.py::"
_SALES = "tests/test_sales_metrics.py::"

ORACLES: dict[str, str] = {
    **dict.fromkeys(
        ("mrr", "arr", "customers", "arpa"), _COMPUTE + "test_balances_at_the_end_of_the_period"
    ),
    "mrr_growth": _COMPUTE + "test_growth_compares_with_the_previous_period",
    **dict.fromkeys(
        (
            "new_mrr",
            "reactivation_mrr",
            "expansion_mrr",
            "contraction_mrr",
            "churned_mrr",
            "net_new_mrr",
            "quick_ratio",
        ),
        _COMPUTE + "test_movements_over_the_period",
    ),
    "delinquent_churned_mrr": _RETENTION + "test_delinquent_churn_is_counted_and_drilled",
    **dict.fromkeys(
        ("nrr", "grr", "logo_retention", "customer_churn_rate", "net_mrr_churn_rate"),
        _COMPUTE + "test_retention_over_customers_paying_at_the_period_start",
    ),
    **dict.fromkeys(("nrr_t12m", "grr_t12m"), _RETENTION + "test_trailing_twelve_month_retention"),
    "joined_and_left": _RETENTION + "test_joined_and_left_are_counted_apart",
    **dict.fromkeys(
        ("cohort_logo_retention", "cohort_revenue_retention", "cohort_nrr"),
        _COHORTS + "test_cohort_matrices_of_the_january_cohort",
    ),
    "ltv": _COHORTS + "test_ltv_with_gross_margin_from_financials",
    "ltv_sbg": _COHORTS + "test_ltv_from_the_sbg_model",
    "tcv": _COHORTS + "test_tcv_from_committed_terms",
    **dict.fromkeys(
        ("sm_spend", "new_customers", "new_arr", "new_arr_per_customer", "cac"),
        _EFFICIENCY + "test_sm_spend_new_customers_and_cac",
    ),
    "gross_margin": _EFFICIENCY + "test_gross_margin",
    **dict.fromkeys(
        ("cac_payback_months", "cac_ratio", "magic_number"),
        _EFFICIENCY + "test_cac_payback_ratio_and_magic_number",
    ),
    "ltv_cac": _EFFICIENCY + "test_ltv_cac",
    "rule_of_40": _EFFICIENCY + "test_rule_of_40_names_its_margin_basis",
    "revenue_per_employee": _EFFICIENCY + "test_revenue_per_employee",
    **dict.fromkeys(("deals_won", "deals_closed"), _SALES + "test_deal_counts"),
    **dict.fromkeys(
        (
            "win_rate",
            "sales_cycle_days",
            "sales_cycle_p25_days",
            "sales_cycle_p75_days",
            "sales_cycle_p90_days",
            "avg_deal_size",
            "bookings",
        ),
        _SALES + "test_win_rate_cycle_and_deal_size",
    ),
    **dict.fromkeys(
        ("deals_per_rep", "quota_attainment", "reps_at_quota_share"),
        _SALES + "test_reps_and_quota",
    ),
    **dict.fromkeys(
        ("pipeline_velocity", "pipeline_coverage"),
        _SALES + "test_pipeline_velocity_and_coverage",
    ),
    **dict.fromkeys(
        ("pipeline_created", "pipeline_per_marketing_dollar", "pipeline_per_sdr"),
        _SALES + "test_pipeline_created_per_marketing_dollar_and_sdr",
    ),
    "spend_cac": "tests/test_real_8fit.py::test_spend_cac_by_channel_matches_pandas",
    **dict.fromkeys(
        (
            "lead_to_mql_rate",
            "mql_to_sal_rate",
            "sal_to_sql_rate",
            "sql_to_opportunity_rate",
            "opportunity_to_closed_won_rate",
            "closed_won_to_onboarded_rate",
            "onboarded_to_renewed_rate",
            "onboarded_to_expanded_rate",
            "sal_to_closed_won_rate",
            "sql_to_closed_won_rate",
        ),
        "tests/test_conversion_metrics.py::test_funnel_conversions_of_the_quarter",
    ),
}


def source_root() -> Path | None:
    """The checkout's root when ``tests/`` sits beside ``src/`` (else ``None``: installed)."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "tests").is_dir() and (root / "src").is_dir() else None


@cache
def _test_sources(path: Path) -> dict[str, str]:
    """Test function name -> its source, for one test file."""
    text = path.read_text()
    tree = ast.parse(text)
    return {
        node.name: ast.get_source_segment(text, node) or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test")
    }


def missing_oracles(
    names: Iterable[str], oracles: Mapping[str, str], root: Path | None = None
) -> list[tuple[str, str]]:
    """(metric, problem) for each metric without a value test that exists and names it."""
    root = root or source_root()
    out = []
    for name in names:
        node = oracles.get(name)
        if not node:
            out.append((name, "has no value test (no oracle in metrics/oracles.py)."))
            continue
        if root is None:
            continue
        file, _, function = node.partition("::")
        path = root / file
        tests = _test_sources(path) if path.is_file() else {}
        if function not in tests:
            out.append((name, f"names value test {node}, which does not exist."))
        elif not any(f"{q}{name}{q}" in path.read_text() for q in "\"'"):
            out.append((name, f"names value test {node}, whose file never names {name!r}."))
    return out
