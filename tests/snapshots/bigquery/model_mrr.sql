SELECT
  `t14`.`subscription_id`,
  `t14`.`account_id`,
  `t14`.`plan_id`,
  `t14`.`currency`,
  `t10`.`rate_mul`,
  `t10`.`rate_div`,
  GREATEST(`t14`.`p_first`, `t10`.`run_first`) AS `first_idx`,
  LEAST(`t14`.`p_last`, `t10`.`run_last`) AS `last_idx`,
  `t14`.`billable_from`,
  CAST(ROUND(
    `t14`.`contract_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100,
    0
  ) AS INT64) AS `contract_cents`,
  CAST(ROUND(`t14`.`billed_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100, 0) AS INT64) AS `billed_cents`,
  (
    ABS(
      (
        (
          `t14`.`contract_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100
        ) - CAST(FLOOR(
          `t14`.`contract_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100
        ) AS INT64)
      ) - 0.5
    ) < 0.001
  )
  OR (
    ABS(
      (
        (
          `t14`.`billed_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100
        ) - CAST(FLOOR(`t14`.`billed_num_f` * ieee_divide(`t10`.`rate_f`, `t14`.`denominator_f`) * 100) AS INT64)
      ) - 0.5
    ) < 0.001
  ) AS `near_half`
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t11`.`subscription_id`,
      `t11`.`account_id`,
      `t11`.`plan_id`,
      `t11`.`currency`,
      `t11`.`start_at`,
      `t11`.`effective_end_at`,
      `t11`.`trial_end_at`,
      `t11`.`open_trial`,
      `t11`.`is_free`,
      `t11`.`contract_num`,
      `t11`.`billed_num`,
      `t11`.`denominator`,
      `t11`.`contract_num_f`,
      `t11`.`billed_num_f`,
      `t11`.`denominator_f`,
      GREATEST(
        (
          (
            EXTRACT(year FROM `t11`.`start_at`) * 12
          ) + EXTRACT(month FROM `t11`.`start_at`)
        ) - 1,
        24300
      ) AS `p_first`,
      LEAST(
        COALESCE(
          (
            (
              (
                EXTRACT(year FROM `t11`.`effective_end_at`) * 12
              ) + EXTRACT(month FROM `t11`.`effective_end_at`)
            ) - 1
          ) - 1,
          24305
        ),
        24305
      ) AS `p_last`,
      CASE
        WHEN `t11`.`is_free` OR `t11`.`open_trial`
        THEN 1000000
        WHEN `t11`.`trial_end_at` IS NULL
        THEN GREATEST(
          (
            (
              EXTRACT(year FROM `t11`.`start_at`) * 12
            ) + EXTRACT(month FROM `t11`.`start_at`)
          ) - 1,
          24300
        )
        ELSE GREATEST(
          (
            (
              EXTRACT(year FROM `t11`.`trial_end_at`) * 12
            ) + EXTRACT(month FROM `t11`.`trial_end_at`)
          ) - 1,
          GREATEST(
            (
              (
                EXTRACT(year FROM `t11`.`start_at`) * 12
              ) + EXTRACT(month FROM `t11`.`start_at`)
            ) - 1,
            24300
          )
        )
      END AS `billable_from`
    FROM (
      SELECT
        `t3`.`subscription_id`,
        `t3`.`account_id`,
        `t3`.`plan_id`,
        `t3`.`currency`,
        `t3`.`start_at`,
        CASE
          WHEN `t3`.`canceled_at` IS NULL
          THEN `t3`.`end_at`
          WHEN `t3`.`end_at` IS NULL
          THEN COALESCE(
            `t3`.`end_at`,
            CASE
              WHEN `t3`.`canceled_at` < `t3`.`start_at`
              THEN `t3`.`start_at`
              WHEN (
                CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
              ) > 0
              THEN TIMESTAMP_ADD(
                `t3`.`start_at`,
                INTERVAL ((
                  CAST(FLOOR(
                    ieee_divide(
                      IF(
                        TIMESTAMP_ADD(
                          `t3`.`start_at`,
                          INTERVAL ((
                            (
                              (
                                EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                              ) * 12
                            ) + EXTRACT(month FROM `t3`.`canceled_at`)
                          ) - EXTRACT(month FROM `t3`.`start_at`)) MONTH
                        ) > `t3`.`canceled_at`,
                        (
                          (
                            (
                              (
                                EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                              ) * 12
                            ) + EXTRACT(month FROM `t3`.`canceled_at`)
                          ) - EXTRACT(month FROM `t3`.`start_at`)
                        ) - 1,
                        (
                          (
                            (
                              EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                            ) * 12
                          ) + EXTRACT(month FROM `t3`.`canceled_at`)
                        ) - EXTRACT(month FROM `t3`.`start_at`)
                      ),
                      IF(
                        (
                          CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                            WHEN 'month'
                            THEN 1
                            WHEN 'quarter'
                            THEN 3
                            WHEN 'year'
                            THEN 12
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                        ) > 0,
                        CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1),
                        1
                      )
                    )
                  ) AS INT64) + 1
                ) * (
                  CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                    WHEN 'month'
                    THEN 1
                    WHEN 'quarter'
                    THEN 3
                    WHEN 'year'
                    THEN 12
                    ELSE 0
                  END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                )) MONTH
              )
              ELSE TIMESTAMP_ADD(
                `t3`.`start_at`,
                INTERVAL ((
                  CAST(FLOOR(
                    ieee_divide(
                      CAST(FLOOR(
                        ieee_divide(UNIX_SECONDS(`t3`.`canceled_at`) - UNIX_SECONDS(`t3`.`start_at`), 86400)
                      ) AS INT64),
                      IF(
                        (
                          CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                            WHEN 'day'
                            THEN 1
                            WHEN 'week'
                            THEN 7
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                        ) > 0,
                        CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1),
                        1
                      )
                    )
                  ) AS INT64) + 1
                ) * (
                  CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                    WHEN 'day'
                    THEN 1
                    WHEN 'week'
                    THEN 7
                    ELSE 0
                  END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                )) DAY
              )
            END
          )
          ELSE LEAST(
            `t3`.`end_at`,
            COALESCE(
              `t3`.`end_at`,
              CASE
                WHEN `t3`.`canceled_at` < `t3`.`start_at`
                THEN `t3`.`start_at`
                WHEN (
                  CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                    WHEN 'month'
                    THEN 1
                    WHEN 'quarter'
                    THEN 3
                    WHEN 'year'
                    THEN 12
                    ELSE 0
                  END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                ) > 0
                THEN TIMESTAMP_ADD(
                  `t3`.`start_at`,
                  INTERVAL ((
                    CAST(FLOOR(
                      ieee_divide(
                        IF(
                          TIMESTAMP_ADD(
                            `t3`.`start_at`,
                            INTERVAL ((
                              (
                                (
                                  EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                                ) * 12
                              ) + EXTRACT(month FROM `t3`.`canceled_at`)
                            ) - EXTRACT(month FROM `t3`.`start_at`)) MONTH
                          ) > `t3`.`canceled_at`,
                          (
                            (
                              (
                                (
                                  EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                                ) * 12
                              ) + EXTRACT(month FROM `t3`.`canceled_at`)
                            ) - EXTRACT(month FROM `t3`.`start_at`)
                          ) - 1,
                          (
                            (
                              (
                                EXTRACT(year FROM `t3`.`canceled_at`) - EXTRACT(year FROM `t3`.`start_at`)
                              ) * 12
                            ) + EXTRACT(month FROM `t3`.`canceled_at`)
                          ) - EXTRACT(month FROM `t3`.`start_at`)
                        ),
                        IF(
                          (
                            CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                              WHEN 'month'
                              THEN 1
                              WHEN 'quarter'
                              THEN 3
                              WHEN 'year'
                              THEN 12
                              ELSE 0
                            END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                          ) > 0,
                          CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                            WHEN 'month'
                            THEN 1
                            WHEN 'quarter'
                            THEN 3
                            WHEN 'year'
                            THEN 12
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1),
                          1
                        )
                      )
                    ) AS INT64) + 1
                  ) * (
                    CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                      WHEN 'month'
                      THEN 1
                      WHEN 'quarter'
                      THEN 3
                      WHEN 'year'
                      THEN 12
                      ELSE 0
                    END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                  )) MONTH
                )
                ELSE TIMESTAMP_ADD(
                  `t3`.`start_at`,
                  INTERVAL ((
                    CAST(FLOOR(
                      ieee_divide(
                        CAST(FLOOR(
                          ieee_divide(UNIX_SECONDS(`t3`.`canceled_at`) - UNIX_SECONDS(`t3`.`start_at`), 86400)
                        ) AS INT64),
                        IF(
                          (
                            CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                              WHEN 'day'
                              THEN 1
                              WHEN 'week'
                              THEN 7
                              ELSE 0
                            END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                          ) > 0,
                          CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                            WHEN 'day'
                            THEN 1
                            WHEN 'week'
                            THEN 7
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1),
                          1
                        )
                      )
                    ) AS INT64) + 1
                  ) * (
                    CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
                      WHEN 'day'
                      THEN 1
                      WHEN 'week'
                      THEN 7
                      ELSE 0
                    END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1)
                  )) DAY
                )
              END
            )
          )
        END AS `effective_end_at`,
        `t3`.`trial_end_at`,
        COALESCE(`t3`.`is_trial`, FALSE) AND (
          `t3`.`trial_end_at` IS NULL
        ) AS `open_trial`,
        COALESCE(`t5`.`plan_is_free`, FALSE) AS `is_free`,
        CAST(CAST(COALESCE(`t3`.`unit_amount`, `t5`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * 100 * CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END AS NUMERIC) AS `contract_num`,
        IF(
          (
            CAST(CAST(COALESCE(`t3`.`unit_amount`, `t5`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * (
              100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
            ) AS NUMERIC) - CAST(CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC)
          ) > 0,
          CAST(CAST(COALESCE(`t3`.`unit_amount`, `t5`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * (
            100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
          ) AS NUMERIC) - CAST(CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC),
          CAST(CAST('0.0000' AS NUMERIC) AS NUMERIC)
        ) * CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END AS `billed_num`,
        CAST(CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1) * 100 AS NUMERIC) AS `denominator`,
        CAST(COALESCE(`t3`.`unit_amount`, `t5`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * CAST(`t3`.`quantity` AS FLOAT64) * 100 * CAST(CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END AS FLOAT64) AS `contract_num_f`,
        GREATEST(
          (
            CAST(COALESCE(`t3`.`unit_amount`, `t5`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * CAST(`t3`.`quantity` AS FLOAT64) * (
              100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS FLOAT64)
            )
          ) - (
            CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * 100
          ),
          0.0
        ) * CAST(CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END AS FLOAT64) AS `billed_num_f`,
        CAST(CASE COALESCE(`t3`.`billing_interval`, `t5`.`plan_interval`, 'month')
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
        END * COALESCE(`t3`.`interval_count`, `t5`.`plan_count`, 1) * 100 AS FLOAT64) AS `denominator_f`
      FROM `subscriptions` AS `t3`
      LEFT OUTER JOIN (
        SELECT
          `t2`.`plan_id`,
          `t2`.`unit_amount` AS `plan_unit_amount`,
          `t2`.`billing_interval` AS `plan_interval`,
          `t2`.`interval_count` AS `plan_count`,
          `t2`.`is_free` AS `plan_is_free`
        FROM `plans` AS `t2`
      ) AS `t5`
        ON `t3`.`plan_id` = `t5`.`plan_id`
    ) AS `t11`
  ) AS `t12`
  WHERE
    `t12`.`p_first` <= `t12`.`p_last`
) AS `t14`
INNER JOIN (
  SELECT
    `t8`.`currency`,
    `t8`.`run`,
    `t8`.`run_first`,
    `t8`.`run_last`,
    `t8`.`rate_mul`,
    `t8`.`rate_div`,
    ieee_divide(CAST(`t8`.`rate_mul` AS FLOAT64), CAST(`t8`.`rate_div` AS FLOAT64)) AS `rate_f`
  FROM (
    SELECT
      `t7`.`currency`,
      `t7`.`run`,
      MIN(`t7`.`month_idx`) AS `run_first`,
      MAX(`t7`.`month_idx`) AS `run_last`,
      MAX(`t7`.`rate_mul`) AS `rate_mul`,
      MAX(`t7`.`rate_div`) AS `rate_div`
    FROM (
      SELECT
        `t6`.`currency`,
        `t6`.`month_idx`,
        `t6`.`rate_mul`,
        `t6`.`rate_div`,
        `t6`.`changed`,
        SUM(`t6`.`changed`) OVER (
          PARTITION BY `t6`.`currency`
          ORDER BY `t6`.`month_idx` ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS `run`
      FROM (
        SELECT
          `t1`.`currency`,
          `t1`.`month_idx`,
          `t1`.`rate_mul`,
          `t1`.`rate_div`,
          IF(
            (
              LAG(COALESCE(`t1`.`rate_mul`, CAST(-1 AS NUMERIC))) OVER (PARTITION BY `t1`.`currency` ORDER BY `t1`.`month_idx` ASC) = COALESCE(`t1`.`rate_mul`, CAST(-1 AS NUMERIC))
            )
            AND (
              LAG(COALESCE(`t1`.`rate_div`, CAST(-1 AS NUMERIC))) OVER (PARTITION BY `t1`.`currency` ORDER BY `t1`.`month_idx` ASC) = COALESCE(`t1`.`rate_div`, CAST(-1 AS NUMERIC))
            ),
            0,
            1
          ) AS `changed`
        FROM `_revline_fx` AS `t1`
      ) AS `t6`
    ) AS `t7`
    GROUP BY
      1,
      2
  ) AS `t8`
) AS `t10`
  ON `t14`.`currency` = `t10`.`currency`
  AND `t10`.`run_first` <= `t14`.`p_last`
  AND `t10`.`run_last` >= `t14`.`p_first`
