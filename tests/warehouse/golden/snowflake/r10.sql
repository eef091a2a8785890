SELECT
  COUNT(DISTINCT IFF(NOT e.contact_id IS NULL, e.visitor_id, NULL)) AS known_visitors,
  COUNT(DISTINCT IFF(e.contact_id IS NULL, e.visitor_id, NULL)) AS anonymous_visitors
FROM web_events AS e
WHERE
  e.occurred_at >= CAST('2026-06-01 00:00:00' AS TIMESTAMPNTZ)
  AND e.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
