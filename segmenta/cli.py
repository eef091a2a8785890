"""The ``segmenta`` command line: small commands that call the library and render once.

Each command parses its options, calls ``segmenta.warehouse`` / ``segmenta.assistant``, and hands
the result to ``segmenta.render``. stdout carries data only (tables, report lines, JSON); progress
and errors go to stderr. Every ``SegmentaError`` becomes one red line on stderr and exit code 1,
never a traceback (``_SegmentaGroup.invoke`` for commands, ``main`` for anything that escapes).

Library modules are imported inside the commands that use them, so ``segmenta --help`` and
argument errors answer at once. The lead's ``ask`` and ``chat`` commands join the same ``app``.

Exit codes: 0 done, 1 error, 2 wrong usage (unknown option, bad value), 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from segmenta import render
from segmenta.cli_options import DbOption, ensure_warehouse, parse_date
from segmenta.errors import SegmentaError, WarehouseError, say, speaking
from segmenta.warehouse import remote, store
from segmenta.warehouse.schema import META_TABLE, TABLES

DEBUG_ENV = "SEGMENTA_DEBUG"


class _SegmentaGroup(TyperGroup):
    """The top command group: a ``SegmentaError`` from any command becomes one message and exit 1.

    Ctrl-C becomes ``error: interrupted`` and exit 130 (the shell's convention) instead of Click's
    ``Aborted!`` and 1.
    """

    def invoke(self, ctx: Any) -> Any:
        # a command speaks English until it reads a request (``speak``), and no further than itself
        with speaking("en"):
            try:
                return super().invoke(ctx)
            except SegmentaError as e:
                render.print_error(e)
                raise typer.Exit(code=1) from None
            except KeyboardInterrupt:
                render.print_error(say("interrupted", "interrumpido"))
                raise typer.Exit(code=130) from None
            except OSError as e:  # a path that cannot be used, said while the request's language holds
                render.print_error(_os_error_line(e))
                raise typer.Exit(code=1) from None


app = typer.Typer(
    name="segmenta",
    cls=_SegmentaGroup,
    help="segmenta: segments, reports and audiences from plain Spanish or English, over your shop's "
    "DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
config_app = typer.Typer(
    help="Show the settings beside the warehouse (RFM method, lead-score points, locale), or change one.",
    invoke_without_command=True,
)
app.add_typer(config_app, name="config")


def _register_groups() -> None:
    """The command groups that live in their own modules (segments, workflow drafts, exports)."""
    from segmenta.cli_export import export_app
    from segmenta.cli_segments import segments_app
    from segmenta.cli_vocab import vocab_app
    from segmenta.cli_workflow import workflow_app

    app.add_typer(segments_app, name="segments")
    app.add_typer(vocab_app, name="vocab")
    app.add_typer(workflow_app, name="workflow")
    app.add_typer(export_app, name="export")


_register_groups()

_date = parse_date


def _db(db: str | Path | None) -> Path:
    return store.resolve_db(db)


def _check_outputs(*paths: Path | None, force: bool, chart: Path | None = None) -> None:
    """Refuse, before any work, an output file that is already there (without --force), a folder,
    or a chart whose extension names no chart format."""
    from segmenta.files import check_writable

    if chart is not None:
        from segmenta.report_view import chart_format

        chart_format(chart)
    for p in (*paths, chart):
        if p is not None:
            check_writable(p, force=force)


def _date_literal(day: dt.date) -> str:
    """The SQL literal that ``{D}`` becomes.

    >>> _date_literal(dt.date(2026, 6, 30))
    "DATE '2026-06-30'"
    """
    return f"DATE '{day.isoformat()}'"


# ---------------------------------------------------------------- demo, import


@app.command()
def demo(
    db: DbOption = None,
    contacts: Annotated[int, typer.Option(min=10, help="How many contacts the demo shop has.")] = 20000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed builds the same shop.")] = 7,
    until: Annotated[
        dt.date | None,
        typer.Option(
            parser=_date, metavar="YYYY-MM-DD", show_default="today", help="Last day of the shop's history."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a warehouse that holds an imported shop or saved segments."),
    ] = False,
) -> None:
    """Build the demo shop (a sports retailer) into the warehouse, replacing an earlier demo there.

    A warehouse imported from a shop's files, or one with saved segments, is replaced only with
    --force.
    """
    from segmenta.warehouse.demo import build_demo, what_would_be_lost

    path = _db(db)
    lost = None if force else what_would_be_lost(path)
    if lost is not None:
        raise WarehouseError(
            f"not replacing {lost}. Build the demo elsewhere (--db other.duckdb), or add --force to "
            "replace it"
        )
    render.print_note(f"Building the demo shop in {path}")
    with render.progress_bar() as progress:
        report = build_demo(path, contacts=contacts, seed=seed, until=until, progress=progress)
    render.print_lines(report.lines())


class EngineMode(enum.StrEnum):
    """How a request is read."""

    rules = "rules"
    llm = "llm"
    auto = "auto"


class ImportFormat(enum.StrEnum):
    """The layouts ``segmenta import`` reads."""

    canonical = "canonical"
    shopify = "shopify"


@app.command("import")
def import_(
    src: Annotated[
        Path,
        typer.Argument(
            exists=True,
            file_okay=False,
            metavar="DIR",
            help="Folder with contacts, orders and order_lines (and optionally products, "
            "web_events, message_events, workflows) as .csv or .parquet files.",
        ),
    ],
    db: DbOption = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave out invalid rows (and say how many) instead of refusing."),
    ] = False,
    map_: Annotated[
        Path | None,
        typer.Option(
            "--map",
            exists=True,
            dir_okay=False,
            metavar="MAP.toml",
            help="Read any platform's exports through a column map (README, 'Bring your shop').",
        ),
    ] = None,
    suggest_map: Annotated[
        bool,
        typer.Option("--suggest-map", help="Print a starting column map for the files in DIR, and stop."),
    ] = False,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add the files' new and changed rows (by id) to the current warehouse, not replace it.",
        ),
    ] = False,
    format_: Annotated[
        ImportFormat,
        typer.Option(
            "--format", help="Layout of the files: canonical, or shopify (the admin's exports as they are)."
        ),
    ] = ImportFormat.canonical,
) -> None:
    """Load a shop's files into the warehouse; on any problem the previous warehouse is left as it was."""
    from segmenta.warehouse.importer import import_shop

    if suggest_map:
        from segmenta.warehouse.colmap import suggest_map as suggest

        typer.echo(suggest(src), nl=False)
        return
    path = _db(db)
    with render.progress_bar() as progress:
        if remote.remote_of(path) is not None:
            from segmenta.warehouse.pg_load import import_remote

            if append:
                raise WarehouseError(
                    say(
                        "--append adds to a DuckDB warehouse; import a server warehouse in full",
                        "--append añade a un almacén DuckDB; importa un almacén en servidor entero",
                    )
                )

            def build(staging: Path) -> Any:
                if map_ is not None:
                    from segmenta.warehouse.colmap import import_mapped

                    return import_mapped(src, staging, map_, skip_invalid=skip_invalid, progress=progress)
                if format_ is ImportFormat.shopify:
                    from segmenta.warehouse.shopify import import_shopify

                    return import_shopify(src, staging, skip_invalid=skip_invalid, progress=progress)
                return import_shop(src, staging, skip_invalid=skip_invalid, progress=progress)

            report = import_remote(path, build, progress)
        elif map_ is not None:
            from segmenta.warehouse.colmap import import_mapped

            report = import_mapped(src, path, map_, skip_invalid=skip_invalid, progress=progress)
        elif append:
            if format_ is not ImportFormat.canonical:
                from segmenta.errors import ImportProblem, ShopImportError

                said = "--append reads canonical files; import a Shopify export in full"
                raise ShopImportError([ImportProblem(str(src), said)])
            from segmenta.warehouse.append import append_shop

            report = append_shop(src, path, skip_invalid=skip_invalid, progress=progress)
        elif format_ is ImportFormat.shopify:
            from segmenta.warehouse.shopify import import_shopify

            report = import_shopify(src, path, skip_invalid=skip_invalid, progress=progress)
        else:
            report = import_shop(src, path, skip_invalid=skip_invalid, progress=progress)
    render.print_lines(report.lines())


# ---------------------------------------------------------------- info


def _human_size(n: int) -> str:
    """A file size for a person.

    >>> _human_size(512), _human_size(3_500_000)
    ('512 B', '3.3 MB')
    """
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


_REVENUE_BY = """
SELECT p.{dim} AS {dim}, sum(l.quantity * l.unit_price) AS revenue, sum(l.quantity) AS units
FROM order_lines l JOIN orders o ON o.order_id = l.order_id JOIN products p ON p.product_id = l.product_id
WHERE o.status = 'completed' AND p.{dim} IS NOT NULL
GROUP BY 1 ORDER BY revenue DESC, 1 LIMIT 10
"""


def _table_counts(con: Any) -> list[tuple[str, int]]:
    """Row counts of the warehouse's tables: DATA_MODEL's first, in its order, then the others."""
    if hasattr(con, "schema_rows"):  # Spark's temporary views: the tables the import wrote
        names = sorted({str(table) for table, _column, _type in con.schema_rows()})
    else:
        names = [
            str(r[0])
            for r in store.run_query(
                con,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name",
            )[1]
        ]
    ordered = [n for n in TABLES if n in names] + [n for n in names if n not in TABLES and n != META_TABLE]
    counts = []
    for name in ordered:
        quoted = '"' + name.replace('"', '""') + '"'
        counts.append((name, int(store.run_query(con, f"SELECT count(*) FROM {quoted}")[1][0][0])))
    return counts


@app.command()
def info(db: DbOption = None) -> None:
    """Describe the warehouse: tables and row counts, order dates, top categories and brands, settings."""
    from segmenta.warehouse.config import load_config

    path = _db(db)
    config = load_config(path)
    currency = config.locale.currency
    con = store.connect_readonly(path)
    try:
        counts = _table_counts(con)
        first, last, completed, buyers = store.run_query(
            con,
            "SELECT min(ordered_at), max(ordered_at), count(*) FILTER (WHERE status = 'completed'), "
            "count(DISTINCT contact_id) FILTER (WHERE status = 'completed') FROM orders",
        )[1][0]
        top = {dim: store.run_query(con, _REVENUE_BY.format(dim=dim)) for dim in ("category", "brand")}
    finally:
        con.close()

    render.out.print(render.rows_table(["table", "rows"], counts, title="Tables", count=False))
    render.out.print(
        render.pairs_table(
            [
                ("first order", first),
                ("last order", last),
                ("completed orders", completed),
                ("buyers", buyers),
            ],
            title="Orders",
        )
    )
    for plural, (cols, rows) in zip(("categories", "brands"), top.values(), strict=True):
        render.out.print(
            render.rows_table(
                [cols[0], f"revenue ({currency})", "units"],
                rows,
                count=False,
                title=f"Top {plural} by revenue (completed orders)",
            )
        )
    cfg = store.config_path(path.resolve())
    render.out.print(
        render.pairs_table(
            [
                ("RFM method", config.rfm.method),
                ("currency", currency),
                ("default country", config.locale.default_country),
            ],
            title="Settings",
        )
    )
    render.print_lines(
        [
            (
                f"Warehouse: {server.shown} (Postgres, schema {server.schema})"
                if (server := remote.remote_of(path)) is not None
                else f"Warehouse: {path.resolve()} ({_human_size(path.stat().st_size)})"
            ),
            f"Settings: {cfg}" + ("" if cfg.exists() else " (not written yet: the defaults apply)"),
        ]
    )


# ---------------------------------------------------------------- sql


@app.command()
def sql(
    query: Annotated[
        str,
        typer.Argument(
            metavar="SQL", help='One SELECT. Write {D} where the as-of date goes: "SELECT * FROM rfm({D})".'
        ),
    ],
    db: DbOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_date,
            metavar="YYYY-MM-DD",
            show_default="today",
            help="The date that replaces {D} in the SQL, as DATE 'YYYY-MM-DD'.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"columns": [...], "rows": [...]} with every row.')
    ] = False,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", dir_okay=False, metavar="PATH", help="Write every row to this CSV file."),
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, help="Rows shown in the table (JSON and CSV get them all).")
    ] = 50,
    force: Annotated[bool, typer.Option("--force", help="Replace the --csv file if it exists.")] = False,
) -> None:
    """Run validated, read-only SQL on the warehouse (one SELECT over its tables and as-of macros)."""
    from segmenta.assistant.validator import validate, warehouse_schema

    path = _db(db)
    _check_outputs(csv_path, force=force)
    text = query.replace("{D}", _date_literal(as_of or dt.date.today()))
    con = store.connect_readonly(path)
    try:
        checked = validate(text, warehouse_schema(con))
        columns, rows = store.run_query(con, checked.sql(dialect="duckdb"))
    finally:
        con.close()
    if csv_path is not None:
        render.write_csv(csv_path, columns, rows, force=force)
        render.print_note(f"Wrote {len(rows)} row{'s' if len(rows) != 1 else ''} to {csv_path}")
    if as_json:
        typer.echo(render.rows_json(columns, rows))
    elif csv_path is None:
        render.out.print(render.rows_table(columns, rows, limit=limit))


# ---------------------------------------------------------------- ask


@app.command()
def ask(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What you want, in Spanish or English.")],
    db: DbOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_date,
            metavar="YYYY-MM-DD",
            show_default="today",
            help="The day the answer is as of: nothing after it counts.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer as one JSON object (the contract).")
    ] = False,
    continue_: Annotated[
        bool,
        typer.Option(
            "--continue", "-c", help='Refine the previous answer\'s segment ("ahora solo mujeres").'
        ),
    ] = False,
    show_sql: Annotated[bool, typer.Option("--sql/--no-sql", help="Show the SQL that ran.")] = True,
    engine: Annotated[
        EngineMode | None,
        typer.Option(
            "--engine",
            envvar="SEGMENTA_ENGINE",
            show_default="rules, or auto when a model is configured",
            help="rules: the embedded engine; llm: a language model fills the plan; auto: rules first, "
            "the model when words are left unrecognised. The model is set by OPENAI_BASE_URL, "
            "OPENAI_API_KEY and SEGMENTA_LLM_MODEL (or [llm] in the config).",
        ),
    ] = None,
    csv_path: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            metavar="PATH",
            dir_okay=False,
            help="Write the rows to a CSV file (a segment: all its contacts, every column).",
        ),
    ] = None,
    xlsx_path: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            metavar="PATH",
            dir_okay=False,
            help="Write the rows to an Excel file: dates as dates, rates as percentages "
            "(a segment: all its contacts, every column).",
        ),
    ] = None,
    chart_path: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="PATH.png|svg|pdf",
            dir_okay=False,
            help="Draw a report for a deck (1600x900), PNG, SVG or PDF by the extension: lines over "
            "time, bars otherwise.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --csv, --xlsx or --chart file if it exists.")
    ] = False,
    no_chart: Annotated[
        bool, typer.Option("--no-chart", help="Do not draw a report's chart under its table.")
    ] = False,
    remember: Annotated[
        bool,
        typer.Option(
            "--remember",
            help="With 'ask N --continue': keep the word and the option chosen as a shop word.",
        ),
    ] = False,
    sql_for_engine: Annotated[
        str | None,
        typer.Option(
            "--sql-for",
            metavar="ENGINE",
            help="Also give the answer's SQL for bigquery, snowflake, postgres or spark, to run there "
            "over the shop's tables in segmenta's layout: self-contained (RFM and the other derived "
            "fields written in, with this warehouse's settings).",
        ),
    ] = None,
) -> None:
    """Ask for a segment or a report in plain words; see the conditions, the counts and the SQL.

    A question back lists numbered options: 'segmenta ask 2 --continue' answers with option 2
    (add --remember to keep that choice as a word of this shop).

    Exit code 0 when answered, 3 when segmenta needs a clarification or did not understand.
    """
    from segmenta.errors import speak
    from segmenta.tools.ask import ask as ask_tool
    from segmenta.tools.ask import request_language

    path = _db(db)
    speak(request_language(path, text, continue_=continue_))
    _check_outputs(csv_path, xlsx_path, chart=chart_path, force=force)
    elsewhere_key = _engine_key(sql_for_engine) if sql_for_engine else None
    ensure_warehouse(path)
    answer = ask_tool(
        path,
        text,
        as_of or dt.date.today(),
        continue_=continue_,
        mode=engine.value if engine else None,
        remember=remember,
    )
    if answer.answered and (csv_path or xlsx_path or chart_path):
        from segmenta.report_view import write_files

        answer, notes = write_files(
            answer, path, csv_path=csv_path, xlsx_path=xlsx_path, png_path=chart_path, force=force
        )
        for note in notes:
            render.print_note(note)
    elif csv_path or xlsx_path or chart_path:
        render.print_note(
            say(
                "Nothing written: the request was not answered.",
                "No escribí nada: la petición no tuvo respuesta.",
            )
        )
    elsewhere = _sql_elsewhere(answer.sql, elsewhere_key, path) if elsewhere_key else None
    if as_json:
        contract = answer.contract()
        if elsewhere is not None:
            contract["sql_for"] = elsewhere
        typer.echo(json.dumps(contract, ensure_ascii=False, default=str))
    else:
        from rich.console import Console
        from rich.text import Text

        from segmenta.answer_view import print_answer

        # panels wrap their text (the shared console soft-wraps, which would crop a panel's lines)
        console = Console(highlight=False)
        print_answer(answer, console, show_sql=show_sql)
        if answer.kind == "report" and not no_chart:
            from segmenta.report_view import terminal_chart

            chart = terminal_chart(answer, min(console.width, 120))
            if chart:
                console.print(Text.from_ansi(chart), soft_wrap=True)
        if elsewhere is not None and elsewhere.get("sql"):
            from rich.panel import Panel
            from rich.syntax import Syntax

            console.print(
                Panel(
                    Syntax(elsewhere["sql"], "sql", word_wrap=True, theme="ansi_dark"),
                    title=say(f"SQL for {elsewhere['engine']}", f"SQL para {elsewhere['engine']}"),
                    title_align="left",
                )
            )
        elif elsewhere is not None:
            render.print_note(elsewhere["error"])
    if not answer.answered:
        raise typer.Exit(code=3)


def _engine_key(given: str) -> str:
    """An ``--sql-for`` value as the engine's key; an unknown one is refused before anything runs."""
    from segmenta.warehouse.portable import ENGINES

    key = given.strip().lower()
    key = {"postgresql": "postgres", "pg": "postgres", "bq": "bigquery", "databricks": "spark"}.get(key, key)
    if key not in ENGINES:
        raise typer.BadParameter(
            say(f"{given!r}: use one of {', '.join(ENGINES)}", f"{given!r}: usa uno de {', '.join(ENGINES)}"),
            param_hint="--sql-for",
        )
    return key


def _sql_elsewhere(sql: str | None, key: str, db: Path) -> dict[str, str]:
    """``ask --sql-for``: the answer's SQL for the engine ``key`` (``_engine_key``), or why there
    is none (the answer itself is still given)."""
    from segmenta.warehouse.portable import ENGINES, sql_for

    name = ENGINES[key]
    if not sql:
        return {
            "engine": name,
            "error": say(
                "No SQL to write for another engine: the request was not answered.",
                "No hay SQL que escribir para otro motor: la petición no tuvo respuesta.",
            ),
        }
    try:
        return {"engine": name, "sql": sql_for(sql, key, db)}
    except SegmentaError as e:
        return {"engine": name, "error": str(e)}


@app.command()
def chat(
    db: DbOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_date,
            metavar="YYYY-MM-DD",
            show_default="today",
            help="The day answers are as of (F2 changes it in the app).",
        ),
    ] = None,
    engine: Annotated[
        EngineMode | None,
        typer.Option(
            "--engine",
            envvar="SEGMENTA_ENGINE",
            show_default="rules, or auto when a model is configured",
            help="How requests are read: rules, llm or auto (see `segmenta ask --help`).",
        ),
    ] = None,
) -> None:
    """Open the chat app: ask, refine, see the funnel, the rows, charts and the SQL; export audiences."""
    from segmenta.cli_chat import chat as run_chat

    run_chat(db, as_of, engine.value if engine else None)


# ---------------------------------------------------------------- config


@config_app.callback()
def config(ctx: typer.Context, db: DbOption = None) -> None:
    """Show the TOML settings beside the warehouse (its path, then its content)."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    from segmenta.warehouse.config import config_toml, load_config

    path = _db(db)
    cfg = store.config_path(path.resolve())
    note = "" if cfg.exists() else " (not written yet: these are the defaults)"
    typer.echo(f"# {cfg}{note}")
    typer.echo(config_toml(load_config(path)), nl=False)


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="Dotted key, e.g. rfm.method or lead_score.product_view.")
    ],
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="New value in TOML syntax; lists also as 30,90,180,365.")
    ],
    db: DbOption = None,
) -> None:
    """Change one setting (checked first) and re-install the warehouse's macros so answers use it."""
    import duckdb

    from segmenta.warehouse.config import load_config, save_config, set_value
    from segmenta.warehouse.derived import install_macros
    from segmenta.warehouse.locks import write_lock
    from segmenta.warehouse.schema import schema_version

    path = _db(db if db is not None else ctx.obj)
    new = set_value(load_config(path), key, value)
    server = remote.remote_of(path)
    if server is not None:  # the server's functions and stored tables, made again at once
        from segmenta.warehouse.pg_load import reinstall_remote

        with write_lock(path, "settings change", wait=store.LOCK_WAIT_S):
            made = reinstall_remote(path, new)
            saved = save_config(path, new)
        typer.echo(f"{key} = {_current(new, key)} in {saved.resolve()}")
        render.print_note(
            say(
                f"{server.shown} now uses it: its derived fields were made again "
                f"({len(made)} stored tables).",
                f"{server.shown} ya lo usa: sus campos derivados se rehicieron "
                f"({len(made)} tablas guardadas).",
            )
        )
        return
    if path.exists():
        with write_lock(path, "settings change", wait=store.LOCK_WAIT_S):
            con = store.open_retrying(path, read_only=False)
            try:
                if schema_version(con) is None:
                    raise WarehouseError(f"{path} is not a segmenta warehouse (no schema version)")
                install_macros(con, new)
            except duckdb.Error as e:
                raise WarehouseError(f"cannot re-install the macros in {path}: {e}") from e
            finally:
                con.close()
    saved = save_config(path, new)
    typer.echo(f"{key} = {_current(new, key)} in {saved.resolve()}")
    if path.exists():
        render.print_note(f"The macros of {path.resolve()} now use it.")
    else:
        render.print_note(f"No warehouse at {path} yet: it will use this setting when it is built.")


def _current(config: Any, key: str) -> str:
    """The value of a dotted key as TOML writes it (JSON's notation for strings, numbers and lists)."""
    value: Any = config.model_dump()
    for part in key.split("."):
        value = value[part]
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- entry point


def _os_error_line(e: OSError) -> str:
    """One line for a path that cannot be used: the path, the reason, what is in the way."""
    from segmenta.errors import cannot_write

    if e.filename is None:
        return say(f"file error: {e.strerror or e}", f"error de fichero: {e.strerror or e}")
    return cannot_write(e.filename, e)


def main() -> None:
    """Run the command line (the ``segmenta`` script and ``python -m segmenta``)."""
    try:
        app(prog_name="segmenta")
    except SegmentaError as e:
        render.print_error(e)
        sys.exit(1)
    except KeyboardInterrupt:
        render.print_error(say("interrupted", "interrumpido"))
        sys.exit(130)
    except OSError as e:
        # a path the marketer gave that cannot be used: a folder that is a file, no permission, a
        # full disk. What and where, in one line; never "a bug"
        render.print_error(_os_error_line(e))
        sys.exit(1)
    except Exception as e:
        from_duckdb = type(e).__module__.startswith(("duckdb", "_duckdb", "builtins"))
        if from_duckdb and "interrupted" in str(e).lower():
            # Ctrl-C while DuckDB runs a query surfaces as its own error, not KeyboardInterrupt
            render.print_error(say("interrupted", "interrumpido"))
            sys.exit(130)
        if os.environ.get(DEBUG_ENV):
            raise
        render.print_error(
            f"unexpected {type(e).__name__}: {e} (this is a bug in segmenta; run again with "
            f"{DEBUG_ENV}=1 to see where)"
        )
        sys.exit(1)
