"""The SQL gate: each refusal with its exact one-line message, and the SELECTs it must let through."""

from __future__ import annotations

import pytest
from sqlglot import exp

from segmenta.assistant.validator import denied_reason, known_schema, validate
from segmenta.errors import SqlValidationError

KNOWN = (
    "known: contact_custom_fields, contacts, message_events, order_lines, orders, products, segmenta_meta, "
    "web_events, workflows, completed_orders(d), contact_metrics(d), contacts_at(d), lead_scores(d), rfm(d)"
)
REFUSALS = [
    ("DELETE FROM contacts", "only SELECT statements can run: found DELETE"),
    ("DROP TABLE contacts", "only SELECT statements can run: found DROP"),
    ("SELECT 1; SELECT 2", "only one statement can run: found 2 (SELECT, SELECT)"),
    ("SELECT * FROM read_csv('x.csv')", "function read_csv is not allowed: it reads files"),
    ("SELECT * FROM read_csv_auto('x.csv')", "function read_csv_auto is not allowed: it reads files"),
    ("SELECT * FROM read_parquet('x.parquet')", "function read_parquet is not allowed: it reads files"),
    ("SELECT * FROM glob('*')", "function glob is not allowed: it reads files"),
    ("SELECT read_text('/etc/passwd')", "function read_text is not allowed: it reads files"),
    ("COPY contacts TO 'x.csv'", "only SELECT statements can run: found COPY"),
    ("ATTACH 'other.db' AS o", "only SELECT statements can run: found ATTACH"),
    ("PRAGMA version", "only SELECT statements can run: found PRAGMA"),
    ("SET threads = 1", "only SELECT statements can run: found SET"),
    ("INSTALL httpfs", "only SELECT statements can run: found INSTALL"),
    ("LOAD httpfs", "only SELECT statements can run: found LOAD"),
    ("CALL pragma_version()", "only SELECT statements can run: found CALL"),
    ("SELECT current_setting('threads')", "function current_setting is not allowed: it reads settings"),
    ("SELECT getenv('HOME')", "function getenv is not allowed: it reads the environment"),
    (
        "SELECT * FROM duckdb_tables()",
        "function duckdb_tables is not allowed: it reads the engine's internals",
    ),
    (
        "SELECT * FROM pragma_table_info('contacts')",
        "function pragma_table_info is not allowed: it runs a pragma",
    ),
    ("SELECT * FROM query('DELETE FROM contacts')", "function query is not allowed: it runs SQL text"),
    (
        "SELECT * FROM sqlite_scan('x.db', 't')",
        "function sqlite_scan is not allowed: it reads files or other databases",
    ),
    ("SELECT * FROM customers", f"unknown table 'customers' ({KNOWN})"),
    ("SELECT * FROM 'contacts.csv'", f"unknown table 'contacts.csv' ({KNOWN})"),
    ("SELECT * FROM user_segment_members", f"unknown table 'user_segment_members' ({KNOWN})"),
    (
        "SELECT * FROM main.contacts",
        "table main.contacts names a database or schema: use the bare table name",
    ),
    ("SELECT * FROM rfm", "rfm needs the as-of date: write rfm(DATE 'YYYY-MM-DD')"),
    (
        "SELECT * FROM my_function(1)",
        "table function my_function is not allowed: FROM may only call "
        "completed_orders, contact_metrics, contacts_at, generate_series, lead_scores, range, rfm, unnest",
    ),
    (
        "SELECT cty FROM contacts",
        "unknown column 'cty' at line 1, column 10: the closest known column is 'city'",
    ),
    (
        "SELECT c.contact_id FROM contacts c WHERE c.citty = 'x'",
        "unknown column 'citty': the closest known column is 'city'",
    ),
    (
        "SELECT m.agge FROM contact_metrics(DATE '2026-06-30') m",
        "unknown column 'agge': the closest known column is 'age'",
    ),
    ("SELECT 1 /* harmless */; DELETE FROM contacts", "only one statement can run: found 2 (SELECT, DELETE)"),
    (
        "SELECT 1 -- the rest is a comment\n; DROP TABLE contacts",
        "only one statement can run: found 2 (SELECT, DROP)",
    ),
    (
        "WITH gone AS (DELETE FROM contacts RETURNING *) SELECT * FROM gone",
        "only SELECT statements can run: found DELETE inside the query",
    ),
    ("SELECT * INTO copy_of_contacts FROM contacts", "SELECT ... INTO cannot run: it creates a table"),
    ("SELECT FROM WHERE", "SQL syntax error at line 1, column 17: Expected table name but got 'WHERE'"),
    ("", "no SQL to run: the text is empty"),
    ("-- only a comment", "no SQL to run: the text holds only comments"),
]


@pytest.mark.parametrize(("sql", "message"), REFUSALS, ids=[r[0][:40] for r in REFUSALS])
def test_each_refusal_says_what_and_where(sql: str, message: str) -> None:
    with pytest.raises(SqlValidationError) as info:
        validate(sql)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


D = "DATE '2026-06-30'"
ACCEPTED = [
    f"SELECT c.contact_id FROM contacts_at({D}) AS c LEFT JOIN contact_metrics({D}) AS m "
    "ON m.contact_id = c.contact_id WHERE c.gender = 'female' AND m.age >= 30 ORDER BY c.contact_id",
    f"WITH buyers AS (SELECT contact_id, count(*) AS n FROM completed_orders({D}) GROUP BY contact_id) "
    "SELECT b.contact_id, rank() OVER (ORDER BY b.n DESC) AS pos FROM buyers AS b",
    "SELECT count(*) AS contacts, count(*) FILTER (WHERE r.rfm_segment IN ('Champions', 'Loyal')) "
    "AS good "
    f"FROM contacts_at({D}) AS c LEFT JOIN rfm({D}) AS r ON r.contact_id = c.contact_id",
    "SELECT date_trunc('week', x.occurred_at) AS week, "
    "count(*) FILTER (WHERE x.event_type = 'opened') AS opens "
    "FROM message_events AS x JOIN workflows AS w USING (workflow_id) WHERE x.channel = 'email' GROUP BY ALL",
    f"SELECT ls.contact_id FROM lead_scores({D}) AS ls WHERE ls.lead_score > 50 "
    "UNION SELECT contact_id FROM contact_custom_fields WHERE field = 'club'",
    "SELECT o.contact_id FROM orders o JOIN order_lines l USING (order_id) "
    "JOIN products p USING (product_id) "
    "WHERE EXISTS (SELECT 1 FROM web_events e WHERE e.contact_id = o.contact_id AND e.event_type = 'search')",
    "SELECT d.day FROM generate_series(DATE '2026-01-01', DATE '2026-06-30', INTERVAL 1 WEEK) AS d(day)",
    "SELECT i FROM range(3) AS t(i) EXCEPT SELECT 1",
    "SELECT value FROM segmenta_meta WHERE key = 'schema_version'",
    "SELECT lower(city) AS city, count(*) FROM contacts GROUP BY 1 "
    "QUALIFY row_number() OVER (ORDER BY 2) <= 3",
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_eval_like_selects_pass_and_come_back_parsed(sql: str) -> None:
    assert isinstance(validate(sql), (exp.Select, exp.SetOperation))


def test_user_tables_pass_only_when_the_warehouse_has_them() -> None:
    schema = {
        "user_segment_members": {"segment": "VARCHAR", "contact_id": "VARCHAR"},
        "scratch": {"x": "INTEGER"},
    }
    sql = "SELECT contact_id FROM user_segment_members WHERE segment = 'fans'"
    assert isinstance(validate(sql, schema), exp.Select)
    with pytest.raises(SqlValidationError, match="unknown table 'scratch'"):
        validate("SELECT x FROM scratch", schema)
    with pytest.raises(SqlValidationError, match="unknown column 'segmnt'"):
        validate("SELECT segmnt FROM user_segment_members", schema)


def test_the_known_schema_holds_the_macro_columns() -> None:
    known = known_schema()
    assert set(known["rfm"]) >= {"r_score", "f_score", "m_score", "rfm_cell", "rfm_segment"}
    assert "lead_score" in known["lead_scores"] and "age" in known["contact_metrics"]


def test_harmless_functions_are_not_denied() -> None:
    assert [denied_reason(f) for f in ("lower", "strip_accents", "date_trunc", "coalesce")] == [None] * 4


def test_a_join_on_two_columns_is_not_taken_for_a_table_function() -> None:
    validate(
        "SELECT o.order_id FROM orders AS o JOIN order_lines AS l "
        "ON o.order_id = l.order_id AND o.order_id = l.order_id"
    )
