WITH a AS (
  SELECT
    CAST(DATETIME_TRUNC(e.occurred_at, MONTH) AS DATE) AS month,
    COUNTIF(e.event_type = 'cart_abandoned') / NULLIF(COUNTIF(e.event_type = 'add_to_cart'), 0) AS cart_abandonment_rate
  FROM web_events AS e
  WHERE
    (
      e.occurred_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
      AND e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND e.event_type IN ('cart_abandoned', 'add_to_cart')
    )
    AND (
      (
        e.occurred_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
        AND e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
        AND e.event_type IN ('cart_abandoned', 'add_to_cart')
      )
      AND NOT CAST(DATETIME_TRUNC(e.occurred_at, MONTH) AS DATE) IS NULL
    )
  GROUP BY
    CAST(DATETIME_TRUNC(e.occurred_at, MONTH) AS DATE)
)
SELECT
  b.month,
  a.cart_abandonment_rate AS cart_abandonment_rate
FROM (
  SELECT
    CAST(IF(pos = pos_2, month, NULL) AS DATE) AS month
  FROM UNNEST(GENERATE_ARRAY(
    0,
    GREATEST(
      ARRAY_LENGTH(
        GENERATE_DATE_ARRAY(
          CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE),
          DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
          INTERVAL '1' MONTH
        )
      )
    ) - 1
  )) AS pos
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE),
    DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
    INTERVAL '1' MONTH
  )) AS month WITH OFFSET AS pos_2
  WHERE
    pos = pos_2
    OR (
      pos > (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '1' MONTH
          )
        ) - 1
      )
      AND pos_2 = (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '1' MONTH
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
  month NULLS LAST
