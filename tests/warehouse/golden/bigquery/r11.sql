SELECT
  p.category AS category,
  COALESCE(SUM(l.quantity * l.unit_price), 0) AS revenue
FROM order_lines AS l
JOIN (
  SELECT
    *
  FROM orders
  WHERE
    status = 'completed'
    AND ordered_at < (
      CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
    )
) AS o
  ON o.order_id = l.order_id
LEFT JOIN products AS p
  ON p.product_id = l.product_id
WHERE
  (
    o.ordered_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
    AND o.ordered_at < CAST('2026-04-01 00:00:00' AS DATETIME)
  )
  AND (
    (
      o.ordered_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
      AND o.ordered_at < CAST('2026-04-01 00:00:00' AS DATETIME)
    )
    AND NOT p.category IS NULL
  )
GROUP BY
  category
ORDER BY
  revenue DESC,
  category NULLS LAST
