SELECT
  w.name AS workflow,
  COUNT_IF(x.event_type = 'opened') / NULLIF(COUNT_IF(x.event_type = 'sent'), 0) AS open_rate
FROM message_events AS x
LEFT JOIN workflows AS w
  ON w.workflow_id = x.workflow_id
WHERE
  (
    x.occurred_at >= CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ)
    AND x.occurred_at < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
    AND x.event_type IN ('opened', 'sent')
    AND x.channel = 'email'
  )
  AND (
    (
      x.occurred_at >= CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ)
      AND x.occurred_at < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
      AND x.event_type IN ('opened', 'sent')
      AND x.channel = 'email'
    )
    AND NOT w.name IS NULL
  )
GROUP BY
  w.name
ORDER BY
  open_rate DESC NULLS LAST,
  workflow
