"""Warehouses read by Spark: ``--db spark://local[N]`` (a Spark session in this process) or
``--db sc://host:15002`` (a Spark cluster reached by Spark Connect), the shop's tables as Parquet
files.

An import checks the shop as ever into a local DuckDB file, then has DuckDB write every table as one
Parquet file into a new folder, with ``tables.json`` (each table's columns and DuckDB types) and
the settings' macro bodies; the new folder then replaces the old one (two renames: a reader that
opens in between finds the old folder or the new one, and an import that fails leaves the old one
as it was). The folder is ``<anchor>.spark/`` beside the anchor, or ``?path=FOLDER``.

A connection is a Spark session of its own (``SparkSession.newSession``: the same JVM for every
connection of a process, temporary views and functions of its own) in which each table is a
temporary view over its Parquet file, and each derived-field macro a temporary SQL table function
of the same name (``rfm(d)``, …; Spark 4 has them) whose body is the DuckDB macro written in
Spark's dialect. Nothing in the session can write: the views read files, no table is registered
in a catalog, and every statement passes the validator before it runs. The time limit cancels
the session's jobs.

Through Spark Connect the same happens on the cluster: a connection is a Connect session of its own
(``newSession`` on one client per URL), released when the connection closes, and the Parquet folder
(``;path=FOLDER``) is one this machine writes and the cluster reads by the same name: a shared file
system.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any, cast

import duckdb

from segmenta.errors import WarehouseError, say
from segmenta.warehouse import remote as remote_module
from segmenta.warehouse.remote import Remote, ServerConnection, _Result, duck_tables, first_line, translate

TABLES_FILE = "tables.json"
FOLDER_VERSION = 1
"""Bumped when the folder's layout changes: an older folder is imported again, never misread."""
_SESSION_LOCK = threading.Lock()
_BASE: dict[str, Any] = {}
"""master (or Connect URL) -> the process's SparkSession (a local JVM is started once: seconds)."""
_OPEN: set[Any] = set()
"""The Spark Connect sessions of open connections (each released at close, the rest at exit)."""


def is_connect(remote: Remote) -> bool:
    """Whether the warehouse is reached through Spark Connect (``sc://``)."""
    return remote.url.lower().startswith("sc://")


def data_folder(remote: Remote, anchor: Path) -> Path:
    """Where the shop's Parquet files are: ``?path=`` (``;path=`` on Spark Connect) or
    ``<anchor>.spark`` beside the anchor."""
    from urllib.parse import parse_qsl

    if is_connect(remote):
        query = remote_module.connect_options(remote.url)
    else:
        query = dict(parse_qsl(remote.url.partition("?")[2]))
    return Path(query["path"]).expanduser() if query.get("path") else anchor.with_suffix(".spark")


def _connect_session(remote: Remote) -> Any:
    """A new Spark Connect session on the cluster (the client for its URL made once a process)."""
    import socket
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    url = remote_module.connect_url_without(remote.url, "path")
    host, _, port = url[len("sc://") :].partition("/")[0].rpartition(":")
    with _SESSION_LOCK:
        if url not in _BASE:
            try:  # pyspark retries a closed port for minutes: a server that is not there is said now
                socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
            except OSError as e:
                raise WarehouseError(
                    say(
                        f"cannot reach Spark Connect at {host}:{port} ({e.strerror or e}): is the "
                        "Connect server running (sbin/start-connect-server.sh)?",
                        f"no llego a Spark Connect en {host}:{port} ({e.strerror or e}): ¿está en marcha "
                        "el servidor de Connect (sbin/start-connect-server.sh)?",
                    )
                ) from e
            try:
                from pyspark.sql.connect.session import SparkSession as ConnectSession
            except ImportError as e:  # pragma: no cover - the extra is part of the test install
                raise _no_extra("Spark Connect", "") from e
            _quiet_failed_statements()
            try:
                base = ConnectSession.builder.remote(url).create()
                _retry_briefly(base)
                base.conf.set("spark.sql.session.timeZone", "UTC")
            except Exception as e:  # noqa: BLE001 - a refused token, a server of another version
                raise WarehouseError(
                    f"cannot open a Spark Connect session at {remote.shown}: {first_line(e)}"
                ) from e
            _BASE[url] = base
        try:
            session = _BASE[url].newSession()
            _retry_briefly(session)
            session.conf.set("spark.sql.session.timeZone", "UTC")  # DuckDB's timestamps carry no zone
        except Exception as e:  # noqa: BLE001 - the server went away since the client was made
            _BASE.pop(url, None)  # the next connection makes a new client
            raise WarehouseError(
                f"cannot open a Spark Connect session at {remote.shown}: {first_line(e)}"
            ) from e
        _OPEN.add(session)
    return session


def _retry_briefly(session: Any, retries: int = 6) -> None:
    """pyspark retries an unavailable server for ten minutes; a person waiting for an answer gets
    about fifteen seconds of retries, then the error."""
    from pyspark.sql.connect.client.retries import DefaultPolicy

    session.client.set_retry_policies(
        [DefaultPolicy(max_retries=retries, backoff_multiplier=2.0, initial_backoff=200, max_backoff=8000)]
    )


def _release_connect_sessions() -> None:
    """Release what this process holds on Connect servers, at exit (left to the collector, grpc's
    channels wait on their threads for a minute); a later connection makes a new client."""
    clients = [_BASE.pop(k) for k in [k for k in _BASE if k.startswith("sc://")]]
    for session in list(_OPEN) + clients:
        try:
            _retry_briefly(session, retries=0)  # a server gone by now does not hold the exit
            session.stop()
        except Exception:  # noqa: BLE001 - a server already gone
            pass
    _OPEN.clear()


atexit.register(_release_connect_sessions)


def _master(remote: Remote) -> str:
    inside = remote.url.partition("://")[2].partition("?")[0].strip("/")
    return inside if "[" in inside else "local[*]"


def _no_extra(what: str, also: str) -> WarehouseError:
    """The error for a missing pyspark (or its Connect client)."""
    also_es = also.replace("and", "y")
    return WarehouseError(
        say(
            f"reading a {what} warehouse needs the spark extra{also}: pip install 'segmenta[spark]'",
            f"leer un almacén {what} necesita el extra spark{also_es}: pip install 'segmenta[spark]'",
        )
    )


def _session(master: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError as e:  # pragma: no cover - the extra is part of the test install
        raise _no_extra("Spark", " (and Java 17)") from e
    with _SESSION_LOCK:
        if master not in _BASE:
            import warnings

            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
            quiet = _quiet_logging()
            if quiet:  # the driver's JVM starts before any builder setting: its options go here
                os.environ.setdefault(
                    "PYSPARK_SUBMIT_ARGS",
                    f"--driver-java-options -Dlog4j.configurationFile={quiet} pyspark-shell",
                )
            builder = (
                SparkSession.builder.master(master)
                .appName("segmenta")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")  # DuckDB's timestamps carry no zone
                .config("spark.sql.shuffle.partitions", str(max(2, (os.cpu_count() or 2) * 2)))
                .config("spark.driver.memory", os.environ.get("SEGMENTA_SPARK_MEMORY", "4g"))
            )
            try:
                _BASE[master] = builder.getOrCreate()
            except Exception as e:  # noqa: BLE001 - no Java, a bad master: said in one line
                raise WarehouseError(f"cannot start Spark ({master}): {first_line(e)}") from e
            _BASE[master].sparkContext.setLogLevel("ERROR")
            _quiet_failed_statements()
        return _BASE[master].newSession()


def _quiet_failed_statements() -> None:
    """pyspark logs every failed statement, stack and all, as JSON on stderr: segmenta says what
    went wrong in one line of its own."""
    from pyspark.logger import PySparkLogger

    PySparkLogger.getLogger("SQLQueryContextLogger").disabled = True


def _quiet_logging() -> str:
    """A log4j2 configuration that keeps Spark's JVM to its errors (segmenta says what went wrong)."""
    from segmenta import diskcache

    path = diskcache.cache_dir() / "spark-log4j2.properties"
    text = "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
    text += "appender.console.type = Console\nappender.console.name = console\n"
    text += "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
    text += "appender.console.layout.pattern = spark: %m%n\n"
    # pyspark starts the JVM as a shell, whose level comes from Spark's own loggers when they have a
    # level of their own: at error too, Spark does not print "Setting default log level to WARN"
    text += "logger.spark.name = org.apache.spark\nlogger.spark.level = error\n"
    try:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError:
        return ""
    return str(path)


def _folder_meta(remote: Remote, folder: Path) -> dict[str, Any]:
    """The Parquet folder's ``tables.json`` (its tables' columns, macro bodies, accents), or why not."""
    try:
        meta: dict[str, Any] = json.loads((folder / TABLES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WarehouseError(
            say(
                f"no segmenta warehouse in {folder}: run `segmenta import DIR --db {remote.shown}` first",
                f"no hay almacén de segmenta en {folder}: ejecuta "
                f"`segmenta import CARPETA --db {remote.shown}` primero",
            )
        ) from e
    if meta.get("version") != FOLDER_VERSION:
        raise WarehouseError(
            say(
                f"{folder} was written by another version of segmenta: import the shop again "
                f"(`segmenta import DIR --db {remote.shown}`)",
                f"{folder} lo escribió otra versión de segmenta: importa la tienda de nuevo "
                f"(`segmenta import CARPETA --db {remote.shown}`)",
            )
        )
    return meta


class SparkConnection(ServerConnection):
    """A read-only Spark session over a shop's Parquet files, shaped like a DuckDB connection."""

    dialect = "spark"
    engine_name = "Spark"

    def __init__(self, remote: Remote, anchor: Path) -> None:
        self.remote = remote
        self.anchor = anchor
        folder = data_folder(remote, anchor)
        meta = _folder_meta(remote, folder)
        self.columns: dict[str, list[list[str]]] = meta["tables"]
        self._connect = is_connect(remote)
        self._spark = _connect_session(remote) if self._connect else _session(_master(remote))
        self._cancelled = False
        self._saved = {}
        for table in self.columns:
            path = str(folder / f"{table}.parquet").replace("`", "``")
            try:
                self._spark.sql(
                    f"CREATE OR REPLACE TEMPORARY VIEW `{table}` AS SELECT * FROM parquet.`{path}`"
                )
            except Exception as e:  # noqa: BLE001 - a file Spark cannot read (a cluster elsewhere)
                self.close()
                raise WarehouseError(
                    say(
                        f"Spark ({remote.shown}) cannot read {path}: {first_line(e)}",
                        f"Spark ({remote.shown}) no puede leer {path}: {first_line(e)}",
                    )
                ) from e
        frm, to = meta["accents"]
        self._spark.sql(
            "CREATE OR REPLACE TEMPORARY FUNCTION strip_accents(s STRING) RETURNS STRING "
            f"RETURN translate(s, '{frm}', '{to}')"
        )
        self.macros: dict[str, str] = dict(meta["macros"])

    def translate(self, sql: str, *, pretty: bool = False) -> str:
        """``sql`` as Spark runs it: each derived-field macro call (``rfm(DATE '2026-06-30')``)
        replaced by the macro's body for that date, then written in Spark's dialect. (Spark's SQL
        table functions refuse an aggregate that reads their parameter, as the lead score's does,
        so the bodies go in place, with the date as a literal.)"""
        return translate(inline_macros(sql, self.macros), self.dialect, pretty=pretty)

    def schema_rows(self) -> list[tuple[str, str, str]]:
        """(table, column, DuckDB type) of every table, as the import wrote them (``tables.json``)."""
        return [(t, c, ty) for t, cols in sorted(self.columns.items()) for c, ty in cols]

    def set_timeout(self, seconds: float) -> None:
        """Spark has no statement timeout: ``run_query``'s timer cancels the jobs (``interrupt``)."""

    def query(
        self, sql: str, params: list[Any] | None = None, max_rows: int | None = None
    ) -> tuple[_Result, bool]:
        """The statement's rows, at most ``max_rows`` (and whether there were more)."""
        self._cancelled = False
        text = self.translate(sql)
        try:
            df = self._spark.sql(text, args=list(params) if params else None)
            fields = [(f.name, f.dataType.simpleString()) for f in df.schema.fields]
            rows = df.limit(max_rows + 1).collect() if max_rows is not None else df.collect()
        except Exception as e:  # noqa: BLE001 - Spark's errors come from the JVM: said as DuckDB's
            if self._cancelled:
                raise duckdb.InterruptException("cancelled") from e
            raise duckdb.Error(first_line(e)) from e
        out = [tuple(r) for r in rows]
        if max_rows is not None and len(out) > max_rows:
            return _Result(fields, out[:max_rows]), True
        return _Result(fields, out), False

    def pull_contacts(self, ids_sql: str, as_of: str) -> duckdb.DuckDBPyConnection:
        """The segment's contacts as a local DuckDB table ``contacts`` (``remote.pull_contacts``)."""
        query = (
            f"SELECT c.* FROM contacts_at(DATE '{as_of}') AS c "
            f"WHERE c.contact_id IN (SELECT contact_id FROM ({ids_sql}) AS s)"
        )
        try:
            table = self._spark.sql(self.translate(query)).toArrow()
        except Exception as e:  # noqa: BLE001
            raise duckdb.Error(first_line(e)) from e
        local = duckdb.connect()
        local.register("pulled", table)
        types = dict(self.columns["contacts"])
        cols = ", ".join(f'CAST("{c}" AS {types.get(c, "VARCHAR")}) AS "{c}"' for c in table.column_names)
        local.execute(f"CREATE TABLE contacts AS SELECT {cols} FROM pulled")
        local.unregister("pulled")
        local.execute("CREATE MACRO contacts_at(d) AS TABLE SELECT * FROM contacts")
        return local

    def register_saved(self, tables: dict[str, Any], columns: dict[str, dict[str, str]]) -> None:
        """The tables as temporary views of this session, each from its Arrow table."""
        from segmenta.errors import QueryError

        for name, table in self._saved_changed(tables).items():
            schema = ", ".join(f"`{c}` {_SPARK_TYPES[t]}" for c, t in columns[name].items())
            try:
                frame = self._spark.createDataFrame(table.select(list(columns[name])), schema=schema)
                frame.createOrReplaceTempView(name)
            except Exception as e:  # noqa: BLE001 - the JVM's errors
                shown = self.remote.shown
                raise QueryError(
                    say(
                        f"cannot put the saved segments in the Spark session ({shown}): {first_line(e)}",
                        f"no se pueden poner los segmentos guardados en la sesión de Spark ({shown}): "
                        f"{first_line(e)}",
                    )
                ) from e
            self._saved[name] = table

    def cursor(self) -> SparkConnection:
        return self

    def interrupt(self) -> None:
        self._cancelled = True
        try:
            if self._connect:
                self._spark.interruptAll()
            else:
                self._spark.sparkContext.cancelAllJobs()
        except Exception:  # noqa: BLE001 - nothing running
            pass

    def close(self) -> None:
        """The session's views go with it; the JVM (or the Connect client) stays for the process's
        next connection."""
        if self._connect and self._spark in _OPEN:
            _OPEN.discard(self._spark)
            try:
                self._spark.stop()  # releases the session on the server
            except Exception:  # noqa: BLE001 - a server already gone
                pass


_SPARK_TYPES = {
    "VARCHAR": "STRING",
    "JSON": "STRING",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "DATE": "DATE",
    "BIGINT": "BIGINT",
}
"""The saved-segment tables' column types (``userstore.COLUMNS``) in Spark."""


def inline_macros(sql: str, macros: dict[str, str]) -> str:
    """``sql`` (DuckDB's dialect) with every call of a table macro in ``macros`` (name -> body over
    the parameter ``d``) replaced by its body as a subquery, the argument in place of ``d``, macros
    inside bodies too.

    >>> inline_macros("SELECT * FROM m(DATE '2026-01-02') AS x", {"m": "SELECT d AS day FROM t"})
    "SELECT * FROM (SELECT CAST('2026-01-02' AS DATE) AS day FROM t) AS x"
    """
    import sqlglot
    from sqlglot import exp

    def body_for(name: str, arg: exp.Expression, depth: int) -> exp.Expression:
        if depth > 8:
            raise WarehouseError(f"the macro {name} calls itself")
        tree = sqlglot.parse_one(macros[name], read="duckdb")

        def put(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Column) and not node.table and node.name.lower() == "d":
                return arg.copy()
            return node

        return expand(tree.transform(put), depth + 1)

    def expand(tree: exp.Expression, depth: int) -> exp.Expression:
        def swap(node: exp.Expression) -> exp.Expression:
            call = node.this if isinstance(node, exp.Table) else None
            if (
                isinstance(call, exp.Anonymous)
                and str(call.this).lower() in macros
                and len(call.expressions) == 1
            ):
                name = str(call.this).lower()
                inner = body_for(name, call.expressions[0], depth)
                alias = node.args.get("alias")  # a subquery needs a name on Postgres: the macro's
                return exp.Subquery(
                    this=inner, alias=alias.copy() if alias else exp.TableAlias(this=exp.to_identifier(name))
                )
            return node

        return tree.transform(swap)

    return expand(cast(exp.Expression, sqlglot.parse_one(sql, read="duckdb")), 0).sql("duckdb")


def load_spark(duck: Path, remote: Remote, anchor: Path, config: object) -> dict[str, int]:
    """Write the finished DuckDB warehouse ``duck`` as the Spark warehouse's Parquet folder, swapped
    in for the old one; returns the rows written per table."""
    from segmenta.warehouse.derived import MACRO_NAMES, macro_definitions

    folder = data_folder(remote, anchor)
    new, old = folder.with_name(folder.name + ".importing"), folder.with_name(folder.name + ".old")
    for leftover in (new, old):
        shutil.rmtree(leftover, ignore_errors=True)
    new.mkdir(parents=True)
    try:
        con = duckdb.connect(str(duck), read_only=True)
        try:
            tables = duck_tables(con)
            counts = {}
            for table in tables:
                target = str(new / f"{table}.parquet").replace("'", "''")
                con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{target}' (FORMAT parquet)")
                row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                counts[table] = int(row[0]) if row else 0
            macros = {n: b for n, b in macro_definitions(config).items() if n in MACRO_NAMES}  # type: ignore[arg-type]
        finally:
            con.close()
        meta = {
            "version": FOLDER_VERSION,
            "tables": {t: [[c, ty] for c, ty in cols] for t, cols in tables.items()},
            "macros": macros,
            "accents": list(remote_module.accent_pairs()),
        }
        (new / TABLES_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    except BaseException:  # the old folder is untouched until here: nothing of the new one stays
        shutil.rmtree(new, ignore_errors=True)
        raise
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return counts


def reinstall_spark(remote: Remote, anchor: Path, config: object) -> list[str]:
    """``config``'s derived fields in the Spark warehouse's Parquet folder: the macro bodies of
    ``tables.json`` and every stored derived table's file made again (computed here by DuckDB over
    the folder's own files, as an import makes them). Each new file is written beside the old one
    and put in its place once all are written, ``tables.json`` last. Returns the tables made again."""
    from segmenta.warehouse.derived import MACRO_NAMES, META_KEY, macro_definitions, macros_hash, stored_of
    from segmenta.warehouse.schema import META_TABLE

    folder = data_folder(remote, anchor)
    meta = _folder_meta(remote, folder)
    definitions = macro_definitions(config)  # type: ignore[arg-type]
    stored = {t: held for t in meta["tables"] if (held := stored_of(t)) is not None}
    written: dict[str, Path] = {}
    con = duckdb.connect()
    try:
        for table in meta["tables"]:
            if table not in stored:
                source = str(folder / f"{table}.parquet").replace("'", "''")
                con.execute(f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{source}')")
        for name, body in definitions.items():
            con.execute(f"CREATE MACRO {name}(d) AS TABLE {body}")
        remade = {t: f"SELECT * FROM {macro}(DATE '{day.isoformat()}')" for t, (macro, day) in stored.items()}
        if META_TABLE in meta["tables"]:  # the stamp of the settings the macros are for
            stamp = macros_hash(config).replace("'", "''")  # type: ignore[arg-type]
            remade[META_TABLE] = (
                f"SELECT * REPLACE (CASE WHEN key = '{META_KEY}' THEN '{stamp}' ELSE value END AS value) "
                f"FROM {META_TABLE}"
            )
        for table, rows in remade.items():
            written[table] = folder / f".{table}.parquet.new"
            target = str(written[table]).replace("'", "''")
            con.execute(f"COPY ({rows}) TO '{target}' (FORMAT parquet)")
    except (duckdb.Error, OSError) as e:
        for done in written.values():
            done.unlink(missing_ok=True)
        raise WarehouseError(
            say(
                f"cannot change the settings in {folder}: {first_line(e)}; nothing was changed",
                f"no se pueden cambiar los ajustes en {folder}: {first_line(e)}; no se cambió nada",
            )
        ) from e
    finally:
        con.close()
    meta["macros"] = {n: b for n, b in definitions.items() if n in MACRO_NAMES}
    new_meta = folder / f".{TABLES_FILE}.new"
    new_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    for table, done in written.items():
        os.replace(done, folder / f"{table}.parquet")
    os.replace(new_meta, folder / TABLES_FILE)
    return sorted(t for t in written if t in stored)


def check_cluster_reads(remote: Remote, anchor: Path, copied: dict[str, int]) -> None:
    """After an import through Spark Connect, that the cluster reads the folder just written (it
    must be on a file system both share) and finds every contact in it."""
    folder = data_folder(remote, anchor)
    try:
        con = SparkConnection(remote, anchor)
    except WarehouseError as e:
        raise WarehouseError(
            say(
                f"the shop is written in {folder}, but the cluster cannot read it ({e}): give ;path= "
                "a folder on a file system the cluster shares",
                f"la tienda está escrita en {folder}, pero el clúster no puede leerla ({e}): da a "
                ";path= una carpeta de un sistema de ficheros que el clúster comparta",
            )
        ) from e
    try:
        got = con.execute("SELECT count(*) FROM contacts").fetchone()
    except duckdb.Error as e:
        raise WarehouseError(
            say(
                f"the shop is written in {folder}, but the cluster at {remote.shown} cannot read it "
                f"({e}): give ;path= a folder on a file system the cluster shares",
                f"la tienda está escrita en {folder}, pero el clúster de {remote.shown} no puede leerla "
                f"({e}): da a ;path= una carpeta de un sistema de ficheros que el clúster comparta",
            )
        ) from e
    finally:
        con.close()
    if not got or int(got[0]) != copied.get("contacts", 0):
        raise WarehouseError(
            say(
                f"the cluster at {remote.shown} reads {got[0] if got else 0:,} contacts in {folder}, "
                f"the import wrote {copied.get('contacts', 0):,}: is {folder} the same folder there?",
                f"el clúster de {remote.shown} lee {got[0] if got else 0:,} contactos en {folder}, "
                f"la importación escribió {copied.get('contacts', 0):,}: ¿es {folder} la misma carpeta allí?",
            )
        )
