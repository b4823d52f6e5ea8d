SELECT
  "t2"."account_id",
  "t2"."month_idx",
  "t2"."contract_mrr",
  "t2"."billed_mrr",
  "t2"."usage_mrr",
  "t2"."mrr"
FROM (
  SELECT
    "t1"."account_id",
    "t1"."first_idx",
    "t1"."last_idx",
    "t1"."contract_mrr",
    "t1"."billed_mrr",
    "t1"."usage_mrr",
    "t1"."mrr",
    UNNEST(
      CASE
        WHEN NULLIF(1, 0) IS NOT NULL
        AND SIGN(1) = SIGN((
          "t1"."last_idx" + 1
        ) - "t1"."first_idx")
        THEN ARRAY_REMOVE(
          ARRAY(SELECT
            *
          FROM GENERATE_SERIES("t1"."first_idx", "t1"."last_idx" + 1, 1)),
          "t1"."last_idx" + 1
        )
        ELSE CAST(ARRAY[] AS BIGINT[])
      END
    ) AS "month_idx"
  FROM (
    SELECT
      "t0"."account_id",
      "t0"."first_idx",
      "t0"."last_idx",
      CAST(CAST("t0"."contract_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "contract_mrr",
      CAST(CAST("t0"."billed_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "billed_mrr",
      CAST(CAST("t0"."usage_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "usage_mrr",
      CAST(CAST("t0"."mrr_cents" AS DECIMAL(18, 0)) * CAST('0.01' AS DECIMAL(18, 2)) AS DECIMAL(38, 2)) AS "mrr"
    FROM "_revline_pieces" AS "t0"
    WHERE
      "t0"."mrr_cents" > 0
  ) AS "t1"
) AS "t2"
