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
  STARTSWITH(c.postal_code, '46') OR STARTSWITH(c.postal_code, '03')
ORDER BY
  c.contact_id
