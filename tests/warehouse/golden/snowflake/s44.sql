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
  c.gender = 'male'
  AND (
    2026 - YEAR(c.birth_date) - CASE WHEN MONTH(c.birth_date) * 100 + DAY(c.birth_date) > 630 THEN 1 ELSE 0 END
  ) > 30
  AND c.contact_id IN (
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
    JOIN order_lines AS l
      ON l.order_id = o.order_id
    JOIN products AS p
      ON p.product_id = l.product_id
    WHERE
      o.ordered_at >= CAST('2025-09-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND p.category = 'Football'
      AND p.subcategory = 'Boots'
      AND NOT o.contact_id IS NULL
  )
  AND c.contact_id IN (
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
      o.ordered_at >= CAST('2025-09-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.payment_method = 'credit_card'
      AND NOT o.contact_id IS NULL
  )
  AND c.contact_id IN (
    SELECT
      r.contact_id
    FROM (
      WITH per AS (
        SELECT
          o.contact_id,
          CAST(MAX(o.ordered_at) AS DATE) AS recency_date,
          COUNT(*) AS frequency,
          SUM(o.total_amount) AS monetary
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
      ), pop AS (
        SELECT
          per.*
        FROM per
        WHERE
          EXISTS(
            SELECT
              1
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
              c.contact_id = per.contact_id
          )
      ), scored AS (
        SELECT
          contact_id,
          recency_date,
          frequency,
          monetary,
          CAST(1 + FLOOR(5 * (
            RANK() OVER (ORDER BY recency_date) - 1
          ) / COUNT(*) OVER ()) AS INT) AS r_score,
          CAST(1 + FLOOR(5 * (
            RANK() OVER (ORDER BY frequency) - 1
          ) / COUNT(*) OVER ()) AS INT) AS f_score,
          CAST(1 + FLOOR(5 * (
            RANK() OVER (ORDER BY monetary) - 1
          ) / COUNT(*) OVER ()) AS INT) AS m_score
        FROM pop
      )
      SELECT
        contact_id,
        recency_date,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_cell,
        (
          CASE
            WHEN 100 * r_score + 10 * f_score + m_score IN (445, 454, 455, 544, 545, 554, 555)
            THEN 'Champions'
            WHEN 100 * r_score + 10 * f_score + m_score IN (335, 344, 345, 354, 355, 435, 444, 543)
            THEN 'Loyal'
            WHEN 100 * r_score + 10 * f_score + m_score IN (
              323,
              333,
              341,
              342,
              351,
              352,
              353,
              423,
              431,
              432,
              433,
              441,
              442,
              451,
              452,
              453,
              531,
              532,
              533,
              541,
              542,
              551,
              552,
              553
            )
            THEN 'Potential Loyalist'
            WHEN 100 * r_score + 10 * f_score + m_score IN (311, 411, 412, 421, 422, 511, 512)
            THEN 'New Customers'
            WHEN 100 * r_score + 10 * f_score + m_score IN (313, 314, 315, 413, 414, 415, 424, 425, 513, 514, 515, 521, 522, 523, 524, 525)
            THEN 'Promising'
            WHEN 100 * r_score + 10 * f_score + m_score IN (324, 325, 334, 343, 434, 443, 534, 535)
            THEN 'Need Attention'
            WHEN 100 * r_score + 10 * f_score + m_score IN (213, 221, 231, 241, 251, 312, 321, 331)
            THEN 'About To Sleep'
            WHEN 100 * r_score + 10 * f_score + m_score IN (
              124,
              125,
              133,
              134,
              135,
              142,
              143,
              145,
              152,
              153,
              224,
              225,
              234,
              235,
              242,
              243,
              244,
              245,
              252,
              253,
              254,
              255
            )
            THEN 'At Risk'
            WHEN 100 * r_score + 10 * f_score + m_score IN (113, 114, 115, 144, 154, 155, 214, 215)
            THEN 'Can\'t Lose Them'
            WHEN 100 * r_score + 10 * f_score + m_score IN (122, 123, 132, 211, 212, 222, 223, 232, 233, 322, 332)
            THEN 'Hibernating'
            WHEN 100 * r_score + 10 * f_score + m_score IN (111, 112, 121, 131, 141, 151)
            THEN 'Lost'
          END
        ) AS rfm_segment
      FROM scored
    ) AS r
    WHERE
      r.r_score = 5 AND r.f_score = 5 AND r.m_score = 5 AND NOT r.contact_id IS NULL
  )
  AND c.contact_id IN (
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
      o.ordered_at >= CAST('2025-09-01 00:00:00' AS TIMESTAMPNTZ)
      AND o.ordered_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND NOT o.contact_id IS NULL
    GROUP BY
      o.contact_id
    HAVING
      COALESCE(SUM(o.total_amount), 0) > 300
  )
ORDER BY
  c.contact_id
