SELECT
  `t25`.`subscription_id`,
  `t25`.`account_id`,
  `t25`.`plan_id`,
  `t25`.`month_idx`,
  `t25`.`currency`,
  `t25`.`rate_mul`,
  IF(
    NOT (
      `t25`.`is_free`
      OR `t25`.`open_trial`
      OR (
        (
          `t25`.`trial_end_at` IS NOT NULL
        )
        AND (
          `t25`.`trial_end_at` >= `t25`.`snapshot_at`
        )
      )
    )
    AND NOT (
      `t22`.`d_sub` IS NOT NULL
    ),
    `t25`.`v_contract`,
    CAST(0 AS NUMERIC)
  ) AS `contract_mrr`,
  IF(
    NOT (
      `t25`.`is_free`
      OR `t25`.`open_trial`
      OR (
        (
          `t25`.`trial_end_at` IS NOT NULL
        )
        AND (
          `t25`.`trial_end_at` >= `t25`.`snapshot_at`
        )
      )
    )
    AND NOT (
      `t22`.`d_sub` IS NOT NULL
    ),
    `t25`.`v_billed`,
    CAST(0 AS NUMERIC)
  ) AS `billed_mrr`,
  (
    `t22`.`d_sub` IS NOT NULL
  )
  AND NOT (
    `t25`.`is_free`
    OR `t25`.`open_trial`
    OR (
      (
        `t25`.`trial_end_at` IS NOT NULL
      )
      AND (
        `t25`.`trial_end_at` >= `t25`.`snapshot_at`
      )
    )
  ) AS `delinquent`
FROM (
  SELECT
    `t23`.`subscription_id`,
    `t23`.`account_id`,
    `t23`.`plan_id`,
    `t23`.`currency`,
    `t23`.`start_at`,
    `t23`.`effective_end_at`,
    `t23`.`trial_end_at`,
    `t23`.`open_trial`,
    `t23`.`is_free`,
    `t23`.`contract_num`,
    `t23`.`billed_num`,
    `t23`.`denominator`,
    `t23`.`contract_num_f`,
    `t23`.`billed_num_f`,
    `t23`.`denominator_f`,
    `t23`.`month_idx`,
    `t23`.`month`,
    `t23`.`snapshot_day`,
    `t23`.`snapshot_at`,
    `t23`.`rate_mul`,
    `t23`.`rate_div`,
    CAST(CAST(CASE
      WHEN ABS(
        (
          (
            `t23`.`contract_num_f` * ieee_divide(
              CAST(`t23`.`rate_mul` AS FLOAT64),
              `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
            ) * 100
          ) - CAST(FLOOR(
            `t23`.`contract_num_f` * ieee_divide(
              CAST(`t23`.`rate_mul` AS FLOAT64),
              `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
            ) * 100
          ) AS INT64)
        ) - 0.5
      ) >= 0.001
      THEN CAST(ROUND(
        `t23`.`contract_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64)
      WHEN (
        CAST(`t23`.`contract_num` * CAST(`t23`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
      ) >= CAST(CAST((
        CAST(ROUND(
          `t23`.`contract_num_f` * ieee_divide(
            CAST(`t23`.`rate_mul` AS FLOAT64),
            `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
          ) * 100,
          0
        ) AS INT64) * 2
      ) + 1 AS NUMERIC) * (
        CAST(`t23`.`denominator` AS NUMERIC) * CAST(`t23`.`rate_div` AS NUMERIC)
      ) AS NUMERIC)
      THEN CAST(ROUND(
        `t23`.`contract_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) + 1
      WHEN (
        CAST(`t23`.`contract_num` * CAST(`t23`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
      ) < CAST(CAST((
        CAST(ROUND(
          `t23`.`contract_num_f` * ieee_divide(
            CAST(`t23`.`rate_mul` AS FLOAT64),
            `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
          ) * 100,
          0
        ) AS INT64) * 2
      ) - 1 AS NUMERIC) * (
        CAST(`t23`.`denominator` AS NUMERIC) * CAST(`t23`.`rate_div` AS NUMERIC)
      ) AS NUMERIC)
      THEN CAST(ROUND(
        `t23`.`contract_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) - 1
      ELSE CAST(ROUND(
        `t23`.`contract_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64)
    END AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `v_contract`,
    CAST(CAST(CASE
      WHEN ABS(
        (
          (
            `t23`.`billed_num_f` * ieee_divide(
              CAST(`t23`.`rate_mul` AS FLOAT64),
              `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
            ) * 100
          ) - CAST(FLOOR(
            `t23`.`billed_num_f` * ieee_divide(
              CAST(`t23`.`rate_mul` AS FLOAT64),
              `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
            ) * 100
          ) AS INT64)
        ) - 0.5
      ) >= 0.001
      THEN CAST(ROUND(
        `t23`.`billed_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64)
      WHEN (
        CAST(`t23`.`billed_num` * CAST(`t23`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
      ) >= CAST(CAST((
        CAST(ROUND(
          `t23`.`billed_num_f` * ieee_divide(
            CAST(`t23`.`rate_mul` AS FLOAT64),
            `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
          ) * 100,
          0
        ) AS INT64) * 2
      ) + 1 AS NUMERIC) * (
        CAST(`t23`.`denominator` AS NUMERIC) * CAST(`t23`.`rate_div` AS NUMERIC)
      ) AS NUMERIC)
      THEN CAST(ROUND(
        `t23`.`billed_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) + 1
      WHEN (
        CAST(`t23`.`billed_num` * CAST(`t23`.`rate_mul` AS NUMERIC) AS BIGNUMERIC) * 200
      ) < CAST(CAST((
        CAST(ROUND(
          `t23`.`billed_num_f` * ieee_divide(
            CAST(`t23`.`rate_mul` AS FLOAT64),
            `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
          ) * 100,
          0
        ) AS INT64) * 2
      ) - 1 AS NUMERIC) * (
        CAST(`t23`.`denominator` AS NUMERIC) * CAST(`t23`.`rate_div` AS NUMERIC)
      ) AS NUMERIC)
      THEN CAST(ROUND(
        `t23`.`billed_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64) - 1
      ELSE CAST(ROUND(
        `t23`.`billed_num_f` * ieee_divide(
          CAST(`t23`.`rate_mul` AS FLOAT64),
          `t23`.`denominator_f` * CAST(`t23`.`rate_div` AS FLOAT64)
        ) * 100,
        0
      ) AS INT64)
    END AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `v_billed`
  FROM (
    SELECT
      `t20`.`subscription_id`,
      `t20`.`account_id`,
      `t20`.`plan_id`,
      `t20`.`currency`,
      `t20`.`start_at`,
      `t20`.`effective_end_at`,
      `t20`.`trial_end_at`,
      `t20`.`open_trial`,
      `t20`.`is_free`,
      `t20`.`contract_num`,
      `t20`.`billed_num`,
      `t20`.`denominator`,
      `t20`.`contract_num_f`,
      `t20`.`billed_num_f`,
      `t20`.`denominator_f`,
      `t20`.`month_idx`,
      `t20`.`month`,
      `t20`.`snapshot_day`,
      `t20`.`snapshot_at`,
      `t3`.`rate_mul`,
      `t3`.`rate_div`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t4`.`subscription_id`,
          `t4`.`account_id`,
          `t4`.`plan_id`,
          `t4`.`currency`,
          `t4`.`start_at`,
          `t4`.`effective_end_at`,
          `t4`.`trial_end_at`,
          `t4`.`open_trial`,
          `t4`.`is_free`,
          `t4`.`contract_num`,
          `t4`.`billed_num`,
          `t4`.`denominator`,
          `t4`.`contract_num_f`,
          `t4`.`billed_num_f`,
          `t4`.`denominator_f`,
          `t15`.`month_idx`,
          `t15`.`month`,
          `t15`.`snapshot_day`,
          `t15`.`snapshot_at`
        FROM `_revline_terms` AS `t4`
        CROSS JOIN (
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
        ) AS `t15`
      ) AS `t17`
      WHERE
        `t17`.`start_at` < `t17`.`snapshot_at`
        AND (
          (
            `t17`.`effective_end_at` IS NULL
          )
          OR (
            `t17`.`effective_end_at` >= `t17`.`snapshot_at`
          )
        )
    ) AS `t20`
    INNER JOIN `_revline_fx` AS `t3`
      ON `t20`.`currency` = `t3`.`currency` AND `t20`.`month_idx` = `t3`.`month_idx`
  ) AS `t23`
) AS `t25`
LEFT OUTER JOIN (
  SELECT DISTINCT
    *
  FROM (
    SELECT
      `t16`.`t_sub` AS `d_sub`,
      `t15`.`month_idx` AS `d_idx`
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
      ) AS `t8`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t6`.`t_sub`,
            `t10`.`lapsed_at`,
            `t10`.`paid_at`
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
          ) AS `t10`
          INNER JOIN (
            SELECT
              `t1`.`subscription_id` AS `t_sub`,
              `t1`.`account_id` AS `t_account`
            FROM `_revline_terms` AS `t1`
          ) AS `t6`
            ON `t10`.`inv_account` = `t6`.`t_account`
        ) AS `t11`
      ) AS `t12`
    ) AS `t16`
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
    ) AS `t15`
      ON `t16`.`lapsed_at` < `t15`.`snapshot_at`
      AND (
        (
          `t16`.`paid_at` IS NULL
        ) OR (
          `t16`.`paid_at` >= `t15`.`snapshot_at`
        )
      )
  ) AS `t18`
) AS `t22`
  ON `t25`.`subscription_id` = `t22`.`d_sub` AND `t25`.`month_idx` = `t22`.`d_idx`
