"""One check for every server warehouse (Postgres, Spark): a static saved segment (a snapshot kept
in the local segments file) read inside a request, a refresh and an export there, each the same as
on the DuckDB warehouse of the same shop; and one open connection that sees the snapshot change."""

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
            files.append(export_audience(db, sql, "meta", tmp_path / f"snap{k}.csv", as_of=DAY).path.read_bytes())
        assert files[0] == files[1] and files[0].count(b"\n") > 10

        assert segments.refresh(server, name, DAY).size == segments.refresh(duck, name, DAY).size > 0

        # an open connection (the chat's) reads the snapshot as it is in the store at each statement
        count = "SELECT count(*) FROM user_segment_members WHERE segment = ?"
        con = store.connect_readonly(server)
        try:
            before = store.run_query(con, count, [name])[1]
            for db in both:
                segments.save(db, name, plan=None, request="hombres de Sevilla", static=True, as_of=DAY, replace=True)
            after = store.run_query(con, count, [name])[1]
            assert before != after
            assert after == [(segments.show(duck, name).members,)]
        finally:
            con.close()
    finally:
        for db in both:
            segments.delete(db, name)
