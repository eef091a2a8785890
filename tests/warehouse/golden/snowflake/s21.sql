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
    WHERE
      o.ordered_at >= CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.channel = 'online'
      AND o.card_brand = 'amex'
      AND NOT o.contact_id IS NULL
  )
ORDER BY
  c.contact_id
