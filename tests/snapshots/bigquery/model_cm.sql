SELECT
  `t2`.`account_id`,
  `t2`.`month_idx`,
  `t2`.`contract_mrr`,
  `t2`.`billed_mrr`,
  `t2`.`usage_mrr`,
  `t2`.`mrr`
FROM (
  SELECT
    `t1`.`account_id`,
    `t1`.`first_idx`,
    `t1`.`last_idx`,
    `t1`.`contract_mrr`,
    `t1`.`billed_mrr`,
    `t1`.`usage_mrr`,
    `t1`.`mrr`,
    IF(pos = pos_2, `month_idx`, NULL) AS `month_idx`
  FROM (
    SELECT
      `t0`.`account_id`,
      `t0`.`first_idx`,
      `t0`.`last_idx`,
      CAST(CAST(`t0`.`contract_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `contract_mrr`,
      CAST(CAST(`t0`.`billed_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `billed_mrr`,
      CAST(CAST(`t0`.`usage_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `usage_mrr`,
      CAST(CAST(`t0`.`mrr_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `mrr`
    FROM `_revline_pieces` AS `t0`
    WHERE
      `t0`.`mrr_cents` > 0
  ) AS `t1`
  CROSS JOIN UNNEST(GENERATE_ARRAY(
    0,
    GREATEST(
      ARRAY_LENGTH(
        IF(
          NOT NULLIF(1, 0) IS NULL
          AND SIGN(1) = SIGN((
            `t1`.`last_idx` + 1
          ) - `t1`.`first_idx`),
          ARRAY(
            SELECT
              ibis_bq_arr_range
            FROM UNNEST(GENERATE_ARRAY(`t1`.`first_idx`, `t1`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
            WHERE
              ibis_bq_arr_range <> (
                `t1`.`last_idx` + 1
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
      `t1`.`last_idx` + 1
    ) - `t1`.`first_idx`),
    ARRAY(
      SELECT
        ibis_bq_arr_range
      FROM UNNEST(GENERATE_ARRAY(`t1`.`first_idx`, `t1`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
      WHERE
        ibis_bq_arr_range <> (
          `t1`.`last_idx` + 1
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
              `t1`.`last_idx` + 1
            ) - `t1`.`first_idx`),
            ARRAY(
              SELECT
                ibis_bq_arr_range
              FROM UNNEST(GENERATE_ARRAY(`t1`.`first_idx`, `t1`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
              WHERE
                ibis_bq_arr_range <> (
                  `t1`.`last_idx` + 1
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
              `t1`.`last_idx` + 1
            ) - `t1`.`first_idx`),
            ARRAY(
              SELECT
                ibis_bq_arr_range
              FROM UNNEST(GENERATE_ARRAY(`t1`.`first_idx`, `t1`.`last_idx` + 1, 1)) AS ibis_bq_arr_range
              WHERE
                ibis_bq_arr_range <> (
                  `t1`.`last_idx` + 1
                )
            ),
            []
          )
        ) - 1
      )
    )
) AS `t2`
