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
  c.contact_id IN (
    SELECT
      m.contact_id
    FROM (
      SELECT
        c.contact_id,
        CASE
          WHEN c.birth_date IS NULL
          THEN NULL
          ELSE CAST(YEAR(CAST(CAST('2026-06-30' AS DATE) AS DATE)) - YEAR(c.birth_date) - CASE
            WHEN MONTH(CAST(CAST('2026-06-30' AS DATE) AS DATE)) * 100 + DAY(CAST(CAST('2026-06-30' AS DATE) AS DATE)) < MONTH(c.birth_date) * 100 + DAY(c.birth_date)
            THEN 1
            ELSE 0
          END AS INT)
        END AS age,
        o.first_order_at,
        o.last_order_at,
        o.orders_count,
        o.total_spent,
        CAST(o.total_spent AS DOUBLE) / o.orders_count AS avg_order_value,
        CAST(DATEDIFF(DAY, CAST(o.last_order_at AS DATE), CAST(CAST('2026-06-30' AS DATE) AS DATE)) AS INT) AS days_since_last_order
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
              CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
            )
        ) AS completed_orders
        GROUP BY
          contact_id
      ) AS o
        ON o.contact_id = c.contact_id
    ) AS m
    WHERE
      m.avg_order_value > 200 AND NOT m.contact_id IS NULL
  )
ORDER BY
  c.contact_id
