WITH "t3" AS (
  SELECT DISTINCT
    "t0"."period",
    "t0"."first_idx",
    "t0"."last_idx"
  FROM "ibis_pandas_memtable" AS "t0"
)
SELECT
  *
FROM (
  SELECT
    "t9"."period",
    "t13"."value"
  FROM (
    SELECT
      "t5"."period"
    FROM "t3" AS "t5"
  ) AS "t9"
  LEFT OUTER JOIN (
    SELECT
      "t11"."period",
      CAST("t11"."net" AS DOUBLE PRECISION) / "t11"."start" AS "value"
    FROM (
      SELECT
        "t10"."period",
        CAST(SUM("t10"."start") AS DOUBLE PRECISION) AS "start",
        CAST(SUM("t10"."end") AS DOUBLE PRECISION) AS "net",
        CAST(SUM(CASE WHEN "t10"."end" < "t10"."start" THEN "t10"."end" ELSE "t10"."start" END) AS DOUBLE PRECISION) AS "gross",
        CAST(COUNT(*) AS DOUBLE PRECISION) AS "members",
        CAST(SUM(CAST(CAST("t10"."end" > 0 AS INT) AS BIGINT)) AS DOUBLE PRECISION) AS "kept"
      FROM (
        SELECT
          "t7"."period",
          "t2"."mrr" AS "start",
          COALESCE("t6"."end", CAST(0 AS DECIMAL(38, 2))) AS "end"
        FROM "_revline_cm" AS "t2"
        INNER JOIN "t3" AS "t7"
          ON "t2"."month_idx" = (
            "t7"."first_idx" - 1
          )
        LEFT OUTER JOIN (
          SELECT
            "t1"."account_id",
            "t1"."month_idx" AS "e_idx",
            "t1"."mrr" AS "end"
          FROM "_revline_cm" AS "t1"
        ) AS "t6"
          ON "t2"."account_id" = "t6"."account_id" AND "t7"."last_idx" = "t6"."e_idx"
      ) AS "t10"
      GROUP BY
        1
    ) AS "t11"
  ) AS "t13"
    ON "t9"."period" = "t13"."period"
) AS "t14"
ORDER BY
  "t14"."period" ASC
