"""The baselines bench/bench_mrr.py measures revline against: hand-written SQL and pandas.

Both compute the customer-month MRR movements revline's ``movements`` gives, under the settings
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

#: Hand-written movements. Amounts are exact: integers at scale 10^12, rounded half-up to cents.
HAND_SQL = """
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


def run_sql(path: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    first = con.execute(
        "SELECT min(year(start_at) * 12 + month(start_at) - 1) FROM subscriptions"
    ).fetchone()
    started = time.perf_counter()
    # Materialised as Arrow, as revline's rows are; the pandas conversion for the comparison
    # file is not timed.
    arrow = con.execute(
        HAND_SQL, {"as_of": AS_OF.year * 12 + AS_OF.month - 1, "first": first[0]}
    ).fetch_arrow_table()
    seconds = time.perf_counter() - started
    moves = arrow.to_pandas()
    save(moves, "sql")
    counts = con.execute(
        "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM subscriptions), "
        "(SELECT count(DISTINCT account_id) FROM subscriptions)"
    ).fetchone()
    size = f"{counts[0]:,} accounts, {counts[1]:,} subscriptions ({counts[2]:,} accounts with one)"
    return {"movements": seconds, "rows": len(moves), "input": size}


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
    to_int = lambda col: [round(float(v) * 10000) for v in col]  # noqa: E731
    listed = np.array(to_int(unit), dtype=object) * s.quantity.to_numpy(dtype=object)
    pct = np.array(to_int(100 - s.discount_percent.fillna(0)), dtype=object)
    fixed = np.array(to_int(s.discount_amount.fillna(0)), dtype=object) * 1_000_000
    s["net"] = np.maximum(listed * pct - fixed, 0)
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
    den = sm.cycle.to_numpy(dtype=object) * 10**12
    sm["cents"] = (2 * sm.net.to_numpy(dtype=object) * sm.rate.to_numpy(dtype=object) + den) // (
        2 * den
    )
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
