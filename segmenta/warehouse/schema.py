"""The warehouse tables exactly as DATA_MODEL.md defines them, and the DDL that creates them.

The column lists here are the single source for the importer (which columns a file must have),
the validator (which tables and columns SQL may name) and the demo generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table."""

    name: str
    type: str  # DuckDB type
    required: bool = False  # NOT NULL, and the import file must have the column


@dataclass(frozen=True)
class Table:
    """One warehouse table: its columns, its key (unique when ``unique``) and whether a shop must bring it."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    unique: bool = True
    required_file: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, type_: str, required: bool = False) -> Column:
    return Column(name, type_, required)


MONEY = "DECIMAL(12,2)"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "contacts",
            (
                _c("contact_id", "VARCHAR", True),
                _c("email", "VARCHAR"),
                _c("phone", "VARCHAR"),
                _c("first_name", "VARCHAR"),
                _c("last_name", "VARCHAR"),
                _c("gender", "VARCHAR"),
                _c("birth_date", "DATE"),
                _c("postal_code", "VARCHAR"),
                _c("city", "VARCHAR"),
                _c("region", "VARCHAR"),
                _c("country", "VARCHAR"),
                _c("language", "VARCHAR"),
                _c("is_company", "BOOLEAN"),
                _c("created_at", "TIMESTAMP"),
                _c("email_subscribed", "BOOLEAN"),
                _c("sms_subscribed", "BOOLEAN"),
                _c("push_subscribed", "BOOLEAN"),
                _c("ads_consent", "BOOLEAN"),
            ),
            key=("contact_id",),
            required_file=True,
        ),
        Table(
            "products",
            (
                _c("product_id", "VARCHAR", True),
                _c("name", "VARCHAR"),
                _c("category", "VARCHAR"),
                _c("subcategory", "VARCHAR"),
                _c("brand", "VARCHAR"),
                _c("price", MONEY),
            ),
            key=("product_id",),
        ),
        Table(
            "orders",
            (
                _c("order_id", "VARCHAR", True),
                _c("contact_id", "VARCHAR", True),
                _c("ordered_at", "TIMESTAMP", True),
                _c("total_amount", MONEY, True),
                _c("currency", "VARCHAR"),
                _c("channel", "VARCHAR"),
                _c("store", "VARCHAR"),
                _c("payment_method", "VARCHAR"),
                _c("card_brand", "VARCHAR"),
                _c("coupon_code", "VARCHAR"),
                _c("status", "VARCHAR"),
                _c("utm_source", "VARCHAR"),
                _c("utm_medium", "VARCHAR"),
                _c("utm_campaign", "VARCHAR"),
            ),
            key=("order_id",),
            required_file=True,
        ),
        Table(
            "order_lines",
            (
                _c("order_id", "VARCHAR", True),
                _c("product_id", "VARCHAR", True),
                _c("quantity", "INTEGER", True),
                _c("unit_price", MONEY, True),
                _c("returned_quantity", "INTEGER"),
            ),
            key=("order_id", "product_id"),
            unique=False,
            required_file=True,
        ),
        Table(
            "web_events",
            (
                _c("event_id", "VARCHAR"),
                _c("visitor_id", "VARCHAR", True),
                _c("contact_id", "VARCHAR"),
                _c("occurred_at", "TIMESTAMP", True),
                _c("event_type", "VARCHAR", True),
                _c("product_id", "VARCHAR"),
                _c("category", "VARCHAR"),
                _c("url", "VARCHAR"),
                _c("search_term", "VARCHAR"),
                _c("value", MONEY),
                _c("device", "VARCHAR"),
                _c("utm_source", "VARCHAR"),
                _c("utm_medium", "VARCHAR"),
                _c("utm_campaign", "VARCHAR"),
            ),
            unique=False,
        ),
        Table(
            "message_events",
            (
                _c("contact_id", "VARCHAR", True),
                _c("channel", "VARCHAR", True),
                _c("event_type", "VARCHAR", True),
                _c("occurred_at", "TIMESTAMP", True),
                _c("message_id", "VARCHAR"),
                _c("message_name", "VARCHAR"),
                _c("message_type", "VARCHAR"),
                _c("workflow_id", "VARCHAR"),
                _c("utm_campaign", "VARCHAR"),
                _c("value", MONEY),
            ),
            unique=False,
        ),
        Table(
            "workflows",
            (
                _c("workflow_id", "VARCHAR", True),
                _c("name", "VARCHAR"),
                _c("status", "VARCHAR"),
                _c("created_at", "TIMESTAMP"),
            ),
            key=("workflow_id",),
        ),
    )
}

# Custom contact fields (extra columns of contacts.csv) are kept in long form, one row per
# contact and field, with the value as text; conditions cast it where the request compares numbers.
CUSTOM_FIELDS_TABLE = "contact_custom_fields"
META_TABLE = "segmenta_meta"


def table_ddl(table: Table) -> str:
    """The CREATE TABLE statement for one table, with NOT NULL and the primary key where unique."""
    cols = [f"{c.name} {c.type}{' NOT NULL' if c.required else ''}" for c in table.columns]
    if table.key and table.unique:
        cols.append(f"PRIMARY KEY ({', '.join(table.key)})")
    return f"CREATE TABLE {table.name} (\n  " + ",\n  ".join(cols) + "\n)"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (empty), the custom-field table and the meta table with the schema version."""
    for table in TABLES.values():
        con.execute(table_ddl(table))
    con.execute(
        f"CREATE TABLE {CUSTOM_FIELDS_TABLE} (contact_id VARCHAR NOT NULL, field VARCHAR NOT NULL, "
        "value VARCHAR, PRIMARY KEY (contact_id, field))"
    )
    con.execute(f"CREATE TABLE {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(f"INSERT INTO {META_TABLE} VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version stored in the warehouse, or None for a file that is not a segmenta warehouse."""
    try:
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        return None
    return int(row[0]) if row else None


def sql_schema() -> dict[str, dict[str, str]]:
    """The tables and column types as sqlglot's ``qualify`` wants them (table -> column -> type)."""
    out = {t.name: {c.name: c.type for c in t.columns} for t in TABLES.values()}
    out[CUSTOM_FIELDS_TABLE] = {"contact_id": "VARCHAR", "field": "VARCHAR", "value": "VARCHAR"}
    return out
