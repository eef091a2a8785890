"""Derived contact fields, RFM and lead score, as DuckDB table macros kept in the warehouse file.

Every derived value depends on the as-of date D, so none is stored as a column: each is a
table macro taking ``d`` (a DATE) that DATA_MODEL.md defines, and any answer's single SELECT can
use them on the file opened read-only (macros live in the catalog, so the reader needs no setup):

- ``contacts_at(d)``: the contacts that exist at D (created_at NULL or before END = D + 1 day);
- ``completed_orders(d)``: the purchases up to D (status 'completed', ordered_at < END);
- ``contact_metrics(d)``: age and order fields per contact of ``contacts_at(d)``;
- ``rfm(d)``: R, F and M scores, the cell and the named segment per buyer up to D;
- ``lead_scores(d)``: the lead score per contact of ``contacts_at(d)``.

Stored per as-of date: ``contact_metrics`` and ``rfm``, which most answers join, are also kept
as plain tables named for their date (``rfm_20260630``), built when the macros are installed
(every import, append and settings change, which drop the previous ones) for today and the
data's last day, the dates answers ask about unless told otherwise (a daily append: today only).
The compiler reads such a table in place of the macro call for that date
(``compiler.use_stored``), so the SQL shown names a table that is in the file; after the next
import drops it, that SQL fails loudly rather than reading another date's rows. Other dates use
the macros.

The bodies are generated from the config (RFM method and cut points, lead-score points are
baked in as literals), so they must be installed again when the config changes: a hash of what
they were built from is kept in ``segmenta_meta`` under ``macros_config``, see ``macros_current``.
Each macro reads its tables once (orders grouped by contact in one scan, windows computed once),
so RFM for a million contacts stays around a second.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import cache
from importlib.resources import files

import duckdb

from segmenta.warehouse.config import Config, LeadScoreConfig, RfmConfig
from segmenta.warehouse.schema import META_TABLE

# Bump when a macro body changes shape, so warehouses built by an older segmenta are refreshed.
MACROS_VERSION = "1"
META_KEY = "macros_config"
MACRO_NAMES = ("contacts_at", "completed_orders", "contact_metrics", "rfm", "lead_scores")
# lead_scores stays a macro: it reads every web event of the window (2 s at 1M contacts), more than
# storing it for two dates at each import would be worth for a rarely asked condition
STORED_MACROS = ("contact_metrics", "rfm")
_STORED = re.compile(rf"^({'|'.join(STORED_MACROS)})_(\d{{8}})$")

# English name (as in rfm_segments.sql) -> Spanish name (accepted as a synonym), in file order.
_SEGMENT_NAMES_ES = {
    "Champions": "Campeones",
    "Loyal": "Leales",
    "Potential Loyalist": "Potencialmente leales",
    "New Customers": "Nuevos",
    "Promising": "Prometedores",
    "Need Attention": "Necesitan atención",
    "About To Sleep": "A punto de dormirse",
    "At Risk": "En riesgo",
    "Can't Lose Them": "No podemos perderlos",
    "Hibernating": "Hibernando",
    "Lost": "Perdidos",
}

_D = "CAST(d AS DATE)"
_END = f"({_D} + INTERVAL 1 DAY)"


def rfm_segment_names() -> dict[str, str]:
    """The named RFM segments: English name -> Spanish name, in the order the CASE tests them."""
    return dict(_SEGMENT_NAMES_ES)


@cache
def rfm_segment_case() -> str:
    """The CASE over r_score, f_score, m_score that names a cell (rfm_segments.sql, comments removed)."""
    text = files("segmenta.warehouse").joinpath("rfm_segments.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip()
    names = [n.replace("''", "'") for n in re.findall(r"THEN '((?:[^']|'')*)'", body)]
    if names != list(_SEGMENT_NAMES_ES):
        raise RuntimeError(f"rfm_segments.sql names {names}, expected {list(_SEGMENT_NAMES_ES)}")
    return body


def _cases(value: str, points: list[int] | list[float], higher_is_better: bool) -> str:
    """A score 1..5 from four cut points: value >= point i moves up (or <= for days, lower better).

    >>> _cases("f", [2, 3, 4, 5], True)
    'CASE WHEN f >= 5 THEN 5 WHEN f >= 4 THEN 4 WHEN f >= 3 THEN 3 WHEN f >= 2 THEN 2 ELSE 1 END'
    >>> _cases("x", [30, 90, 180, 365], False)
    'CASE WHEN x <= 30 THEN 5 WHEN x <= 90 THEN 4 WHEN x <= 180 THEN 3 WHEN x <= 365 THEN 2 ELSE 1 END'
    """
    if higher_is_better:
        whens = [f"WHEN {value} >= {p!r} THEN {i + 2}" for i, p in reversed(list(enumerate(points)))]
    else:
        whens = [f"WHEN {value} <= {p!r} THEN {5 - i}" for i, p in enumerate(points)]
    return "CASE " + " ".join(whens) + " ELSE 1 END"


def _score(rfm: RfmConfig, column: str) -> str:
    """The SQL of one score over ``per`` (recency_date, frequency, monetary) for the configured method."""
    if rfm.method == "quintile":
        return f"CAST(1 + floor(5 * (rank() OVER (ORDER BY {column}) - 1) / count(*) OVER ()) AS INTEGER)"
    if rfm.method == "ntile":
        return f"CAST(ntile(5) OVER (ORDER BY {column}, contact_id) AS INTEGER)"
    t = rfm.thresholds
    if column == "recency_date":
        return _cases(f"date_diff('day', recency_date, {_D})", t.recency_days, False)
    points = t.frequency if column == "frequency" else t.monetary
    return _cases(column, points, True)


def _rfm_sql(rfm: RfmConfig) -> str:
    r, f, m = (_score(rfm, c) for c in ("recency_date", "frequency", "monetary"))
    return f"""
WITH per AS (
  SELECT o.contact_id, CAST(max(o.ordered_at) AS DATE) AS recency_date, count(*) AS frequency,
         sum(o.total_amount) AS monetary
  FROM completed_orders(d) AS o
  GROUP BY o.contact_id
), pop AS (
  SELECT per.* FROM per SEMI JOIN contacts_at(d) AS c ON c.contact_id = per.contact_id
), scored AS (
  SELECT contact_id, recency_date, frequency, monetary,
         {r} AS r_score,
         {f} AS f_score,
         {m} AS m_score
  FROM pop
)
SELECT contact_id, recency_date, frequency, monetary, r_score, f_score, m_score,
       CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_cell,
       ({rfm_segment_case()}) AS rfm_segment
FROM scored"""


def _contact_metrics_sql() -> str:
    # Age: years between, minus one before this year's birthday; comparing month*100+day makes a
    # 29 February birthday fall on 1 March in non-leap years (0301 > 0229 > 0228).
    return f"""
SELECT c.contact_id,
       CASE WHEN c.birth_date IS NULL THEN NULL ELSE CAST(
         year({_D}) - year(c.birth_date)
         - CASE WHEN month({_D}) * 100 + day({_D}) < month(c.birth_date) * 100 + day(c.birth_date)
                THEN 1 ELSE 0 END AS INTEGER) END AS age,
       o.first_order_at, o.last_order_at, o.orders_count, o.total_spent,
       CAST(o.total_spent AS DOUBLE) / o.orders_count AS avg_order_value,
       CAST(date_diff('day', CAST(o.last_order_at AS DATE), {_D}) AS INTEGER) AS days_since_last_order
FROM contacts_at(d) AS c
LEFT JOIN (
  SELECT contact_id, min(ordered_at) AS first_order_at, max(ordered_at) AS last_order_at,
         count(*) AS orders_count, sum(total_amount) AS total_spent
  FROM completed_orders(d)
  GROUP BY contact_id
) AS o ON o.contact_id = c.contact_id"""


def _lead_scores_sql(ls: LeadScoreConfig) -> str:
    start = f"({_END} - INTERVAL {ls.window_days} DAY)"
    lapsed = f"({_END} - INTERVAL {ls.lapsed_days} DAY)"
    return f"""
WITH months AS (
  SELECT e.contact_id, date_trunc('month', e.occurred_at) AS month_start,
         count(*) FILTER (WHERE e.event_type = 'product_view') AS views,
         count(DISTINCT CAST(e.occurred_at AS DATE)) AS active_days
  FROM web_events AS e
  WHERE e.contact_id IS NOT NULL AND e.occurred_at >= {start} AND e.occurred_at < {_END}
  GROUP BY e.contact_id, month_start
), web AS (
  SELECT contact_id, sum(views) AS views,
         count(*) FILTER (WHERE active_days >= {ls.active_month_min_days}) AS active_months
  FROM months GROUP BY contact_id
), opens AS (
  SELECT m.contact_id, count(*) AS opens
  FROM message_events AS m
  WHERE m.channel = 'email' AND m.event_type = 'opened'
    AND m.occurred_at >= {start} AND m.occurred_at < {_END}
  GROUP BY m.contact_id
), bought AS (
  SELECT o.contact_id, count(*) FILTER (WHERE o.ordered_at >= {start}) AS orders,
         max(o.ordered_at) AS last_order_at
  FROM completed_orders(d) AS o
  GROUP BY o.contact_id
)
SELECT c.contact_id, CAST(
         {ls.product_view} * coalesce(web.views, 0)
       + {ls.email_opened} * coalesce(opens.opens, 0)
       + {ls.completed_order} * coalesce(bought.orders, 0)
       + {ls.active_month} * coalesce(web.active_months, 0)
       + CASE WHEN bought.last_order_at < {lapsed} THEN {ls.lapsed_penalty} ELSE 0 END
       AS INTEGER) AS lead_score
FROM contacts_at(d) AS c
LEFT JOIN web ON web.contact_id = c.contact_id
LEFT JOIN opens ON opens.contact_id = c.contact_id
LEFT JOIN bought ON bought.contact_id = c.contact_id"""


def macro_definitions(config: Config) -> dict[str, str]:
    """The SELECT body of each table macro for ``config``, in creation order (name -> SQL)."""
    return {
        "contacts_at": f"SELECT * FROM contacts WHERE created_at IS NULL OR created_at < {_END}",
        "completed_orders": f"SELECT * FROM orders WHERE status = 'completed' AND ordered_at < {_END}",
        "contact_metrics": _contact_metrics_sql(),
        "rfm": _rfm_sql(config.rfm),
        "lead_scores": _lead_scores_sql(config.lead_score),
    }


def macros_hash(config: Config) -> str:
    """A fingerprint of what the macros are built from: the config, the segments file and the version."""
    h = hashlib.sha256()
    for part in (MACROS_VERSION, config.model_dump_json(), rfm_segment_case()):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def install_macros(con: duckdb.DuckDBPyConnection, config: Config, *, days: list[date] | None = None) -> None:
    """Create or replace the table macros in the warehouse open (writable) on ``con``, for ``config``,
    and store the derived tables for ``days`` (default: today and the data's last day; see
    ``store_derived``).

    Args:
        con: a writable connection to a warehouse made by ``schema.create_schema``.
        config: the settings whose method, cut points and points the macros bake in.
    """
    for name, body in macro_definitions(config).items():
        con.execute(f"CREATE OR REPLACE MACRO {name}(d) AS TABLE {body}")
    con.execute(
        f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES (?, ?)", [META_KEY, macros_hash(config)]
    )
    store_derived(con, days)


def stored_name(macro: str, day: date) -> str:
    """The table holding ``macro(day)``.

    >>> stored_name("rfm", date(2026, 6, 30))
    'rfm_20260630'
    """
    return f"{macro}_{day:%Y%m%d}"


def is_stored(table: str) -> bool:
    """Whether a table name is one of the stored derived tables (``rfm_20260630``)."""
    return _STORED.match(table.lower()) is not None


def stored_of(table: str) -> tuple[str, date] | None:
    """The macro and the day a stored derived table holds (None for any other table).

    >>> stored_of("contact_metrics_20260630")
    ('contact_metrics', datetime.date(2026, 6, 30))
    """
    m = _STORED.match(table.lower())
    if m is None:
        return None
    try:
        return m.group(1), datetime.strptime(m.group(2), "%Y%m%d").date()
    except ValueError:
        return None


def last_data_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last day with an order, a web event or a message (None when there is none)."""
    row = con.execute(
        "SELECT greatest((SELECT max(ordered_at) FROM orders), "
        "(SELECT max(occurred_at) FROM web_events), "
        "(SELECT max(occurred_at) FROM message_events))::DATE"
    ).fetchall()
    return row[0][0] if row else None


def store_derived(con: duckdb.DuckDBPyConnection, days: list[date] | None = None) -> list[str]:
    """Drop every stored derived table, then store ``contact_metrics`` and ``rfm`` for each day
    (default: today and the data's last day); returns the tables made.

    Run after ``install_macros`` on the same writable connection: the tables hold what the macros
    give at that moment, so they are made again whenever the data or the settings change.
    """
    tables = [
        str(r[0])
        for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    ]
    for name in tables:
        if is_stored(name):
            con.execute(f'DROP TABLE "{name}"')
    if days is None:
        last = last_data_day(con)
        days = sorted({date.today(), *([last] if last else [])})
    made = []
    for day in days:
        for macro in STORED_MACROS:
            name = stored_name(macro, day)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {macro}(DATE '{day.isoformat()}')")
            made.append(name)
    return made


def macros_current(con: duckdb.DuckDBPyConnection, config: Config) -> bool:
    """True when the warehouse's macros were installed for ``config`` by this version of segmenta."""
    try:
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [META_KEY]).fetchone()
    except duckdb.Error:
        return False
    return row is not None and row[0] == macros_hash(config)
