SELECT
  `t5`.`subscription_id`,
  `t5`.`account_id`,
  `t5`.`plan_id`,
  `t5`.`currency`,
  `t5`.`start_at`,
  `t5`.`effective_end_at`,
  `t5`.`trial_end_at`,
  `t5`.`open_trial`,
  `t5`.`is_free`,
  `t5`.`contract_num`,
  `t5`.`billed_num`,
  `t5`.`denominator`,
  CAST(`t5`.`contract_num` AS FLOAT64) AS `contract_num_f`,
  CAST(`t5`.`billed_num` AS FLOAT64) AS `billed_num_f`,
  CAST(`t5`.`denominator` AS FLOAT64) AS `denominator_f`
FROM (
  SELECT
    `t2`.`subscription_id`,
    `t2`.`account_id`,
    `t2`.`plan_id`,
    `t2`.`currency`,
    `t2`.`start_at`,
    CASE
      WHEN `t2`.`canceled_at` IS NULL
      THEN `t2`.`end_at`
      WHEN `t2`.`end_at` IS NULL
      THEN COALESCE(
        `t2`.`end_at`,
        CASE
          WHEN `t2`.`canceled_at` < `t2`.`start_at`
          THEN `t2`.`start_at`
          WHEN (
            CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
              WHEN 'month'
              THEN 1
              WHEN 'quarter'
              THEN 3
              WHEN 'year'
              THEN 12
              ELSE 0
            END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
          ) > 0
          THEN TIMESTAMP_ADD(
            `t2`.`start_at`,
            INTERVAL ((
              CAST(FLOOR(
                ieee_divide(
                  IF(
                    TIMESTAMP_ADD(
                      `t2`.`start_at`,
                      INTERVAL ((
                        (
                          (
                            EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                          ) * 12
                        ) + EXTRACT(month FROM `t2`.`canceled_at`)
                      ) - EXTRACT(month FROM `t2`.`start_at`)) MONTH
                    ) > `t2`.`canceled_at`,
                    (
                      (
                        (
                          (
                            EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                          ) * 12
                        ) + EXTRACT(month FROM `t2`.`canceled_at`)
                      ) - EXTRACT(month FROM `t2`.`start_at`)
                    ) - 1,
                    (
                      (
                        (
                          EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                        ) * 12
                      ) + EXTRACT(month FROM `t2`.`canceled_at`)
                    ) - EXTRACT(month FROM `t2`.`start_at`)
                  ),
                  IF(
                    (
                      CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                        WHEN 'month'
                        THEN 1
                        WHEN 'quarter'
                        THEN 3
                        WHEN 'year'
                        THEN 12
                        ELSE 0
                      END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
                    ) > 0,
                    CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                      WHEN 'month'
                      THEN 1
                      WHEN 'quarter'
                      THEN 3
                      WHEN 'year'
                      THEN 12
                      ELSE 0
                    END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1),
                    1
                  )
                )
              ) AS INT64) + 1
            ) * (
              CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                WHEN 'month'
                THEN 1
                WHEN 'quarter'
                THEN 3
                WHEN 'year'
                THEN 12
                ELSE 0
              END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
            )) MONTH
          )
          ELSE TIMESTAMP_ADD(
            `t2`.`start_at`,
            INTERVAL ((
              CAST(FLOOR(
                ieee_divide(
                  CAST(FLOOR(
                    ieee_divide(UNIX_SECONDS(`t2`.`canceled_at`) - UNIX_SECONDS(`t2`.`start_at`), 86400)
                  ) AS INT64),
                  IF(
                    (
                      CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                        WHEN 'day'
                        THEN 1
                        WHEN 'week'
                        THEN 7
                        ELSE 0
                      END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
                    ) > 0,
                    CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                      WHEN 'day'
                      THEN 1
                      WHEN 'week'
                      THEN 7
                      ELSE 0
                    END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1),
                    1
                  )
                )
              ) AS INT64) + 1
            ) * (
              CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                WHEN 'day'
                THEN 1
                WHEN 'week'
                THEN 7
                ELSE 0
              END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
            )) DAY
          )
        END
      )
      ELSE LEAST(
        `t2`.`end_at`,
        COALESCE(
          `t2`.`end_at`,
          CASE
            WHEN `t2`.`canceled_at` < `t2`.`start_at`
            THEN `t2`.`start_at`
            WHEN (
              CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                WHEN 'month'
                THEN 1
                WHEN 'quarter'
                THEN 3
                WHEN 'year'
                THEN 12
                ELSE 0
              END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
            ) > 0
            THEN TIMESTAMP_ADD(
              `t2`.`start_at`,
              INTERVAL ((
                CAST(FLOOR(
                  ieee_divide(
                    IF(
                      TIMESTAMP_ADD(
                        `t2`.`start_at`,
                        INTERVAL ((
                          (
                            (
                              EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                            ) * 12
                          ) + EXTRACT(month FROM `t2`.`canceled_at`)
                        ) - EXTRACT(month FROM `t2`.`start_at`)) MONTH
                      ) > `t2`.`canceled_at`,
                      (
                        (
                          (
                            (
                              EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                            ) * 12
                          ) + EXTRACT(month FROM `t2`.`canceled_at`)
                        ) - EXTRACT(month FROM `t2`.`start_at`)
                      ) - 1,
                      (
                        (
                          (
                            EXTRACT(year FROM `t2`.`canceled_at`) - EXTRACT(year FROM `t2`.`start_at`)
                          ) * 12
                        ) + EXTRACT(month FROM `t2`.`canceled_at`)
                      ) - EXTRACT(month FROM `t2`.`start_at`)
                    ),
                    IF(
                      (
                        CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                          WHEN 'month'
                          THEN 1
                          WHEN 'quarter'
                          THEN 3
                          WHEN 'year'
                          THEN 12
                          ELSE 0
                        END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
                      ) > 0,
                      CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                        WHEN 'month'
                        THEN 1
                        WHEN 'quarter'
                        THEN 3
                        WHEN 'year'
                        THEN 12
                        ELSE 0
                      END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1),
                      1
                    )
                  )
                ) AS INT64) + 1
              ) * (
                CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                  WHEN 'month'
                  THEN 1
                  WHEN 'quarter'
                  THEN 3
                  WHEN 'year'
                  THEN 12
                  ELSE 0
                END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
              )) MONTH
            )
            ELSE TIMESTAMP_ADD(
              `t2`.`start_at`,
              INTERVAL ((
                CAST(FLOOR(
                  ieee_divide(
                    CAST(FLOOR(
                      ieee_divide(UNIX_SECONDS(`t2`.`canceled_at`) - UNIX_SECONDS(`t2`.`start_at`), 86400)
                    ) AS INT64),
                    IF(
                      (
                        CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                          WHEN 'day'
                          THEN 1
                          WHEN 'week'
                          THEN 7
                          ELSE 0
                        END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
                      ) > 0,
                      CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                        WHEN 'day'
                        THEN 1
                        WHEN 'week'
                        THEN 7
                        ELSE 0
                      END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1),
                      1
                    )
                  )
                ) AS INT64) + 1
              ) * (
                CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
                  WHEN 'day'
                  THEN 1
                  WHEN 'week'
                  THEN 7
                  ELSE 0
                END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1)
              )) DAY
            )
          END
        )
      )
    END AS `effective_end_at`,
    `t2`.`trial_end_at`,
    COALESCE(`t2`.`is_trial`, FALSE) AND (
      `t2`.`trial_end_at` IS NULL
    ) AS `open_trial`,
    COALESCE(`t4`.`plan_is_free`, FALSE) AS `is_free`,
    CAST(CAST(COALESCE(`t2`.`unit_amount`, `t4`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t2`.`quantity` * 100 * CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
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
        CAST(CAST(COALESCE(`t2`.`unit_amount`, `t4`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t2`.`quantity` * (
          100 - CAST(COALESCE(`t2`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
        ) AS NUMERIC) - CAST(CAST(COALESCE(`t2`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC)
      ) > 0,
      CAST(CAST(COALESCE(`t2`.`unit_amount`, `t4`.`plan_unit_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * `t2`.`quantity` * (
        100 - CAST(COALESCE(`t2`.`discount_percent`, CAST('0.0000' AS NUMERIC)) AS NUMERIC)
      ) AS NUMERIC) - CAST(CAST(COALESCE(`t2`.`discount_amount`, CAST('0.0000' AS NUMERIC)) AS NUMERIC) * 100 AS NUMERIC),
      CAST(CAST('0.0000' AS NUMERIC) AS NUMERIC)
    ) * CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
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
    CAST(CASE COALESCE(`t2`.`billing_interval`, `t4`.`plan_interval`, 'month')
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
    END * COALESCE(`t2`.`interval_count`, `t4`.`plan_count`, 1) * 100 AS NUMERIC) AS `denominator`
  FROM `subscriptions` AS `t2`
  LEFT OUTER JOIN (
    SELECT
      `t1`.`plan_id`,
      `t1`.`unit_amount` AS `plan_unit_amount`,
      `t1`.`billing_interval` AS `plan_interval`,
      `t1`.`interval_count` AS `plan_count`,
      `t1`.`is_free` AS `plan_is_free`
    FROM `plans` AS `t1`
  ) AS `t4`
    ON `t2`.`plan_id` = `t4`.`plan_id`
) AS `t5`
