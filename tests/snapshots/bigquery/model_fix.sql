SELECT
  `t7`.`subscription_id` AS `x_sub`,
  `t7`.`first_idx` AS `x_first`,
  CASE
    WHEN NOT (
      ABS(
        (
          (
            ieee_divide(
              CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
              CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
            ) * 100
          ) - CAST(FLOOR(
            ieee_divide(
              CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
              CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
            ) * 100
          ) AS INT64)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
    WHEN (
      CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
          CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) + 1 AS NUMERIC) * (
      CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC)
    ) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) + 1
    WHEN (
      CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
          CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) - 1 AS NUMERIC) * (
      CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC)
    ) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) - 1
    ELSE CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`contract_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
  END AS `x_contract`,
  CASE
    WHEN NOT (
      ABS(
        (
          (
            ieee_divide(
              CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
              CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
            ) * 100
          ) - CAST(FLOOR(
            ieee_divide(
              CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
              CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
            ) * 100
          ) AS INT64)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
    WHEN (
      CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
          CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) + 1 AS NUMERIC) * (
      CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC)
    ) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) + 1
    WHEN (
      CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
          CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) - 1 AS NUMERIC) * (
      CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC)
    ) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) - 1
    ELSE CAST(ROUND(
      ieee_divide(
        CAST(CAST(`t12`.`billed_num` * CAST(`t7`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) AS FLOAT64),
        CAST(CAST(`t12`.`denominator` AS NUMERIC) * CAST(`t7`.`rate_div` AS NUMERIC) AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
  END AS `x_billed`
FROM (
  SELECT
    *
  FROM `_revline_mrr` AS `t0`
  WHERE
    `t0`.`near_half`
) AS `t7`
INNER JOIN (
  SELECT
    `t10`.`subscription_id`,
    `t10`.`contract_num`,
    `t10`.`billed_num`,
    `t10`.`denominator`
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
              CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                WHEN 'month'
                THEN 1
                WHEN 'quarter'
                THEN 3
                WHEN 'year'
                THEN 12
                ELSE 0
              END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
                        CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
                      ) > 0,
                      CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                        WHEN 'month'
                        THEN 1
                        WHEN 'quarter'
                        THEN 3
                        WHEN 'year'
                        THEN 12
                        ELSE 0
                      END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1),
                      1
                    )
                  )
                ) AS INT64) + 1
              ) * (
                CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
                        CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
                      ) > 0,
                      CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                        WHEN 'day'
                        THEN 1
                        WHEN 'week'
                        THEN 7
                        ELSE 0
                      END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1),
                      1
                    )
                  )
                ) AS INT64) + 1
              ) * (
                CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                  WHEN 'day'
                  THEN 1
                  WHEN 'week'
                  THEN 7
                  ELSE 0
                END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
                CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
                          CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                            WHEN 'month'
                            THEN 1
                            WHEN 'quarter'
                            THEN 3
                            WHEN 'year'
                            THEN 12
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
                        ) > 0,
                        CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1),
                        1
                      )
                    )
                  ) AS INT64) + 1
                ) * (
                  CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                    WHEN 'month'
                    THEN 1
                    WHEN 'quarter'
                    THEN 3
                    WHEN 'year'
                    THEN 12
                    ELSE 0
                  END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
                          CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                            WHEN 'day'
                            THEN 1
                            WHEN 'week'
                            THEN 7
                            ELSE 0
                          END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
                        ) > 0,
                        CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1),
                        1
                      )
                    )
                  ) AS INT64) + 1
                ) * (
                  CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
                    WHEN 'day'
                    THEN 1
                    WHEN 'week'
                    THEN 7
                    ELSE 0
                  END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1)
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
      COALESCE(`t9`.`plan_is_free`, FALSE) AS `is_free`,
      CAST(CAST(COALESCE(`t3`.`unit_amount`, `t9`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * 100 * CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
          CAST(CAST(COALESCE(`t3`.`unit_amount`, `t9`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * (
            100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
          ) AS NUMERIC) - CAST(CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC)
        ) > 0,
        CAST(CAST(COALESCE(`t3`.`unit_amount`, `t9`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t3`.`quantity` * (
          100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
        ) AS NUMERIC) - CAST(CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC),
        CAST(CAST('0.0000' AS NUMERIC) AS NUMERIC)
      ) * CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
      CAST(CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
      END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1) * 100 AS NUMERIC) AS `denominator`,
      CAST(COALESCE(`t3`.`unit_amount`, `t9`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * CAST(`t3`.`quantity` AS FLOAT64) * 100 * CAST(CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
          CAST(COALESCE(`t3`.`unit_amount`, `t9`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * CAST(`t3`.`quantity` AS FLOAT64) * (
            100 - CAST(COALESCE(`t3`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS FLOAT64)
          )
        ) - (
          CAST(COALESCE(`t3`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS FLOAT64) * 100
        ),
        0.0
      ) * CAST(CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
      CAST(CASE COALESCE(`t3`.`billing_interval`, `t9`.`plan_interval`, 'month')
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
      END * COALESCE(`t3`.`interval_count`, `t9`.`plan_count`, 1) * 100 AS FLOAT64) AS `denominator_f`
    FROM `subscriptions` AS `t3`
    LEFT OUTER JOIN (
      SELECT
        `t2`.`plan_id`,
        `t2`.`unit_amount` AS `plan_unit_amount`,
        `t2`.`billing_interval` AS `plan_interval`,
        `t2`.`interval_count` AS `plan_count`,
        `t2`.`is_free` AS `plan_is_free`
      FROM `plans` AS `t2`
    ) AS `t9`
      ON `t3`.`plan_id` = `t9`.`plan_id`
    WHERE
      EXISTS(
        SELECT
          1
        FROM (
          SELECT DISTINCT
            `t0`.`subscription_id` AS `n_sub`
          FROM `_revline_mrr` AS `t0`
          WHERE
            `t0`.`near_half`
        ) AS `t8`
        WHERE
          `t3`.`subscription_id` = `t8`.`n_sub`
      )
  ) AS `t10`
) AS `t12`
  ON `t7`.`subscription_id` = `t12`.`subscription_id`
