WITH a AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', e.occurred_at) AS DATE) AS month,
    COUNT_IF(e.event_type = 'cart_abandoned') / NULLIF(COUNT_IF(e.event_type = 'add_to_cart'), 0) AS cart_abandonment_rate
  FROM web_events AS e
  WHERE
    (
      e.occurred_at >= CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
      AND e.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND e.event_type IN ('cart_abandoned', 'add_to_cart')
    )
    AND (
      (
        e.occurred_at >= CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
        AND e.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        AND e.event_type IN ('cart_abandoned', 'add_to_cart')
      )
      AND NOT CAST(DATE_TRUNC('MONTH', e.occurred_at) AS DATE) IS NULL
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', e.occurred_at) AS DATE)
)
SELECT
  b.month,
  a.cart_abandonment_rate AS cart_abandonment_rate
FROM (
  SELECT
    CAST(IFF(_u.pos = _u_2.pos_2, _u_2.month, NULL) AS DATE) AS month
  FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
    0,
    (
      GREATEST(
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
          )
        )
      ) - 1
    ) + 1
  ))) AS _u(seq, key, path, index, pos, this)
  CROSS JOIN TABLE(FLATTEN(INPUT => FILTER(
    TRANSFORM(
      ARRAY_GENERATE_RANGE(
        0,
        DATEDIFF(
          MONTH,
          CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ),
          CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        ) + 1,
        1
      ),
      i -> DATEADD(MONTH, i, CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ))
    ),
    s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
  ))) AS _u_2(seq, key, path, pos_2, month, this)
  WHERE
    _u.pos = _u_2.pos_2
    OR (
      _u.pos > (
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
          )
        ) - 1
      )
      AND _u_2.pos_2 = (
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
          )
        ) - 1
      )
    )
) AS b
LEFT JOIN a AS a
  ON (
    a.month = b.month
  )
ORDER BY
  month
