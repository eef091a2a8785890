SELECT
  o.payment_method AS payment_method,
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
  (
    o.ordered_at >= CAST('2026-05-01 00:00:00' AS DATETIME)
    AND o.ordered_at < CAST('2026-06-01 00:00:00' AS DATETIME)
  )
  AND (
    (
      o.ordered_at >= CAST('2026-05-01 00:00:00' AS DATETIME)
      AND o.ordered_at < CAST('2026-06-01 00:00:00' AS DATETIME)
    )
    AND NOT o.payment_method IS NULL
  )
GROUP BY
  payment_method
ORDER BY
  orders DESC,
  payment_method NULLS LAST
