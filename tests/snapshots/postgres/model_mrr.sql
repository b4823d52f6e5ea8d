SELECT
  "t25"."subscription_id",
  "t25"."account_id",
  "t25"."plan_id",
  "t25"."month_idx",
  "t25"."currency",
  "t25"."rate_mul",
  CASE
    WHEN NOT (
      "t25"."is_free"
      OR "t25"."open_trial"
      OR (
        (
          "t25"."trial_end_at" IS NOT NULL
        )
        AND (
          "t25"."trial_end_at" >= "t25"."snapshot_at"
        )
      )
    )
    AND NOT (
      "t22"."d_sub" IS NOT NULL
    )
    THEN "t25"."v_contract"
    ELSE CAST(0 AS DECIMAL(38, 2))
  END AS "contract_mrr",
  CASE
    WHEN NOT (
      "t25"."is_free"
      OR "t25"."open_trial"
      OR (
        (
          "t25"."trial_end_at" IS NOT NULL
        )
        AND (
          "t25"."trial_end_at" >= "t25"."snapshot_at"
        )
      )
    )
    AND NOT (
      "t22"."d_sub" IS NOT NULL
    )
    THEN "t25"."v_billed"
    ELSE CAST(0 AS DECIMAL(38, 2))
  END AS "billed_mrr",
  (
    "t22"."d_sub" IS NOT NULL
  )
  AND NOT (
    "t25"."is_free"
    OR "t25"."open_trial"
    OR (
      (
        "t25"."trial_end_at" IS NOT NULL
      )
      AND (
        "t25"."trial_end_at" >= "t25"."snapshot_at"
      )
    )
  ) AS "delinquent"
FROM (
  SELECT
    "t23"."subscription_id",
    "t23"."account_id",
    "t23"."plan_id",
    "t23"."currency",
    "t23"."start_at",
    "t23"."effective_end_at",
    "t23"."trial_end_at",
    "t23"."open_trial",
    "t23"."is_free",
    "t23"."contract_num",
    "t23"."billed_num",
    "t23"."denominator",
    "t23"."contract_num_f",
    "t23"."billed_num_f",
    "t23"."denominator_f",
    "t23"."month_idx",
    "t23"."month",
    "t23"."snapshot_day",
    "t23"."snapshot_at",
    "t23"."rate_mul",
    "t23"."rate_div",
    CAST(CAST(CASE
      WHEN ABS(
        (
          (
            "t23"."contract_num_f" * (
              CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
                "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
              )
            ) * 100
          ) - CAST(FLOOR(
            "t23"."contract_num_f" * (
              CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
                "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
              )
            ) * 100
          ) AS BIGINT)
        ) - 0.5
      ) >= 0.001
      THEN CAST(ROUND(
        "t23"."contract_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT)
      WHEN (
        CAST("t23"."contract_num" * CAST("t23"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
      ) >= CAST(CAST((
        CAST(ROUND(
          "t23"."contract_num_f" * (
            CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
              "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
            )
          ) * 100
        ) AS BIGINT) * 2
      ) + 1 AS DECIMAL(38, 4)) * (
        CAST("t23"."denominator" AS DECIMAL(38, 4)) * CAST("t23"."rate_div" AS DECIMAL(38, 4))
      ) AS DECIMAL(38, 8))
      THEN CAST(ROUND(
        "t23"."contract_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT) + 1
      WHEN (
        CAST("t23"."contract_num" * CAST("t23"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
      ) < CAST(CAST((
        CAST(ROUND(
          "t23"."contract_num_f" * (
            CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
              "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
            )
          ) * 100
        ) AS BIGINT) * 2
      ) - 1 AS DECIMAL(38, 4)) * (
        CAST("t23"."denominator" AS DECIMAL(38, 4)) * CAST("t23"."rate_div" AS DECIMAL(38, 4))
      ) AS DECIMAL(38, 8))
      THEN CAST(ROUND(
        "t23"."contract_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT) - 1
      ELSE CAST(ROUND(
        "t23"."contract_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT)
    END AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "v_contract",
    CAST(CAST(CASE
      WHEN ABS(
        (
          (
            "t23"."billed_num_f" * (
              CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
                "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
              )
            ) * 100
          ) - CAST(FLOOR(
            "t23"."billed_num_f" * (
              CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
                "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
              )
            ) * 100
          ) AS BIGINT)
        ) - 0.5
      ) >= 0.001
      THEN CAST(ROUND(
        "t23"."billed_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT)
      WHEN (
        CAST("t23"."billed_num" * CAST("t23"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
      ) >= CAST(CAST((
        CAST(ROUND(
          "t23"."billed_num_f" * (
            CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
              "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
            )
          ) * 100
        ) AS BIGINT) * 2
      ) + 1 AS DECIMAL(38, 4)) * (
        CAST("t23"."denominator" AS DECIMAL(38, 4)) * CAST("t23"."rate_div" AS DECIMAL(38, 4))
      ) AS DECIMAL(38, 8))
      THEN CAST(ROUND(
        "t23"."billed_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT) + 1
      WHEN (
        CAST("t23"."billed_num" * CAST("t23"."rate_mul" AS DECIMAL(38, 8)) AS DECIMAL(38, 12)) * 200
      ) < CAST(CAST((
        CAST(ROUND(
          "t23"."billed_num_f" * (
            CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
              "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
            )
          ) * 100
        ) AS BIGINT) * 2
      ) - 1 AS DECIMAL(38, 4)) * (
        CAST("t23"."denominator" AS DECIMAL(38, 4)) * CAST("t23"."rate_div" AS DECIMAL(38, 4))
      ) AS DECIMAL(38, 8))
      THEN CAST(ROUND(
        "t23"."billed_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT) - 1
      ELSE CAST(ROUND(
        "t23"."billed_num_f" * (
          CAST("t23"."rate_mul" AS DOUBLE PRECISION) / (
            "t23"."denominator_f" * CAST("t23"."rate_div" AS DOUBLE PRECISION)
          )
        ) * 100
      ) AS BIGINT)
    END AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "v_billed"
  FROM (
    SELECT
      "t20"."subscription_id",
      "t20"."account_id",
      "t20"."plan_id",
      "t20"."currency",
      "t20"."start_at",
      "t20"."effective_end_at",
      "t20"."trial_end_at",
      "t20"."open_trial",
      "t20"."is_free",
      "t20"."contract_num",
      "t20"."billed_num",
      "t20"."denominator",
      "t20"."contract_num_f",
      "t20"."billed_num_f",
      "t20"."denominator_f",
      "t20"."month_idx",
      "t20"."month",
      "t20"."snapshot_day",
      "t20"."snapshot_at",
      "t3"."rate_mul",
      "t3"."rate_div"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t4"."subscription_id",
          "t4"."account_id",
          "t4"."plan_id",
          "t4"."currency",
          "t4"."start_at",
          "t4"."effective_end_at",
          "t4"."trial_end_at",
          "t4"."open_trial",
          "t4"."is_free",
          "t4"."contract_num",
          "t4"."billed_num",
          "t4"."denominator",
          "t4"."contract_num_f",
          "t4"."billed_num_f",
          "t4"."denominator_f",
          "t15"."month_idx",
          "t15"."month",
          "t15"."snapshot_day",
          "t15"."snapshot_at"
        FROM "_revline_terms" AS "t4"
        CROSS JOIN (
          SELECT
            CAST("t7"."month_idx" AS BIGINT) AS "month_idx",
            MAKE_DATE(
              CAST(CAST(CAST(FLOOR(CAST((
                CAST("t7"."month_idx" AS BIGINT)
              ) AS DOUBLE PRECISION) / (
                12
              )) AS BIGINT) AS INT) AS INT),
              CAST(CAST((
                CAST("t7"."month_idx" AS BIGINT) % 12
              ) + 1 AS INT) AS INT),
              CAST(1 AS INT)
            ) AS "month",
            MAKE_DATE(
              CAST(CAST(CAST(FLOOR(CAST((
                CAST("t7"."month_idx" AS BIGINT)
              ) AS DOUBLE PRECISION) / (
                12
              )) AS BIGINT) AS INT) AS INT),
              CAST(CAST((
                CAST("t7"."month_idx" AS BIGINT) % 12
              ) + 1 AS INT) AS INT),
              CAST(1 AS INT)
            ) + INTERVAL '1 MONTH' AS "snapshot_day",
            CAST(MAKE_DATE(
              CAST(CAST(CAST(FLOOR(CAST((
                CAST("t7"."month_idx" AS BIGINT)
              ) AS DOUBLE PRECISION) / (
                12
              )) AS BIGINT) AS INT) AS INT),
              CAST(CAST((
                CAST("t7"."month_idx" AS BIGINT) % 12
              ) + 1 AS INT) AS INT),
              CAST(1 AS INT)
            ) + INTERVAL '1 MONTH' AS TIMESTAMPTZ) AS "snapshot_at"
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
          ) AS "t7"
        ) AS "t15"
      ) AS "t17"
      WHERE
        "t17"."start_at" < "t17"."snapshot_at"
        AND (
          (
            "t17"."effective_end_at" IS NULL
          )
          OR (
            "t17"."effective_end_at" >= "t17"."snapshot_at"
          )
        )
    ) AS "t20"
    INNER JOIN "_revline_fx" AS "t3"
      ON "t20"."currency" = "t3"."currency" AND "t20"."month_idx" = "t3"."month_idx"
  ) AS "t23"
) AS "t25"
LEFT OUTER JOIN (
  SELECT DISTINCT
    *
  FROM (
    SELECT
      "t16"."t_sub" AS "d_sub",
      "t15"."month_idx" AS "d_idx"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."subscription_id" AS "t_sub",
          "t2"."due_at" + INTERVAL '30 DAY' AS "lapsed_at",
          "t2"."paid_at"
        FROM "invoices" AS "t2"
        WHERE
          "t2"."status" IN ('open', 'paid', 'uncollectible')
          AND "t2"."due_at" IS NOT NULL
          AND NOT (
            (
              "t2"."status" = 'paid'
            ) AND (
              "t2"."paid_at" IS NULL
            )
          )
          AND (
            (
              "t2"."paid_at" IS NULL
            )
            OR (
              "t2"."paid_at" > (
                "t2"."due_at" + INTERVAL '30 DAY'
              )
            )
          )
          AND "t2"."subscription_id" IS NOT NULL
      ) AS "t8"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t6"."t_sub",
            "t10"."lapsed_at",
            "t10"."paid_at"
          FROM (
            SELECT
              "t2"."subscription_id" AS "inv_sub",
              "t2"."account_id" AS "inv_account",
              "t2"."due_at" + INTERVAL '30 DAY' AS "lapsed_at",
              "t2"."paid_at"
            FROM "invoices" AS "t2"
            WHERE
              "t2"."status" IN ('open', 'paid', 'uncollectible')
              AND "t2"."due_at" IS NOT NULL
              AND NOT (
                (
                  "t2"."status" = 'paid'
                ) AND (
                  "t2"."paid_at" IS NULL
                )
              )
              AND (
                (
                  "t2"."paid_at" IS NULL
                )
                OR (
                  "t2"."paid_at" > (
                    "t2"."due_at" + INTERVAL '30 DAY'
                  )
                )
              )
              AND "t2"."subscription_id" IS NULL
          ) AS "t10"
          INNER JOIN (
            SELECT
              "t1"."subscription_id" AS "t_sub",
              "t1"."account_id" AS "t_account"
            FROM "_revline_terms" AS "t1"
          ) AS "t6"
            ON "t10"."inv_account" = "t6"."t_account"
        ) AS "t11"
      ) AS "t12"
    ) AS "t16"
    INNER JOIN (
      SELECT
        CAST("t7"."month_idx" AS BIGINT) AS "month_idx",
        MAKE_DATE(
          CAST(CAST(CAST(FLOOR(CAST((
            CAST("t7"."month_idx" AS BIGINT)
          ) AS DOUBLE PRECISION) / (
            12
          )) AS BIGINT) AS INT) AS INT),
          CAST(CAST((
            CAST("t7"."month_idx" AS BIGINT) % 12
          ) + 1 AS INT) AS INT),
          CAST(1 AS INT)
        ) AS "month",
        MAKE_DATE(
          CAST(CAST(CAST(FLOOR(CAST((
            CAST("t7"."month_idx" AS BIGINT)
          ) AS DOUBLE PRECISION) / (
            12
          )) AS BIGINT) AS INT) AS INT),
          CAST(CAST((
            CAST("t7"."month_idx" AS BIGINT) % 12
          ) + 1 AS INT) AS INT),
          CAST(1 AS INT)
        ) + INTERVAL '1 MONTH' AS "snapshot_day",
        CAST(MAKE_DATE(
          CAST(CAST(CAST(FLOOR(CAST((
            CAST("t7"."month_idx" AS BIGINT)
          ) AS DOUBLE PRECISION) / (
            12
          )) AS BIGINT) AS INT) AS INT),
          CAST(CAST((
            CAST("t7"."month_idx" AS BIGINT) % 12
          ) + 1 AS INT) AS INT),
          CAST(1 AS INT)
        ) + INTERVAL '1 MONTH' AS TIMESTAMPTZ) AS "snapshot_at"
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
      ) AS "t7"
    ) AS "t15"
      ON "t16"."lapsed_at" < "t15"."snapshot_at"
      AND (
        (
          "t16"."paid_at" IS NULL
        ) OR (
          "t16"."paid_at" >= "t15"."snapshot_at"
        )
      )
  ) AS "t18"
) AS "t22"
  ON "t25"."subscription_id" = "t22"."d_sub" AND "t25"."month_idx" = "t22"."d_idx"
