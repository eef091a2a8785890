WITH a AS (
  SELECT
    CAST(per_contact.month_start AS DATE) AS month,
    COUNT(IF(fo.first_at >= per_contact.month_start, per_contact.contact_id, NULL)) AS first_time_buyers,
    COUNT(IF(fo.first_at < per_contact.month_start, per_contact.contact_id, NULL)) AS recurring_buyers
  FROM (
    SELECT
      DATETIME_TRUNC(o.ordered_at, MONTH) AS month_start,
      o.contact_id
    FROM (
      SELECT
        *
      FROM orders
      WHERE
        status = 'completed'
        AND ordered_at < (
          CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
        )
    ) AS o
    WHERE
      (
        o.ordered_at >= CAST('2025-01-01 00:00:00' AS DATETIME)
        AND o.ordered_at < CAST('2026-01-01 00:00:00' AS DATETIME)
      )
      AND (
        (
          o.ordered_at >= CAST('2025-01-01 00:00:00' AS DATETIME)
          AND o.ordered_at < CAST('2026-01-01 00:00:00' AS DATETIME)
        )
        AND NOT CAST(DATETIME_TRUNC(o.ordered_at, MONTH) AS DATE) IS NULL
      )
    GROUP BY
      DATETIME_TRUNC(o.ordered_at, MONTH),
      o.contact_id
  ) AS per_contact
  LEFT JOIN (
    SELECT
      f.contact_id,
      MIN(f.ordered_at) AS first_at
    FROM (
      SELECT
        *
      FROM orders
      WHERE
        status = 'completed'
        AND ordered_at < (
          CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
        )
    ) AS f
    WHERE
      f.ordered_at < CAST('2026-01-01 00:00:00' AS DATETIME)
    GROUP BY
      f.contact_id
  ) AS fo
    ON fo.contact_id = per_contact.contact_id
  GROUP BY
    CAST(per_contact.month_start AS DATE)
)
SELECT
  b.month,
  COALESCE(a.first_time_buyers, 0) AS first_time_buyers,
  COALESCE(a.recurring_buyers, 0) AS recurring_buyers
FROM (
  SELECT
    CAST(IF(pos = pos_2, month, NULL) AS DATE) AS month
  FROM UNNEST(GENERATE_ARRAY(
    0,
    GREATEST(
      ARRAY_LENGTH(
        GENERATE_DATE_ARRAY(
          CAST(CAST('2025-01-01 00:00:00' AS DATETIME) AS DATE),
          DATE_SUB(CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
          INTERVAL '1' MONTH
        )
      )
    ) - 1
  )) AS pos
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    CAST(CAST('2025-01-01 00:00:00' AS DATETIME) AS DATE),
    DATE_SUB(CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
    INTERVAL '1' MONTH
  )) AS month WITH OFFSET AS pos_2
  WHERE
    pos = pos_2
    OR (
      pos > (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2025-01-01 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '1' MONTH
          )
        ) - 1
      )
      AND pos_2 = (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2025-01-01 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-01-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '1' MONTH
          )
        ) - 1
      )
    )
) AS b
LEFT JOIN a AS a
  ON (
    a.month = b.month
  )
ORDER BY
  month NULLS LAST
