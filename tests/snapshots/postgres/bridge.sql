WITH "t10" AS (
  SELECT
    "t9"."account_id",
    "t9"."month_idx",
    "t9"."contract_mrr",
    "t9"."billed_mrr",
    "t9"."usage_mrr",
    "t9"."billed_mrr" AS "mrr"
  FROM (
    SELECT
      "t6"."account_id",
      "t6"."month_idx",
      SUM("t6"."contract_mrr") AS "contract_mrr",
      SUM("t6"."billed_mrr") AS "billed_mrr",
      SUM("t6"."usage_mrr") AS "usage_mrr"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t0"."account_id",
          "t0"."month_idx",
          "t0"."contract_mrr",
          "t0"."billed_mrr",
          CAST(0 AS DECIMAL(38, 2)) AS "usage_mrr"
        FROM "_revline_mrr" AS "t0"
      ) AS "t3"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t1"."account_id",
          "t1"."month_idx",
          CAST(0 AS DECIMAL(38, 2)) AS "contract_mrr",
          CAST(0 AS DECIMAL(38, 2)) AS "billed_mrr",
          "t1"."usage_mrr"
        FROM "_revline_usage" AS "t1"
      ) AS "t4"
    ) AS "t6"
    GROUP BY
      1,
      2
  ) AS "t9"
  WHERE
    "t9"."billed_mrr" > 0
), "t16" AS (
  SELECT
    "t12"."account_id",
    "t12"."month_idx",
    "t12"."contract_mrr",
    "t12"."billed_mrr",
    "t12"."usage_mrr",
    "t12"."mrr",
    LAG("t12"."month_idx") OVER (
      PARTITION BY "t12"."account_id"
      ORDER BY "t12"."month_idx" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_idx",
    LAG("t12"."mrr") OVER (
      PARTITION BY "t12"."account_id"
      ORDER BY "t12"."month_idx" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_mrr",
    LEAD("t12"."month_idx") OVER (
      PARTITION BY "t12"."account_id"
      ORDER BY "t12"."month_idx" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_idx"
  FROM "t10" AS "t12"
)
SELECT
  "t26"."month",
  "t26"."start",
  "t26"."new",
  "t26"."reactivation",
  "t26"."expansion",
  "t26"."contraction",
  "t26"."churn",
  "t26"."end",
  "t26"."customers"
FROM (
  SELECT
    "t25"."month_idx",
    "t25"."month",
    "t25"."new",
    "t25"."reactivation",
    "t25"."expansion",
    "t25"."contraction",
    "t25"."churn",
    "t25"."end",
    "t25"."customers",
    COALESCE(
      LAG("t25"."end") OVER (
        ORDER BY "t25"."month_idx" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ),
      CAST(0 AS DECIMAL(38, 2))
    ) AS "start"
  FROM (
    SELECT
      "t13"."month_idx",
      "t13"."month",
      COALESCE("t24"."new", CAST(0 AS DECIMAL(38, 2))) AS "new",
      COALESCE("t24"."reactivation", CAST(0 AS DECIMAL(38, 2))) AS "reactivation",
      COALESCE("t24"."expansion", CAST(0 AS DECIMAL(38, 2))) AS "expansion",
      COALESCE("t24"."contraction", CAST(0 AS DECIMAL(38, 2))) AS "contraction",
      COALESCE("t24"."churn", CAST(0 AS DECIMAL(38, 2))) AS "churn",
      COALESCE("t15"."end", CAST(0 AS DECIMAL(38, 2))) AS "end",
      COALESCE("t15"."customers", 0) AS "customers"
    FROM (
      SELECT
        CAST("t5"."month_idx" AS BIGINT) AS "month_idx",
        MAKE_DATE(
          CAST(CAST(CAST(FLOOR(CAST((
            CAST("t5"."month_idx" AS BIGINT)
          ) AS DOUBLE PRECISION) / (
            12
          )) AS BIGINT) AS INT) AS INT),
          CAST(CAST((
            CAST("t5"."month_idx" AS BIGINT) % 12
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
      ) AS "t5"
    ) AS "t13"
    LEFT OUTER JOIN (
      SELECT
        "t22"."month_idx",
        SUM(
          CASE
            WHEN "t22"."movement" = 'new'
            THEN "t22"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "new",
        SUM(
          CASE
            WHEN "t22"."movement" = 'reactivation'
            THEN "t22"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "reactivation",
        SUM(
          CASE
            WHEN "t22"."movement" = 'expansion'
            THEN "t22"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "expansion",
        SUM(
          CASE
            WHEN "t22"."movement" = 'contraction'
            THEN "t22"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "contraction",
        SUM(
          CASE
            WHEN "t22"."movement" = 'churn'
            THEN "t22"."amount"
            ELSE CAST(0 AS DECIMAL(38, 2))
          END
        ) AS "churn"
      FROM (
        SELECT
          "t21"."account_id",
          "t21"."month_idx",
          "t21"."movement",
          "t21"."start_mrr",
          "t21"."end_mrr",
          "t21"."amount",
          "t8"."late_idx" IS NOT NULL AS "delinquent"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t17"."account_id",
              "t17"."month_idx",
              CASE
                WHEN "t17"."prev_idx" IS NULL
                THEN 'new'
                WHEN NOT (
                  "t17"."prev_idx" = (
                    "t17"."month_idx" - 1
                  )
                )
                THEN 'reactivation'
                WHEN (
                  "t17"."mrr" - CASE
                    WHEN "t17"."prev_idx" = (
                      "t17"."month_idx" - 1
                    )
                    THEN "t17"."prev_mrr"
                    ELSE CAST(0 AS DECIMAL(38, 2))
                  END
                ) > 0
                THEN 'expansion'
                WHEN (
                  "t17"."mrr" - CASE
                    WHEN "t17"."prev_idx" = (
                      "t17"."month_idx" - 1
                    )
                    THEN "t17"."prev_mrr"
                    ELSE CAST(0 AS DECIMAL(38, 2))
                  END
                ) < 0
                THEN 'contraction'
                ELSE 'unchanged'
              END AS "movement",
              CASE
                WHEN "t17"."prev_idx" = (
                  "t17"."month_idx" - 1
                )
                THEN "t17"."prev_mrr"
                ELSE CAST(0 AS DECIMAL(38, 2))
              END AS "start_mrr",
              "t17"."mrr" AS "end_mrr",
              CASE
                WHEN (
                  "t17"."mrr" - CASE
                    WHEN "t17"."prev_idx" = (
                      "t17"."month_idx" - 1
                    )
                    THEN "t17"."prev_mrr"
                    ELSE CAST(0 AS DECIMAL(38, 2))
                  END
                ) >= 0
                THEN "t17"."mrr" - CASE
                  WHEN "t17"."prev_idx" = (
                    "t17"."month_idx" - 1
                  )
                  THEN "t17"."prev_mrr"
                  ELSE CAST(0 AS DECIMAL(38, 2))
                END
                ELSE -(
                  "t17"."mrr" - CASE
                    WHEN "t17"."prev_idx" = (
                      "t17"."month_idx" - 1
                    )
                    THEN "t17"."prev_mrr"
                    ELSE CAST(0 AS DECIMAL(38, 2))
                  END
                )
              END AS "amount"
            FROM "t16" AS "t17"
          ) AS "t19"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t17"."account_id",
              "t17"."month_idx" + 1 AS "month_idx",
              'churn' AS "movement",
              "t17"."mrr" AS "start_mrr",
              CAST(0 AS DECIMAL(38, 2)) AS "end_mrr",
              "t17"."mrr" AS "amount"
            FROM "t16" AS "t17"
            WHERE
              (
                (
                  "t17"."next_idx" IS NULL
                )
                OR (
                  "t17"."next_idx" > (
                    "t17"."month_idx" + 1
                  )
                )
              )
              AND "t17"."month_idx" < 24305
          ) AS "t18"
        ) AS "t21"
        LEFT OUTER JOIN (
          SELECT
            "t2"."account_id" AS "late_account_id",
            "t2"."month_idx" AS "late_idx"
          FROM (
            SELECT DISTINCT
              "t0"."account_id",
              "t0"."month_idx"
            FROM "_revline_mrr" AS "t0"
            WHERE
              "t0"."delinquent"
          ) AS "t2"
        ) AS "t8"
          ON "t21"."account_id" = "t8"."late_account_id"
          AND "t21"."month_idx" = "t8"."late_idx"
      ) AS "t22"
      GROUP BY
        1
    ) AS "t24"
      ON "t13"."month_idx" = "t24"."month_idx"
    LEFT OUTER JOIN (
      SELECT
        "t12"."month_idx",
        SUM("t12"."mrr") AS "end",
        COUNT(*) AS "customers"
      FROM "t10" AS "t12"
      GROUP BY
        1
    ) AS "t15"
      ON "t13"."month_idx" = "t15"."month_idx"
  ) AS "t25"
) AS "t26"
ORDER BY
  "t26"."month" ASC
