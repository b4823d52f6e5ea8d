SELECT
  `t16`.`currency`,
  `t16`.`month_idx`,
  IF(`t16`.`currency` = 'USD', CAST('1.0000' AS NUMERIC), `t16`.`rate_mul`) AS `rate_mul`,
  IF(`t16`.`currency` = 'USD', CAST('1.0000' AS NUMERIC), `t16`.`rate_div`) AS `rate_div`
FROM (
  SELECT
    `t15`.`currency`,
    `t15`.`month_idx`,
    `t15`.`snapshot_day`,
    `t15`.`currency_right`,
    `t15`.`rate_date`,
    `t15`.`rate_mul`,
    `t15`.`rate_div`,
    `t15`.`preference`,
    ROW_NUMBER() OVER (
      PARTITION BY `t15`.`currency`, `t15`.`month_idx`
      ORDER BY `t15`.`rate_date` DESC, `t15`.`preference` ASC, `t15`.`rate_mul` ASC, `t15`.`rate_div` ASC
    ) - 1 AS `rank`
  FROM (
    SELECT
      `t12`.`currency`,
      `t14`.`month_idx`,
      `t14`.`snapshot_day`,
      `t10`.`currency` AS `currency_right`,
      `t10`.`rate_date`,
      `t10`.`rate_mul`,
      `t10`.`rate_div`,
      `t10`.`preference`
    FROM (
      SELECT DISTINCT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            CAST(`t0`.`currency` AS STRING) AS `currency`
          FROM `subscriptions` AS `t0`
        ) AS `t3`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            CAST(`t1`.`currency` AS STRING) AS `currency`
          FROM `invoices` AS `t1`
        ) AS `t4`
      ) AS `t8`
    ) AS `t12`
    CROSS JOIN (
      SELECT
        CAST(`t7`.`month_idx` AS INT64) AS `month_idx`,
        DATE_ADD(
          DATE(
            CAST(CAST(FLOOR(ieee_divide(CAST(`t7`.`month_idx` AS INT64), 12)) AS INT64) AS INT64),
            CAST((
              MOD(CAST(`t7`.`month_idx` AS INT64), 12)
            ) + 1 AS INT64),
            1
          ),
          INTERVAL '1' MONTH
        ) AS `snapshot_day`
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
    ) AS `t14`
    LEFT OUTER JOIN (
      SELECT
        *
      FROM (
        SELECT
          CAST(`t2`.`base_currency` AS STRING) AS `currency`,
          CAST(`t2`.`rate_date` AS DATE) AS `rate_date`,
          CAST(`t2`.`rate` AS NUMERIC) AS `rate_mul`,
          CAST('1.0000' AS NUMERIC) AS `rate_div`,
          0 AS `preference`
        FROM `fx_rates` AS `t2`
        WHERE
          `t2`.`rate` > 0 AND `t2`.`quote_currency` = 'USD'
      ) AS `t5`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          CAST(`t2`.`quote_currency` AS STRING) AS `currency`,
          CAST(`t2`.`rate_date` AS DATE) AS `rate_date`,
          CAST('1.0000' AS NUMERIC) AS `rate_mul`,
          CAST(`t2`.`rate` AS NUMERIC) AS `rate_div`,
          1 AS `preference`
        FROM `fx_rates` AS `t2`
        WHERE
          `t2`.`rate` > 0 AND `t2`.`base_currency` = 'USD'
      ) AS `t6`
    ) AS `t10`
      ON `t12`.`currency` = `t10`.`currency` AND `t10`.`rate_date` < `t14`.`snapshot_day`
  ) AS `t15`
) AS `t16`
WHERE
  `t16`.`rank` = 0
