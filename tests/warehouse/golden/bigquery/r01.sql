WITH a AS (
  SELECT
    CAST(DATETIME_TRUNC(x.occurred_at, WEEK(MONDAY)) AS DATE) AS week,
    w.name AS workflow,
    COUNTIF(x.event_type = 'sent') AS sends,
    COUNTIF(x.event_type = 'opened') AS opens,
    COUNTIF(x.event_type = 'clicked') AS clicks,
    COUNTIF(x.event_type = 'opened') / NULLIF(COUNTIF(x.event_type = 'sent'), 0) AS open_rate
  FROM message_events AS x
  LEFT JOIN workflows AS w
    ON w.workflow_id = x.workflow_id
  WHERE
    (
      x.occurred_at >= CAST('2026-03-01 00:00:00' AS DATETIME)
      AND x.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
      AND x.event_type IN ('sent', 'opened', 'clicked')
      AND x.channel = 'email'
    )
    AND (
      (
        x.occurred_at >= CAST('2026-03-01 00:00:00' AS DATETIME)
        AND x.occurred_at < CAST('2026-07-01 00:00:00' AS DATETIME)
        AND x.event_type IN ('sent', 'opened', 'clicked')
        AND x.channel = 'email'
      )
      AND NOT CAST(DATETIME_TRUNC(x.occurred_at, WEEK(MONDAY)) AS DATE) IS NULL
      AND NOT w.name IS NULL
    )
  GROUP BY
    CAST(DATETIME_TRUNC(x.occurred_at, WEEK(MONDAY)) AS DATE),
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
    CAST(IF(pos = pos_2, week, NULL) AS DATE) AS week
  FROM UNNEST(GENERATE_ARRAY(
    0,
    GREATEST(
      ARRAY_LENGTH(
        GENERATE_DATE_ARRAY(
          CAST(CAST('2026-02-23 00:00:00' AS DATETIME) AS DATE),
          DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
          INTERVAL '7' DAY
        )
      )
    ) - 1
  )) AS pos
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    CAST(CAST('2026-02-23 00:00:00' AS DATETIME) AS DATE),
    DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
    INTERVAL '7' DAY
  )) AS week WITH OFFSET AS pos_2
  WHERE
    pos = pos_2
    OR (
      pos > (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2026-02-23 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '7' DAY
          )
        ) - 1
      )
      AND pos_2 = (
        ARRAY_LENGTH(
          GENERATE_DATE_ARRAY(
            CAST(CAST('2026-02-23 00:00:00' AS DATETIME) AS DATE),
            DATE_SUB(CAST(CAST('2026-07-01 00:00:00' AS DATETIME) AS DATE), INTERVAL '1' DAY),
            INTERVAL '7' DAY
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
  week NULLS LAST,
  workflow NULLS LAST
