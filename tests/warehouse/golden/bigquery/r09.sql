SELECT
  e.device AS device,
  COUNT(DISTINCT (e.visitor_id, CAST(e.occurred_at AS DATE))) AS visits
FROM web_events AS e
WHERE
  (
    e.occurred_at >= CAST('2026-06-01 00:00:00' AS DATETIME)
    AND e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
  )
  AND (
    (
      e.occurred_at >= CAST('2026-06-01 00:00:00' AS DATETIME)
      AND e.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
    )
    AND NOT e.device IS NULL
  )
GROUP BY
  device
ORDER BY
  visits DESC,
  device NULLS LAST
