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
      x.contact_id
    FROM message_events AS x
    JOIN workflows AS w
      ON w.workflow_id = x.workflow_id
    WHERE
      x.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND x.event_type = 'opened'
      AND x.channel = 'email'
      AND w.name = 'Welcome series'
      AND NOT x.contact_id IS NULL
  )
ORDER BY
  c.contact_id NULLS LAST
