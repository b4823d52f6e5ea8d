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
      `t11`.`month_idx`,
      `t11`.`month`,
      COALESCE(`t9`.`new`, CAST(0 AS NUMERIC)) AS `new`,
      COALESCE(`t9`.`reactivation`, CAST(0 AS NUMERIC)) AS `reactivation`,
      COALESCE(`t9`.`expansion`, CAST(0 AS NUMERIC)) AS `expansion`,
      COALESCE(`t9`.`contraction`, CAST(0 AS NUMERIC)) AS `contraction`,
      COALESCE(`t9`.`churn`, CAST(0 AS NUMERIC)) AS `churn`,
      SUM(COALESCE(`t8`.`d_end`, CAST(0 AS NUMERIC))) OVER (ORDER BY `t11`.`month_idx` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `end`,
      SUM(COALESCE(`t8`.`d_count`, 0)) OVER (ORDER BY `t11`.`month_idx` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `customers`
    FROM (
      SELECT
        CAST(`t4`.`month_idx` AS INT64) AS `month_idx`,
        DATE(
          CAST(CAST(FLOOR(ieee_divide(CAST(`t4`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
          CAST((
            MOD(CAST(`t4`.`month_idx` AS INT64), 12)
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
      ) AS `t4`
    ) AS `t11`
    LEFT OUTER JOIN (
      SELECT
        `t1`.`month_idx`,
        SUM(IF(`t1`.`movement` = 'new', `t1`.`amount`, CAST(0 AS NUMERIC))) AS `new`,
        SUM(IF(`t1`.`movement` = 'reactivation', `t1`.`amount`, CAST(0 AS NUMERIC))) AS `reactivation`,
        SUM(IF(`t1`.`movement` = 'expansion', `t1`.`amount`, CAST(0 AS NUMERIC))) AS `expansion`,
        SUM(IF(`t1`.`movement` = 'contraction', `t1`.`amount`, CAST(0 AS NUMERIC))) AS `contraction`,
        SUM(IF(`t1`.`movement` = 'churn', `t1`.`amount`, CAST(0 AS NUMERIC))) AS `churn`
      FROM (
        SELECT
          `t0`.`account_id`,
          `t0`.`first_idx` AS `month_idx`,
          `t0`.`movement`,
          `t0`.`prev_mrr` AS `start_mrr`,
          `t0`.`mrr` AS `end_mrr`,
          `t0`.`amount`,
          FALSE AS `delinquent`
        FROM `_revline_pieces` AS `t0`
        WHERE
          `t0`.`movement` IN ('new', 'reactivation', 'expansion', 'contraction', 'churn')
      ) AS `t1`
      GROUP BY
        1
    ) AS `t9`
      ON `t11`.`month_idx` = `t9`.`month_idx`
    LEFT OUTER JOIN (
      SELECT
        `t5`.`month_idx`,
        SUM(`t5`.`d_end`) AS `d_end`,
        SUM(`t5`.`d_count`) AS `d_count`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t0`.`first_idx` AS `month_idx`,
            `t0`.`mrr` AS `d_end`,
            1 AS `d_count`
          FROM `_revline_pieces` AS `t0`
          WHERE
            `t0`.`mrr` > 0
        ) AS `t2`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t0`.`last_idx` + 1 AS `month_idx`,
            -(
              `t0`.`mrr`
            ) AS `d_end`,
            -1 AS `d_count`
          FROM `_revline_pieces` AS `t0`
          WHERE
            `t0`.`mrr` > 0 AND `t0`.`last_idx` < 24305
        ) AS `t3`
      ) AS `t5`
      GROUP BY
        1
    ) AS `t8`
      ON `t11`.`month_idx` = `t8`.`month_idx`
  ) AS `t12`
) AS `t13`
ORDER BY
  `t13`.`month` ASC NULLS LAST
