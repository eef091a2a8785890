SELECT
  c.contact_id
FROM (
  SELECT
    *
  FROM contacts
  WHERE
    created_at IS NULL
    OR created_at < (
      CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
    )
) AS c
WHERE
  c.contact_id IN (
    SELECT
      o.contact_id
    FROM (
      SELECT
        *
      FROM orders
      WHERE
        status = 'completed'
        AND ordered_at < (
          CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
        )
    ) AS o
    JOIN order_lines AS l
      ON l.order_id = o.order_id
    JOIN products AS p
      ON p.product_id = l.product_id
    WHERE
      o.ordered_at >= CAST('2025-09-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND p.category = 'Football'
      AND p.subcategory = 'Boots'
      AND NOT o.contact_id IS NULL
  )
ORDER BY
  c.contact_id
