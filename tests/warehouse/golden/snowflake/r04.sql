SELECT
  p.name AS product,
  COALESCE(SUM(l.quantity * l.unit_price), 0) AS revenue
FROM order_lines AS l
JOIN (
  SELECT
    *
  FROM orders
  WHERE
    status = 'completed'
    AND ordered_at < (
      CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
    )
) AS o
  ON o.order_id = l.order_id
LEFT JOIN products AS p
  ON p.product_id = l.product_id
WHERE
  (
    o.ordered_at >= CAST('2025-07-01 00:00:00' AS TIMESTAMPNTZ)
    AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
  )
  AND (
    (
      o.ordered_at >= CAST('2025-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
    )
    AND NOT p.name IS NULL
  )
GROUP BY
  p.name
ORDER BY
  revenue DESC NULLS LAST,
  product
LIMIT 5
