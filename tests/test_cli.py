"""The command line: help everywhere, data on stdout, one red line on stderr and exit 1 for errors.

Most tests run on a tiny warehouse built here (three contacts, four orders) so they stay fast;
one imports the sample shop of /work/shared/eval/sports end to end.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner, Result

from segmenta import cli, render
from segmenta.warehouse import store
from segmenta.warehouse.config import Config, load_config
from segmenta.warehouse.derived import install_macros, macros_current
from segmenta.warehouse.schema import create_schema

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SHOP = Path("/work/shared/eval/sports")

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the warehouse in the user's data folder."""
    monkeypatch.setenv(store.ENV_DB, str(tmp_path / "default.duckdb"))
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)


def _build_tiny(db: Path) -> Path:
    con = duckdb.connect(str(db))
    try:
        create_schema(con)
        con.execute("""INSERT INTO contacts (contact_id, city, birth_date, created_at) VALUES
            ('c1', 'Madrid', DATE '1990-05-01', TIMESTAMP '2025-01-10 10:00:00'),
            ('c2', 'Sevilla', NULL, TIMESTAMP '2025-06-01 09:00:00'),
            ('c3', 'Bilbao', DATE '2001-02-03', TIMESTAMP '2026-03-01 12:00:00')""")
        con.execute("""INSERT INTO products VALUES
            ('p1', 'Trail shoe', 'Running', 'Shoes', 'Brand A', 90.00),
            ('p2', 'Racket', 'Tennis', 'Rackets', 'Brand B', 150.00)""")
        con.execute("""INSERT INTO orders (order_id, contact_id, ordered_at, total_amount, status) VALUES
            ('o1', 'c1', TIMESTAMP '2025-02-01 10:00:00', 180.00, 'completed'),
            ('o2', 'c2', TIMESTAMP '2025-07-01 10:00:00', 150.00, 'completed'),
            ('o3', 'c1', TIMESTAMP '2026-03-05 10:00:00', 90.00, 'completed'),
            ('o4', 'c3', TIMESTAMP '2026-03-06 10:00:00', 150.00, 'cancelled')""")
        con.execute("""INSERT INTO order_lines (order_id, product_id, quantity, unit_price) VALUES
            ('o1', 'p1', 2, 90.00), ('o2', 'p2', 1, 150.00),
            ('o3', 'p1', 1, 90.00), ('o4', 'p2', 1, 150.00)""")
        install_macros(con, Config())
    finally:
        con.close()
    return db


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return _build_tiny(tmp_path / "tiny.duckdb")


def run(*args: str | Path) -> Result:
    return runner.invoke(cli.app, [str(a) for a in args])


def _commands() -> Iterator[tuple[str, ...]]:
    """Every command path of the app, groups included (``("config",)``, ``("config", "set")``)."""

    def walk(cmd: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if path:
            yield path
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk(sub, (*path, name))

    yield from walk(typer.main.get_command(cli.app), ())


def test_every_command_and_option_has_help() -> None:
    commands = list(_commands())
    assert {("demo",), ("import",), ("info",), ("sql",), ("config",), ("config", "set")} <= set(commands)
    for path in commands:
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "Usage: segmenta " + " ".join(path) in result.output
    group = typer.main.get_command(cli.app)
    for path in commands:
        cmd: object = group
        for name in path:
            cmd = cmd.commands[name]  # type: ignore[attr-defined]
        assert cmd.help, path  # type: ignore[attr-defined]
        for param in cmd.params:  # type: ignore[attr-defined]
            assert param.name == "ctx" or getattr(param, "help", None), (path, param.name)


def test_every_command_takes_db_from_the_environment() -> None:
    group = typer.main.get_command(cli.app)
    for path in _commands():
        cmd: object = group
        for name in path:
            cmd = cmd.commands[name]  # type: ignore[attr-defined]
        if hasattr(cmd, "commands") and not getattr(cmd, "invoke_without_command", False):
            continue  # a container of commands ("segments"): its commands take --db
        db = [p for p in cmd.params if p.name == "db"]  # type: ignore[attr-defined]
        assert db and db[0].envvar == store.ENV_DB, path


def test_python_dash_m_segmenta_prints_the_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "segmenta", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: segmenta" in done.stdout
    for command in ("demo", "import", "info", "sql", "config"):
        assert command in done.stdout


@pytest.mark.skipif(not SAMPLE_SHOP.is_dir(), reason="the sample shop is not on this machine")
def test_importing_the_sample_shop_prints_its_summary_and_makes_a_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    result = run("import", SAMPLE_SHOP, "--db", db)
    assert result.exit_code == 0, result.output
    assert "contacts.csv" in result.stdout
    assert "orders" in result.stdout
    assert db.exists()
    info = run("info", "--db", db)
    assert info.exit_code == 0, info.output
    assert "message_events" in info.stdout


def _broken_shop(folder: Path) -> Path:
    folder.mkdir()
    (folder / "contacts.csv").write_text("contact_id,email\nc1,a@example.com\nc1,b@example.com\n")
    (folder / "orders.csv").write_text(
        "order_id,contact_id,ordered_at,total_amount\no1,c1,not a date,10.00\n"
    )
    (folder / "order_lines.csv").write_text("order_id,product_id,quantity,unit_price\no1,p1,1,10.00\n")
    return folder


def test_a_broken_folder_is_refused_on_stderr_with_nothing_on_stdout(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    result = run("import", _broken_shop(tmp_path / "broken"), "--db", db)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error: import refused" in result.stderr
    assert "Traceback" not in result.output
    assert not db.exists()


def test_the_shopify_format_on_canonical_files_says_what_it_looks_for(tmp_path: Path) -> None:
    """The canonical sample shop has orders.csv but no Shopify columns: refused with what is missing."""
    result = run(
        "import",
        SAMPLE_SHOP if SAMPLE_SHOP.is_dir() else tmp_path,
        "--format",
        "shopify",
        "--db",
        tmp_path / "shop.duckdb",
    )
    assert result.exit_code == 1
    assert "Shopify" in result.stderr and (
        "no column 'Name'" in result.stderr or "orders export" in result.stderr
    )
    assert result.stdout == ""
    assert not (tmp_path / "shop.duckdb").exists()


def test_sql_refuses_a_delete_and_leaves_the_contacts(tiny: Path) -> None:
    result = run("sql", "DELETE FROM contacts", "--db", tiny)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "DELETE" in result.stderr
    assert result.stdout == ""
    assert json.loads(run("sql", "SELECT count(*) AS n FROM contacts", "--db", tiny, "--json").stdout)[
        "rows"
    ] == [[3]]


def test_sql_refuses_a_function_that_reads_files(tiny: Path) -> None:
    result = run("sql", "SELECT * FROM read_csv('x')", "--db", tiny)
    assert result.exit_code == 1
    assert "read_csv" in result.stderr
    assert result.stdout == ""


def test_sql_json_prints_one_object_with_columns_and_rows(tiny: Path) -> None:
    result = run(
        "sql", "SELECT contact_id, birth_date, city FROM contacts ORDER BY contact_id", "--db", tiny, "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["columns"] == ["contact_id", "birth_date", "city"]
    assert data["rows"] == [
        ["c1", "1990-05-01", "Madrid"],
        ["c2", None, "Sevilla"],
        ["c3", "2001-02-03", "Bilbao"],
    ]


def test_sql_puts_the_as_of_date_where_the_query_says_d(tiny: Path) -> None:
    query = "SELECT count(*) AS n FROM contacts_at({D})"
    early = run("sql", query, "--as-of", "2025-12-31", "--db", tiny, "--json")
    late = run("sql", query, "--as-of", "2026-06-30", "--db", tiny, "--json")
    assert json.loads(early.stdout)["rows"] == [[2]]
    assert json.loads(late.stdout)["rows"] == [[3]]
    rfm = run(
        "sql", "SELECT contact_id FROM rfm({D}) ORDER BY 1", "--as-of", "2025-03-01", "--db", tiny, "--json"
    )
    assert json.loads(rfm.stdout)["rows"] == [["c1"]]


def test_sql_shows_the_first_rows_and_says_how_many_in_all(tiny: Path) -> None:
    result = run("sql", "SELECT contact_id FROM contacts ORDER BY 1", "--db", tiny, "--limit", "2")
    assert result.exit_code == 0, result.output
    assert "c1" in result.stdout and "c2" in result.stdout and "c3" not in result.stdout
    assert "first 2 of 3 rows" in result.stdout


def test_sql_csv_writes_every_row_and_prints_no_table(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "contacts.csv"
    result = run(
        "sql",
        "SELECT contact_id, birth_date FROM contacts ORDER BY 1",
        "--db",
        tiny,
        "--csv",
        out,
        "--limit",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Wrote 3 rows" in result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["contact_id", "birth_date"],
            ["c1", "1990-05-01"],
            ["c2", ""],
            ["c3", "2001-02-03"],
        ]


def test_a_date_that_is_not_yyyy_mm_dd_is_a_usage_error(tiny: Path) -> None:
    result = run("sql", "SELECT 1 AS one", "--as-of", "30/06/2026", "--db", tiny)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("command", [["info"], ["sql", "SELECT 1 AS one"]])
def test_a_missing_warehouse_says_to_build_the_demo_or_import(command: list[str], tmp_path: Path) -> None:
    result = run(*command, "--db", tmp_path / "nowhere.duckdb")
    assert result.exit_code == 1
    assert "segmenta demo" in result.stderr and "segmenta import" in result.stderr
    assert result.stdout == ""


def test_info_shows_tables_orders_top_categories_and_settings(tiny: Path) -> None:
    result = run("info", "--db", tiny)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for table in ("contacts", "orders", "order_lines", "web_events"):
        assert table in out
    assert "2025-02-01" in out and "2026-03-06" in out
    assert re.search(r"Running\s*│\s*270\.00", out), out  # 2 x 90 + 1 x 90, the cancelled racket left out
    assert re.search(r"Tennis\s*│\s*150\.00", out), out
    assert "quintile" in out
    assert f"Warehouse: {tiny.resolve()}" in out


def test_config_set_changes_the_file_and_the_warehouse_macros(tiny: Path) -> None:
    result = run("config", "set", "rfm.method", "ntile", "--db", tiny)
    assert result.exit_code == 0, result.output
    assert load_config(tiny).rfm.method == "ntile"
    shown = run("config", "--db", tiny)
    assert shown.exit_code == 0, shown.output
    assert 'method = "ntile"' in shown.stdout
    assert shown.stdout.startswith(f"# {store.config_path(tiny.resolve())}")
    con = duckdb.connect(str(tiny), read_only=True)
    try:
        assert macros_current(con, load_config(tiny))
    finally:
        con.close()


def test_config_set_with_an_impossible_value_changes_nothing(tiny: Path) -> None:
    result = run("config", "set", "rfm.method", "median", "--db", tiny)
    assert result.exit_code == 1
    assert "rfm.method" in result.stderr
    assert result.stdout == ""
    assert not store.config_path(tiny).exists()


def test_config_shows_the_defaults_before_any_file_exists(tmp_path: Path) -> None:
    result = run("config", "--db", tmp_path / "new.duckdb")
    assert result.exit_code == 0, result.output
    assert "defaults" in result.stdout.splitlines()[0]
    assert 'method = "quintile"' in result.stdout


def test_demo_builds_a_small_shop_and_prints_its_report(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = run("demo", "--db", db, "--contacts", "300", "--seed", "3", "--until", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    counted = json.loads(run("sql", "SELECT count(*) AS n FROM contacts", "--db", db, "--json").stdout)
    assert counted["rows"] == [[300]]


def test_main_exits_1_with_one_line_and_no_traceback_on_an_unexpected_error(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(db: Path) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "connect_readonly", broken)
    monkeypatch.setattr(sys, "argv", ["segmenta", "info", "--db", str(tiny)])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unexpected RuntimeError: disk on fire" in captured.err
    assert "Traceback" not in captured.err


def test_ctrl_c_exits_130_with_one_line(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(db: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "connect_readonly", interrupted)
    result = run("info", "--db", tiny)
    assert result.exit_code == 130
    assert result.stderr == "error: interrupted\n"
    assert result.stdout == ""


@pytest.mark.parametrize("terminal", [True, False])
def test_the_progress_bar_draws_the_step_on_a_terminal_only(terminal: bool) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=terminal, width=60)
    with render.progress_bar(console) as progress:
        progress("reading orders.csv", 3, 10)
        progress("writing orders", 10, 10)
    drawn = buffer.getvalue()
    assert ("writing orders" in drawn) is terminal
    assert bool(drawn) is terminal


def _ci_test_command() -> str:
    found = re.search(r"^TEST_COMMAND='(.+)'$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)
    assert found, ".ci/run sets no TEST_COMMAND"
    return found.group(1)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- test-command -->\s*```(?:bash|sh)?\n(.+?)\n\s*```", text, re.S)
    assert found, "README.md has no command block after <!-- test-command -->"
    setup = found.group(1).strip()
    command = _ci_test_command()
    assert setup == command or setup.endswith(" && " + command), (setup, command)
    assert "pytest" in command


def test_every_command_is_in_the_readme() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in _commands():
        assert "segmenta " + " ".join(path) in text, path


def test_a_refusal_is_said_in_the_language_of_the_request_and_goes_no_further(
    tiny: Path, tmp_path: Path
) -> None:
    chart = tmp_path / "c.jpg"
    es = run("ask", "mujeres de Madrid", "--db", tiny, "--chart", chart)
    assert es.exit_code == 1 and "no es un formato de gráfico" in es.stderr and ".svg" in es.stderr
    en = run("ask", "women in Madrid", "--db", tiny, "--chart", chart)
    assert en.exit_code == 1 and "is not a chart format" in en.stderr
    es = run("export", "--to", "tiktok", "--ask", "mujeres de Madrid", "--db", tiny)
    assert es.exit_code == 1 and "destino de exportación desconocido 'tiktok'" in es.stderr
    audience = tmp_path / "madrid-audience.csv"
    es = run("export", "--to", "csv", "--ask", "clientes de Madrid", "--db", tiny, "--out", audience)
    assert es.exit_code == 0 and f"Escribí 1 fila en {audience} en " in es.stderr, es.output
    out = tmp_path / "madrid.csv"
    es = run("ask", "clientes de Madrid", "--db", tiny, "--as-of", "2026-03-10", "--csv", out)
    assert es.exit_code == 0 and f"Escribí 1 contacto en {out}" in es.stderr, es.output
    # a command with no request after a Spanish one speaks English again (one process, many commands)
    after = run("segments", "show", "VIP", "--db", tiny)
    assert after.exit_code == 1 and "no saved segment named 'VIP'" in after.stderr


def test_an_error_heading_and_a_message_raised_in_the_query_thread_keep_the_request_language(
    tiny: Path,
) -> None:
    from segmenta.errors import ExportError, QueryError, speaking

    assert ExportError("x").heading == "Export"
    with speaking("es"):
        refused = ExportError("x")
        con = store.connect_readonly(tiny)
        try:
            with pytest.raises(QueryError, match="la consulta da más de 5 filas"):
                store.run_query(con, "SELECT * FROM range(10)", max_rows=5)
        finally:
            con.close()
    assert refused.heading == "Exportación", "the heading is the language it was raised in"


def test_saving_from_a_request_says_the_size_and_day_as_the_language_writes_them_and_keeps_a_quoted_name_whole(
    tiny: Path,
) -> None:
    assert run("ask", "clientes de Madrid", "--db", tiny, "--as-of", "2026-03-10").exit_code == 0
    saved = run("ask", "guárdalo como 'Prueba'", "--db", tiny, "--as-of", "2026-03-10", "--json")
    assert saved.exit_code == 0, saved.output
    assert json.loads(saved.stdout)["explanation"] == ["guardado como 'Prueba': 1 contacto a 10 mar 2026"]
    # quotes inside the name: refused with the reason, never saved as the part before them
    cut = run("ask", 'guárdalo como "Sevilla "VIP" 2"', "--db", tiny, "--as-of", "2026-03-10")
    assert cut.exit_code == 1 and "tiene comillas" in cut.stderr, cut.output
    listed = run("segments", "list", "--db", tiny)
    assert "Prueba" in listed.stdout and "Sevilla" not in listed.stdout


def test_ask_sql_for_gives_the_answer_and_its_sql_for_another_engine(tiny: Path) -> None:
    result = run(
        "ask", "clientes por segmento RFM", "--db", tiny, "--as-of", "2026-03-31", "--json", "--sql-for", "bq"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["kind"] == "report" and out["rows"] and out["sql_for"]["engine"] == "BigQuery"
    written = out["sql_for"]["sql"]
    assert "rfm(" not in written.lower() and "rfm_2" not in written.lower() and "NTILE" not in written.upper()
    assert "CAST('2026-03-31' AS DATE)" in written and "SAFE_CAST" not in written
    shown = run("ask", "clientes de Madrid", "--db", tiny, "--as-of", "2026-03-31", "--sql-for", "snowflake")
    assert (
        shown.exit_code == 0 and "SQL for Snowflake" in shown.stdout or "SQL para Snowflake" in shown.stdout
    )
    refused = run("ask", "clientes de Madrid", "--db", tiny, "--sql-for", "oracle")
    assert refused.exit_code == 2 and "--sql-for" in refused.output and "'oracle'" in refused.output
