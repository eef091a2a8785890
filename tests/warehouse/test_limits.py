"""Limits that hold on every query: memory and threads set on the connection from the settings,
a row cap and a result-size cap measured before any Python object is made, a time limit that
interrupts, and text-building functions refused before they run."""

from __future__ import annotations

from pathlib import Path

import pytest

from segmenta.assistant.validator import validate
from segmenta.errors import QueryError, SqlValidationError
from segmenta.warehouse import store
from segmenta.warehouse.config import Config, LimitsConfig, load_config, save_config
from tests.test_cli import _build_tiny


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return _build_tiny(tmp_path / "tiny.duckdb")


def test_memory_and_threads_come_from_the_settings(tiny: Path) -> None:
    save_config(tiny, Config(limits=LimitsConfig(memory="512MB", threads=1)))
    assert load_config(tiny).limits.memory == "512MB"
    con = store.connect_readonly(tiny)
    try:
        memory, threads = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone() or ("", 0)
    finally:
        con.close()
    assert memory in ("488.2 MiB", "512.0 MB", "488.2MiB") and int(threads) == 1


def test_a_query_past_the_memory_limit_stops_with_a_message(tiny: Path) -> None:
    save_config(tiny, Config(limits=LimitsConfig(memory="64MB", threads=1)))
    con = store.connect_readonly(tiny)
    try:
        with pytest.raises(QueryError, match="more memory than this warehouse's limit"):
            store.run_query(con, "SELECT list(x ORDER BY x DESC) FROM range(50000000) t(x)")
    finally:
        con.close()


def test_too_many_rows_or_too_large_a_result_is_refused_before_python_holds_it(tiny: Path) -> None:
    con = store.connect_readonly(tiny)
    try:
        with pytest.raises(QueryError, match="more than 1,000 rows"):
            store.run_query(con, "SELECT x FROM range(5000) t(x)", max_rows=1000)
        # one row, yet hundreds of MB: the size is measured in Arrow form
        with pytest.raises(QueryError, match="larger than"):
            store.run_query(con, "SELECT list(x) FROM range(80000000) t(x)")
        cols, rows = store.run_query(con, "SELECT x FROM range(1000) t(x)", max_rows=1000)
        assert cols == ["x"] and len(rows) == 1000
    finally:
        con.close()


def test_rows_keep_the_types_duckdb_gives(tiny: Path) -> None:
    con = store.connect_readonly(tiny)
    sql = (
        "SELECT sum(x) AS s, INTERVAL 3 DAY AS i, MAP {'a': 1} AS m, 1.5::DECIMAL(10, 2) AS d, "
        "DATE '2026-01-01' AS dd, [1, 2] AS l, 'x' AS same, 'y' AS same FROM range(3) t(x)"
    )
    try:
        cols, rows = store.run_query(con, sql)
        assert rows == con.execute(sql).fetchall()
        assert cols == ["s", "i", "m", "d", "dd", "l", "same", "same"]
    finally:
        con.close()


def test_a_slow_query_is_interrupted_at_the_time_limit(tiny: Path) -> None:
    con = store.connect_readonly(tiny)
    try:
        with pytest.raises(QueryError, match="longer than 0.5 s"):
            store.run_query(con, "SELECT count(*) FROM range(100000) a, range(100000) b", timeout=0.5)
    finally:
        con.close()


def test_ctrl_c_stops_a_running_query_at_once_and_leaves_the_connection_usable(tiny: Path) -> None:
    """Ctrl-C reaches Python only between bytecodes of the main thread, never while DuckDB runs
    there: the query runs in a helper thread so that Ctrl-C (here ``interrupt_main``, what the
    SIGINT handler does) interrupts it instead of waiting for its time limit of 10 minutes."""
    import _thread
    import signal
    import threading

    # a process started in the background by a shell ignores SIGINT (as CI's may): interrupt_main
    # would then do nothing and the query run to its time limit, so Python's own handler is put back
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    con = store.connect_readonly(tiny)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            store.run_query(
                con, "SELECT sum(a.x * b.x) FROM range(1000000) a(x), range(1000000) b(x)", timeout=600
            )
        assert store.run_query(con, "SELECT 42")[1] == [(42,)]
    finally:
        timer.cancel()
        con.close()
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT repeat('x', 2000000000)",
        "SELECT lpad('a', 2000000000, 'x')",
        "SELECT rpad(city, 5000000, '-') FROM contacts",
        "SELECT repeat('ab', length(city)) FROM contacts",
    ],
)
def test_text_building_functions_need_a_small_literal_length(sql: str) -> None:
    with pytest.raises(SqlValidationError, match="repeat|lpad|rpad"):
        validate(sql)


def test_a_small_repeat_or_pad_is_allowed() -> None:
    validate("SELECT repeat('*', 5), lpad(city, 10, ' ') FROM contacts")


def test_segmentas_own_statements_are_fetched_without_arrow_yet_within_the_row_cap(tiny: Path) -> None:
    con = store.connect_readonly(tiny)
    try:
        with pytest.raises(QueryError, match="more than 1,000 rows"):
            store.run_query(con, "SELECT x FROM range(5000) t(x)", max_rows=1000, bounded=True)
        sql = "SELECT x, [x, x] AS l, 'a' || x AS t FROM range(1000) t(x) ORDER BY x"
        cols, rows = store.run_query(con, sql, max_rows=1000, bounded=True)
        assert cols == ["x", "l", "t"] and rows == con.execute(sql).fetchall()
    finally:
        con.close()
