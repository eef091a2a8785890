WITH a AS (
  SELECT
    CAST(per_contact.month_start AS DATE) AS month,
    COUNT(IFF(fo.first_at >= per_contact.month_start, per_contact.contact_id, NULL)) AS first_time_buyers,
    COUNT(IFF(fo.first_at < per_contact.month_start, per_contact.contact_id, NULL)) AS recurring_buyers
  FROM (
    SELECT
      DATE_TRUNC('MONTH', o.ordered_at) AS month_start,
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
      (
        o.ordered_at >= CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ)
        AND o.ordered_at < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
      )
      AND (
        (
          o.ordered_at >= CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ)
          AND o.ordered_at < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
        )
        AND NOT CAST(DATE_TRUNC('MONTH', o.ordered_at) AS DATE) IS NULL
      )
    GROUP BY
      DATE_TRUNC('MONTH', o.ordered_at),
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
          CAST(CAST('2026-06-30' AS DATE) AS DATE) + INTERVAL '1 DAY'
        )
    ) AS f
    WHERE
      f.ordered_at < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
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
    CAST(IFF(_u.pos = _u_2.pos_2, _u_2.month, NULL) AS DATE) AS month
  FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
    0,
    (
      GREATEST(
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
          )
        )
      ) - 1
    ) + 1
  ))) AS _u(seq, key, path, index, pos, this)
  CROSS JOIN TABLE(FLATTEN(INPUT => FILTER(
    TRANSFORM(
      ARRAY_GENERATE_RANGE(
        0,
        DATEDIFF(
          MONTH,
          CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ),
          CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
        ) + 1,
        1
      ),
      i -> DATEADD(MONTH, i, CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ))
    ),
    s -> s < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
  ))) AS _u_2(seq, key, path, pos_2, month, this)
  WHERE
    _u.pos = _u_2.pos_2
    OR (
      _u.pos > (
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
          )
        ) - 1
      )
      AND _u_2.pos_2 = (
        ARRAY_SIZE(
          FILTER(
            TRANSFORM(
              ARRAY_GENERATE_RANGE(
                0,
                DATEDIFF(
                  MONTH,
                  CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                1
              ),
              i -> DATEADD(MONTH, i, CAST('2025-01-01 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-01-01 00:00:00' AS TIMESTAMPNTZ)
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
  month
