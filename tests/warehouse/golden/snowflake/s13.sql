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
  c.email_subscribed
  AND NOT (
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
        TRUE AND NOT o.contact_id IS NULL
    )
  )
ORDER BY
  c.contact_id
