SELECT
  `t7`.`account_id`,
  `t5`.`plan_id`,
  `t7`.`month_idx`,
  `t7`.`currency`,
  `t3`.`rate_mul`,
  CAST(CAST(CASE
    WHEN NOT (
      ABS(
        (
          (
            ieee_divide(
              CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
              CAST(`t3`.`rate_div` AS FLOAT64)
            ) * 100
          ) - CAST(FLOOR(
            ieee_divide(
              CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
              CAST(`t3`.`rate_div` AS FLOAT64)
            ) * 100
          ) AS INT64)
        ) - 0.5
      ) < 0.001
    )
    THEN CAST(ROUND(
      ieee_divide(
        CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
        CAST(`t3`.`rate_div` AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
    WHEN (
      CAST(CAST(CAST(`t7`.`usage_amount` AS NUMERIC) * CAST(`t3`.`rate_mul` AS NUMERIC) AS NUMERIC) AS BIGNUMERIC) * 200
    ) >= CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
          CAST(`t3`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) + 1 AS NUMERIC) * CAST(`t3`.`rate_div` AS NUMERIC) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
        CAST(`t3`.`rate_div` AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) + 1
    WHEN (
      CAST(CAST(CAST(`t7`.`usage_amount` AS NUMERIC) * CAST(`t3`.`rate_mul` AS NUMERIC) AS NUMERIC) AS BIGNUMERIC) * 200
    ) < CAST(CAST((
      CAST(ROUND(
        ieee_divide(
          CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
          CAST(`t3`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) * 2
    ) - 1 AS NUMERIC) * CAST(`t3`.`rate_div` AS NUMERIC) AS NUMERIC)
    THEN CAST(ROUND(
      ieee_divide(
        CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
        CAST(`t3`.`rate_div` AS FLOAT64)
      ) * 100,
      0
    ) AS INT64) - 1
    ELSE CAST(ROUND(
      ieee_divide(
        CAST(`t7`.`usage_amount` AS FLOAT64) * CAST(`t3`.`rate_mul` AS FLOAT64),
        CAST(`t3`.`rate_div` AS FLOAT64)
      ) * 100,
      0
    ) AS INT64)
  END AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `usage_mrr`
FROM (
  SELECT
    `t0`.`invoice_id`,
    `t0`.`account_id`,
    `t0`.`subscription_id`,
    `t0`.`issued_at`,
    `t0`.`due_at`,
    `t0`.`period_start`,
    `t0`.`period_end`,
    `t0`.`amount`,
    `t0`.`recurring_amount`,
    `t0`.`usage_amount`,
    `t0`.`one_time_amount`,
    `t0`.`tax_amount`,
    `t0`.`currency`,
    `t0`.`status`,
    `t0`.`paid_at`,
    `t0`.`source`,
    `t0`.`source_id`,
    `t0`.`attributes`,
    `t0`.`loaded_at`,
    (
      (
        EXTRACT(year FROM `t0`.`issued_at`) * 12
      ) + EXTRACT(month FROM `t0`.`issued_at`)
    ) - 1 AS `month_idx`
  FROM `invoices` AS `t0`
  WHERE
    `t0`.`status` IN ('open', 'paid', 'uncollectible')
    AND `t0`.`usage_amount` IS NOT NULL
    AND `t0`.`usage_amount` > 0
) AS `t7`
LEFT OUTER JOIN (
  SELECT
    `t2`.`subscription_id` AS `sub_id`,
    `t2`.`plan_id`
  FROM `subscriptions` AS `t2`
) AS `t5`
  ON `t7`.`subscription_id` = `t5`.`sub_id`
INNER JOIN `_revline_fx` AS `t3`
  ON `t7`.`currency` = `t3`.`currency` AND `t7`.`month_idx` = `t3`.`month_idx`
