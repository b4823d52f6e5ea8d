SELECT
  "t16"."currency",
  "t16"."month_idx",
  IFF("t16"."currency" = 'USD', CAST('1.0000' AS DECIMAL(22, 4)), "t16"."rate_mul") AS "rate_mul",
  IFF("t16"."currency" = 'USD', CAST('1.0000' AS DECIMAL(22, 4)), "t16"."rate_div") AS "rate_div"
FROM (
  SELECT
    "t15"."currency",
    "t15"."month_idx",
    "t15"."snapshot_day",
    "t15"."currency_right",
    "t15"."rate_date",
    "t15"."rate_mul",
    "t15"."rate_div",
    "t15"."preference",
    ROW_NUMBER() OVER (
      PARTITION BY "t15"."currency", "t15"."month_idx"
      ORDER BY "t15"."rate_date" DESC NULLS LAST, "t15"."preference" ASC, "t15"."rate_mul" ASC, "t15"."rate_div" ASC
    ) - 1 AS "rank"
  FROM (
    SELECT
      "t12"."currency",
      "t14"."month_idx",
      "t14"."snapshot_day",
      "t10"."currency" AS "currency_right",
      "t10"."rate_date",
      "t10"."rate_mul",
      "t10"."rate_div",
      "t10"."preference"
    FROM (
      SELECT DISTINCT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            CAST("t0"."currency" AS VARCHAR) AS "currency"
          FROM "subscriptions" AS "t0"
        ) AS "t3"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            CAST("t1"."currency" AS VARCHAR) AS "currency"
          FROM "invoices" AS "t1"
        ) AS "t4"
      ) AS "t8"
    ) AS "t12"
    CROSS JOIN (
      SELECT
        CAST("t7"."month_idx" AS BIGINT) AS "month_idx",
        DATEADD(
          MONTH,
          '1',
          DATE_FROM_PARTS(
            CAST(CAST(FLOOR((
              CAST("t7"."month_idx" AS BIGINT)
            ) / (
              12
            )) AS BIGINT) AS INT),
            CAST((
              CAST("t7"."month_idx" AS BIGINT) % 12
            ) + 1 AS INT),
            1
          )
        ) AS "snapshot_day"
      FROM (
        SELECT
          CAST(NULLIF(IFF(_u.pos = _u_2.pos_2, _u_2."month_idx", NULL), '') AS SMALLINT) AS "month_idx"
        FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
          0,
          (
            GREATEST(
              ARRAY_SIZE(
                SPLIT(
                  ARRAY_TO_STRING(
                    NULLIF(IFF(1 <> 0, ARRAY_GENERATE_RANGE(24300, 24306, 1), []), []),
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
            NULLIF(IFF(1 <> 0, ARRAY_GENERATE_RANGE(24300, 24306, 1), []), []),
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
                    NULLIF(IFF(1 <> 0, ARRAY_GENERATE_RANGE(24300, 24306, 1), []), []),
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
                    NULLIF(IFF(1 <> 0, ARRAY_GENERATE_RANGE(24300, 24306, 1), []), []),
                    'separator'
                  ),
                  'separator'
                )
              ) - 1
            )
          )
      ) AS "t7"
    ) AS "t14"
    LEFT OUTER JOIN (
      SELECT
        *
      FROM (
        SELECT
          CAST("t2"."base_currency" AS VARCHAR) AS "currency",
          CAST("t2"."rate_date" AS DATE) AS "rate_date",
          CAST("t2"."rate" AS DECIMAL(22, 4)) AS "rate_mul",
          CAST('1.0000' AS DECIMAL(22, 4)) AS "rate_div",
          0 AS "preference"
        FROM "fx_rates" AS "t2"
        WHERE
          "t2"."rate" > 0 AND "t2"."quote_currency" = 'USD'
      ) AS "t5"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          CAST("t2"."quote_currency" AS VARCHAR) AS "currency",
          CAST("t2"."rate_date" AS DATE) AS "rate_date",
          CAST('1.0000' AS DECIMAL(22, 4)) AS "rate_mul",
          CAST("t2"."rate" AS DECIMAL(22, 4)) AS "rate_div",
          1 AS "preference"
        FROM "fx_rates" AS "t2"
        WHERE
          "t2"."rate" > 0 AND "t2"."base_currency" = 'USD'
      ) AS "t6"
    ) AS "t10"
      ON "t12"."currency" = "t10"."currency" AND "t10"."rate_date" < "t14"."snapshot_day"
  ) AS "t15"
) AS "t16"
WHERE
  "t16"."rank" = 0
