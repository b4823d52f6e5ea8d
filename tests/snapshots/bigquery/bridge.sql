WITH `t10` AS (
  SELECT
    `t9`.`account_id`,
    `t9`.`month_idx`,
    `t9`.`contract_mrr`,
    `t9`.`billed_mrr`,
    `t9`.`usage_mrr`,
    `t9`.`billed_mrr` AS `mrr`
  FROM (
    SELECT
      `t6`.`account_id`,
      `t6`.`month_idx`,
      SUM(`t6`.`contract_mrr`) AS `contract_mrr`,
      SUM(`t6`.`billed_mrr`) AS `billed_mrr`,
      SUM(`t6`.`usage_mrr`) AS `usage_mrr`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t0`.`account_id`,
          `t0`.`month_idx`,
          `t0`.`contract_mrr`,
          `t0`.`billed_mrr`,
          CAST(0 AS NUMERIC) AS `usage_mrr`
        FROM `_revline_mrr` AS `t0`
      ) AS `t3`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          `t1`.`account_id`,
          `t1`.`month_idx`,
          CAST(0 AS NUMERIC) AS `contract_mrr`,
          CAST(0 AS NUMERIC) AS `billed_mrr`,
          `t1`.`usage_mrr`
        FROM `_revline_usage` AS `t1`
      ) AS `t4`
    ) AS `t6`
    GROUP BY
      1,
      2
  ) AS `t9`
  WHERE
    `t9`.`billed_mrr` > 0
), `t16` AS (
  SELECT
    `t12`.`account_id`,
    `t12`.`month_idx`,
    `t12`.`contract_mrr`,
    `t12`.`billed_mrr`,
    `t12`.`usage_mrr`,
    `t12`.`mrr`,
    LAG(`t12`.`month_idx`) OVER (PARTITION BY `t12`.`account_id` ORDER BY `t12`.`month_idx` ASC) AS `prev_idx`,
    LAG(`t12`.`mrr`) OVER (PARTITION BY `t12`.`account_id` ORDER BY `t12`.`month_idx` ASC) AS `prev_mrr`,
    LEAD(`t12`.`month_idx`) OVER (PARTITION BY `t12`.`account_id` ORDER BY `t12`.`month_idx` ASC) AS `next_idx`
  FROM `t10` AS `t12`
)
SELECT
  `t26`.`month`,
  `t26`.`start`,
  `t26`.`new`,
  `t26`.`reactivation`,
  `t26`.`expansion`,
  `t26`.`contraction`,
  `t26`.`churn`,
  `t26`.`end`,
  `t26`.`customers`
FROM (
  SELECT
    `t25`.`month_idx`,
    `t25`.`month`,
    `t25`.`new`,
    `t25`.`reactivation`,
    `t25`.`expansion`,
    `t25`.`contraction`,
    `t25`.`churn`,
    `t25`.`end`,
    `t25`.`customers`,
    COALESCE(LAG(`t25`.`end`) OVER (ORDER BY `t25`.`month_idx` ASC), CAST(0 AS NUMERIC)) AS `start`
  FROM (
    SELECT
      `t13`.`month_idx`,
      `t13`.`month`,
      COALESCE(`t24`.`new`, CAST(0 AS NUMERIC)) AS `new`,
      COALESCE(`t24`.`reactivation`, CAST(0 AS NUMERIC)) AS `reactivation`,
      COALESCE(`t24`.`expansion`, CAST(0 AS NUMERIC)) AS `expansion`,
      COALESCE(`t24`.`contraction`, CAST(0 AS NUMERIC)) AS `contraction`,
      COALESCE(`t24`.`churn`, CAST(0 AS NUMERIC)) AS `churn`,
      COALESCE(`t15`.`end`, CAST(0 AS NUMERIC)) AS `end`,
      COALESCE(`t15`.`customers`, 0) AS `customers`
    FROM (
      SELECT
        CAST(`t5`.`month_idx` AS INT64) AS `month_idx`,
        DATE(
          CAST(CAST(FLOOR(ieee_divide(CAST(`t5`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
          CAST((
            MOD(CAST(`t5`.`month_idx` AS INT64), 12)
          ) + 1 AS INT64),
          1
        ) AS `month`
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
      ) AS `t5`
    ) AS `t13`
    LEFT OUTER JOIN (
      SELECT
        `t22`.`month_idx`,
        SUM(IF(`t22`.`movement` = 'new', `t22`.`amount`, CAST(0 AS NUMERIC))) AS `new`,
        SUM(IF(`t22`.`movement` = 'reactivation', `t22`.`amount`, CAST(0 AS NUMERIC))) AS `reactivation`,
        SUM(IF(`t22`.`movement` = 'expansion', `t22`.`amount`, CAST(0 AS NUMERIC))) AS `expansion`,
        SUM(IF(`t22`.`movement` = 'contraction', `t22`.`amount`, CAST(0 AS NUMERIC))) AS `contraction`,
        SUM(IF(`t22`.`movement` = 'churn', `t22`.`amount`, CAST(0 AS NUMERIC))) AS `churn`
      FROM (
        SELECT
          `t21`.`account_id`,
          `t21`.`month_idx`,
          `t21`.`movement`,
          `t21`.`start_mrr`,
          `t21`.`end_mrr`,
          `t21`.`amount`,
          `t8`.`late_idx` IS NOT NULL AS `delinquent`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t17`.`account_id`,
              `t17`.`month_idx`,
              CASE
                WHEN `t17`.`prev_idx` IS NULL
                THEN 'new'
                WHEN NOT (
                  `t17`.`prev_idx` = (
                    `t17`.`month_idx` - 1
                  )
                )
                THEN 'reactivation'
                WHEN (
                  `t17`.`mrr` - IF(`t17`.`prev_idx` = (
                    `t17`.`month_idx` - 1
                  ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC))
                ) > 0
                THEN 'expansion'
                WHEN (
                  `t17`.`mrr` - IF(`t17`.`prev_idx` = (
                    `t17`.`month_idx` - 1
                  ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC))
                ) < 0
                THEN 'contraction'
                ELSE 'unchanged'
              END AS `movement`,
              IF(`t17`.`prev_idx` = (
                `t17`.`month_idx` - 1
              ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC)) AS `start_mrr`,
              `t17`.`mrr` AS `end_mrr`,
              IF(
                (
                  `t17`.`mrr` - IF(`t17`.`prev_idx` = (
                    `t17`.`month_idx` - 1
                  ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC))
                ) >= 0,
                `t17`.`mrr` - IF(`t17`.`prev_idx` = (
                  `t17`.`month_idx` - 1
                ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC)),
                -(
                  `t17`.`mrr` - IF(`t17`.`prev_idx` = (
                    `t17`.`month_idx` - 1
                  ), `t17`.`prev_mrr`, CAST(0 AS NUMERIC))
                )
              ) AS `amount`
            FROM `t16` AS `t17`
          ) AS `t19`
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              `t17`.`account_id`,
              `t17`.`month_idx` + 1 AS `month_idx`,
              'churn' AS `movement`,
              `t17`.`mrr` AS `start_mrr`,
              CAST(0 AS NUMERIC) AS `end_mrr`,
              `t17`.`mrr` AS `amount`
            FROM `t16` AS `t17`
            WHERE
              (
                (
                  `t17`.`next_idx` IS NULL
                )
                OR (
                  `t17`.`next_idx` > (
                    `t17`.`month_idx` + 1
                  )
                )
              )
              AND `t17`.`month_idx` < 24305
          ) AS `t18`
        ) AS `t21`
        LEFT OUTER JOIN (
          SELECT
            `t2`.`account_id` AS `late_account_id`,
            `t2`.`month_idx` AS `late_idx`
          FROM (
            SELECT DISTINCT
              `t0`.`account_id`,
              `t0`.`month_idx`
            FROM `_revline_mrr` AS `t0`
            WHERE
              `t0`.`delinquent`
          ) AS `t2`
        ) AS `t8`
          ON `t21`.`account_id` = `t8`.`late_account_id`
          AND `t21`.`month_idx` = `t8`.`late_idx`
      ) AS `t22`
      GROUP BY
        1
    ) AS `t24`
      ON `t13`.`month_idx` = `t24`.`month_idx`
    LEFT OUTER JOIN (
      SELECT
        `t12`.`month_idx`,
        SUM(`t12`.`mrr`) AS `end`,
        COUNT(*) AS `customers`
      FROM `t10` AS `t12`
      GROUP BY
        1
    ) AS `t15`
      ON `t13`.`month_idx` = `t15`.`month_idx`
  ) AS `t25`
) AS `t26`
ORDER BY
  `t26`.`month` ASC NULLS LAST
