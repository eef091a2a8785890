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
  (
    2026 - EXTRACT(YEAR FROM c.birth_date) - CASE
      WHEN EXTRACT(MONTH FROM c.birth_date) * 100 + EXTRACT(DAY FROM c.birth_date) > 630
      THEN 1
      ELSE 0
    END
  ) BETWEEN 25 AND 35
ORDER BY
  c.contact_id NULLS LAST
