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
  AND c.contact_id IN (
    SELECT
      x.contact_id
    FROM message_events AS x
    WHERE
      x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND x.event_type = 'sent'
      AND x.channel = 'email'
      AND x.occurred_at >= CAST('2026-04-02 00:00:00' AS TIMESTAMPNTZ)
      AND x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND NOT x.contact_id IS NULL
  )
  AND NOT (
    c.contact_id IN (
      SELECT
        x.contact_id
      FROM message_events AS x
      WHERE
        x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        AND x.event_type = 'opened'
        AND x.channel = 'email'
        AND x.occurred_at >= CAST('2026-04-02 00:00:00' AS TIMESTAMPNTZ)
        AND x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        AND NOT x.contact_id IS NULL
    )
  )
ORDER BY
  c.contact_id
