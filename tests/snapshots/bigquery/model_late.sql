SELECT
  `t4`.`subscription_id`,
  `t4`.`account_id`,
  `t4`.`plan_id`,
  `t20`.`d_idx` AS `month_idx`,
  COALESCE(`t5`.`x_contract`, `t4`.`contract_cents`) AS `contract_cents`,
  COALESCE(`t5`.`x_billed`, `t4`.`billed_cents`) AS `billed_cents`
FROM `_revline_mrr` AS `t4`
LEFT OUTER JOIN `_revline_fix` AS `t5`
  ON `t4`.`subscription_id` = `t5`.`x_sub` AND `t4`.`first_idx` = `t5`.`x_first`
INNER JOIN (
  SELECT DISTINCT
    *
  FROM (
    SELECT
      `t17`.`t_sub` AS `d_sub`,
      `t16`.`month_idx` AS `d_idx`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t2`.`subscription_id` AS `t_sub`,
          TIMESTAMP_ADD(`t2`.`due_at`, INTERVAL '30' DAY) AS `lapsed_at`,
          `t2`.`paid_at`
        FROM `invoices` AS `t2`
        WHERE
          `t2`.`status` IN ('open', 'paid', 'uncollectible')
          AND `t2`.`due_at` IS NOT NULL
          AND NOT (
            (
              `t2`.`status` = 'paid'
            ) AND (
              `t2`.`paid_at` IS NULL
            )
          )
          AND (
            (
              `t2`.`paid_at` IS NULL
            )
            OR (
              `t2`.`paid_at` > TIMESTAMP_ADD(`t2`.`due_at`, INTERVAL '30' DAY)
            )
          )
          AND `t2`.`subscription_id` IS NOT NULL
      ) AS `t9`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t8`.`t_sub`,
            `t11`.`lapsed_at`,
            `t11`.`paid_at`
          FROM (
            SELECT
              `t2`.`subscription_id` AS `inv_sub`,
              `t2`.`account_id` AS `inv_account`,
              TIMESTAMP_ADD(`t2`.`due_at`, INTERVAL '30' DAY) AS `lapsed_at`,
              `t2`.`paid_at`
            FROM `invoices` AS `t2`
            WHERE
              `t2`.`status` IN ('open', 'paid', 'uncollectible')
              AND `t2`.`due_at` IS NOT NULL
              AND NOT (
                (
                  `t2`.`status` = 'paid'
                ) AND (
                  `t2`.`paid_at` IS NULL
                )
              )
              AND (
                (
                  `t2`.`paid_at` IS NULL
                )
                OR (
                  `t2`.`paid_at` > TIMESTAMP_ADD(`t2`.`due_at`, INTERVAL '30' DAY)
                )
              )
              AND `t2`.`subscription_id` IS NULL
          ) AS `t11`
          INNER JOIN (
            SELECT
              `t3`.`subscription_id` AS `t_sub`,
              `t3`.`account_id` AS `t_account`
            FROM `subscriptions` AS `t3`
          ) AS `t8`
            ON `t11`.`inv_account` = `t8`.`t_account`
        ) AS `t12`
      ) AS `t13`
    ) AS `t17`
    INNER JOIN (
      SELECT
        CAST(`t7`.`month_idx` AS INT64) AS `month_idx`,
        DATE(
          CAST(CAST(FLOOR(ieee_divide(CAST(`t7`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
          CAST((
            MOD(CAST(`t7`.`month_idx` AS INT64), 12)
          ) + 1 AS INT64),
          1
        ) AS `month`,
        DATE_ADD(
          DATE(
            CAST(CAST(FLOOR(ieee_divide(CAST(`t7`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
            CAST((
              MOD(CAST(`t7`.`month_idx` AS INT64), 12)
            ) + 1 AS INT64),
            1
          ),
          INTERVAL '1' MONTH
        ) AS `snapshot_day`,
        CAST(DATE_ADD(
          DATE(
            CAST(CAST(FLOOR(ieee_divide(CAST(`t7`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
            CAST((
              MOD(CAST(`t7`.`month_idx` AS INT64), 12)
            ) + 1 AS INT64),
            1
          ),
          INTERVAL '1' MONTH
        ) AS TIMESTAMP) AS `snapshot_at`
      FROM (
        SELECT
          IF(pos = pos_2, `month_idx`, NULL) AS `month_idx`
        FROM UNNEST(GENERATE_ARRAY(
          0,
          GREATEST(
            ARRAY_LENGTH(
              IF(
                NOT NULLIF(1, 0) IS NULL AND SIGN(1) = SIGN(24306 - 24300),
                ARRAY(
                  SELECT
                    ibis_bq_arr_range
                  FROM UNNEST(GENERATE_ARRAY(24300, 24306, 1)) AS ibis_bq_arr_range
                  WHERE
                    ibis_bq_arr_range <> 24306
                ),
                []
              )
            )
          ) - 1
        )) AS pos
        CROSS JOIN UNNEST(IF(
          NOT NULLIF(1, 0) IS NULL AND SIGN(1) = SIGN(24306 - 24300),
          ARRAY(
            SELECT
              ibis_bq_arr_range
            FROM UNNEST(GENERATE_ARRAY(24300, 24306, 1)) AS ibis_bq_arr_range
            WHERE
              ibis_bq_arr_range <> 24306
          ),
          []
        )) AS `month_idx` WITH OFFSET AS pos_2
        WHERE
          pos = pos_2
          OR (
            pos > (
              ARRAY_LENGTH(
                IF(
                  NOT NULLIF(1, 0) IS NULL AND SIGN(1) = SIGN(24306 - 24300),
                  ARRAY(
                    SELECT
                      ibis_bq_arr_range
                    FROM UNNEST(GENERATE_ARRAY(24300, 24306, 1)) AS ibis_bq_arr_range
                    WHERE
                      ibis_bq_arr_range <> 24306
                  ),
                  []
                )
              ) - 1
            )
            AND pos_2 = (
              ARRAY_LENGTH(
                IF(
                  NOT NULLIF(1, 0) IS NULL AND SIGN(1) = SIGN(24306 - 24300),
                  ARRAY(
                    SELECT
                      ibis_bq_arr_range
                    FROM UNNEST(GENERATE_ARRAY(24300, 24306, 1)) AS ibis_bq_arr_range
                    WHERE
                      ibis_bq_arr_range <> 24306
                  ),
                  []
                )
              ) - 1
            )
          )
      ) AS `t7`
    ) AS `t16`
      ON `t17`.`lapsed_at` < `t16`.`snapshot_at`
      AND (
        (
          `t17`.`paid_at` IS NULL
        ) OR (
          `t17`.`paid_at` >= `t16`.`snapshot_at`
        )
      )
  ) AS `t18`
) AS `t20`
  ON `t4`.`subscription_id` = `t20`.`d_sub`
  AND GREATEST(`t4`.`first_idx`, `t4`.`billable_from`) <= `t20`.`d_idx`
  AND `t4`.`last_idx` >= `t20`.`d_idx`
