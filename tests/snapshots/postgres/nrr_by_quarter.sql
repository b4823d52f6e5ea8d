WITH "t3" AS (
  SELECT DISTINCT
    "t0"."period",
    "t0"."first_idx",
    "t0"."last_idx"
  FROM "ibis_pandas_memtable" AS "t0"
), "t11" AS (
  SELECT
    "t7"."account_id",
    "t7"."month_idx",
    SUM("t7"."contract_mrr") AS "contract_mrr",
    SUM("t7"."billed_mrr") AS "billed_mrr",
    SUM("t7"."usage_mrr") AS "usage_mrr"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t1"."account_id",
        "t1"."month_idx",
        "t1"."contract_mrr",
        "t1"."billed_mrr",
        CAST(0 AS DECIMAL(38, 2)) AS "usage_mrr"
      FROM "_revline_mrr" AS "t1"
    ) AS "t4"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t2"."account_id",
        "t2"."month_idx",
        CAST(0 AS DECIMAL(38, 2)) AS "contract_mrr",
        CAST(0 AS DECIMAL(38, 2)) AS "billed_mrr",
        "t2"."usage_mrr"
      FROM "_revline_usage" AS "t2"
    ) AS "t5"
  ) AS "t7"
  GROUP BY
    1,
    2
)
SELECT
  *
FROM (
  SELECT
    "t10"."period",
    "t20"."value"
  FROM (
    SELECT
      "t6"."period"
    FROM "t3" AS "t6"
  ) AS "t10"
  LEFT OUTER JOIN (
    SELECT
      "t18"."period",
      CAST("t18"."net" AS DOUBLE PRECISION) / "t18"."start" AS "value"
    FROM (
      SELECT
        "t17"."period",
        CAST(SUM("t17"."start") AS DOUBLE PRECISION) AS "start",
        CAST(SUM("t17"."end") AS DOUBLE PRECISION) AS "net",
        CAST(SUM(CASE WHEN "t17"."end" < "t17"."start" THEN "t17"."end" ELSE "t17"."start" END) AS DOUBLE PRECISION) AS "gross",
        CAST(COUNT(*) AS DOUBLE PRECISION) AS "members",
        CAST(SUM(CAST(CAST("t17"."end" > 0 AS INT) AS BIGINT)) AS DOUBLE PRECISION) AS "kept"
      FROM (
        SELECT
          "t8"."period",
          "t15"."mrr" AS "start",
          COALESCE("t16"."end", CAST(0 AS DECIMAL(38, 2))) AS "end"
        FROM (
          SELECT
            "t12"."account_id",
            "t12"."month_idx",
            "t12"."contract_mrr",
            "t12"."billed_mrr",
            "t12"."usage_mrr",
            "t12"."billed_mrr" AS "mrr"
          FROM "t11" AS "t12"
          WHERE
            "t12"."billed_mrr" > 0
        ) AS "t15"
        INNER JOIN "t3" AS "t8"
          ON "t15"."month_idx" = (
            "t8"."first_idx" - 1
          )
        LEFT OUTER JOIN (
          SELECT
            "t12"."account_id",
            "t12"."month_idx" AS "e_idx",
            "t12"."billed_mrr" AS "end"
          FROM "t11" AS "t12"
          WHERE
            "t12"."billed_mrr" > 0
        ) AS "t16"
          ON "t15"."account_id" = "t16"."account_id" AND "t8"."last_idx" = "t16"."e_idx"
      ) AS "t17"
      GROUP BY
        1
    ) AS "t18"
  ) AS "t20"
    ON "t10"."period" = "t20"."period"
) AS "t21"
ORDER BY
  "t21"."period" ASC
