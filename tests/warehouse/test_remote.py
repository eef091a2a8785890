"""A warehouse in Postgres, for real: a throwaway server (``tests/postgres_server.py``), the sample
sports shop imported into it through the CLI's own path, and every case of ``shared/eval/dev.jsonl``
answered on DuckDB and on Postgres with the answers compared whole (kind, funnel, count, columns,
rows, assumptions, questions back), plus each segment's full list of contacts. Then the dialect
pitfalls one by one, the read-only role, the statement timeout and the atomic import."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmenta.errors import QueryError, WarehouseError
from segmenta.warehouse import remote, store
from segmenta.warehouse.importer import import_shop
from tests.postgres_server import new_database

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"
SPORTS = SHARED / "sports"
DEV = SHARED / "dev.jsonl"

pytestmark = pytest.mark.skipif(not SPORTS.exists(), reason=f"the sample shop is not at {SPORTS}")


@pytest.fixture(scope="module")
def shops(postgres: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the DuckDB warehouse, the Postgres warehouse's anchor) of the same sports shop."""
    from segmenta.warehouse.pg_load import import_remote

    folder = tmp_path_factory.mktemp("remote")
    duck = folder / "sports.duckdb"
    import_shop(SPORTS, duck)
    anchor = remote.anchor_for(new_database(postgres, "sports"), folder / "anchors")
    report = import_remote(anchor, lambda staging: import_shop(SPORTS, staging))
    assert "Postgres" in report.notes[-1] and not anchor.with_suffix(".duckdb").exists()
    return duck, anchor


def _cases() -> list[dict[str, Any]]:
    if not DEV.exists():
        return []
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _answer(db: Path, case: dict[str, Any]) -> dict[str, Any]:
    from segmenta.tools.ask import ask

    out = ask(db, case["text"], date.fromisoformat(case["as_of"])).contract()
    out.pop("engine_sql")
    out.pop("engine")
    return out


def _segment_ids(db: Path, plan: dict[str, Any], as_of: str) -> list[Any]:
    from segmenta.assistant.plan import SegmentPlan
    from segmenta.tools.engines import open_engine

    with open_engine(db) as engine:
        sql = engine.segment_sql(engine.resolve(SegmentPlan.model_validate(plan)), date.fromisoformat(as_of))
        return store.run_query(engine.con, sql)[1]


def test_every_dev_case_answers_the_same_on_postgres(shops: tuple[Path, Path]) -> None:
    duck, anchor = shops
    cases = _cases()
    assert len(cases) >= 70
    differ = []
    for case in cases:
        on_duck, on_pg = _answer(duck, case), _answer(anchor, case)
        if json.dumps(on_duck, default=str, sort_keys=True) != json.dumps(on_pg, default=str, sort_keys=True):
            keys = [k for k in on_duck if on_duck[k] != on_pg.get(k)]
            differ.append(f"{case['id']} {case['text']!r}: {keys}")
        elif on_duck["kind"] == "segment":
            ids = _segment_ids(duck, on_duck["plan"], case["as_of"])
            if ids != _segment_ids(anchor, on_pg["plan"], case["as_of"]):
                differ.append(f"{case['id']} {case['text']!r}: the segment's contacts")
    assert not differ, "\n".join(differ)


def test_the_answer_shows_the_sql_postgres_ran(shops: tuple[Path, Path]) -> None:
    from segmenta.tools.ask import ask

    answer = ask(shops[1], "people who searched for Garmin", date(2026, 6, 30))
    assert answer.sql and "contains(" in answer.sql.lower()  # validated, in segmenta's dialect
    assert answer.engine_sql and "POSITION(" in answer.engine_sql and "CONTAINS" not in answer.engine_sql


# ------------------------------------------------------------------ the dialect's pitfalls, on the server
def _both(shops: tuple[Path, Path], sql: str) -> tuple[list[Any], list[Any]]:
    duck = duckdb.connect(str(shops[0]), read_only=True)
    try:
        want = duck.execute(sql).fetchall()
    finally:
        duck.close()
    con = store.connect_readonly(shops[1])
    try:
        got = store.run_query(con, sql)[1]
    finally:
        con.close()
    return want, got


@pytest.mark.parametrize("day", ["2026-02-28", "2026-03-01", "2028-02-28", "2028-02-29", "2026-06-30"])
def test_age_counts_birthdays_not_calendar_years(shops: tuple[Path, Path], day: str) -> None:
    # 29 February birthdays and the day before a birthday: the age the macro gives on both engines
    want, got = _both(shops, f"SELECT contact_id, age FROM contact_metrics(DATE '{day}') ORDER BY contact_id")
    assert want == got and any(r[1] is not None for r in got)


@pytest.mark.parametrize("method", ["quintile", "ntile", "thresholds"])
def test_rfm_scores_agree_for_every_method(
    postgres: str, tmp_path: Path, method: str, shops: tuple[Path, Path]
) -> None:
    # quintile divides integers (5 * (rank - 1) / count): float division on DuckDB, integer on Postgres
    from segmenta.warehouse.config import load_config, save_config, set_value
    from segmenta.warehouse.pg_load import import_remote

    anchor = remote.anchor_for(new_database(postgres, f"rfm_{method}"), tmp_path)
    duck = tmp_path / "shop.duckdb"
    for db in (anchor, duck):
        save_config(db, set_value(load_config(db), "rfm.method", method))
    import_shop(SPORTS, duck)
    import_remote(anchor, lambda staging: import_shop(SPORTS, staging))
    sql = "SELECT contact_id, r_score, f_score, m_score, rfm_segment FROM rfm(DATE '2026-06-30') ORDER BY 1"
    want, got = _both((duck, anchor), sql)
    assert want == got and len({r[4] for r in got}) > 3


def test_weeks_start_on_monday_and_month_buckets_stop_before_the_end(shops: tuple[Path, Path]) -> None:
    sql = (
        "SELECT CAST(date_trunc('week', occurred_at) AS DATE) AS w, count(*) FROM web_events "
        "GROUP BY 1 ORDER BY 1"
    )
    want, got = _both(shops, sql)
    assert want == got and all(r[0].weekday() == 0 for r in got)
    buckets = (
        "SELECT CAST(unnest(range(CAST('2026-01-01' AS TIMESTAMP), CAST('2026-07-01' AS TIMESTAMP), "
        "INTERVAL '1' MONTH)) AS DATE) AS m ORDER BY 1"
    )
    want, got = _both(shops, buckets)
    assert want == got and len(got) == 6


def test_text_folds_accents_and_sorts_byte_by_byte_as_on_duckdb(shops: tuple[Path, Path]) -> None:
    sql = "SELECT city, lower(strip_accents(city)) FROM contacts GROUP BY city ORDER BY city"
    want, got = _both(shops, sql)
    assert want == got and any(a != b.title() for a, b in got if a)
    word = "'Ñandú Åsa Łódź Ærø Straße Çà Ğü'"
    want, got = _both(shops, f"SELECT strip_accents({word})")
    assert want == got


def test_the_first_ids_of_a_segment_are_the_smallest(shops: tuple[Path, Path]) -> None:
    want, got = _both(shops, "SELECT min(contact_id, 5) FROM contacts WHERE city = 'Madrid'")
    assert want == got and len(got[0][0]) == 5


# ------------------------------------------------------------------ read-only, time limit, atomicity
def test_the_reader_cannot_write_even_past_the_validator(shops: tuple[Path, Path]) -> None:
    con = remote.connect(shops[1])
    try:
        for statement in (
            "DELETE FROM contacts",
            "CREATE TABLE stolen AS SELECT * FROM contacts",
            "SET default_transaction_read_only = off",
        ):
            if statement.startswith("SET"):
                con.execute(statement)  # even a reader that turns the read-only switch off…
                with pytest.raises(duckdb.Error, match="permission denied"):
                    con.execute("INSERT INTO products (product_id) VALUES ('x')")  # …holds no write grant
            else:
                with pytest.raises(duckdb.Error, match="read-only|permission denied"):
                    con.execute(statement)
    finally:
        con.close()


def test_a_static_saved_segment_is_read_on_the_server(shops: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.warehouse.server_checks import check_static_segments

    check_static_segments(*shops, tmp_path)


def test_a_setting_changed_applies_on_the_server_at_once(shops: tuple[Path, Path]) -> None:
    from tests.warehouse.server_checks import check_config_set

    check_config_set(*shops)


def test_a_setting_the_server_refuses_changes_nothing(shops: tuple[Path, Path], tmp_path: Path) -> None:
    import psycopg
    from typer.testing import CliRunner

    from segmenta import cli
    from segmenta.warehouse.config import load_config

    server = remote.remote_of(shops[1])
    assert server is not None
    with psycopg.connect(remote.conninfo(server), autocommit=True) as pg:  # a reader, not the owner
        pg.execute("DROP ROLE IF EXISTS marketer")
        pg.execute(f"CREATE ROLE marketer LOGIN IN ROLE {remote.READER_ROLE}")
    anchor = remote.anchor_for(server.url.replace("postgres@", "marketer@", 1), tmp_path)
    was = load_config(anchor).rfm.method
    done = CliRunner().invoke(cli.app, ["config", "set", "rfm.method", "thresholds", "--db", str(anchor)])
    assert done.exit_code != 0
    assert "cannot change the settings" in done.output and "nothing was changed" in done.output
    assert load_config(anchor).rfm.method == was  # the local settings file is not changed either
    con = store.connect_readonly(anchor)  # and the reader goes on reading
    try:
        assert store.run_query(con, "SELECT count(*) FROM rfm(DATE '2026-06-30')")[1][0][0] > 0
    finally:
        con.close()


def test_the_session_is_read_only_again_once_the_snapshot_is_in(shops: tuple[Path, Path]) -> None:
    con = remote.connect(shops[1])
    try:
        store.run_query(con, "SELECT count(*) FROM user_segment_members")  # puts the temporary tables in
        for statement in ("CREATE TABLE stolen AS SELECT * FROM contacts", "CREATE TEMP TABLE t (x int)"):
            with pytest.raises(duckdb.Error, match="read-only"):
                con.execute(statement)
    finally:
        con.close()


def test_a_slow_statement_is_stopped_by_the_server(shops: tuple[Path, Path]) -> None:
    con = store.connect_readonly(shops[1])
    try:
        with pytest.raises(QueryError, match="longer than 0.2 s"):
            store.run_query(con, "SELECT count(*) FROM contacts, web_events, message_events", timeout=0.2)
        assert store.run_query(con, "SELECT count(*) FROM contacts")[1] == [(3000,)]  # the session goes on
    finally:
        con.close()


def test_a_failed_import_changes_nothing(
    shops: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from segmenta.warehouse import pg_load

    anchor = shops[1]
    monkeypatch.setattr(pg_load, "_strip_accents_sql", lambda: "CREATE FUNCTION broken(")
    with pytest.raises(WarehouseError, match="failed and changed nothing"):
        pg_load.import_remote(anchor, lambda staging: import_shop(data_dir / "good" / "base", staging))
    con = store.connect_readonly(anchor)
    try:
        assert store.run_query(con, "SELECT count(*) FROM contacts")[1] == [(3000,)]  # still the sports shop
    finally:
        con.close()


def test_a_database_with_no_shop_says_to_import_first(postgres: str, tmp_path: Path) -> None:
    anchor = remote.anchor_for(new_database(postgres, "empty"), tmp_path)
    with pytest.raises(WarehouseError, match="segmenta import DIR --db postgresql://"):
        store.connect_readonly(anchor)


def test_an_unreachable_server_is_said_in_one_line(tmp_path: Path) -> None:
    anchor = remote.anchor_for(f"postgresql://nobody@/shop?host={tmp_path}", tmp_path)
    with pytest.raises(WarehouseError, match="cannot connect to postgresql://nobody@/shop"):
        store.connect_readonly(anchor)


# ------------------------------------------------------------------ URLs and anchors (no server)
def test_a_url_is_told_from_a_file_and_its_password_never_written(tmp_path: Path) -> None:
    assert remote.is_url("postgresql://a@b/c") and remote.is_url("postgres://a@b/c")
    assert not remote.is_url("shop.duckdb") and not remote.is_url("C:/shops/x.duckdb")
    anchor = remote.anchor_for("postgresql://me:s3cret@db.example:5432/shop?schema=tienda", tmp_path)
    text = anchor.read_text(encoding="utf-8")
    assert "s3cret" not in text and "tienda" in text
    assert remote.remote_of(anchor) == remote.parse(
        "postgresql://me:s3cret@db.example:5432/shop?schema=tienda"
    )
    assert store.resolve_db("postgresql://me@db.example/shop").suffix == remote.ANCHOR_SUFFIX


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://me@db/shop?schema=Bad-Name", "schema 'bad-name'"),
        ("postgresql://me@db", "names no database"),
    ],
)
def test_a_bad_url_says_what_is_wrong(url: str, said: str) -> None:
    with pytest.raises(WarehouseError, match=said):
        remote.parse(url)


@pytest.mark.parametrize(
    ("duck", "pg"),
    [
        ("SELECT min(contact_id, 20) FROM t", "(ARRAY_AGG(contact_id ORDER BY contact_id ASC))[1:20]"),
        ("SELECT max(x, 3) FROM t", "ORDER BY x DESC"),
        ("SELECT contains(lower(a), 'x') FROM t", "POSITION('x' IN LOWER(a)) > 0"),
        (
            "SELECT unnest(range(CAST('2026-01-01' AS TIMESTAMP), CAST('2026-02-01' AS TIMESTAMP), "
            "INTERVAL '1' DAY))",
            "- INTERVAL '1 MICROSECOND'",
        ),
        ("SELECT 7 / 2", "CAST(7 AS DOUBLE PRECISION) / 2"),
        ("SELECT * FROM t WHERE id IN (SELECT unnest(CAST(? AS VARCHAR[])))", "%s"),
    ],
)
def test_duckdb_sql_is_written_for_postgres_with_its_pitfalls_fixed(duck: str, pg: str) -> None:
    assert pg in remote.translate(duck)


def test_the_url_shown_keeps_its_options_but_no_password() -> None:
    shown = remote.parse("postgresql://me:pw@/shop?host=/run/pg&password=pw2&sslmode=require&schema=t2").shown
    assert shown == "postgresql://me@/shop?host=/run/pg&sslmode=require&schema=t2"


def test_make_date_is_given_integers_on_postgres() -> None:
    assert remote.translate("SELECT make_date(2026, month(x), 1)") == (
        "SELECT MAKE_DATE(CAST(2026 AS INT), CAST(EXTRACT(MONTH FROM x) AS INT), CAST(1 AS INT))"
    )


def test_the_sql_written_for_postgres_runs_there_as_written_with_duckdbs_rows(
    shops: tuple[Path, Path],
) -> None:
    # ask --sql-for postgres: self-contained (stored tables and macros written in), run as printed
    from segmenta.tools.engines import open_engine
    from segmenta.warehouse.portable import sql_for

    duck, anchor = shops
    con = store.connect_readonly(anchor)
    differ, tried = [], 0
    try:
        with open_engine(duck) as engine:
            for case in _cases()[::3]:
                answer = engine.ask(case["text"], date.fromisoformat(case["as_of"]))
                if not answer.sql:
                    continue
                tried += 1
                want = engine.con.execute(answer.sql).fetchall()
                with con._pg.cursor() as cur:  # type: ignore[attr-defined]
                    cur.execute(sql_for(answer.sql, "postgres", duck))
                    got = [tuple(r) for r in cur.fetchall()]
                if [tuple(str(v) for v in r) for r in want] != [tuple(str(v) for v in r) for r in got]:
                    differ.append(case["id"])
    finally:
        con.close()
    assert tried >= 20 and not differ, differ
