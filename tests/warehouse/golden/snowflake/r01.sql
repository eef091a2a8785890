WITH a AS (
  SELECT
    CAST(DATEADD(DAY, 1 - DAYOFWEEKISO(x.occurred_at), DATE_TRUNC('DAY', x.occurred_at)) AS DATE) AS week,
    w.name AS workflow,
    COUNT_IF(x.event_type = 'sent') AS sends,
    COUNT_IF(x.event_type = 'opened') AS opens,
    COUNT_IF(x.event_type = 'clicked') AS clicks,
    COUNT_IF(x.event_type = 'opened') / NULLIF(COUNT_IF(x.event_type = 'sent'), 0) AS open_rate
  FROM message_events AS x
  LEFT JOIN workflows AS w
    ON w.workflow_id = x.workflow_id
  WHERE
    (
      x.occurred_at >= CAST('2026-03-01 00:00:00' AS TIMESTAMPNTZ)
      AND x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
      AND x.event_type IN ('sent', 'opened', 'clicked')
      AND x.channel = 'email'
    )
    AND (
      (
        x.occurred_at >= CAST('2026-03-01 00:00:00' AS TIMESTAMPNTZ)
        AND x.occurred_at < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        AND x.event_type IN ('sent', 'opened', 'clicked')
        AND x.channel = 'email'
      )
      AND NOT CAST(DATEADD(DAY, 1 - DAYOFWEEKISO(x.occurred_at), DATE_TRUNC('DAY', x.occurred_at)) AS DATE) IS NULL
      AND NOT w.name IS NULL
    )
  GROUP BY
    CAST(DATEADD(DAY, 1 - DAYOFWEEKISO(x.occurred_at), DATE_TRUNC('DAY', x.occurred_at)) AS DATE),
    w.name
)
SELECT
  b.week,
  v.workflow,
  COALESCE(a.sends, 0) AS sends,
  COALESCE(a.opens, 0) AS opens,
  COALESCE(a.clicks, 0) AS clicks,
  a.open_rate AS open_rate
FROM (
  SELECT
    CAST(IFF(_u.pos = _u_2.pos_2, _u_2.week, NULL) AS DATE) AS week
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
                  DAY,
                  CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                7
              ),
              i -> DATEADD(DAY, i, CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
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
          DAY,
          CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ),
          CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
        ) + 1,
        7
      ),
      i -> DATEADD(DAY, i, CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ))
    ),
    s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
  ))) AS _u_2(seq, key, path, pos_2, week, this)
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
                  DAY,
                  CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                7
              ),
              i -> DATEADD(DAY, i, CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
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
                  DAY,
                  CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ),
                  CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
                ) + 1,
                7
              ),
              i -> DATEADD(DAY, i, CAST('2026-02-23 00:00:00' AS TIMESTAMPNTZ))
            ),
            s -> s < CAST('2026-07-01 00:00:00' AS TIMESTAMPNTZ)
          )
        ) - 1
      )
    )
) AS b
CROSS JOIN (
  SELECT DISTINCT
    workflow
  FROM a AS a
) AS v
LEFT JOIN a AS a
  ON (
    a.week = b.week AND a.workflow = v.workflow
  )
ORDER BY
  week,
  workflow
