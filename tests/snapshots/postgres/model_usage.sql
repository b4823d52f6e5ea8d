SELECT
  "t7"."account_id",
  "t5"."plan_id",
  "t7"."month_idx",
  "t7"."currency",
  "t3"."rate_mul",
  CAST(CAST(CASE
    WHEN NOT (
      ABS(
        (
          (
            (
              (
                CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
              ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
            ) * 100
          ) - CAST(FLOOR(
            (
              (
                CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
              ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
            ) * 100
          ) AS BIGINT)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      (
        (
          CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
        ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
    WHEN (
      CAST(CAST(CAST("t7"."usage_amount" AS DECIMAL(38, 4)) * CAST("t3"."rate_mul" AS DECIMAL(38, 4)) AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        (
          (
            CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
          ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) + 1 AS DECIMAL(38, 4)) * CAST("t3"."rate_div" AS DECIMAL(38, 4)) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        (
          CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
        ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) + 1
    WHEN (
      CAST(CAST(CAST("t7"."usage_amount" AS DECIMAL(38, 4)) * CAST("t3"."rate_mul" AS DECIMAL(38, 4)) AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        (
          (
            CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
          ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) - 1 AS DECIMAL(38, 4)) * CAST("t3"."rate_div" AS DECIMAL(38, 4)) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        (
          CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
        ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) - 1
    ELSE CAST(ROUND(
      (
        (
          CAST("t7"."usage_amount" AS DOUBLE PRECISION) * CAST("t3"."rate_mul" AS DOUBLE PRECISION)
        ) / CAST("t3"."rate_div" AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
  END AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "usage_mrr"
FROM (
  SELECT
    "t0"."invoice_id",
    "t0"."account_id",
    "t0"."subscription_id",
    "t0"."issued_at",
    "t0"."due_at",
    "t0"."period_start",
    "t0"."period_end",
    "t0"."amount",
    "t0"."recurring_amount",
    "t0"."usage_amount",
    "t0"."one_time_amount",
    "t0"."tax_amount",
    "t0"."currency",
    "t0"."status",
    "t0"."paid_at",
    "t0"."source",
    "t0"."source_id",
    "t0"."attributes",
    "t0"."loaded_at",
    (
      (
        EXTRACT(year FROM "t0"."issued_at") * 12
      ) + EXTRACT(month FROM "t0"."issued_at")
    ) - 1 AS "month_idx"
  FROM "invoices" AS "t0"
  WHERE
    "t0"."status" IN ('open', 'paid', 'uncollectible')
    AND "t0"."usage_amount" IS NOT NULL
    AND "t0"."usage_amount" > 0
) AS "t7"
LEFT OUTER JOIN (
  SELECT
    "t2"."subscription_id" AS "sub_id",
    "t2"."plan_id"
  FROM "subscriptions" AS "t2"
) AS "t5"
  ON "t7"."subscription_id" = "t5"."sub_id"
INNER JOIN "_revline_fx" AS "t3"
  ON "t7"."currency" = "t3"."currency" AND "t7"."month_idx" = "t3"."month_idx"
