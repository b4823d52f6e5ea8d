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
    CAST(NULLIF(IFF(_u.pos = _u_2.pos_2, _u_2."month_idx", NULL), '') AS BIGINT) AS "month_idx"
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
  CROSS JOIN TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
    0,
    (
      GREATEST(
        ARRAY_SIZE(
          SPLIT(
            ARRAY_TO_STRING(
              NULLIF(
                IFF(1 <> 0, ARRAY_GENERATE_RANGE("t1"."first_idx", "t1"."last_idx" + 1, 1), []),
                []
              ),
              'separator'
            ),
            'separator'
          )
        )
      ) - 1
    ) + 1
  ))) AS _u(seq, key, path, index, pos, this)
  CROSS JOIN TABLE(FLATTEN(INPUT => SPLIT(
    ARRAY_TO_STRING(
      NULLIF(
        IFF(1 <> 0, ARRAY_GENERATE_RANGE("t1"."first_idx", "t1"."last_idx" + 1, 1), []),
        []
      ),
      'separator'
    ),
    'separator'
  ))) AS _u_2(seq, key, path, pos_2, "month_idx", this)
  WHERE
    _u.pos = _u_2.pos_2
    OR (
      _u.pos > (
        ARRAY_SIZE(
          SPLIT(
            ARRAY_TO_STRING(
              NULLIF(
                IFF(1 <> 0, ARRAY_GENERATE_RANGE("t1"."first_idx", "t1"."last_idx" + 1, 1), []),
                []
              ),
              'separator'
            ),
            'separator'
          )
        ) - 1
      )
      AND _u_2.pos_2 = (
        ARRAY_SIZE(
          SPLIT(
            ARRAY_TO_STRING(
              NULLIF(
                IFF(1 <> 0, ARRAY_GENERATE_RANGE("t1"."first_idx", "t1"."last_idx" + 1, 1), []),
                []
              ),
              'separator'
            ),
            'separator'
          )
        ) - 1
      )
    )
) AS "t2"
