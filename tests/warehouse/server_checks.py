"""Checks run on every server warehouse (Postgres, Spark, Spark Connect) against the DuckDB warehouse
of the same shop: a static saved segment (a snapshot kept in the local segments file) read inside a
request, a refresh and an export there, and an open connection that sees the snapshot change; a
setting changed by ``segmenta config set`` applied at once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

DAY = date(2026, 6, 30)


def _plain(answer: Any) -> dict[str, Any]:
    out = dict(answer.contract())
    for key in ("sql", "engine_sql", "engine", "country", "currency"):
        out.pop(key)
    return json.loads(json.dumps(out, default=str, sort_keys=True))


def check_static_segments(duck: Path, server: Path, tmp_path: Path) -> None:
    """``duck`` and ``server`` hold the same shop; leaves no segment saved behind."""
    from segmenta.tools import segments
    from segmenta.tools.ask import ask
    from segmenta.tools.exports import export_audience
    from segmenta.warehouse import store

    name = "Foto Madrid"
    both = (duck, server)
    for db in both:
        segments.save(db, name, plan=None, request="mujeres de Madrid", static=True, as_of=DAY)
    try:
        text = f"los de '{name}' que compraron zapatillas"
        answers = [ask(db, text, DAY) for db in both]
        on_duck, on_server = (_plain(a) for a in answers)
        assert on_server == on_duck
        assert 0 < on_duck["count"] < segments.show(duck, name).members
        assert "user_segment_members" in (answers[1].engine_sql or "")  # the SQL shown is the SQL that ran

        files = []
        for k, db in enumerate(both):
            sql = segments.segment_sql(db, name, DAY)
            files.append(
                export_audience(db, sql, "meta", tmp_path / f"snap{k}.csv", as_of=DAY).path.read_bytes()
            )
        assert files[0] == files[1] and files[0].count(b"\n") > 10

        assert segments.refresh(server, name, DAY).size == segments.refresh(duck, name, DAY).size > 0

        # an open connection (the chat's) reads the snapshot as it is in the store at each statement
        count = "SELECT count(*) FROM user_segment_members WHERE segment = ?"
        con = store.connect_readonly(server)
        try:
            before = store.run_query(con, count, [name])[1]
            for db in both:
                segments.save(
                    db, name, plan=None, request="hombres de Sevilla", static=True, as_of=DAY, replace=True
                )
            after = store.run_query(con, count, [name])[1]
            assert before != after
            assert after == [(segments.show(duck, name).members,)]
        finally:
            con.close()
    finally:
        for db in both:
            segments.delete(db, name)


def check_config_set(duck: Path, server: Path) -> None:
    """``segmenta config set rfm.method …`` on the server warehouse applies at once, as on DuckDB: the
    ``rfm`` function (or macro body) and the stored tables give the new scores, the same on both.
    Puts the method back at the end."""
    from typer.testing import CliRunner

    from segmenta import cli
    from segmenta.tools.ask import ask
    from segmenta.warehouse import store
    from segmenta.warehouse.config import load_config
    from segmenta.warehouse.derived import macros_hash

    last_day = date(2026, 9, 30)  # the sample's last data day: its RFM is a stored table
    groups = f"SELECT rfm_segment, count(*) FROM rfm(DATE '{last_day}') GROUP BY 1 ORDER BY 1"

    def scores(db: Path) -> tuple[Any, int, str]:
        con = store.connect_readonly(db)
        try:
            rows = store.run_query(con, groups)[1]
        finally:
            con.close()
        answer = ask(db, "clientes campeones", last_day)
        return rows, answer.count or 0, answer.sql or ""

    def config_set(db: Path, method: str) -> str:
        done = CliRunner().invoke(cli.app, ["config", "set", "rfm.method", method, "--db", str(db)])
        assert done.exit_code == 0, done.output
        return done.output

    was = load_config(server).rfm.method
    other = "thresholds" if was != "thresholds" else "quintile"
    before = scores(server)
    try:
        said = config_set(server, other)
        assert "now uses it" in said or "ya lo usa" in said
        config_set(duck, other)
        after, on_duck = scores(server), scores(duck)
        assert after[:2] == on_duck[:2]
        assert after[0] != before[0] and after[1] != before[1]
        assert f"rfm_{last_day:%Y%m%d}" in after[2]  # read from the stored table, made again
        con = store.connect_readonly(server)
        try:  # the warehouse's own stamp says which settings its macros are for
            stamp = store.run_query(con, "SELECT value FROM segmenta_meta WHERE key = 'macros_config'")[1]
        finally:
            con.close()
        assert stamp == [(macros_hash(load_config(server)),)]
    finally:
        config_set(server, was)
        config_set(duck, was)
    assert scores(server)[:2] == before[:2]
