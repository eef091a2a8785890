SELECT
  c.contact_id
FROM (
  SELECT
    *
  FROM contacts
  WHERE
    created_at IS NULL
    OR created_at < (
      CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
    )
) AS c
WHERE
  c.contact_id IN (
    SELECT
      e.contact_id
    FROM web_events AS e
    WHERE
      e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND e.event_type = 'cart_abandoned'
      AND e.occurred_at >= CAST('2026-06-01 00:00:00' AS DATETIME)
      AND e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND NOT e.contact_id IS NULL
  )
ORDER BY
  c.contact_id NULLS LAST
