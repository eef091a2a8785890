SELECT
  COUNT(*) AS orders
FROM (
  SELECT
    *
  FROM orders
  WHERE
    status = 'completed'
    AND ordered_at < (
      CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
    )
) AS o
WHERE
  o.ordered_at >= CAST('2026-05-01 00:00:00' AS DATETIME)
  AND o.ordered_at < CAST('2026-06-01 00:00:00' AS DATETIME)
