"""Warehouses that live in a server, reached by URL: ``--db postgresql://user@host:5432/shop``.

A shop that outgrows one machine keeps its tables in Postgres; segmenta reads them there with the
same Plans, compiled to the same SQL and validated the same way, then written in the server's
dialect by sqlglot (``translate``) with the pitfalls that transpiling alone gets wrong fixed here
and tested (``tests/warehouse/test_remote.py`` runs every dev case on both engines).

Locally a remote warehouse is an *anchor*: a small file ``<data folder>/remote/<name>.remote``
holding its URL (never its password) and schema. Everything segmenta keeps beside a warehouse
(settings, the catalog cache, the conversation, shop words) sits beside the anchor, so every
command that takes a warehouse path works on a server unchanged. The URL's password, when it has
one, stays in this process's memory; otherwise libpq's own ``PGPASSWORD`` or ``~/.pgpass`` apply.

The connection is read-only three times over: every statement passes the validator first, it
runs as the ``segmenta_reader`` role that has SELECT on the shop's schema and nothing else, and
``default_transaction_read_only`` is on, with ``statement_timeout`` set to the answer's time limit.
The one write a session makes is segmenta's own: a static saved segment's snapshot copied into
temporary tables of the reader (``register_saved``), in a transaction of its own after which the
read-only default is back.

The connection object speaks the small part of DuckDB's connection API the read path uses
(``execute(...).fetchall()``, ``fetchone``, ``description``, ``interrupt``, ``close``), and raises
DuckDB's own exception classes for the server's errors, so the answer path needs no branch of its
own beyond ``run_query``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import duckdb

from segmenta.errors import WarehouseError, say

SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "spark": "spark", "sc": "spark"}
"""URL scheme -> engine."""
DEFAULT_SCHEMA = "segmenta"
READER_ROLE = "segmenta_reader"
ANCHOR_SUFFIX = ".remote"
_GIVEN: dict[str, str] = {}
"""anchor path -> the URL as given (with its password), for this process only."""
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def is_url(text: str | os.PathLike[str] | None) -> bool:
    """Whether a ``--db`` value is a server URL rather than a DuckDB file.

    >>> is_url("postgresql://me@localhost/shop"), is_url("shop.duckdb"), is_url(None)
    (True, False, False)
    """
    if text is None or isinstance(text, Path):
        return False
    scheme, sep, _ = str(text).partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


@dataclass(frozen=True)
class Remote:
    """A server warehouse: the URL to connect with (``schema`` taken out), its engine and schema."""

    url: str
    engine: str
    schema: str

    @property
    def shown(self) -> str:
        """The URL without its password (in the host part or as an option), with the schema when it
        is not the default one."""
        if self.url.lower().startswith("sc://"):  # Spark Connect: the token is a password
            return connect_url_without(self.url, "token")
        if self.engine == "spark":
            return self.url
        parts = urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")
        user = netloc[0].partition(":")[0]
        host = (user + "@" if user else "") + netloc[2]
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
        if self.schema != DEFAULT_SCHEMA:
            kept.append(("schema", self.schema))
        return urlunsplit((parts.scheme, host, parts.path, urlencode(kept, safe="/"), ""))


def parse(url: str) -> Remote:
    """The server warehouse a URL names; ``?schema=NAME`` picks the schema (default ``segmenta``).

    >>> parse("postgresql://me:pw@db:5432/shop?schema=tienda").shown
    'postgresql://me@db:5432/shop?schema=tienda'
    >>> parse("spark://local[2]").engine
    'spark'
    >>> parse("sc://spark.internal:15002/;token=s3cret;path=/mnt/shop").shown
    'sc://spark.internal:15002/;path=/mnt/shop'
    """
    if url.lower().startswith("spark://"):
        return _parse_spark(url)
    if url.lower().startswith("sc://"):
        return _parse_connect(url)
    parts = urlsplit(url)
    engine = SCHEMES.get(parts.scheme.lower())
    if engine is None:
        raise WarehouseError(f"{url!r} is not a warehouse URL: use postgresql://user@host:port/database")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    schema = query.pop("schema", DEFAULT_SCHEMA).lower()
    if not _IDENT.match(schema):
        raise WarehouseError(
            say(
                f"schema {schema!r} in {url!r}: use letters, digits and _ (starting with a letter)",
                f"esquema {schema!r} en {url!r}: usa letras, dígitos y _ (empezando por una letra)",
            )
        )
    if not parts.path.strip("/"):
        raise WarehouseError(
            say(
                f"{url!r} names no database: add it after the host, as in postgresql://user@host:5432/shop",
                f"{url!r} no nombra la base de datos: añádela tras el host, como en "
                "postgresql://usuario@host:5432/tienda",
            )
        )
    rest = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    return Remote(rest, engine, schema)


_SPARK = re.compile(r"^spark://local(\[(\d+|\*)\])?/?(\?(?P<query>.*))?$", re.I)


def _parse_spark(url: str) -> Remote:
    """``spark://local[N]``: a Spark session on this machine with N cores (``*``: all of them); the
    shop's tables are Parquet files beside the anchor, or under ``?path=/folder``."""
    m = _SPARK.match(url.strip())
    if m is None:
        raise WarehouseError(
            say(
                f"{url!r} is not a Spark warehouse URL: use spark://local[N] (N cores on this machine)",
                f"{url!r} no es una URL de almacén Spark: usa spark://local[N] (N núcleos de este equipo)",
            )
        )
    query = dict(parse_qsl(m.group("query") or "", keep_blank_values=True))
    unknown = sorted(set(query) - {"path"})
    if unknown:
        raise WarehouseError(f"{url!r}: unknown option {unknown[0]!r} (a Spark URL takes ?path=FOLDER)")
    return Remote(url.strip(), "spark", DEFAULT_SCHEMA)


_CONNECT = re.compile(
    r"^sc://(?P<host>[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\])(:(?P<port>\d{1,5}))?/?(?P<params>(;[^;]*)*)$", re.I
)
CONNECT_PARAMS = frozenset(
    {
        "path",  # segmenta's: the shop's Parquet folder, as the cluster reads it
        "token",
        "use_ssl",
        "user_id",
        "user_agent",
        "session_id",
        "grpc_keepalive_enabled",
        "grpc_keepalive_time_ms",
        "grpc_keepalive_timeout_ms",
        "grpc_keepalive_without_calls",
    }
)
"""The options of a Spark Connect URL: pyspark's own (``ChannelBuilder``) and ``path``."""


def _parse_connect(url: str) -> Remote:
    """``sc://host:port/;path=FOLDER``: a Spark cluster reached by Spark Connect (port 15002 unless
    given), with pyspark's own options (``;token=``, ``;use_ssl=true``, ...); the shop's Parquet
    files are in ``path``, a folder this machine writes and the cluster reads by the same name (a
    shared file system), by default beside the anchor."""
    text = url.strip()
    url = re.sub(r"(?i)(;token=)[^;]*", r"\1***", text)  # what an error repeats: never the token
    m = _CONNECT.match(text)
    if m is None or "?" in text:
        raise WarehouseError(
            say(
                f"{url!r} is not a Spark Connect URL: use sc://host:15002 (options after ';', "
                "as in sc://host:15002/;path=/shared/shop)",
                f"{url!r} no es una URL de Spark Connect: usa sc://host:15002 (opciones tras ';', "
                "como en sc://host:15002/;path=/compartido/tienda)",
            )
        )
    params = [p for p in m.group("params").split(";") if p]
    for param in params:
        key, eq, _ = param.partition("=")
        if not eq or key.lower() not in CONNECT_PARAMS:
            raise WarehouseError(
                say(
                    f"{url!r}: unknown option {param!r} (a Spark Connect URL takes "
                    f"{', '.join(sorted(CONNECT_PARAMS))})",
                    f"{url!r}: opción desconocida {param!r} (una URL de Spark Connect admite "
                    f"{', '.join(sorted(CONNECT_PARAMS))})",
                )
            )
    port = m.group("port") or "15002"
    tail = "/;" + ";".join(params) if params else ""
    return Remote(f"sc://{m.group('host')}:{port}{tail}", "spark", DEFAULT_SCHEMA)


def connect_options(url: str) -> dict[str, str]:
    """The options of a Spark Connect URL (``sc://host:port/;key=value;...``), keys lower-cased.

    >>> connect_options("sc://h:15002/;Path=/mnt/shop;use_ssl=true")
    {'path': '/mnt/shop', 'use_ssl': 'true'}
    """
    pairs = (p.partition("=") for p in url.split(";")[1:] if p)
    return {k.lower(): v for k, _, v in pairs}


def connect_url_without(url: str, key: str) -> str:
    """A Spark Connect URL without one of its options (the token shown, segmenta's path to pyspark).

    >>> connect_url_without("sc://h:15002/;token=x;path=/p", "token")
    'sc://h:15002/;path=/p'
    >>> connect_url_without("sc://h:1/;path=/p", "path")
    'sc://h:1'
    """
    head, *params = url.split(";")
    left = [p for p in params if p and p.partition("=")[0].lower() != key]
    return head.rstrip("/") + ("/;" + ";".join(left) if left else "")


def anchor_for(url: str, folder: Path | None = None) -> Path:
    """The local anchor of a server warehouse (written when missing); what ``--db URL`` resolves to."""
    remote = parse(url)
    if folder is None:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("segmenta", appauthor=False)) / "remote"
    shown = remote.shown
    slug = re.sub(r"[^A-Za-z0-9]+", "_", shown.partition("://")[2]).strip("_")[:60]
    path = folder / f"{slug}_{hashlib.sha256(shown.encode()).hexdigest()[:8]}{ANCHOR_SUFFIX}"
    text = json.dumps({"url": shown, "engine": remote.engine}, indent=2) + "\n"
    try:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise WarehouseError(f"cannot write the warehouse's local folder {folder}: {e.strerror}") from e
    _GIVEN[str(path)] = url
    return path


def remote_of(db: Path) -> Remote | None:
    """The server warehouse an anchor stands for; None for a DuckDB file."""
    if db.suffix != ANCHOR_SUFFIX:
        return None
    given = _GIVEN.get(str(db))
    if given:
        return parse(given)
    try:
        return parse(json.loads(db.read_text(encoding="utf-8"))["url"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise WarehouseError(f"{db} is not a readable warehouse anchor: {e}") from e


def conninfo(remote: Remote) -> str:
    """The URL as libpq takes it (``postgres://`` spelled ``postgresql://``)."""
    return "postgresql" + remote.url[remote.url.index("://") :]


# ---------------------------------------------------------------------------------------- dialect
@lru_cache(maxsize=512)
def translate(sql: str, dialect: str = "postgres", *, pretty: bool = False) -> str:
    """segmenta's SQL (DuckDB's dialect) written for another engine, pitfalls fixed.

    sqlglot does most of it (typed division, SEMI JOIN, date arithmetic, list aggregates); the rest
    is here: ``min(x, n)`` (DuckDB's n smallest values, the funnel's first ids) becomes a sorted
    array's first ``n``; ``unnest(range(a, b, INTERVAL ...))`` (a report's buckets) becomes a
    ``generate_series`` that stops before ``b``; ``contains(text, part)`` becomes ``position``;
    ``make_date`` takes integers; Spark's CTEs lose ``MATERIALIZED``;
    ``?`` placeholders become the driver's ``%s``.
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")

    def fix(node: exp.Expression) -> exp.Expression:
        # sqlglot's transform does not descend into a node it was handed back in place of another:
        # the replacement's own parts are fixed here (each rule below leaves a fixed node alone)
        new = one(node)
        return new if new is node else new.transform(fix)

    def one(node: exp.Expression) -> exp.Expression:
        if (
            dialect == "postgres"
            and isinstance(node, exp.GenerateSeries)
            and node.args.get("is_end_exclusive")
        ):
            # range(a, b, step) stops before b; generate_series includes it. sqlglot writes b - 1,
            # which is no timestamp: a series of instants (a report's buckets) stops 1 µs before b
            if isinstance(node.args.get("step"), exp.Interval):
                end = node.args["end"]
                node = node.copy()
                node.set(
                    "end",
                    exp.Sub(
                        this=end.copy(),
                        expression=exp.Interval(
                            this=exp.Literal.string("1"), unit=exp.Var(this="MICROSECOND")
                        ),
                    ),
                )
                node.set("is_end_exclusive", None)
                return node
        if (
            dialect == "postgres"
            and isinstance(node, exp.Explode)
            and isinstance(node.this, exp.GenerateSeries)
        ):
            return fix(node.this)  # unnest(range(...)): Postgres's generate_series already gives rows
        if (
            dialect == "spark"
            and isinstance(node, exp.GenerateSeries)
            and node.args.get("is_end_exclusive")
            and isinstance(node.args.get("step"), exp.Interval)
        ):
            # range(a, b, INTERVAL …) over instants: Spark's sequence includes its end, so it stops
            # 1 µs before b (sqlglot's own rewrite compares the interval with 0, which Spark refuses)
            end = exp.Sub(
                this=node.args["end"].copy(),
                expression=exp.Interval(this=exp.Literal.string("1"), unit=exp.Var(this="MICROSECOND")),
            )
            return exp.Anonymous(
                this="SEQUENCE", expressions=[node.args["start"].copy(), end, node.args["step"].copy()]
            )
        if dialect == "spark" and isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
            # CAST(unnest(list) AS T): Spark refuses a generator inside an expression; the list is
            # cast instead, element by element, and exploded as it is
            to = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[node.args["to"].copy()], nested=True)
            return exp.Explode(this=exp.Cast(this=fix(node.this.this.copy()), to=to))
        if dialect == "spark" and isinstance(node, exp.Where):
            # WHERE … AND coalesce(x IN (subquery), FALSE): a filter drops NULL as it drops FALSE,
            # so the coalesce changes nothing there; but Spark cannot plan an IN inside it as a
            # (hash) semi or anti join and falls back to a nested loop over both sides
            def bare(p: exp.Expression) -> exp.Expression:
                inner = p.unnest()
                if (
                    isinstance(inner, exp.Coalesce)
                    and len(inner.expressions) == 1
                    and isinstance(inner.expressions[0], exp.Boolean)
                    and not inner.expressions[0].this
                ):
                    return cast(exp.Expression, inner.this.copy())
                return p

            given = [
                cast(exp.Expression, p)
                for p in (node.this.flatten() if isinstance(node.this, exp.And) else [node.this])
            ]
            parts = [bare(p) for p in given]
            if all(a.unnest() is b.unnest() or a == b for a, b in zip(given, parts, strict=True)):
                return node
            return exp.Where(this=exp.and_(*parts))
        if dialect == "spark" and isinstance(node, exp.CTE) and node.args.get("materialized"):
            node = node.copy()  # Spark has no MATERIALIZED hint (it may compute a CTE once per use)
            node.set("materialized", None)
            return node
        if dialect == "postgres" and isinstance(node, exp.DateFromParts):
            # make_date(y, m, d): sqlglot writes DATE_FROM_PARTS, which Postgres lacks; its make_date
            # takes integers, and EXTRACT gives numeric
            parts = [node.args[k] for k in ("year", "month", "day")]
            return exp.Anonymous(
                this="MAKE_DATE", expressions=[exp.cast(p.copy(), exp.DataType.Type.INT) for p in parts]
            )
        if dialect in ("postgres", "bigquery") and isinstance(node, exp.Contains):
            # contains(text, part): Postgres has no such function, and BigQuery's CONTAINS_SUBSTR
            # ignores case and folds accents; strpos finds the part exactly or gives 0
            found = exp.StrPosition(this=node.this.copy(), substr=node.expression.copy())
            return exp.GT(this=found, expression=exp.Literal.number(0))
        if dialect in WAREHOUSE_DIALECTS:
            fixed = cast(exp.Expression, _warehouse_rule(node, dialect))
            if fixed is not node:
                return fixed
        n = node.args.get("count") if isinstance(node, exp.Min | exp.Max) else None
        if n is not None and dialect == "spark":
            # the n smallest (largest): the sorted list of the values, cut at n
            values = f"array_sort(collect_list({node.this.sql(dialect)}))"
            if isinstance(node, exp.Max):
                values = f"reverse({values})"
            return cast(
                exp.Expression, sqlglot.parse_one(f"slice({values}, 1, {n.sql(dialect)})", read=dialect)
            )
        if n is not None:
            order = exp.Ordered(this=node.this.copy(), desc=isinstance(node, exp.Max))
            agg = exp.ArrayAgg(this=exp.Order(this=node.this.copy(), expressions=[order]))
            return cast(
                exp.Expression, sqlglot.parse_one(f"({agg.sql(dialect)})[1:{n.sql(dialect)}]", read=dialect)
            )
        return node

    return tree.transform(fix).sql(dialect, pretty=pretty)


WAREHOUSE_DIALECTS = ("bigquery", "snowflake")
"""Engines segmenta writes SQL for (``ask --sql-for``) without connecting to them: the rules below
are checked by sqlglot's round trip and golden files, not by a running server."""
_UNITS = frozenset({"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"})
"""The steps of a report's buckets (``TimeGrain``): whole days and more, from midnight."""


def _warehouse_rule(node: Any, dialect: str) -> Any:
    """BigQuery's and Snowflake's fixes (``translate``): ``node`` itself when none applies.

    - ``strip_accents(x)``: neither has it; ``TRANSLATE`` over DuckDB's own folding of the Latin
      letters (``accent_pairs``), as on Postgres and Spark.
    - ``date_trunc('week', t)``: DuckDB's weeks start on Monday; BigQuery's ``WEEK`` on Sunday
      (``WEEK(MONDAY)`` here), Snowflake's on the account's ``WEEK_START`` (written out here as
      the day minus its ISO weekday, whatever the setting). BigQuery truncates its ``DATETIME``
      columns (DuckDB's ``TIMESTAMP``) with ``DATETIME_TRUNC``.
    - ``unnest(range(a, b, INTERVAL k unit))``, a report's buckets (each a day, week, month,
      quarter or year starting at midnight): BigQuery's ``GENERATE_DATE_ARRAY`` up to the day
      before ``b``; Snowflake builds the starts from integers (``ARRAY_GENERATE_RANGE``,
      ``DATEADD``) and keeps those before ``b``.
    - ``min(x, n)``, the n first ids: BigQuery's ``ARRAY_AGG(x ORDER BY x LIMIT n)``,
      Snowflake's ordered ``ARRAY_AGG`` cut with ``ARRAY_SLICE``.
    """
    import sqlglot
    from sqlglot import exp

    if (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower() == "strip_accents"
        and len(node.expressions) == 1
    ):
        frm, to = accent_pairs()
        return exp.func(
            "TRANSLATE", node.expressions[0].copy(), exp.Literal.string(frm), exp.Literal.string(to)
        )
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        unit = str(
            node.args["unit"].name if isinstance(node.args.get("unit"), exp.Expression) else node.text("unit")
        )
        unit = unit.upper()
        if unit not in _UNITS:
            return node
        if dialect == "bigquery":
            part = "WEEK(MONDAY)" if unit == "WEEK" else unit
            return exp.Anonymous(this="DATETIME_TRUNC", expressions=[node.this.copy(), exp.Var(this=part)])
        if unit == "WEEK":
            day = exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string("DAY"), node.this.copy()])
            back = exp.Sub(
                this=exp.Literal.number(1),
                expression=exp.Anonymous(this="DAYOFWEEKISO", expressions=[node.this.copy()]),
            )
            return exp.Anonymous(this="DATEADD", expressions=[exp.Var(this="DAY"), back, day])
        return node
    if (
        isinstance(node, exp.GenerateSeries)
        and node.args.get("is_end_exclusive")
        and isinstance(node.args.get("step"), exp.Interval)
    ):
        step = node.args["step"]
        unit = step.text("unit").upper()
        size = step.this.name if isinstance(step.this, exp.Literal) else ""
        if unit not in _UNITS or not size.isdigit():
            return node
        start, end = node.args["start"].copy(), node.args["end"].copy()
        if dialect == "bigquery":
            text = (
                "GENERATE_DATE_ARRAY(CAST({a} AS DATE), DATE_SUB(CAST({b} AS DATE), INTERVAL 1 DAY), "
                "INTERVAL {k} {u})"
            )
        else:
            text = (
                "FILTER(TRANSFORM(ARRAY_GENERATE_RANGE(0, DATEDIFF({u}, {a}, {b}) + 1, {k}), "
                "i -> DATEADD({u}, i, {a})), s -> s < {b})"
            )
        filled = text.format(a=start.sql(dialect), b=end.sql(dialect), u=unit, k=int(size))
        return sqlglot.parse_one(filled, read=dialect)
    n = node.args.get("count") if isinstance(node, exp.Min | exp.Max) else None
    if n is not None:
        order = "DESC" if isinstance(node, exp.Max) else "ASC"
        x, k = node.this.sql(dialect), n.sql(dialect)
        if dialect == "bigquery":
            return sqlglot.parse_one(f"ARRAY_AGG({x} ORDER BY {x} {order} LIMIT {k})", read=dialect)
        return sqlglot.parse_one(
            f"ARRAY_SLICE(ARRAY_AGG({x}) WITHIN GROUP (ORDER BY {x} {order}), 0, {k})", read=dialect
        )
    return node


# ----------------------------------------------------------------------------------- connection
class _Result:
    """What ``execute`` hands back: the rows fetched, and their columns as ``description``."""

    def __init__(self, description: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> None:
        self.description = description
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


def _as_duckdb_error(e: Exception) -> duckdb.Error:
    """A server's error as the DuckDB exception the read path already handles."""
    import psycopg

    text = first_line(e)
    if isinstance(e, psycopg.errors.QueryCanceled):
        return duckdb.InterruptException(text)
    if isinstance(e, psycopg.errors.UndefinedTable | psycopg.errors.InvalidSchemaName):
        return duckdb.CatalogException(text)
    if isinstance(e, psycopg.errors.OutOfMemory):
        return duckdb.OutOfMemoryException(text)
    return duckdb.Error(text)


class ServerConnection:
    """What a server warehouse's connection offers the read path (Postgres's, Spark's)."""

    dialect = ""
    engine_name = ""
    anchor: Path
    _saved: dict[str, Any]  # the saved-segment tables put in the session (``register_saved``)

    def translate(self, sql: str, *, pretty: bool = False) -> str:
        """``sql`` as this server runs it."""
        return translate(sql, self.dialect, pretty=pretty)

    def set_timeout(self, seconds: float) -> None:
        raise NotImplementedError

    def execute(self, sql: str, params: list[Any] | None = None) -> _Result:
        """Run one statement (DuckDB's dialect, ``?`` placeholders) and fetch its rows."""
        return self.query(sql, params)[0]

    def query(
        self, sql: str, params: list[Any] | None = None, max_rows: int | None = None
    ) -> tuple[_Result, bool]:
        raise NotImplementedError

    def pull_contacts(self, ids_sql: str, as_of: str) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def register_saved(self, tables: dict[str, Any], columns: dict[str, dict[str, str]]) -> None:
        """Put saved-segment tables (Arrow, by name: ``userstore.register``; their columns' DuckDB
        types in ``columns``) in this session under their own names, replacing what an earlier call
        put there; a table already put there as it is is not copied again."""
        raise NotImplementedError

    def _saved_changed(self, tables: dict[str, Any]) -> dict[str, Any]:
        """The tables of ``tables`` not in this session as they are (the store hands back the same
        Arrow table while its file is unchanged)."""
        return {name: t for name, t in tables.items() if self._saved.get(name) is not t}

    def interrupt(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class PostgresConnection(ServerConnection):
    """A read-only session on a Postgres warehouse, shaped like the DuckDB connection it stands in for."""

    dialect = "postgres"
    engine_name = "Postgres"

    def __init__(self, remote: Remote, anchor: Path, *, reader: bool = True) -> None:
        try:
            import psycopg
        except ModuleNotFoundError as e:  # pragma: no cover - the extra is part of the test install
            raise WarehouseError(
                say(
                    "reading a Postgres warehouse needs the postgres extra: pip install 'segmenta[postgres]'",
                    "leer un almacén Postgres necesita el extra postgres: pip install 'segmenta[postgres]'",
                )
            ) from e
        self.remote = remote
        self.anchor = anchor
        self._pg = pg_connect(remote, autocommit=True)
        try:
            with self._pg.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", [remote.schema]
                )
                row = cur.fetchone()
                if not row or not row[0]:
                    raise WarehouseError(
                        say(
                            f"no segmenta warehouse in schema {remote.schema} of {remote.shown}: run "
                            f"`segmenta import DIR --db {remote.shown}` first",
                            f"no hay almacén de segmenta en el esquema {remote.schema} de {remote.shown}: "
                            f"ejecuta `segmenta import CARPETA --db {remote.shown}` primero",
                        )
                    )
                cur.execute(f'SET search_path TO "{remote.schema}"')
                if reader:
                    cur.execute(f"SET ROLE {READER_ROLE}")
                    cur.execute("SET default_transaction_read_only = on")
        except psycopg.Error as e:
            self._pg.close()
            raise WarehouseError(
                say(
                    f"cannot open the warehouse in {remote.shown} read-only: {first_line(e)}; import it "
                    "again with `segmenta import DIR --db URL` (which creates the reader role)",
                    f"no se puede abrir el almacén de {remote.shown} en solo lectura: {first_line(e)}; "
                    "impórtalo de nuevo con `segmenta import CARPETA --db URL` (que crea el rol lector)",
                )
            ) from e
        except BaseException:
            self._pg.close()
            raise
        self._timeout_ms = 0
        self._saved = {}

    def set_timeout(self, seconds: float) -> None:
        """The server stops any statement past ``seconds`` (``statement_timeout``)."""
        ms = max(1, int(seconds * 1000))
        if ms != self._timeout_ms:
            self.execute(f"SET statement_timeout = {ms}")
            self._timeout_ms = ms

    def query(
        self, sql: str, params: list[Any] | None = None, max_rows: int | None = None
    ) -> tuple[_Result, bool]:
        """The statement's rows, at most ``max_rows`` (and whether there were more)."""
        import psycopg

        text = sql if sql.lstrip().upper().startswith("SET ") else self.translate(sql)
        try:
            with self._pg.cursor() as cur:
                cur.execute(text, params or None)
                if cur.description is None:
                    return _Result([], []), False
                desc = [tuple(d)[:2] for d in cur.description]
                if max_rows is None:
                    return _Result(desc, cur.fetchall()), False
                rows = cur.fetchmany(max_rows + 1)
                return _Result(desc, rows[:max_rows]), len(rows) > max_rows
        except psycopg.Error as e:
            raise _as_duckdb_error(e) from e

    def pull_contacts(self, ids_sql: str, as_of: str) -> duckdb.DuckDBPyConnection:
        """The segment's contacts (``contacts_at(as_of)`` rows whose id ``ids_sql`` returns) copied from
        the server into a new in-memory DuckDB database, as its ``contacts`` table with a
        ``contacts_at(d)`` macro over it: an export normalises and hashes there exactly as on a DuckDB
        warehouse (``tools.exports``), with only the audience's rows brought over (one COPY)."""
        import tempfile

        import psycopg

        rows = self.execute(
            "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'contacts' ORDER BY ordinal_position"
        ).fetchall()
        types = {}
        for name, type_, precision, scale in rows:
            t = f"DECIMAL({precision},{scale})" if type_ == "numeric" else _DUCK_TYPES.get(str(type_))
            types[str(name)] = t or "VARCHAR"
        query = self.translate(
            f"SELECT c.* FROM contacts_at(DATE '{as_of}') AS c "
            f"WHERE c.contact_id IN (SELECT contact_id FROM ({ids_sql}) AS s)"
        )
        local = duckdb.connect()
        with tempfile.TemporaryDirectory(prefix="segmenta-pull-") as tmp:
            path = Path(tmp) / "contacts.csv"
            try:
                with path.open("wb") as fh, self._pg.cursor() as cur:
                    with cur.copy(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)") as copy:
                        for chunk in copy:
                            fh.write(chunk)
            except psycopg.Error as e:
                local.close()
                raise _as_duckdb_error(e) from e
            columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
            read = f"read_csv('{path}', header = true, columns = {columns})"
            local.execute(f"CREATE TABLE contacts AS SELECT * FROM {read}")
        local.execute("CREATE MACRO contacts_at(d) AS TABLE SELECT * FROM contacts")
        return local

    def register_saved(self, tables: dict[str, Any], columns: dict[str, dict[str, str]]) -> None:
        """The tables as temporary tables of this session (``pg_temp``, searched before the shop's
        schema), copied in with one ``COPY`` each. Only the reader's own temporary tables are written:
        the session's read-only default is lifted for that one transaction and put back at once."""
        import io

        import psycopg
        import pyarrow.csv as pacsv

        from segmenta.errors import QueryError

        todo = self._saved_changed(tables)
        if not todo:
            return
        try:
            with self._pg.cursor() as cur:
                cur.execute("SET default_transaction_read_only = off")
                try:
                    with self._pg.transaction():
                        for name, table in todo.items():
                            cur.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
                            typed = ", ".join(f'"{c}" {pg_type(t)}' for c, t in columns[name].items())
                            cur.execute(f"CREATE TEMPORARY TABLE {name} ({typed})")
                            if table.num_rows:
                                buf = io.BytesIO()
                                pacsv.write_csv(table.select(list(columns[name])), buf)
                                with cur.copy(f"COPY {name} FROM STDIN (FORMAT csv, HEADER)") as copy:
                                    copy.write(buf.getvalue())
                finally:
                    cur.execute("SET default_transaction_read_only = on")
        except psycopg.Error as e:
            raise QueryError(
                say(
                    f"cannot put the saved segments on {self.remote.shown} for this request: {first_line(e)} "
                    f"(the role {READER_ROLE} needs TEMPORARY on the database: GRANT TEMPORARY ON DATABASE "
                    f"... TO {READER_ROLE})",
                    f"no se pueden poner los segmentos guardados en {self.remote.shown} para esta petición: "
                    f"{first_line(e)} (el rol {READER_ROLE} necesita TEMPORARY en la base de datos: "
                    f"GRANT TEMPORARY ON DATABASE ... TO {READER_ROLE})",
                )
            ) from e
        self._saved.update(todo)

    def cursor(self) -> _Cursor:
        """A handle for another thread's statements (the chat's workers): the same session, whose
        ``close`` leaves the connection open, as a DuckDB cursor's leaves its database."""
        return _Cursor(self)

    def interrupt(self) -> None:
        try:
            self._pg.cancel_safe()
        except Exception:  # noqa: BLE001 - nothing running, or the server gone: nothing to stop
            pass

    def close(self) -> None:
        self._pg.close()


class _Cursor(PostgresConnection):
    """``PostgresConnection.cursor()``: the connection's own session, closing nothing."""

    def __init__(self, owner: PostgresConnection) -> None:  # noqa: D107 - shares the owner's session
        self.__dict__.update(owner.__dict__)

    def close(self) -> None:
        pass


def first_line(e: BaseException) -> str:
    """An error's first line (a server's or the JVM's messages run on for pages)."""
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:500]


def pg_connect(remote: Remote, *, autocommit: bool) -> Any:
    """A psycopg connection to the server, or one line saying why there is none."""
    import psycopg

    try:
        return psycopg.connect(conninfo(remote), autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as e:
        raise WarehouseError(
            say(
                f"cannot connect to {remote.shown}: {first_line(e)}",
                f"no se puede conectar a {remote.shown}: {first_line(e)}",
            )
        ) from e


def is_remote(con: object) -> bool:
    """Whether a connection is a server warehouse's (not a DuckDB connection)."""
    return isinstance(con, ServerConnection)


def connect(db: Path, *, reader: bool = True) -> PostgresConnection:
    """The read-only connection to the Postgres warehouse ``db`` (an anchor) stands for (Spark's:
    ``spark.SparkConnection``; ``store.connect_readonly`` opens either)."""
    remote = remote_of(db)
    if remote is None or remote.engine != "postgres":
        raise WarehouseError(f"{db} is not a Postgres warehouse")
    return PostgresConnection(remote, db, reader=reader)


@lru_cache(maxsize=1)
def accent_pairs() -> tuple[str, str]:
    """The accented letters and their bare forms as DuckDB's ``strip_accents`` gives them, for the
    ``translate`` that stands in for it on Postgres and Spark (Latin letters: Latin-1, Extended-A
    and -B, Extended Additional), so text folds alike on every engine.

    >>> frm, to = accent_pairs(); to[frm.index("ñ")], to[frm.index("Á")], "ß" in frm
    ('n', 'A', False)
    """
    chars = [chr(c) for r in ((0xC0, 0x250), (0x1E00, 0x1F00)) for c in range(*r)]
    con = duckdb.connect()
    try:
        rows = con.execute("SELECT c, strip_accents(c) FROM unnest(?) AS t(c)", [chars]).fetchall()
    finally:
        con.close()
    pairs = [(c, b) for c, b in rows if len(b) == 1 and b != c]
    return "".join(c for c, _ in pairs), "".join(b for _, b in pairs)


def duck_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """The base tables of a DuckDB warehouse and their (column, type), in column order: what an
    import copies to a server."""
    rows = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns AS c "
        "JOIN duckdb_tables() AS t ON t.table_name = c.table_name AND t.schema_name = c.table_schema "
        "WHERE c.table_schema = 'main' ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, type_ in rows:
        out.setdefault(str(table), []).append((str(column), str(type_)))
    return out


_SIMPLE = {
    "VARCHAR": 'text COLLATE "C"',
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIME": "time",
    "JSON": "json",
    "HUGEINT": "numeric(38, 0)",
    "UBIGINT": "numeric(20, 0)",
    "UINTEGER": "bigint",
}
"""The Postgres type of each plain DuckDB column type: for an import's tables and for the
saved-segment tables a session gets (``register_saved``); ``_DUCK_TYPES`` reads back."""


def pg_type(duck_type: str) -> str:
    """The Postgres column type for a DuckDB one.

    >>> pg_type("DECIMAL(12,2)"), pg_type("VARCHAR"), pg_type("TIMESTAMP")
    ('numeric(12,2)', 'text COLLATE "C"', 'timestamp')
    """
    t = duck_type.upper().strip()
    if t in _SIMPLE:
        return _SIMPLE[t]
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if m:
        return f"numeric({m.group(1)},{m.group(2)})"
    raise WarehouseError(f"a column of type {duck_type} cannot be copied to Postgres")


_DUCK_TYPES = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "double precision": "DOUBLE",
    "real": "FLOAT",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMPTZ",
    "time without time zone": "TIME",
}
