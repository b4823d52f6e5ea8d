SELECT
  "t13"."month",
  "t13"."start",
  "t13"."new",
  "t13"."reactivation",
  "t13"."expansion",
  "t13"."contraction",
  "t13"."churn",
  "t13"."end",
  "t13"."customers"
FROM (
  SELECT
    "t12"."month_idx",
    "t12"."month",
    "t12"."new",
    "t12"."reactivation",
    "t12"."expansion",
    "t12"."contraction",
    "t12"."churn",
    "t12"."end",
    "t12"."customers",
    COALESCE(
      LAG("t12"."end") OVER (
        ORDER BY "t12"."month_idx" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ),
      CAST(0 AS DECIMAL(38, 2))
    ) AS "start"
  FROM (
    SELECT
      "t10"."month_idx",
      "t10"."month",
      COALESCE("t9"."new", CAST(0 AS DECIMAL(38, 2))) AS "new",
      COALESCE("t9"."reactivation", CAST(0 AS DECIMAL(38, 2))) AS "reactivation",
      COALESCE("t9"."expansion", CAST(0 AS DECIMAL(38, 2))) AS "expansion",
      COALESCE("t9"."contraction", CAST(0 AS DECIMAL(38, 2))) AS "contraction",
      COALESCE("t9"."churn", CAST(0 AS DECIMAL(38, 2))) AS "churn",
      SUM(COALESCE("t11"."d_end", CAST(0 AS DECIMAL(38, 2)))) OVER (ORDER BY "t10"."month_idx" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "end",
      SUM(COALESCE("t11"."d_count", 0)) OVER (ORDER BY "t10"."month_idx" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "customers"
    FROM (
      SELECT
        CAST("t3"."month_idx" AS BIGINT) AS "month_idx",
        MAKE_DATE(
          CAST(CAST(CAST(FLOOR(CAST((
            CAST("t3"."month_idx" AS BIGINT)
          ) AS DOUBLE PRECISION) / (
            12
          )) AS BIGINT) AS INT) AS INT),
          CAST(CAST((
            CAST("t3"."month_idx" AS BIGINT) % 12
          ) + 1 AS INT) AS INT),
          CAST(1 AS INT)
        ) AS "month"
      FROM (
        SELECT
          UNNEST(
            CASE
              WHEN NULLIF(1, 0) IS NOT NULL AND SIGN(1) = SIGN(24306 - 24300)
              THEN ARRAY_REMOVE(ARRAY(SELECT
                *
              FROM GENERATE_SERIES(24300, 24306, 1)), 24306)
              ELSE CAST(ARRAY[] AS SMALLINT[])
            END
          ) AS "month_idx"
      ) AS "t3"
    ) AS "t10"
    LEFT OUTER JOIN (
      SELECT
        "t5"."month_idx",
        SUM(
          CASE
            WHEN "t5"."movement" = 'new'
            THEN "t5"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "new",
        SUM(
          CASE
            WHEN "t5"."movement" = 'reactivation'
            THEN "t5"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "reactivation",
        SUM(
          CASE
            WHEN "t5"."movement" = 'expansion'
            THEN "t5"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "expansion",
        SUM(
          CASE
            WHEN "t5"."movement" = 'contraction'
            THEN "t5"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "contraction",
        SUM(
          CASE
            WHEN "t5"."movement" = 'churn'
            THEN "t5"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "churn"
      FROM (
        SELECT
          "t0"."account_id",
          "t0"."first_idx" AS "month_idx",
          "t0"."movement",
          CAST(CAST("t0"."prev_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "start_mrr",
          CAST(CAST("t0"."mrr_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "end_mrr",
          CAST(CAST("t0"."amount_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "amount",
          FALSE AS "delinquent"
        FROM "_revline_pieces" AS "t0"
        WHERE
          "t0"."movement" IN ('new', 'reactivation', 'expansion', 'contraction', 'churn')
      ) AS "t5"
      GROUP BY
        1
    ) AS "t9"
      ON "t10"."month_idx" = "t9"."month_idx"
    LEFT OUTER JOIN (
      SELECT
        "t4"."month_idx",
        CAST(CAST(CAST(SUM("t4"."d_end") AS BIGINT) AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "d_end",
        SUM("t4"."d_count") AS "d_count"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t0"."first_idx" AS "month_idx",
            "t0"."mrr_cents" AS "d_end",
            1 AS "d_count"
          FROM "_revline_pieces" AS "t0"
          WHERE
            "t0"."mrr_cents" > 0
        ) AS "t1"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t0"."last_idx" + 1 AS "month_idx",
            -(
              "t0"."mrr_cents"
            ) AS "d_end",
            -1 AS "d_count"
          FROM "_revline_pieces" AS "t0"
          WHERE
            "t0"."mrr_cents" > 0 AND "t0"."last_idx" < 24305
        ) AS "t2"
      ) AS "t4"
      GROUP BY
        1
    ) AS "t11"
      ON "t10"."month_idx" = "t11"."month_idx"
  ) AS "t12"
) AS "t13"
ORDER BY
  "t13"."month" ASC
