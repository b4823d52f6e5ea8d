SELECT
  `t13`.`month`,
  `t13`.`start`,
  `t13`.`new`,
  `t13`.`reactivation`,
  `t13`.`expansion`,
  `t13`.`contraction`,
  `t13`.`churn`,
  `t13`.`end`,
  `t13`.`customers`
FROM (
  SELECT
    `t12`.`month_idx`,
    `t12`.`month`,
    `t12`.`new`,
    `t12`.`reactivation`,
    `t12`.`expansion`,
    `t12`.`contraction`,
    `t12`.`churn`,
    `t12`.`end`,
    `t12`.`customers`,
    COALESCE(LAG(`t12`.`end`) OVER (ORDER BY `t12`.`month_idx` ASC), CAST(0 AS NUMERIC)) AS `start`
  FROM (
    SELECT
      `t10`.`month_idx`,
      `t10`.`month`,
      COALESCE(`t9`.`new`, CAST(0 AS NUMERIC)) AS `new`,
      COALESCE(`t9`.`reactivation`, CAST(0 AS NUMERIC)) AS `reactivation`,
      COALESCE(`t9`.`expansion`, CAST(0 AS NUMERIC)) AS `expansion`,
      COALESCE(`t9`.`contraction`, CAST(0 AS NUMERIC)) AS `contraction`,
      COALESCE(`t9`.`churn`, CAST(0 AS NUMERIC)) AS `churn`,
      SUM(COALESCE(`t11`.`d_end`, CAST(0 AS NUMERIC))) OVER (ORDER BY `t10`.`month_idx` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `end`,
      SUM(COALESCE(`t11`.`d_count`, 0)) OVER (ORDER BY `t10`.`month_idx` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `customers`
    FROM (
      SELECT
        CAST(`t3`.`month_idx` AS INT64) AS `month_idx`,
        DATE(
          CAST(CAST(FLOOR(ieee_divide(CAST(`t3`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
          CAST((
            MOD(CAST(`t3`.`month_idx` AS INT64), 12)
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
      ) AS `t3`
    ) AS `t10`
    LEFT OUTER JOIN (
      SELECT
        `t5`.`month_idx`,
        SUM(IF(`t5`.`movement` = 'new', `t5`.`amount`, CAST(0 AS NUMERIC))) AS `new`,
        SUM(IF(`t5`.`movement` = 'reactivation', `t5`.`amount`, CAST(0 AS NUMERIC))) AS `reactivation`,
        SUM(IF(`t5`.`movement` = 'expansion', `t5`.`amount`, CAST(0 AS NUMERIC))) AS `expansion`,
        SUM(IF(`t5`.`movement` = 'contraction', `t5`.`amount`, CAST(0 AS NUMERIC))) AS `contraction`,
        SUM(IF(`t5`.`movement` = 'churn', `t5`.`amount`, CAST(0 AS NUMERIC))) AS `churn`
      FROM (
        SELECT
          `t0`.`account_id`,
          `t0`.`first_idx` AS `month_idx`,
          `t0`.`movement`,
          CAST(CAST(`t0`.`prev_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `start_mrr`,
          CAST(CAST(`t0`.`mrr_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `end_mrr`,
          CAST(CAST(`t0`.`amount_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `amount`,
          FALSE AS `delinquent`
        FROM `_revline_pieces` AS `t0`
        WHERE
          `t0`.`movement` IN ('new', 'reactivation', 'expansion', 'contraction', 'churn')
      ) AS `t5`
      GROUP BY
        1
    ) AS `t9`
      ON `t10`.`month_idx` = `t9`.`month_idx`
    LEFT OUTER JOIN (
      SELECT
        `t4`.`month_idx`,
        CAST(CAST(CAST(SUM(`t4`.`d_end`) AS INT64) AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `d_end`,
        SUM(`t4`.`d_count`) AS `d_count`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t0`.`first_idx` AS `month_idx`,
            `t0`.`mrr_cents` AS `d_end`,
            1 AS `d_count`
          FROM `_revline_pieces` AS `t0`
          WHERE
            `t0`.`mrr_cents` > 0
        ) AS `t1`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t0`.`last_idx` + 1 AS `month_idx`,
            -(
              `t0`.`mrr_cents`
            ) AS `d_end`,
            -1 AS `d_count`
          FROM `_revline_pieces` AS `t0`
          WHERE
            `t0`.`mrr_cents` > 0 AND `t0`.`last_idx` < 24305
        ) AS `t2`
      ) AS `t4`
      GROUP BY
        1
    ) AS `t11`
      ON `t10`.`month_idx` = `t11`.`month_idx`
  ) AS `t12`
) AS `t13`
ORDER BY
  `t13`.`month` ASC NULLS LAST
