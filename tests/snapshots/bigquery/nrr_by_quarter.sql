WITH `t2` AS (
  SELECT DISTINCT
    `t0`.`period`,
    `t0`.`first_idx`,
    `t0`.`last_idx`
  FROM `ibis_pandas_memtable` AS `t0`
), `t8` AS (
  SELECT
    `t4`.`account_id`,
    `t4`.`first_idx`,
    `t4`.`last_idx`,
    `t4`.`contract_mrr`,
    `t4`.`billed_mrr`,
    `t4`.`usage_mrr`,
    `t4`.`mrr`,
    `t4`.`prev_mrr`,
    `t4`.`movement`,
    `t4`.`amount`,
    IF(pos = pos_2, `month_idx`, NULL) AS `month_idx`
  FROM (
    SELECT
      *
    FROM `_revline_pieces` AS `t1`
    WHERE
      `t1`.`mrr` > 0
  ) AS `t4`
  CROSS JOIN UNNEST(GENERATE_ARRAY(
    0,
    GREATEST(
      ARRAY_LENGTH(
        IF(
          NOT NULLIF(1, 0) IS NULL
          AND SIGN(1) = SIGN((
            `t4`.`last_idx` + 1
          ) - `t4`.`first_idx`),
          ARRAY(
            SELECT
              ibis_bq_arr_range
            FROM UNNEST(GENERATE_ARRAY(`t4`.`first_idx`, `t4`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
            WHERE
              ibis_bq_arr_range <> (
                `t4`.`last_idx` + 1
              )
          ),
          []
        )
      )
    ) - 1
  )) AS pos
  CROSS JOIN UNNEST(IF(
    NOT NULLIF(1, 0) IS NULL
    AND SIGN(1) = SIGN((
      `t4`.`last_idx` + 1
    ) - `t4`.`first_idx`),
    ARRAY(
      SELECT
        ibis_bq_arr_range
      FROM UNNEST(GENERATE_ARRAY(`t4`.`first_idx`, `t4`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
      WHERE
        ibis_bq_arr_range <> (
          `t4`.`last_idx` + 1
        )
    ),
    []
  )) AS `month_idx` WITH OFFSET AS pos_2
  WHERE
    pos = pos_2
    OR (
      pos > (
        ARRAY_LENGTH(
          IF(
            NOT NULLIF(1, 0) IS NULL
            AND SIGN(1) = SIGN((
              `t4`.`last_idx` + 1
            ) - `t4`.`first_idx`),
            ARRAY(
              SELECT
                ibis_bq_arr_range
              FROM UNNEST(GENERATE_ARRAY(`t4`.`first_idx`, `t4`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
              WHERE
                ibis_bq_arr_range <> (
                  `t4`.`last_idx` + 1
                )
            ),
            []
          )
        ) - 1
      )
      AND pos_2 = (
        ARRAY_LENGTH(
          IF(
            NOT NULLIF(1, 0) IS NULL
            AND SIGN(1) = SIGN((
              `t4`.`last_idx` + 1
            ) - `t4`.`first_idx`),
            ARRAY(
              SELECT
                ibis_bq_arr_range
              FROM UNNEST(GENERATE_ARRAY(`t4`.`first_idx`, `t4`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
              WHERE
                ibis_bq_arr_range <> (
                  `t4`.`last_idx` + 1
                )
            ),
            []
          )
        ) - 1
      )
    )
)
SELECT
  *
FROM (
  SELECT
    `t7`.`period`,
    `t17`.`value`
  FROM (
    SELECT
      `t3`.`period`
    FROM `t2` AS `t3`
  ) AS `t7`
  LEFT OUTER JOIN (
    SELECT
      `t15`.`period`,
      ieee_divide(`t15`.`net`, `t15`.`start`) AS `value`
    FROM (
      SELECT
        `t14`.`period`,
        CAST(SUM(`t14`.`start`) AS FLOAT64) AS `start`,
        CAST(SUM(`t14`.`end`) AS FLOAT64) AS `net`,
        CAST(SUM(IF(`t14`.`end` < `t14`.`start`, `t14`.`end`, `t14`.`start`)) AS FLOAT64) AS `gross`,
        CAST(COUNT(*) AS FLOAT64) AS `members`,
        CAST(SUM(CAST(`t14`.`end` > 0 AS INT64)) AS FLOAT64) AS `kept`
      FROM (
        SELECT
          `t5`.`period`,
          `t12`.`mrr` AS `start`,
          COALESCE(`t13`.`end`, CAST(0 AS NUMERIC)) AS `end`
        FROM (
          SELECT
            `t9`.`account_id`,
            `t9`.`month_idx`,
            `t9`.`contract_mrr`,
            `t9`.`billed_mrr`,
            `t9`.`usage_mrr`,
            `t9`.`mrr`
          FROM `t8` AS `t9`
        ) AS `t12`
        INNER JOIN `t2` AS `t5`
          ON `t12`.`month_idx` = (
            `t5`.`first_idx` - 1
          )
        LEFT OUTER JOIN (
          SELECT
            `t9`.`account_id`,
            `t9`.`month_idx` AS `e_idx`,
            `t9`.`mrr` AS `end`
          FROM `t8` AS `t9`
        ) AS `t13`
          ON `t12`.`account_id` = `t13`.`account_id` AND `t5`.`last_idx` = `t13`.`e_idx`
      ) AS `t14`
      GROUP BY
        1
    ) AS `t15`
  ) AS `t17`
    ON `t7`.`period` = `t17`.`period`
) AS `t18`
ORDER BY
  `t18`.`period` ASC NULLS LAST
