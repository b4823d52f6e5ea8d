SELECT
  "t7"."subscription_id" AS "x_sub",
  "t7"."first_idx" AS "x_first",
  CASE
    WHEN NOT (
      ABS(
        (
          (
            (
              CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
            ) * 100
          ) - CAST(FLOOR(
            (
              CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
            ) * 100
          ) AS BIGINT)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
    WHEN (
      CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        (
          CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) + 1 AS DECIMAL(38, 4)) * (
      CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4))
    ) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) + 1
    WHEN (
      CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        (
          CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) - 1 AS DECIMAL(38, 4)) * (
      CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4))
    ) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) - 1
    ELSE CAST(ROUND(
      (
        CAST(CAST("t12"."contract_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
  END AS "x_contract",
  CASE
    WHEN NOT (
      ABS(
        (
          (
            (
              CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
            ) * 100
          ) - CAST(FLOOR(
            (
              CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
            ) * 100
          ) AS BIGINT)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
    WHEN (
      CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        (
          CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) + 1 AS DECIMAL(38, 4)) * (
      CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4))
    ) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) + 1
    WHEN (
      CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        (
          CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
        ) * 100
      ) AS BIGINT) * 2
    ) - 1 AS DECIMAL(38, 4)) * (
      CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4))
    ) AS DECIMAL(38, 8))
    THEN CAST(ROUND(
      (
        CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT) - 1
    ELSE CAST(ROUND(
      (
        CAST(CAST("t12"."billed_num" * CAST("t7"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) AS DOUBLE PRECISION) / CAST(CAST("t12"."denominator" AS DECIMAL(38, 4)) * CAST("t7"."rate_div" AS DECIMAL(38, 4)) AS DOUBLE PRECISION)
      ) * 100
    ) AS BIGINT)
  END AS "x_billed"
FROM (
  SELECT
    *
  FROM "_revline_mrr" AS "t0"
  WHERE
    "t0"."near_half"
) AS "t7"
INNER JOIN (
  SELECT
    "t10"."subscription_id",
    "t10"."contract_num",
    "t10"."billed_num",
    "t10"."denominator"
  FROM (
    SELECT
      "t3"."subscription_id",
      "t3"."account_id",
      "t3"."plan_id",
      "t3"."currency",
      "t3"."start_at",
      CASE
        WHEN "t3"."canceled_at" IS NULL
        THEN "t3"."end_at"
        WHEN "t3"."end_at" IS NULL
        THEN COALESCE(
          "t3"."end_at",
          CASE
            WHEN "t3"."canceled_at" < "t3"."start_at"
            THEN "t3"."start_at"
            WHEN (
              CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                WHEN 'month'
                THEN 1
                WHEN 'quarter'
                THEN 3
                WHEN 'year'
                THEN 12
                ELSE 0
              END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
            ) > 0
            THEN "t3"."start_at" + MAKE_INTERVAL(
              months => CAST((
                CAST(FLOOR(
                  CAST((
                    CASE
                      WHEN (
                        "t3"."start_at" + MAKE_INTERVAL(
                          months => CAST((
                            (
                              (
                                EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                              ) * 12
                            ) + EXTRACT(month FROM "t3"."canceled_at")
                          ) - EXTRACT(month FROM "t3"."start_at") AS INT)
                        )
                      ) > "t3"."canceled_at"
                      THEN (
                        (
                          (
                            (
                              EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                            ) * 12
                          ) + EXTRACT(month FROM "t3"."canceled_at")
                        ) - EXTRACT(month FROM "t3"."start_at")
                      ) - 1
                      ELSE (
                        (
                          (
                            EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                          ) * 12
                        ) + EXTRACT(month FROM "t3"."canceled_at")
                      ) - EXTRACT(month FROM "t3"."start_at")
                    END
                  ) AS DOUBLE PRECISION) / (
                    CASE
                      WHEN (
                        CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                      ) > 0
                      THEN CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                        WHEN 'month'
                        THEN 1
                        WHEN 'quarter'
                        THEN 3
                        WHEN 'year'
                        THEN 12
                        ELSE 0
                      END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                      ELSE 1
                    END
                  )
                ) AS BIGINT) + 1
              ) * (
                CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
              ) AS INT)
            )
            ELSE "t3"."start_at" + MAKE_INTERVAL(
              days => CAST((
                CAST(FLOOR(
                  CAST((
                    CAST(FLOOR(
                      CAST((
                        EXTRACT('epoch' FROM "t3"."canceled_at") - EXTRACT('epoch' FROM "t3"."start_at")
                      ) AS DOUBLE PRECISION) / 86400
                    ) AS BIGINT)
                  ) AS DOUBLE PRECISION) / (
                    CASE
                      WHEN (
                        CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                      ) > 0
                      THEN CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                        WHEN 'day'
                        THEN 1
                        WHEN 'week'
                        THEN 7
                        ELSE 0
                      END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                      ELSE 1
                    END
                  )
                ) AS BIGINT) + 1
              ) * (
                CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                  WHEN 'day'
                  THEN 1
                  WHEN 'week'
                  THEN 7
                  ELSE 0
                END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
              ) AS INT)
            )
          END
        )
        ELSE LEAST(
          "t3"."end_at",
          COALESCE(
            "t3"."end_at",
            CASE
              WHEN "t3"."canceled_at" < "t3"."start_at"
              THEN "t3"."start_at"
              WHEN (
                CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
              ) > 0
              THEN "t3"."start_at" + MAKE_INTERVAL(
                months => CAST((
                  CAST(FLOOR(
                    CAST((
                      CASE
                        WHEN (
                          "t3"."start_at" + MAKE_INTERVAL(
                            months => CAST((
                              (
                                (
                                  EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                                ) * 12
                              ) + EXTRACT(month FROM "t3"."canceled_at")
                            ) - EXTRACT(month FROM "t3"."start_at") AS INT)
                          )
                        ) > "t3"."canceled_at"
                        THEN (
                          (
                            (
                              (
                                EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                              ) * 12
                            ) + EXTRACT(month FROM "t3"."canceled_at")
                          ) - EXTRACT(month FROM "t3"."start_at")
                        ) - 1
                        ELSE (
                          (
                            (
                              EXTRACT(year FROM "t3"."canceled_at") - EXTRACT(year FROM "t3"."start_at")
                            ) * 12
                          ) + EXTRACT(month FROM "t3"."canceled_at")
                        ) - EXTRACT(month FROM "t3"."start_at")
                      END
                    ) AS DOUBLE PRECISION) / (
                      CASE
                        WHEN (
                          CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                            WHEN 'month'
                            THEN 1
                            WHEN 'quarter'
                            THEN 3
                            WHEN 'year'
                            THEN 12
                            ELSE 0
                          END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                        ) > 0
                        THEN CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                        ELSE 1
                      END
                    )
                  ) AS BIGINT) + 1
                ) * (
                  CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                    WHEN 'month'
                    THEN 1
                    WHEN 'quarter'
                    THEN 3
                    WHEN 'year'
                    THEN 12
                    ELSE 0
                  END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                ) AS INT)
              )
              ELSE "t3"."start_at" + MAKE_INTERVAL(
                days => CAST((
                  CAST(FLOOR(
                    CAST((
                      CAST(FLOOR(
                        CAST((
                          EXTRACT('epoch' FROM "t3"."canceled_at") - EXTRACT('epoch' FROM "t3"."start_at")
                        ) AS DOUBLE PRECISION) / 86400
                      ) AS BIGINT)
                    ) AS DOUBLE PRECISION) / (
                      CASE
                        WHEN (
                          CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                            WHEN 'day'
                            THEN 1
                            WHEN 'week'
                            THEN 7
                            ELSE 0
                          END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                        ) > 0
                        THEN CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                        ELSE 1
                      END
                    )
                  ) AS BIGINT) + 1
                ) * (
                  CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
                    WHEN 'day'
                    THEN 1
                    WHEN 'week'
                    THEN 7
                    ELSE 0
                  END * COALESCE("t3"."interval_count", "t9"."plan_count", 1)
                ) AS INT)
              )
            END
          )
        )
      END AS "effective_end_at",
      "t3"."trial_end_at",
      COALESCE("t3"."is_trial", FALSE) AND (
        "t3"."trial_end_at" IS NULL
      ) AS "open_trial",
      COALESCE("t9"."plan_is_free", FALSE) AS "is_free",
      CAST(CAST(COALESCE("t3"."unit_amount", "t9"."plan_unit_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4)) * "t3"."quantity" * 100 * CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 365
        WHEN 'week'
        THEN 52
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 1
        WHEN 'year'
        THEN 1
        ELSE 1
      END AS DECIMAL(38, 8)) AS "contract_num",
      CASE
        WHEN (
          CAST(CAST(COALESCE("t3"."unit_amount", "t9"."plan_unit_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4)) * "t3"."quantity" * (
            100 - CAST(COALESCE("t3"."discount_percent", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4))
          ) AS DECIMAL(38, 8)) - CAST(CAST(COALESCE("t3"."discount_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4)) * 100 AS DECIMAL(38, 8))
        ) > 0
        THEN CAST(CAST(COALESCE("t3"."unit_amount", "t9"."plan_unit_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4)) * "t3"."quantity" * (
          100 - CAST(COALESCE("t3"."discount_percent", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4))
        ) AS DECIMAL(38, 8)) - CAST(CAST(COALESCE("t3"."discount_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DECIMAL(38, 4)) * 100 AS DECIMAL(38, 8))
        ELSE CAST(CAST('0.0000' AS DECIMAL(22, 4)) AS DECIMAL(38, 8))
      END * CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 365
        WHEN 'week'
        THEN 52
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 1
        WHEN 'year'
        THEN 1
        ELSE 1
      END AS "billed_num",
      CAST(CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 12
        WHEN 'week'
        THEN 12
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 3
        WHEN 'year'
        THEN 12
        ELSE 1
      END * COALESCE("t3"."interval_count", "t9"."plan_count", 1) * 100 AS DECIMAL(38, 0)) AS "denominator",
      CAST(COALESCE("t3"."unit_amount", "t9"."plan_unit_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DOUBLE PRECISION) * CAST("t3"."quantity" AS DOUBLE PRECISION) * 100 * CAST(CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 365
        WHEN 'week'
        THEN 52
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 1
        WHEN 'year'
        THEN 1
        ELSE 1
      END AS DOUBLE PRECISION) AS "contract_num_f",
      GREATEST(
        (
          CAST(COALESCE("t3"."unit_amount", "t9"."plan_unit_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DOUBLE PRECISION) * CAST("t3"."quantity" AS DOUBLE PRECISION) * (
            100 - CAST(COALESCE("t3"."discount_percent", CAST('0.0000' AS DECIMAL(22, 4))) AS DOUBLE PRECISION)
          )
        ) - (
          CAST(COALESCE("t3"."discount_amount", CAST('0.0000' AS DECIMAL(22, 4))) AS DOUBLE PRECISION) * 100
        ),
        0.0
      ) * CAST(CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 365
        WHEN 'week'
        THEN 52
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 1
        WHEN 'year'
        THEN 1
        ELSE 1
      END AS DOUBLE PRECISION) AS "billed_num_f",
      CAST(CASE COALESCE("t3"."billing_interval", "t9"."plan_interval", 'month')
        WHEN 'day'
        THEN 12
        WHEN 'week'
        THEN 12
        WHEN 'month'
        THEN 1
        WHEN 'quarter'
        THEN 3
        WHEN 'year'
        THEN 12
        ELSE 1
      END * COALESCE("t3"."interval_count", "t9"."plan_count", 1) * 100 AS DOUBLE PRECISION) AS "denominator_f"
    FROM "subscriptions" AS "t3"
    LEFT OUTER JOIN (
      SELECT
        "t2"."plan_id",
        "t2"."unit_amount" AS "plan_unit_amount",
        "t2"."billing_interval" AS "plan_interval",
        "t2"."interval_count" AS "plan_count",
        "t2"."is_free" AS "plan_is_free"
      FROM "plans" AS "t2"
    ) AS "t9"
      ON "t3"."plan_id" = "t9"."plan_id"
    WHERE
      EXISTS(
        SELECT
          1
        FROM (
          SELECT DISTINCT
            "t0"."subscription_id" AS "n_sub"
          FROM "_revline_mrr" AS "t0"
          WHERE
            "t0"."near_half"
        ) AS "t8"
        WHERE
          "t3"."subscription_id" = "t8"."n_sub"
      )
  ) AS "t10"
) AS "t12"
  ON "t7"."subscription_id" = "t12"."subscription_id"
