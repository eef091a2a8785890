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
      ls.contact_id
    FROM (
      WITH months AS (
        SELECT
          e.contact_id,
          DATE_TRUNC('MONTH', e.occurred_at) AS month_start,
          COUNT_IF(e.event_type = 'product_view') AS views,
          COUNT(DISTINCT CAST(e.occurred_at AS DATE)) AS active_days
        FROM web_events AS e
        WHERE
          NOT e.contact_id IS NULL
          AND e.occurred_at >= (
            (
              CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
            ) - INTERVAL '365 DAY'
          )
          AND e.occurred_at < (
            CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
          )
        GROUP BY
          e.contact_id,
          month_start
      ), web AS (
        SELECT
          contact_id,
          SUM(views) AS views,
          COUNT_IF(active_days >= 3) AS active_months
        FROM months
        GROUP BY
          contact_id
      ), opens AS (
        SELECT
          m.contact_id,
          COUNT(*) AS opens
        FROM message_events AS m
        WHERE
          m.channel = 'email'
          AND m.event_type = 'opened'
          AND m.occurred_at >= (
            (
              CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
            ) - INTERVAL '365 DAY'
          )
          AND m.occurred_at < (
            CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
          )
        GROUP BY
          m.contact_id
      ), bought AS (
        SELECT
          o.contact_id,
          COUNT_IF(
            o.ordered_at >= (
              (
                CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
              ) - INTERVAL '365 DAY'
            )
          ) AS orders,
          MAX(o.ordered_at) AS last_order_at
        FROM (
          SELECT
            *
          FROM orders
          WHERE
            status = 'completed'
            AND ordered_at < (
              CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
            )
        ) AS o
        GROUP BY
          o.contact_id
      )
      SELECT
        c.contact_id,
        CAST(5 * COALESCE(web.views, 0) + 3 * COALESCE(opens.opens, 0) + 25 * COALESCE(bought.orders, 0) + 5 * COALESCE(web.active_months, 0) + CASE
          WHEN bought.last_order_at < (
            (
              CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
            ) - INTERVAL '180 DAY'
          )
          THEN -50
          ELSE 0
        END AS INT) AS lead_score
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
      LEFT JOIN web
        ON web.contact_id = c.contact_id
      LEFT JOIN opens
        ON opens.contact_id = c.contact_id
      LEFT JOIN bought
        ON bought.contact_id = c.contact_id
    ) AS ls
    WHERE
      ls.lead_score >= 30 AND NOT ls.contact_id IS NULL
  )
  AND NOT (
    c.contact_id IN (
      SELECT
        o.contact_id
      FROM (
        SELECT
          *
        FROM orders
        WHERE
          status = 'completed'
          AND ordered_at < (
            CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
          )
      ) AS o
      WHERE
        TRUE AND NOT o.contact_id IS NULL
    )
  )
ORDER BY
  c.contact_id
