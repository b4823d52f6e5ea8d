WITH `t2` AS (
  SELECT DISTINCT
    `t0`.`period`,
    `t0`.`first_idx`,
    `t0`.`last_idx`
  FROM `ibis_pandas_memtable` AS `t0`
)
SELECT
  *
FROM (
  SELECT
    `t8`.`period`,
    `t18`.`value`
  FROM (
    SELECT
      `t3`.`period`
    FROM `t2` AS `t3`
  ) AS `t8`
  LEFT OUTER JOIN (
    SELECT
      `t16`.`period`,
      ieee_divide(`t16`.`net`, `t16`.`start`) AS `value`
    FROM (
      SELECT
        `t15`.`period`,
        CAST(SUM(`t15`.`start`) AS FLOAT64) AS `start`,
        CAST(SUM(`t15`.`end`) AS FLOAT64) AS `net`,
        CAST(SUM(IF(`t15`.`end` < `t15`.`start`, `t15`.`end`, `t15`.`start`)) AS FLOAT64) AS `gross`,
        CAST(COUNT(*) AS FLOAT64) AS `members`,
        CAST(SUM(CAST(`t15`.`end` > 0 AS INT64)) AS FLOAT64) AS `kept`
      FROM (
        SELECT
          `t14`.`period`,
          `t14`.`start`,
          COALESCE(`t10`.`end`, CAST(0 AS NUMERIC)) AS `end`
        FROM (
          SELECT
            `t12`.`period`,
            `t12`.`account_id`,
            `t12`.`last_idx`,
            `t12`.`mrr` AS `start`
          FROM (
            SELECT
              `t11`.`period`,
              `t11`.`first_idx`,
              `t11`.`last_idx`,
              `t11`.`s_idx`,
              `t5`.`account_id`,
              CAST(CAST(`t5`.`contract_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `contract_mrr`,
              CAST(CAST(`t5`.`billed_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `billed_mrr`,
              CAST(CAST(`t5`.`usage_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `usage_mrr`,
              CAST(CAST(`t5`.`mrr_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `mrr`
            FROM (
              SELECT
                `t1`.`account_id`,
                `t1`.`first_idx` AS `p_first`,
                `t1`.`last_idx` AS `p_last`,
                `t1`.`contract_cents`,
                `t1`.`billed_cents`,
                `t1`.`usage_cents`,
                `t1`.`mrr_cents`
              FROM `_revline_pieces` AS `t1`
              WHERE
                `t1`.`mrr_cents` > 0
            ) AS `t5`
            INNER JOIN (
              SELECT
                `t3`.`period`,
                `t3`.`first_idx`,
                `t3`.`last_idx`,
                `t3`.`first_idx` - 1 AS `s_idx`
              FROM `t2` AS `t3`
            ) AS `t11`
              ON `t5`.`p_first` <= `t11`.`s_idx` AND `t5`.`p_last` >= `t11`.`s_idx`
          ) AS `t12`
        ) AS `t14`
        LEFT OUTER JOIN (
          SELECT
            `t1`.`account_id` AS `e_account_id`,
            `t1`.`first_idx` AS `e_first`,
            `t1`.`last_idx` AS `e_last`,
            CAST(CAST(`t1`.`mrr_cents` AS NUMERIC) * CAST('0.01' AS NUMERIC) AS NUMERIC) AS `end`
          FROM `_revline_pieces` AS `t1`
          WHERE
            `t1`.`mrr_cents` > 0
        ) AS `t10`
          ON `t14`.`account_id` = `t10`.`e_account_id`
          AND `t10`.`e_first` <= `t14`.`last_idx`
          AND `t10`.`e_last` >= `t14`.`last_idx`
      ) AS `t15`
      GROUP BY
        1
    ) AS `t16`
  ) AS `t18`
    ON `t8`.`period` = `t18`.`period`
) AS `t19`
ORDER BY
  `t19`.`period` ASC NULLS LAST
