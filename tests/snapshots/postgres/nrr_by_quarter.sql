WITH "t2" AS (
  SELECT DISTINCT
    "t0"."period",
    "t0"."first_idx",
    "t0"."last_idx"
  FROM "ibis_pandas_memtable" AS "t0"
), "t8" AS (
  SELECT
    "t4"."account_id",
    "t4"."first_idx",
    "t4"."last_idx",
    "t4"."contract_mrr",
    "t4"."billed_mrr",
    "t4"."usage_mrr",
    "t4"."mrr",
    "t4"."prev_mrr",
    "t4"."movement",
    "t4"."amount",
    UNNEST(
      CASE
        WHEN NULLIF(1, 0) IS NOT NULL
        AND SIGN(1) = SIGN((
          "t4"."last_idx" + 1
        ) - "t4"."first_idx")
        THEN ARRAY_REMOVE(
          ARRAY(SELECT
            *
          FROM GENERATE_SERIES("t4"."first_idx", "t4"."last_idx" + 1, 1)),
          "t4"."last_idx" + 1
        )
        ELSE CAST(ARRAY[] AS BIGINT[])
      END
    ) AS "month_idx"
  FROM (
    SELECT
      *
    FROM "_revline_pieces" AS "t1"
    WHERE
      "t1"."mrr" > 0
  ) AS "t4"
)
SELECT
  *
FROM (
  SELECT
    "t7"."period",
    "t17"."value"
  FROM (
    SELECT
      "t3"."period"
    FROM "t2" AS "t3"
  ) AS "t7"
  LEFT OUTER JOIN (
    SELECT
      "t15"."period",
      CAST("t15"."net" AS DOUBLE PRECISION) / "t15"."start" AS "value"
    FROM (
      SELECT
        "t14"."period",
        CAST(SUM("t14"."start") AS DOUBLE PRECISION) AS "start",
        CAST(SUM("t14"."end") AS DOUBLE PRECISION) AS "net",
        CAST(SUM(CASE WHEN "t14"."end" < "t14"."start" THEN "t14"."end" ELSE "t14"."start" END) AS DOUBLE PRECISION) AS "gross",
        CAST(COUNT(*) AS DOUBLE PRECISION) AS "members",
        CAST(SUM(CAST(CAST("t14"."end" > 0 AS INT) AS BIGINT)) AS DOUBLE PRECISION) AS "kept"
      FROM (
        SELECT
          "t5"."period",
          "t12"."mrr" AS "start",
          COALESCE("t13"."end", CAST(0 AS DECIMAL(38, 2))) AS "end"
        FROM (
          SELECT
            "t9"."account_id",
            "t9"."month_idx",
            "t9"."contract_mrr",
            "t9"."billed_mrr",
            "t9"."usage_mrr",
            "t9"."mrr"
          FROM "t8" AS "t9"
        ) AS "t12"
        INNER JOIN "t2" AS "t5"
          ON "t12"."month_idx" = (
            "t5"."first_idx" - 1
          )
        LEFT OUTER JOIN (
          SELECT
            "t9"."account_id",
            "t9"."month_idx" AS "e_idx",
            "t9"."mrr" AS "end"
          FROM "t8" AS "t9"
        ) AS "t13"
          ON "t12"."account_id" = "t13"."account_id" AND "t5"."last_idx" = "t13"."e_idx"
      ) AS "t14"
      GROUP BY
        1
    ) AS "t15"
  ) AS "t17"
    ON "t7"."period" = "t17"."period"
) AS "t18"
ORDER BY
  "t18"."period" ASC
