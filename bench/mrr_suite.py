"""The full MRR suite, run by revline and by hand-written DuckDB queries, for bench/bench_mrr.py.

The suite is every output that reads the MRR model: the customer-month movements, the monthly
bridge, NRR and GRR by quarter, the three cohort matrices by month (NRR, logo retention, gross
revenue retention), and the efficiency metrics that read the model's new movements and
balances, by quarter (new customers, new ARR, CAC, CAC payback, CAC ratio, LTV:CAC). No sales
metric reads the MRR model (they read opportunities and quotas), so none is in the suite.

- :func:`run_revline` computes them as a user of the library does: one ``build_model``, then
  ``movements`` and ``bridge``, then each metric's ``compute`` on its frame, every result
  materialised as Arrow.
- :func:`run_hand` computes the same outputs with hand-written SQL on one DuckDB connection:
  the customers' pieces once (the issue's reference design, ``HAND_CTES`` in
  ``bench/mrr_baselines.py``, stored as a temporary table, in whole cents), then one query per
  family: the movements, the bridge, NRR and GRR together, the three cohort matrices together
  (customer-months expanded from the pieces, one window per customer for the gross run), and
  the six efficiency metrics together.

Each side writes every output to ``bench/_work/suite_<side>_<name>.parquet`` (not timed);
:func:`check` compares them inside DuckDB: money and counts exactly (whole cents), ratios to
1e-9 relative (both divide the same exact sums, in a different order of float operations).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mrr_baselines import AS_OF, HAND_CTES, MONTH_MACRO, WORK

#: Outputs, in the order both sides compute them, with the family each belongs to.
FAMILIES = {
    "movements": ("movements",),
    "bridge": ("bridge",),
    "retention": ("nrr", "grr"),
    "cohorts": ("cohort_nrr", "cohort_logo_retention", "cohort_revenue_retention"),
    "efficiency": (
        "new_customers",
        "new_arr",
        "cac",
        "cac_payback_months",
        "cac_ratio",
        "ltv_cac",
    ),
}
AS_OF_IDX = AS_OF.year * 12 + AS_OF.month - 1


def _save(name: str, side: str, table: pa.Table) -> None:
    pq.write_table(table, WORK / f"suite_{side}_{name}.parquet", compression="none")


def run_revline(path: Path) -> dict[str, Any]:
    """Time every output of the suite computed by revline; seconds per output and family."""
    from revline.metrics import get_metric
    from revline.metrics.frame import build_frame
    from revline.metrics.gtm_frame import build_gtm_frame
    from revline.model import bridge, build_model, movements
    from revline.settings import MetricSettings
    from revline.warehouse import Warehouse

    settings = MetricSettings(as_of=AS_OF, dunning_days=None)
    times: dict[str, Any] = {}
    with Warehouse.open(path, read_only=True) as wh:
        con = wh.ibis
        started = time.perf_counter()

        saving = 0.0  # time spent writing the outputs for the check, taken off the total

        def timed(name: str, make: Callable[[], Any]) -> None:
            nonlocal saving
            t0 = time.perf_counter()
            table = con.to_pyarrow(make())
            times[name] = time.perf_counter() - t0
            t1 = time.perf_counter()
            _save(name, "revline", table)
            saving += time.perf_counter() - t1

        with build_model(con, settings) as model:
            times["build_model"] = time.perf_counter() - started
            timed("movements", lambda: movements(model))
            times["movements"] += times["build_model"]  # the movements include the build
            timed("bridge", lambda: bridge(model))
            quarters = build_frame(model, "quarter", None)
            for name in FAMILIES["retention"]:
                timed(name, lambda n=name, f=quarters: get_metric(n).compute(f))
            months = build_frame(model, "month", None)
            for name in FAMILIES["cohorts"]:
                timed(name, lambda n=name, f=months: get_metric(n).compute(f))
            gtm = build_gtm_frame(model, "quarter", None)
            for name in FAMILIES["efficiency"]:
                timed(name, lambda n=name, f=gtm: get_metric(n).compute(f))
        times["total"] = time.perf_counter() - started - saving
    return times


#: The quarters of the data (first month of a subscription or go-to-market fact to the as-of
#: month), as revline labels them.
QUARTERS = """
CREATE TEMP TABLE quarters AS
SELECT printf('%d-Q%d', q // 4, q % 4 + 1) AS period, q * 3 AS first_idx,
       least(q * 3 + 2, $as_of) AS last_idx
FROM range($first // 3, $as_of // 3 + 1) AS r(q)
"""

HAND_BRIDGE = """
WITH flows AS (
    SELECT first_idx AS month_idx,
           sum(CASE WHEN cents > 0 AND prev = 0 AND paid_so_far = 1 THEN cents END) AS new,
           sum(CASE WHEN cents > 0 AND prev = 0 AND paid_so_far > 1 THEN cents END)
             AS reactivation,
           sum(CASE WHEN prev > 0 AND cents > prev THEN cents - prev END) AS expansion,
           sum(CASE WHEN cents > 0 AND cents < prev THEN prev - cents END) AS contraction,
           sum(CASE WHEN cents = 0 THEN prev END) AS churn
    FROM pieces GROUP BY 1
),
steps AS (
    SELECT month_idx, sum(d_end) AS d_end, sum(d_count) AS d_count FROM (
        SELECT first_idx AS month_idx, cents AS d_end, 1 AS d_count FROM pieces WHERE cents > 0
        UNION ALL
        SELECT last_idx + 1, -cents, -1 FROM pieces WHERE cents > 0 AND last_idx < $as_of
    ) GROUP BY 1
),
ends AS (
    SELECT m AS month_idx, coalesce(f.new, 0) AS new,
           coalesce(f.reactivation, 0) AS reactivation, coalesce(f.expansion, 0) AS expansion,
           coalesce(f.contraction, 0) AS contraction, coalesce(f.churn, 0) AS churn,
           sum(coalesce(s.d_end, 0)) OVER (ORDER BY m) AS end_cents,
           sum(coalesce(s.d_count, 0)) OVER (ORDER BY m) AS customers
    FROM range($first, $as_of + 1) AS r(m)
    LEFT JOIN flows f ON f.month_idx = m LEFT JOIN steps s ON s.month_idx = m
)
SELECT month_idx, coalesce(lag(end_cents) OVER (ORDER BY month_idx), 0) AS start_cents,
       new, reactivation, expansion, contraction, churn, end_cents, customers
FROM ends ORDER BY month_idx
"""

HAND_RETENTION = """
WITH paying AS (SELECT account_id, first_idx, last_idx, cents FROM pieces WHERE cents > 0),
cohort AS (
    SELECT q.period, q.last_idx, p.account_id, p.cents AS start
    FROM quarters q
    JOIN paying p ON p.first_idx <= q.first_idx - 1 AND p.last_idx >= q.first_idx - 1
),
compared AS (
    SELECT c.period, c.start, coalesce(e.cents, 0) AS end_cents
    FROM cohort c LEFT JOIN paying e
      ON e.account_id = c.account_id AND e.first_idx <= c.last_idx AND e.last_idx >= c.last_idx
),
sums AS (
    SELECT period, sum(start) AS start, sum(end_cents) AS net,
           sum(least(end_cents, start)) AS gross
    FROM compared GROUP BY 1
)
SELECT q.period, CAST(s.net AS DOUBLE) / CAST(s.start AS DOUBLE) AS nrr,
       CAST(s.gross AS DOUBLE) / CAST(s.start AS DOUBLE) AS grr
FROM quarters q LEFT JOIN sums s USING (period) ORDER BY q.period
"""

#: The cohort matrices the way an analyst writes them: customer-months expanded from the pieces,
#: each customer's first paying month and MRR, one window per customer for the unbroken run
#: (gross: the lowest MRR so far, capped at the start, until the first month without MRR).
HAND_COHORTS = """
WITH cm AS (
    SELECT account_id, unnest(range(first_idx, last_idx + 1)) AS month_idx, cents
    FROM pieces WHERE cents > 0
),
members AS (
    SELECT account_id, first_idx AS first, cents AS start FROM (
        SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY first_idx) AS n
        FROM pieces WHERE cents > 0
    ) WHERE n = 1
),
seq AS (
    SELECT m.first, cm.month_idx - m.first AS k, cm.cents,
           cm.month_idx - m.first = row_number() OVER w - 1 AS unbroken,
           min(least(cm.cents, m.start)) OVER w AS low
    FROM cm JOIN members m USING (account_id)
    WINDOW w AS (PARTITION BY cm.account_id ORDER BY cm.month_idx)
),
sums AS (
    SELECT first, k, count(*) AS active, sum(cents) AS net,
           sum(CASE WHEN unbroken THEN low ELSE 0 END) AS gross
    FROM seq GROUP BY 1, 2
),
cohorts AS (
    SELECT *, unnest(range(0, $as_of - first + 1)) AS k
    FROM (SELECT first, count(*) AS members, sum(start) AS start FROM members GROUP BY 1)
)
SELECT printf('%d-%02d', c.first // 12, c.first % 12 + 1) AS period, c.k AS months_since_start,
       CAST(coalesce(s.net, 0) AS DOUBLE) / CAST(c.start AS DOUBLE) AS cohort_nrr,
       CAST(coalesce(s.active, 0) AS DOUBLE) / CAST(c.members AS DOUBLE)
         AS cohort_logo_retention,
       CAST(coalesce(s.gross, 0) AS DOUBLE) / CAST(c.start AS DOUBLE)
         AS cohort_revenue_retention
FROM cohorts c LEFT JOIN sums s ON s.first = c.first AND s.k = c.k
ORDER BY period, months_since_start
"""

#: CAC, payback and CAC ratio over the quarter's S&M cost and new business (margin: gross
#: profit / revenue of the quarter, else 0.75); LTV: ARPA at the quarter's end x the trailing
#: six months' gross margin / their mean monthly logo churn.
HAND_EFFICIENCY = """
WITH new_biz AS (
    SELECT q.period, count(DISTINCT p.account_id) AS customers, sum(p.cents) AS new_cents
    FROM pieces p JOIN quarters q ON p.first_idx BETWEEN q.first_idx AND q.last_idx
    WHERE p.cents > 0 AND p.prev = 0 AND p.paid_so_far = 1 GROUP BY 1
),
spend AS (
    SELECT month_idx, CAST(amount AS DOUBLE) AS amount FROM (
        SELECT year(month) * 12 + month(month) - 1 AS month_idx, amount FROM expenses
        WHERE function IN ('marketing', 'sales_development', 'sales', 'sales_engineering',
                           'partnerships', 'revops')
        UNION ALL
        SELECT year(spend_date) * 12 + month(spend_date) - 1, amount FROM marketing_spend
        WHERE year(spend_date) * 12 + month(spend_date) - 1 NOT IN (
            SELECT year(month) * 12 + month(month) - 1 FROM expenses
            WHERE function = 'marketing' AND category = 'programs')
    )
),
cost AS (
    SELECT q.period, sum(s.amount) AS cost FROM spend s
    JOIN quarters q ON s.month_idx BETWEEN q.first_idx AND q.last_idx GROUP BY 1
),
fin AS (
    SELECT year(month) * 12 + month(month) - 1 AS month_idx, CAST(revenue AS DOUBLE) AS revenue,
           CAST(coalesce(gross_profit, revenue - cost_of_revenue) AS DOUBLE) AS gross
    FROM financials
),
margin AS (
    SELECT q.period, coalesce(CASE WHEN sum(f.revenue) > 0
                                   THEN sum(f.gross) / sum(f.revenue) END, 0.75) AS margin
    FROM quarters q LEFT JOIN fin f ON f.month_idx BETWEEN q.first_idx AND q.last_idx
    GROUP BY 1
),
trailing_margin AS (
    SELECT q.period, coalesce(max(CASE WHEN t.revenue > 0 AND t.gross IS NOT NULL
                                       THEN t.gross / t.revenue END), 0.75) AS margin
    FROM quarters q LEFT JOIN (
        SELECT q2.period, sum(f.revenue) AS revenue, sum(f.gross) AS gross
        FROM quarters q2 JOIN fin f
          ON f.month_idx <= q2.last_idx AND f.month_idx > q2.last_idx - 6 GROUP BY 1
    ) t USING (period) GROUP BY 1
),
paying AS (SELECT account_id, first_idx, last_idx, cents FROM pieces WHERE cents > 0),
arpa AS (
    SELECT q.period, CAST(sum(p.cents) AS DOUBLE) / 100 / count(DISTINCT p.account_id) AS arpa
    FROM quarters q JOIN paying p ON p.first_idx <= q.last_idx AND p.last_idx >= q.last_idx
    GROUP BY 1
),
trail AS (
    SELECT q.period, q.last_idx - r.b AS m_idx FROM quarters q, range(0, 6) AS r(b)
),
monthly_paying AS (
    SELECT t.period, t.m_idx, count(*) AS paying
    FROM trail t JOIN paying p ON p.first_idx <= t.m_idx - 1 AND p.last_idx >= t.m_idx - 1
    GROUP BY 1, 2
),
monthly_churned AS (
    SELECT first_idx AS m_idx, count(*) AS churned FROM pieces WHERE cents = 0 GROUP BY 1
),
churn AS (
    SELECT period, avg(CAST(coalesce(c.churned, 0) AS DOUBLE) / p.paying) AS churn
    FROM monthly_paying p LEFT JOIN monthly_churned c USING (m_idx) GROUP BY 1
),
ltv AS (
    SELECT a.period, CASE WHEN c.churn > 0
                          THEN round(a.arpa * m.margin / c.churn, 2) END AS ltv
    FROM arpa a JOIN churn c USING (period) JOIN trailing_margin m USING (period)
),
joined AS (
    SELECT q.period, coalesce(n.customers, 0) AS customers,
           coalesce(CAST(n.new_cents AS DOUBLE) / 100, 0) AS new_mrr, coalesce(c.cost, 0) AS cost,
           m.margin
    FROM quarters q LEFT JOIN new_biz n USING (period) LEFT JOIN cost c USING (period)
    JOIN margin m USING (period)
)
SELECT j.period, coalesce(j.customers, 0) AS new_customers,
       round(j.new_mrr * 12, 2) AS new_arr,
       CASE WHEN j.customers > 0 THEN round(j.cost / j.customers, 2) END AS cac,
       CASE WHEN j.new_mrr * j.margin > 0 THEN j.cost / (j.new_mrr * j.margin) END
         AS cac_payback_months,
       CASE WHEN j.cost > 0 THEN j.new_mrr * 12 / j.cost END AS cac_ratio,
       CASE WHEN j.customers > 0 AND round(j.cost / j.customers, 2) > 0
            THEN l.ltv / round(j.cost / j.customers, 2) END AS ltv_cac
FROM joined j LEFT JOIN ltv l USING (period) ORDER BY j.period
"""


def run_hand(path: Path) -> dict[str, Any]:
    """Time every output of the suite computed by the hand-written queries."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(MONTH_MACRO)
    first_row = con.execute("SELECT min(month_idx(start_at)) FROM subscriptions").fetchone()
    assert first_row is not None
    params = {"as_of": AS_OF_IDX, "first": int(first_row[0])}
    times: dict[str, Any] = {}
    started = time.perf_counter()
    shift = 0.0

    def timed(name: str, sql: str, columns: dict[str, tuple[str, ...]]) -> None:
        nonlocal shift
        t0 = time.perf_counter()
        table = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        arrow = table.to_arrow_table()
        times[name] = time.perf_counter() - t0
        t1 = time.perf_counter()
        for out, cols in columns.items():
            _save(out, "hand", arrow.select(list(cols)))
        shift += time.perf_counter() - t1

    t0 = time.perf_counter()
    con.execute("CREATE TEMP TABLE pieces AS " + HAND_CTES + " SELECT * FROM moved", params)
    con.execute(QUARTERS, {"first": params["first"], "as_of": AS_OF_IDX})
    times["build_model"] = time.perf_counter() - t0
    moves = ("account_id", "month_idx", "movement", "start_cents", "end_cents", "cents")
    timed("movements", "WITH moved AS (FROM pieces) " + HAND_MOVES_FULL, {"movements": moves})
    times["movements"] += times["build_model"]
    bridge = (
        "month_idx",
        "start_cents",
        "new",
        "reactivation",
        "expansion",
        "contraction",
        "churn",
        "end_cents",
        "customers",
    )
    timed("bridge", HAND_BRIDGE, {"bridge": bridge})
    timed("retention", HAND_RETENTION, {n: ("period", n) for n in FAMILIES["retention"]})
    cohort = ("period", "months_since_start")
    timed("cohorts", HAND_COHORTS, {n: (*cohort, n) for n in FAMILIES["cohorts"]})
    timed("efficiency", HAND_EFFICIENCY, {n: ("period", n) for n in FAMILIES["efficiency"]})
    times["total"] = time.perf_counter() - started - shift
    return times


#: ``HAND_MOVES`` (bench/mrr_baselines.py) with each row's start and end MRR, as revline gives.
HAND_MOVES_FULL = """
SELECT account_id, month_idx,
       CASE WHEN month_idx > first_idx THEN 'unchanged'
            WHEN paid_so_far = 1 AND prev = 0 THEN 'new'
            WHEN prev = 0 THEN 'reactivation'
            WHEN cents > prev THEN 'expansion'
            WHEN cents < prev THEN 'contraction'
            ELSE 'unchanged' END AS movement,
       CASE WHEN month_idx > first_idx THEN cents ELSE prev END AS start_cents,
       cents AS end_cents,
       CASE WHEN month_idx > first_idx THEN 0 ELSE abs(cents - prev) END AS cents
FROM (SELECT *, unnest(range(first_idx, last_idx + 1)) AS month_idx FROM moved WHERE cents > 0)
UNION ALL
SELECT account_id, first_idx, 'churn', prev, 0, prev FROM moved WHERE cents = 0 AND prev > 0
"""


#: How each output is read for the comparison: revline's columns as whole cents or values.
_REVLINE_AS = {
    "movements": "SELECT account_id, month_idx, movement, CAST(start_mrr * 100 AS BIGINT) AS a, "
    "CAST(end_mrr * 100 AS BIGINT) AS b, CAST(amount * 100 AS BIGINT) AS c FROM r",
    "bridge": "SELECT year(month) * 12 + month(month) - 1 AS month_idx, "
    + ", ".join(
        f'CAST("{c}" * 100 AS BIGINT)'
        for c in ("start", "new", "reactivation", "expansion", "contraction", "churn", "end")
    )
    + ", customers FROM r",
}
_HAND_AS = {
    "movements": "SELECT account_id, month_idx, movement, start_cents, end_cents, cents FROM h",
    "bridge": "SELECT * FROM h",
}


def check() -> dict[str, int]:
    """Check that the hand outputs equal revline's; return the row count of each output.

    Movements and the bridge: every row equal in whole cents (``EXCEPT ALL`` both ways;
    revline's amounts are ``DECIMAL(38, 2)``, so times 100 they are whole). Metric values: the
    same periods (and offsets), each value equal to 1e-9 relative (nulls where revline's are).
    """
    import duckdb

    con = duckdb.connect()
    rows: dict[str, int] = {}
    for names in FAMILIES.values():
        for name in names:
            rev = str(WORK / f"suite_revline_{name}.parquet")
            hand = str(WORK / f"suite_hand_{name}.parquet")
            con.read_parquet(rev).create_view("r")
            con.read_parquet(hand).create_view("h")
            if name in _REVLINE_AS:
                only = con.execute(
                    f"SELECT (SELECT count(*) FROM ({_REVLINE_AS[name]} EXCEPT ALL "
                    f"{_HAND_AS[name]})), (SELECT count(*) FROM ({_HAND_AS[name]} EXCEPT ALL "
                    f"{_REVLINE_AS[name]}))"
                ).fetchone()
                assert only == (0, 0), f"{name}: rows only in revline's, only in hand's: {only}"
            else:
                keys = ["period"] + (["months_since_start"] if name.startswith("cohort") else [])
                on = " AND ".join(f"r.{k} = h.{k}" for k in keys)
                bad = con.execute(
                    f"SELECT count(*) FROM r FULL JOIN h ON {on} WHERE r.period IS NULL "
                    f"OR h.period IS NULL OR (r.value IS NULL) <> (h.{name} IS NULL) "
                    f"OR abs(CAST(r.value AS DOUBLE) - h.{name}) "
                    f"> 1e-9 * greatest(1, abs(CAST(r.value AS DOUBLE)))"
                ).fetchone()
                assert bad == (0,), f"{name}: {bad[0] if bad else '?'} rows differ"
            counted = con.execute("SELECT count(*) FROM r").fetchone()
            rows[name] = int(counted[0]) if counted else 0
    return rows
