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
    c.city = 'Lisboa' OR c.country = 'MX'
  )
  AND NOT COALESCE(c.ads_consent, FALSE)
ORDER BY
  c.contact_id NULLS LAST
