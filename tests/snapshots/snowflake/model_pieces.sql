WITH "t4" AS (
  SELECT
    "t2"."subscription_id",
    "t2"."account_id",
    "t2"."plan_id",
    "t2"."currency",
    "t2"."rate_mul",
    "t2"."rate_div",
    "t2"."first_idx",
    "t2"."last_idx",
    "t2"."billable_from",
    COALESCE("t3"."x_contract", "t2"."contract_cents") AS "contract_cents",
    COALESCE("t3"."x_billed", "t2"."billed_cents") AS "billed_cents"
  FROM "_revline_mrr" AS "t2"
  LEFT OUTER JOIN "_revline_fix" AS "t3"
    ON "t2"."subscription_id" = "t3"."x_sub" AND "t2"."first_idx" = "t3"."x_first"
)
SELECT
  "t12"."account_id",
  "t12"."first_idx",
  "t12"."last_idx",
  "t12"."contract" AS "contract_cents",
  "t12"."billed" AS "billed_cents",
  "t12"."usage" AS "usage_cents",
  "t12"."mrr" AS "mrr_cents",
  "t12"."prev" AS "prev_cents",
  CASE
    WHEN "t12"."mrr" = 0
    THEN IFF("t12"."prev" > 0, 'churn', 'none')
    WHEN NOT (
      "t12"."paid_before"
    )
    THEN 'new'
    WHEN "t12"."prev" = 0
    THEN 'reactivation'
    WHEN (
      "t12"."mrr" - "t12"."prev"
    ) > 0
    THEN 'expansion'
    WHEN (
      "t12"."mrr" - "t12"."prev"
    ) < 0
    THEN 'contraction'
    ELSE 'unchanged'
  END AS "movement",
  IFF(
    (
      "t12"."mrr" - "t12"."prev"
    ) >= 0,
    "t12"."mrr" - "t12"."prev",
    -(
      "t12"."mrr" - "t12"."prev"
    )
  ) AS "amount_cents"
FROM (
  SELECT
    "t11"."account_id",
    "t11"."first_idx",
    "t11"."last_idx",
    "t11"."lvl_d_contract" AS "contract",
    "t11"."lvl_d_billed" AS "billed",
    CAST(0 AS BIGINT) AS "usage",
    "t11"."lvl_d_billed" AS "mrr",
    "t11"."lvl_d_billed" - "t11"."total_delta" AS "prev",
    (
      "t11"."rises" - "t11"."rise"
    ) > 0 AS "paid_before"
  FROM (
    SELECT
      "t10"."account_id",
      "t10"."month_idx" AS "first_idx",
      COALESCE(
        LEAST(
          LEAD("t10"."month_idx") OVER (PARTITION BY "t10"."account_id" ORDER BY "t10"."month_idx" ASC) - 1,
          24305
        ),
        24305
      ) AS "last_idx",
      "t10"."d_billed" AS "total_delta",
      GREATEST("t10"."d_billed", 0) AS "rise",
      SUM(GREATEST("t10"."d_billed", 0)) OVER (
        PARTITION BY "t10"."account_id"
        ORDER BY "t10"."month_idx" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "rises",
      SUM("t10"."d_contract") OVER (
        PARTITION BY "t10"."account_id"
        ORDER BY "t10"."month_idx" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "lvl_d_contract",
      SUM("t10"."d_billed") OVER (
        PARTITION BY "t10"."account_id"
        ORDER BY "t10"."month_idx" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "lvl_d_billed"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t8"."account_id",
          "t8"."month_idx",
          SUM("t8"."d_contract") AS "d_contract",
          SUM("t8"."d_billed") AS "d_billed"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t5"."account_id",
              GREATEST("t5"."first_idx", "t5"."billable_from") AS "month_idx",
              "t5"."contract_cents" AS "d_contract",
              "t5"."billed_cents" AS "d_billed"
            FROM "t4" AS "t5"
            WHERE
              GREATEST("t5"."first_idx", "t5"."billable_from") <= "t5"."last_idx"
              AND (
                (
                  "t5"."contract_cents" > 0
                ) OR (
                  "t5"."billed_cents" > 0
                )
              )
          ) AS "t6"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t5"."account_id",
              "t5"."last_idx" + 1 AS "month_idx",
              -(
                "t5"."contract_cents"
              ) AS "d_contract",
              -(
                "t5"."billed_cents"
              ) AS "d_billed"
            FROM "t4" AS "t5"
            WHERE
              GREATEST("t5"."first_idx", "t5"."billable_from") <= "t5"."last_idx"
              AND (
                (
                  "t5"."contract_cents" > 0
                ) OR (
                  "t5"."billed_cents" > 0
                )
              )
              AND "t5"."last_idx" < 24305
          ) AS "t7"
        ) AS "t8"
        GROUP BY
          1,
          2
      ) AS "t9"
      WHERE
        (
          "t9"."d_contract" <> 0
        ) OR (
          "t9"."d_billed" <> 0
        )
    ) AS "t10"
  ) AS "t11"
) AS "t12"
