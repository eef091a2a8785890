SELECT
  COUNT(*) AS contacts
FROM (
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
    c.email_subscribed IS TRUE
  ORDER BY
    c.contact_id NULLS LAST
) AS segment
