SELECT
  w.name AS workflow,
  COUNTIF(x.event_type = 'converted') AS conversions,
  COALESCE(SUM(IF(x.event_type = 'converted', x.value, NULL)), 0) AS attributed_revenue
FROM message_events AS x
LEFT JOIN workflows AS w
  ON w.workflow_id = x.workflow_id
WHERE
  (
    x.occurred_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
    AND x.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
    AND x.event_type = 'converted'
  )
  AND (
    (
      x.occurred_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
      AND x.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND x.event_type = 'converted'
    )
    AND NOT w.name IS NULL
  )
GROUP BY
  workflow
ORDER BY
  conversions DESC,
  workflow NULLS LAST
