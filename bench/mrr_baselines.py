"""The baselines bench/bench_mrr.py measures revline against: hand-written SQL and pandas.

``HAND_SQL`` is the issue's reference design (subscription segments, one window, months only at
the end); ``GRID_SQL`` the earlier subscription-month design, kept as a second reference.

All compute the customer-month MRR movements revline's ``movements`` gives, under the settings
the benchmark uses (billed MRR, churn at the scheduled end, no dunning), with exact amounts:
integers scaled by 10^12, rounded half-up to the cent. Each writes its rows to
``bench/_work/moves_<name>.parquet`` for the row-for-row comparison.

They cover what the synthetic company holds (monthly, quarterly and yearly cycles, seats,
percentage and fixed discounts, rates quoted into USD, trials, free plans, ``end_at``); unlike
revline they do not derive an end from ``canceled_at`` when ``end_at`` is empty, nor count usage.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent
WORK = HERE / "_work"
AS_OF = date(2025, 12, 31)
KEY = ["account_id", "month_idx", "movement"]
CYCLE_MONTHS = {"month": 1, "quarter": 3, "year": 12}

#: DuckDB's ``year``/``month`` of a ``TIMESTAMPTZ`` go through ICU (about 0.4 us a call); read as
#: epoch microseconds into a plain ``TIMESTAMP`` (UTC) they are ten times faster.
MONTH_MACRO = (
    "CREATE OR REPLACE TEMP MACRO month_idx(t) AS "
    "year(make_timestamp(epoch_us(t))) * 12 + month(make_timestamp(epoch_us(t))) - 1"
)

#: The reference query of the issue: subscription segments (a subscription's months at one
#: exchange rate, valued once), one window over each customer's changes (+value where a segment
#: starts, -value the month after it ends; the gaps follow from the previous end), expanded to
#: customer-months only at the end. Amounts exact: integers at scale 10^8 (``BIGINT``, so a
#: subscription's net amount must stay below about 9 x 10^10; DuckDB raises on overflow), rounded
#: half-up to cents; a foreign currency is converted in ``HUGEINT`` at scale 10^12.
HAND_CTES = """
WITH subs AS (
    SELECT s.account_id, s.currency,
           month_idx(s.start_at) AS first_idx,
           least(coalesce(month_idx(s.end_at) - 1, $as_of), $as_of) AS last_idx,
           CASE coalesce(s.billing_interval, p.billing_interval, 'month')
               WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 WHEN 'year' THEN 12 END
             * coalesce(s.interval_count, p.interval_count, 1) AS cycle,
           greatest(  -- x 10^8, exact; amounts fit DECIMAL(18, 4)
               CAST(CAST(coalesce(s.unit_amount, p.unit_amount, 0) AS DECIMAL(18, 4)) * 10000
                    AS BIGINT) * s.quantity
                 * CAST(CAST(100 - coalesce(s.discount_percent, 0) AS DECIMAL(18, 4)) * 10000
                        AS BIGINT)
               - CAST(CAST(coalesce(s.discount_amount, 0) AS DECIMAL(18, 4)) * 10000 AS BIGINT)
                 * 1000000,
               0) AS net
    FROM subscriptions s LEFT JOIN plans p USING (plan_id)
    WHERE NOT coalesce(s.is_trial, false) AND NOT coalesce(p.is_free, false)
),
months AS (
    SELECT currency, m AS month_idx,
           make_date(CAST((m + 1) // 12 AS INTEGER), CAST((m + 1) % 12 + 1 AS INTEGER), 1) AS snap
    FROM (SELECT DISTINCT currency FROM subs), range($first, $as_of + 1) AS r(m)
),
rates AS (
    SELECT m.currency, m.month_idx,
           CASE WHEN m.currency = 'USD' THEN 10000 ELSE CAST(f.rate * 10000 AS HUGEINT) END AS rate
    FROM months m ASOF LEFT JOIN
        (SELECT * FROM fx_rates WHERE quote_currency = 'USD') f
        ON m.currency = f.base_currency AND m.snap > f.rate_date
),
runs AS (  -- consecutive months with the same rate
    SELECT currency, rate, min(month_idx) AS run_first, max(month_idx) AS run_last
    FROM (SELECT *, month_idx - row_number()
                        OVER (PARTITION BY currency, rate ORDER BY month_idx) AS grp
          FROM rates)
    GROUP BY currency, rate, grp
),
segs AS (  -- a subscription's months at one rate: one value, rounded once
    SELECT s.account_id, greatest(s.first_idx, r.run_first) AS first_idx,
           least(s.last_idx, r.run_last) AS last_idx,
           CASE WHEN r.rate = 10000  -- the reporting currency: no conversion
                THEN (2 * s.net + s.cycle * 100000000) // (2 * s.cycle * 100000000)
                ELSE CAST((2 * CAST(s.net AS HUGEINT) * r.rate + s.cycle * 1000000000000)
                          // (2 * s.cycle * 1000000000000) AS BIGINT) END AS cents
    FROM subs s JOIN runs r
      ON s.currency = r.currency AND r.run_first <= s.last_idx AND r.run_last >= s.first_idx
    WHERE s.net > 0 AND s.last_idx >= s.first_idx
),
events AS (
    SELECT account_id, month_idx, sum(delta) AS delta FROM (
        SELECT account_id, first_idx AS month_idx, cents AS delta FROM segs WHERE cents > 0
        UNION ALL
        SELECT account_id, last_idx + 1, -cents FROM segs WHERE cents > 0 AND last_idx < $as_of
    ) GROUP BY ALL HAVING sum(delta) <> 0
),
pieces AS (  -- one window: the level from each change to the next
    SELECT account_id, month_idx AS first_idx,
           coalesce(lead(month_idx) OVER w - 1, $as_of) AS last_idx,
           sum(delta) OVER (w ROWS UNBOUNDED PRECEDING) AS cents
    FROM events WINDOW w AS (PARTITION BY account_id ORDER BY month_idx)
),
moved AS (
    SELECT *, coalesce(lag(cents) OVER w, 0) AS prev,
           count(*) FILTER (WHERE cents > 0) OVER (w ROWS UNBOUNDED PRECEDING) AS paid_so_far
    FROM pieces WINDOW w AS (PARTITION BY account_id ORDER BY first_idx)
)
"""

#: The movements from the ``moved`` pieces of :data:`HAND_CTES` (whole cents).
HAND_MOVES = """
SELECT account_id, month_idx,
       CASE WHEN month_idx > first_idx THEN 'unchanged'
            WHEN paid_so_far = 1 AND prev = 0 THEN 'new'
            WHEN prev = 0 THEN 'reactivation'
            WHEN cents > prev THEN 'expansion'
            WHEN cents < prev THEN 'contraction'
            ELSE 'unchanged' END AS movement,
       CASE WHEN month_idx > first_idx THEN 0 ELSE abs(cents - prev) END AS cents
FROM (SELECT *, unnest(range(first_idx, last_idx + 1)) AS month_idx FROM moved WHERE cents > 0)
UNION ALL
SELECT account_id, first_idx, 'churn', prev FROM moved WHERE cents = 0 AND prev > 0
"""


HAND_SQL = HAND_CTES + HAND_MOVES

#: The second reference: the same movements from every subscription expanded to its months
#: first (a per-month grid of subscriptions, never of customers x months), as the benchmark's
#: first hand query did. Amounts exact: integers at scale 10^12, rounded half-up to cents.
GRID_SQL = """
WITH subs AS (
    SELECT s.account_id, s.currency,
           year(s.start_at) * 12 + month(s.start_at) - 1 AS first_idx,
           least(coalesce(year(s.end_at) * 12 + month(s.end_at) - 2, $as_of), $as_of) AS last_idx,
           CASE coalesce(s.billing_interval, p.billing_interval, 'month')
               WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 WHEN 'year' THEN 12 END
             * coalesce(s.interval_count, p.interval_count, 1) AS cycle,
           greatest(
               CAST(coalesce(s.unit_amount, p.unit_amount, 0) * 10000 AS HUGEINT) * s.quantity
                 * CAST((100 - coalesce(s.discount_percent, 0)) * 10000 AS HUGEINT)
               - CAST(coalesce(s.discount_amount, 0) * 10000 AS HUGEINT) * 1000000,
               0) AS net
    FROM subscriptions s LEFT JOIN plans p USING (plan_id)
    WHERE NOT coalesce(s.is_trial, false) AND NOT coalesce(p.is_free, false)
),
months AS (
    SELECT currency, m AS month_idx,
           make_date(CAST((m + 1) // 12 AS INTEGER), CAST((m + 1) % 12 + 1 AS INTEGER), 1) AS snap
    FROM (SELECT DISTINCT currency FROM subs), range($first, $as_of + 1) AS r(m)
),
rates AS (
    SELECT m.currency, m.month_idx,
           CASE WHEN m.currency = 'USD' THEN 10000 ELSE CAST(f.rate * 10000 AS HUGEINT) END AS rate
    FROM months m ASOF LEFT JOIN
        (SELECT * FROM fx_rates WHERE quote_currency = 'USD') f
        ON m.currency = f.base_currency AND m.snap > f.rate_date
),
sub_months AS (
    SELECT account_id, currency, unnest(range(first_idx, last_idx + 1)) AS month_idx, cycle, net
    FROM subs WHERE net > 0 AND last_idx >= first_idx
),
cm AS (
    SELECT sm.account_id, sm.month_idx,
           sum((2 * sm.net * r.rate + sm.cycle * 1000000000000)
               // (2 * sm.cycle * 1000000000000)) AS cents
    FROM sub_months sm JOIN rates r USING (currency, month_idx)
    GROUP BY ALL
),
seq AS (
    SELECT *, lag(month_idx) OVER w AS prev_idx, lag(cents) OVER w AS prev_cents,
           lead(month_idx) OVER w AS next_idx
    FROM cm WINDOW w AS (PARTITION BY account_id ORDER BY month_idx)
)
SELECT account_id, month_idx,
       CASE WHEN prev_idx IS NULL THEN 'new'
            WHEN prev_idx < month_idx - 1 THEN 'reactivation'
            WHEN cents > prev_cents THEN 'expansion'
            WHEN cents < prev_cents THEN 'contraction'
            ELSE 'unchanged' END AS movement,
       CAST(abs(cents - CASE WHEN prev_idx = month_idx - 1 THEN prev_cents ELSE 0 END)
            AS BIGINT) AS cents
FROM seq
UNION ALL
SELECT account_id, month_idx + 1, 'churn', CAST(cents AS BIGINT)
FROM seq WHERE (next_idx IS NULL OR next_idx > month_idx + 1) AND month_idx < $as_of
"""


def save(frame: pd.DataFrame, name: str) -> None:
    types = {"account_id": "string", "month_idx": "int64", "movement": "string", "cents": "int64"}
    table = pa.Table.from_pandas(frame[[*KEY, "cents"]].astype(types), preserve_index=False)
    pq.write_table(table, WORK / f"moves_{name}.parquet")


def run_sql(path: Path, grid: bool = False) -> dict[str, Any]:
    """Time the reference query (``grid``: the subscription-month one) materialised as Arrow."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    first = con.execute(
        "SELECT min(year(start_at) * 12 + month(start_at) - 1) FROM subscriptions"
    ).fetchone()
    con.execute(MONTH_MACRO)
    started = time.perf_counter()
    # Materialised as Arrow, as revline's rows are; the pandas conversion for the comparison
    # file is not timed.
    arrow = con.execute(
        GRID_SQL if grid else HAND_SQL,
        {"as_of": AS_OF.year * 12 + AS_OF.month - 1, "first": first[0]},
    ).to_arrow_table()
    seconds = time.perf_counter() - started
    # Written as Arrow (no pandas copy), so that the peak memory is the query's own.
    pq.write_table(arrow, WORK / f"moves_{'sql_grid' if grid else 'sql'}.parquet")
    counts = con.execute(
        "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM subscriptions), "
        "(SELECT count(DISTINCT account_id) FROM subscriptions)"
    ).fetchone()
    size = f"{counts[0]:,} accounts, {counts[1]:,} subscriptions ({counts[2]:,} accounts with one)"
    return {"movements": seconds, "rows": arrow.num_rows, "input": size}


def run_pandas(path: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    started = time.perf_counter()
    subs = con.table("subscriptions").df()
    plans = con.table("plans").df().set_index("plan_id")
    fx = con.table("fx_rates").df()
    as_of = AS_OF.year * 12 + AS_OF.month - 1
    s = subs.join(
        plans[["billing_interval", "interval_count", "unit_amount", "is_free"]],
        on="plan_id",
        rsuffix="_plan",
    )
    s = s[~s.is_trial.fillna(False).astype(bool) & ~s.is_free.fillna(False).astype(bool)]
    interval = s.billing_interval.fillna(s.billing_interval_plan).fillna("month")
    s["cycle"] = interval.map(CYCLE_MONTHS) * s.interval_count.fillna(s.interval_count_plan).fillna(
        1
    )
    unit = s.unit_amount.fillna(s.unit_amount_plan).fillna(0)
    # DuckDB hands DECIMAL columns to pandas as floats: round to the exact scaled integer.
    to_int = lambda col: np.round(col.astype("float64") * 10000).astype("int64")  # noqa: E731
    listed = to_int(unit) * s.quantity.astype("int64")
    fixed = to_int(s.discount_amount.fillna(0)) * 1_000_000
    s["net"] = np.maximum(listed * to_int(100 - s.discount_percent.fillna(0)) - fixed, 0)
    s["first_idx"] = s.start_at.dt.year * 12 + s.start_at.dt.month - 1
    end_idx = s.end_at.dt.year * 12 + s.end_at.dt.month - 2
    s["last_idx"] = end_idx.fillna(as_of).clip(upper=as_of).astype("int64")
    s = s[(s.net > 0) & (s.last_idx >= s.first_idx)]
    counts = (s.last_idx - s.first_idx + 1).to_numpy()
    sm = s.loc[s.index.repeat(counts), ["account_id", "currency", "cycle", "net", "first_idx"]]
    sm["month_idx"] = sm.first_idx + sm.groupby(level=0).cumcount()
    fx = fx[fx.quote_currency == "USD"]
    day = pd.to_datetime(fx.rate_date)
    fx["month_idx"] = (day.dt.year * 12 + day.dt.month - 1).astype("int64")
    rows = []
    for currency in sm.currency.unique():  # the latest rate dated in or before each month
        rates = fx[fx.base_currency == currency].sort_values("month_idx")
        months = pd.DataFrame(
            {"month_idx": np.arange(sm.month_idx.min(), as_of + 1, dtype="int64")}
        )
        if currency == "USD":
            months["rate"] = 10000
        else:
            months = pd.merge_asof(months, rates[["month_idx", "rate"]], on="month_idx")
            months["rate"] = to_int(months.rate)
        rows.append(months.assign(currency=currency))
    sm = sm.merge(pd.concat(rows), on=["currency", "month_idx"])
    # Cents rounded half-up: int64 at scale 10^8 in the reporting currency, Python integers
    # (exact at scale 10^12) for a converted amount, which could overflow int64.
    same = (sm.rate == 10000).to_numpy()
    net, cycle = sm.net.to_numpy(), sm.cycle.to_numpy(dtype="int64")
    cents = np.zeros(len(sm), dtype=object)
    cents[same] = (2 * net[same] + cycle[same] * 10**8) // (2 * cycle[same] * 10**8)
    other = ~same
    if other.any():
        big = net[other].astype(object) * sm.rate.to_numpy(dtype=object)[other]
        den = cycle[other].astype(object) * 10**12
        cents[other] = (2 * big + den) // (2 * den)
    sm["cents"] = cents.astype("int64")
    cm = sm.groupby(["account_id", "month_idx"], as_index=False).cents.sum()
    cm = cm.sort_values(["account_id", "month_idx"])
    g = cm.groupby("account_id")
    prev_idx, prev, nxt = g.month_idx.shift(), g.cents.shift(), g.month_idx.shift(-1)
    continuous = prev_idx == cm.month_idx - 1
    start = prev.where(continuous, 0)
    cm["movement"] = np.select(
        [prev_idx.isna(), ~continuous, cm.cents > start, cm.cents < start],
        ["new", "reactivation", "expansion", "contraction"],
        "unchanged",
    )
    paying = cm.assign(cents=(cm.cents - start).abs())
    ends = cm[(nxt.isna() | (nxt > cm.month_idx + 1)) & (cm.month_idx < as_of)]
    churn = ends.assign(month_idx=ends.month_idx + 1, movement="churn")
    moves = pd.concat([paying, churn], ignore_index=True)
    seconds = time.perf_counter() - started
    save(moves, "pandas")
    return {"movements": seconds, "rows": len(moves)}
