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
    c.contact_id IN (
      SELECT
        m.contact_id
      FROM (
        SELECT
          c.contact_id,
          CASE
            WHEN c.birth_date IS NULL
            THEN NULL
            ELSE CAST(EXTRACT(YEAR FROM CAST(CAST('2026-06-30' AS DATE) AS DATE)) - EXTRACT(YEAR FROM c.birth_date) - CASE
              WHEN EXTRACT(MONTH FROM CAST(CAST('2026-06-30' AS DATE) AS DATE)) * 100 + EXTRACT(DAY FROM CAST(CAST('2026-06-30' AS DATE) AS DATE)) < EXTRACT(MONTH FROM c.birth_date) * 100 + EXTRACT(DAY FROM c.birth_date)
              THEN 1
              ELSE 0
            END AS INT64)
          END AS age,
          o.first_order_at,
          o.last_order_at,
          o.orders_count,
          o.total_spent,
          CAST(o.total_spent AS FLOAT64) / o.orders_count AS avg_order_value,
          CAST(DATE_DIFF(CAST(CAST('2026-06-30' AS DATE) AS DATE), CAST(o.last_order_at AS DATE), DAY) AS INT64) AS days_since_last_order
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
        LEFT JOIN (
          SELECT
            contact_id,
            MIN(ordered_at) AS first_order_at,
            MAX(ordered_at) AS last_order_at,
            COUNT(*) AS orders_count,
            SUM(total_amount) AS total_spent
          FROM (
            SELECT
              *
            FROM orders
            WHERE
              status = 'completed'
              AND ordered_at < (
                CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1' DAY
              )
          ) AS completed_orders
          GROUP BY
            contact_id
        ) AS o
          ON o.contact_id = c.contact_id
      ) AS m
      WHERE
        m.first_order_at >= CAST('2026-01-01 00:00:00' AS DATETIME)
        AND m.first_order_at < CAST('2026-04-01 00:00:00' AS DATETIME)
        AND NOT m.contact_id IS NULL
    )
  ORDER BY
    c.contact_id NULLS LAST
) AS segment
