"""The synthetic company behaves like a real one: its causal links show in the canonical tables.

Each test measures a link the way an analyst would, from the canonical tables only (never the
truth tables, except to check the realised win rate against the true probabilities), and tests
it for significance with a two-proportion z-test at p < 0.01.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from revline.synth import generate
from revline.warehouse import Warehouse

ALPHA = 0.01


@pytest.fixture(scope="module")
def company() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        generate(wh, accounts=20_000, months=24, seed=5)
        wh.con.execute(ACCOUNT_MONTHS)
        yield wh


def greater(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided p-value that the share of true values in ``a`` exceeds that in ``b``."""
    n1, n2 = len(a), len(b)
    p1, p2 = a.mean(), b.mean()
    pooled = (a.sum() + b.sum()) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 0.5 * math.erfc((p1 - p2) / se / math.sqrt(2))


def test_greater_detects_a_difference_and_not_an_equality() -> None:
    rng = np.random.default_rng(0)
    assert greater(rng.random(2000) < 0.4, rng.random(2000) < 0.3) < ALPHA
    assert greater(rng.random(2000) < 0.3, rng.random(2000) < 0.3) > ALPHA


def _flags(wh: Warehouse, sql: str) -> tuple[np.ndarray, np.ndarray]:
    """Run a query returning (group flag, outcome flag) rows; split the outcomes by group."""
    rows = np.asarray(wh.con.execute(sql).fetchall(), dtype=bool).reshape(-1, 2)
    return rows[rows[:, 0], 1], rows[~rows[:, 0], 1]


# Monthly-billed paying account-months, flagged when churn takes effect at the next month start.
ACCOUNT_MONTHS = """
CREATE TEMP VIEW paying_months AS
WITH am AS (
  SELECT DISTINCT i.account_id, date_trunc('month', i.issued_at) AS m
  FROM invoices i JOIN subscriptions s USING (subscription_id)
  WHERE s.billing_interval = 'month'
), churn AS (
  SELECT DISTINCT account_id, date_trunc('month', churned_at) - INTERVAL 1 MONTH AS m
  FROM churn_events
)
SELECT am.account_id, am.m, churn.account_id IS NOT NULL AS churned
FROM am LEFT JOIN churn USING (account_id, m)
WHERE am.m < (SELECT max(date_trunc('month', issued_at)) FROM invoices)
"""


def test_late_or_failed_payments_precede_churn(company: Warehouse) -> None:
    sql = """
    WITH bad AS (
      SELECT account_id, date_trunc('month', issued_at) AS m FROM invoices
      WHERE paid_at > due_at OR status = 'uncollectible'
      UNION ALL
      SELECT account_id, date_trunc('month', attempted_at) FROM payments WHERE status = 'failed'
    )
    SELECT churned, EXISTS (
      SELECT 1 FROM bad WHERE bad.account_id = months.account_id
      AND bad.m BETWEEN months.m - INTERVAL 2 MONTH AND months.m)
    FROM paying_months AS months
    """
    churners, stayers = _flags(company, sql)
    assert len(churners) > 100
    assert greater(churners, stayers) < ALPHA


def test_usage_falls_before_churn(company: Warehouse) -> None:
    sql = """
    WITH days AS (
      SELECT account_id, date_trunc('month', usage_date) AS m, sum(quantity) AS n
      FROM usage GROUP BY 1, 2
    )
    SELECT months.churned, coalesce(now_.n, 0) < 0.8 * before.n
    FROM paying_months AS months
    JOIN days before ON before.account_id = months.account_id
      AND before.m = months.m - INTERVAL 3 MONTH
    LEFT JOIN days now_ ON now_.account_id = months.account_id AND now_.m = months.m
    """
    churners, stayers = _flags(company, sql)
    assert len(churners) > 50
    assert greater(churners, stayers) < ALPHA


def test_fast_lead_response_converts_more(company: Warehouse) -> None:
    sql = """
    SELECT first_response_at <= mql_at + INTERVAL 1 HOUR, converted_at IS NOT NULL
    FROM leads
    WHERE first_response_at IS NOT NULL
      AND (first_response_at <= mql_at + INTERVAL 1 HOUR
           OR first_response_at > mql_at + INTERVAL 24 HOUR)
    """
    fast, slow = _flags(company, sql)
    assert len(fast) > 100 and len(slow) > 100
    assert greater(fast, slow) < ALPHA


def test_bigger_deals_close_slower_and_win_less(company: Warehouse) -> None:
    longer = """
    WITH d AS (
      SELECT amount, closed_at - created_at AS cycle, is_won FROM opportunities
      WHERE opportunity_type = 'new' AND is_closed)
    SELECT amount > (SELECT median(amount) FROM d), cycle > (SELECT median(cycle) FROM d) FROM d
    """
    big, small = _flags(company, longer)
    assert greater(big, small) < ALPHA
    wins = longer.replace("cycle > (SELECT median(cycle) FROM d) FROM d", "is_won FROM d")
    big_won, small_won = _flags(company, wins)
    assert greater(small_won, big_won) < ALPHA


def test_partner_sourced_deals_win_more(company: Warehouse) -> None:
    sql = """
    SELECT partner_id IS NOT NULL, is_won FROM opportunities
    WHERE opportunity_type = 'new' AND is_closed
    """
    partnered, direct = _flags(company, sql)
    assert len(partnered) > 100
    assert greater(partnered, direct) < ALPHA


def test_enterprise_churns_less_than_smb(company: Warehouse) -> None:
    sql = """
    SELECT a.segment = 'smb',
           EXISTS (SELECT 1 FROM churn_events c WHERE c.account_id = a.account_id)
    FROM accounts a
    WHERE a.segment IN ('smb', 'enterprise')
      AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.account_id)
    """
    smb, enterprise = _flags(company, sql)
    assert len(enterprise) > 30
    assert greater(smb, enterprise) < ALPHA


def test_realised_win_rate_tracks_the_true_probability(company: Warehouse) -> None:
    rows = company.con.execute(
        "SELECT t.win_probability, o.is_won FROM opportunities o"
        " JOIN truth_opportunity t USING (opportunity_id) WHERE o.is_closed"
    ).fetchall()
    p = np.array([r[0] for r in rows])
    won = np.array([r[1] for r in rows], dtype=bool)
    # Overall: within 3 standard errors of the mean true probability.
    se = math.sqrt(float((p * (1 - p)).sum())) / len(p)
    assert abs(won.mean() - p.mean()) < 3 * se
    # By quintile of the truth: each realised rate within 4 SE of its mean probability.
    edges = np.quantile(p, [0.2, 0.4, 0.6, 0.8])
    bucket = np.searchsorted(edges, p)
    for b in range(5):
        sel = bucket == b
        se_b = math.sqrt(float((p[sel] * (1 - p[sel])).sum())) / sel.sum()
        assert abs(won[sel].mean() - p[sel].mean()) < 4 * se_b, b
    assert greater(won[bucket == 4], won[bucket == 0]) < ALPHA


def test_rates_sit_in_realistic_bands(company: Warehouse) -> None:
    """Industry bands for B2B SaaS (wide on purpose: a shape check, not a calibration)."""
    win_rate, lead_to_opp, bad_invoices = company.con.execute(
        "SELECT"
        " (SELECT avg(is_won::INT) FROM opportunities"
        "  WHERE opportunity_type = 'new' AND is_closed),"
        " (SELECT avg((opportunity_id IS NOT NULL)::INT) FROM leads),"
        " (SELECT avg((paid_at > due_at OR status = 'uncollectible')::INT) FROM invoices)"
    ).fetchone()
    assert 0.15 <= win_rate <= 0.45
    assert 0.05 <= lead_to_opp <= 0.30
    assert 0.03 <= bad_invoices <= 0.25
    cycles = dict(
        company.con.execute(
            "SELECT a.segment, median(o.closed_at - o.created_at) FROM opportunities o"
            " JOIN accounts a USING (account_id)"
            " WHERE o.opportunity_type = 'new' AND o.is_won GROUP BY 1"
        ).fetchall()
    )
    assert cycles["enterprise"] > cycles["mid_market"] > cycles["smb"]
