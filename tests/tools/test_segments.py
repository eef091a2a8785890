"""Saved segments on the sample sports shop: save, list, refresh, history, explain, rename, delete."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta.assistant.plan import RfmCondition, SegmentPlan, conjuncts
from segmenta.tools import segments as seg
from segmenta.tools.ask import ask
from segmenta.warehouse.importer import import_shop

SPORTS = Path("/work/shared/eval/sports")
D = date(2026, 6, 30)
HIBERNATING = SegmentPlan(where=RfmCondition(segments=["Hibernating"]))


@pytest.fixture(scope="module")
def _master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sports") / "sports.duckdb"
    import_shop(SPORTS, db)
    return db


@pytest.fixture
def db(_master: Path, tmp_path: Path) -> Path:
    out = tmp_path / "shop.duckdb"
    shutil.copyfile(_master, out)
    return out


def test_a_dynamic_segment_keeps_its_plan_members_and_a_first_history_row(db: Path) -> None:
    s = seg.save(
        db, "VIP Madrid", plan=None, request="customers in Madrid with RFM 4+", static=False, as_of=D
    )
    assert s.kind == "dynamic" and s.plan is not None and s.as_of == D
    assert s.size == s.members > 0
    assert [h.as_of for h in s.history] == [D]
    assert s.history[0].steps[0].key == "contacts" and s.history[0].steps[-1].count == s.size


def test_a_static_segment_keeps_its_snapshot_when_refreshed_later(db: Path) -> None:
    s = seg.save(db, "Clientes élite", plan=HIBERNATING, request="", static=True, as_of=date(2026, 3, 31))
    later = seg.refresh(db, "Clientes élite", D)
    assert later.members == s.members
    assert [h.size for h in later.history] == [s.size, s.size]


def test_list_shows_every_saved_segment_with_its_size(db: Path) -> None:
    seg.save(db, "Hibernating", plan=HIBERNATING, request="hibernating", static=False, as_of=D)
    seg.save(db, "Clientes élite", plan=HIBERNATING, request="", static=True, as_of=D)
    listed = {s.name: s.size for s in seg.list_segments(db)}
    assert set(listed) == {"Hibernating", "Clientes élite"}
    assert listed["Hibernating"] == listed["Clientes élite"] > 0


def test_a_refresh_at_another_date_records_a_second_history_row(db: Path) -> None:
    seg.save(db, "Hibernating", plan=HIBERNATING, request="", static=False, as_of=date(2026, 1, 31))
    seg.refresh(db, "hibernating", D)
    points = seg.history(db, "Hibernating")
    assert [p.as_of for p in points] == [date(2026, 1, 31), D]
    assert seg.show(db, "Hibernating").as_of == D


def test_backfill_records_each_month_end_computed_as_of_its_own_date(db: Path) -> None:
    seg.save(db, "Hibernating", plan=HIBERNATING, request="", static=False, as_of=D)
    points = seg.backfill(db, "Hibernating", date(2026, 1, 15))
    assert [p.as_of for p in points] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        D,
    ]
    expected = seg._evaluate(db, HIBERNATING, [date(2026, 2, 28)], members=False)[0][1][-1].count
    assert points[1].size == expected
    assert len({p.size for p in points}) > 1


def test_explain_change_names_the_condition_that_moved_the_size_most(db: Path) -> None:
    seg.save(db, "VIP Madrid", plan=None, request="customers in Madrid with RFM 4+", static=False, as_of=D)
    change = seg.explain_change(db, "VIP Madrid", date(2025, 6, 30), D)
    total = change.base_effect + sum(c.effect for c in change.conditions)
    assert round(total) == change.size2 - change.size1
    assert change.top is not None
    text = " ".join(change.sentences())
    assert f"'{change.top.step}' moved the size most" in text


def test_rename_moves_members_and_history_and_delete_removes_them(db: Path) -> None:
    seg.save(db, "Hibernating", plan=HIBERNATING, request="", static=False, as_of=D)
    renamed = seg.rename(db, "Hibernating", "Dormidos élite")
    assert renamed.name == "Dormidos élite" and renamed.members > 0 and renamed.history
    assert seg.delete(db, "dormidos elite") == "Dormidos élite"
    assert seg.list_segments(db) == []


def test_an_unknown_name_lists_the_closest_saved_names(db: Path) -> None:
    seg.save(db, "VIP Madrid", plan=HIBERNATING, request="", static=False, as_of=D)
    seg.save(db, "Clientes élite", plan=HIBERNATING, request="", static=True, as_of=D)
    with pytest.raises(seg.SegmentError, match="no saved segment named 'VIP Madird'; closest: 'VIP Madrid'"):
        seg.show(db, "VIP Madird")


def test_a_name_taken_ignoring_accents_and_case_is_refused(db: Path) -> None:
    seg.save(db, "Clientes élite", plan=HIBERNATING, request="", static=False, as_of=D)
    with pytest.raises(seg.SegmentError, match="already exists"):
        seg.save(db, "clientes elite", plan=HIBERNATING, request="", static=False, as_of=D)


def test_saved_segments_survive_a_reimport_of_the_shop(db: Path) -> None:
    seg.save(db, "VIP Madrid", plan=HIBERNATING, request="", static=False, as_of=D)
    import_shop(SPORTS, db)
    again = seg.show(db, "VIP Madrid")
    assert again.members > 0 and len(again.history) == 1


def test_a_saved_segment_is_used_by_name_in_a_later_request(db: Path) -> None:
    s = seg.save(
        db, "VIP Madrid", plan=None, request="customers in Madrid with RFM 4+", static=False, as_of=D
    )
    answer = ask(db, "women in 'VIP Madrid'", D)
    assert answer.kind == "segment"
    assert answer.count is not None and 0 < answer.count < s.size
    # a dynamic segment is its definition, inlined: the SQL runs on the warehouse file as printed
    assert "user_segment_members" not in (answer.sql or "") and "'Madrid'" in (answer.sql or "")
    assert "'VIP Madrid': its definition as of Jun 30, 2026" in answer.assumptions
    assert "saved_segment" in json.dumps(answer.plan) and "definition" not in json.dumps(answer.plan)


def test_a_dynamic_segment_named_at_another_date_is_its_definition_then_and_a_static_one_its_snapshot(
    db: Path,
) -> None:
    """Saved on one date, asked about months earlier: the definition is evaluated at the earlier date,
    not the members of the day it was saved (the wrong count with exit 0 of issue 15)."""
    early = date(2025, 9, 30)
    seg.save(db, "Dinámico", plan=None, request="clientes con RFM 4+", static=False, as_of=D)
    seg.save(db, "Foto", plan=None, request="clientes con RFM 4+", static=True, as_of=D)
    named = ask(db, "mujeres de 'Dinámico'", early)
    direct = ask(db, "mujeres con RFM 4+", early)
    assert named.count == direct.count and named.count is not None
    assert named.count != ask(db, "mujeres de 'Foto'", early).count  # the snapshot: members of D
    snapshot = ask(db, "mujeres de 'Foto'", early)
    assert "user_segment_members" in (snapshot.sql or "")
    assert any(a.startswith("'Foto' es una foto fija") for a in snapshot.assumptions)


def test_a_segment_used_by_another_cannot_be_deleted_and_a_rename_follows_it(db: Path) -> None:
    seg.save(db, "VIP Madrid", plan=None, request="customers in Madrid with RFM 4+", static=False, as_of=D)
    seg.save(db, "VIP women", plan=None, request="women in 'VIP Madrid'", static=False, as_of=D)
    with pytest.raises(seg.SegmentError, match="used by 'VIP women'"):
        seg.delete(db, "VIP Madrid")
    seg.rename(db, "VIP Madrid", "VIP Capital")
    assert "VIP Capital" in str(seg.show(db, "VIP women").plan)
    assert seg.refresh(db, "VIP women", D).size > 0


def test_segment_sql_of_a_static_segment_reads_its_snapshot(db: Path) -> None:
    seg.save(db, "Clientes élite", plan=HIBERNATING, request="", static=True, as_of=D)
    sql = seg.segment_sql(db, "Clientes élite", D)
    assert "user_segment_members" in sql and "'Clientes élite'" in sql


def test_a_saved_segment_exports_its_members_from_the_store(db: Path, tmp_path: Path) -> None:
    from segmenta.tools.exports import export_audience

    saved = seg.save(db, "Para exportar", plan=HIBERNATING, request="", static=True, as_of=D)
    out = tmp_path / "members.csv"
    report = export_audience(db, seg.segment_sql(db, "Para exportar", D), "csv", out, as_of=D)
    assert report.rows == saved.size > 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == saved.size + 1


def test_the_cli_saves_lists_and_explains(db: Path) -> None:
    import typer

    from segmenta.cli_segments import segments_app

    app = typer.Typer()
    app.add_typer(segments_app, name="segments")
    run = CliRunner()
    r = run.invoke(
        app,
        [
            "segments",
            "save",
            "VIP Madrid",
            "--ask",
            "customers in Madrid with RFM 4+",
            "--db",
            str(db),
            "--as-of",
            "2026-06-30",
        ],
    )
    assert r.exit_code == 0, r.output
    r = run.invoke(
        app,
        [
            "segments",
            "history",
            "VIP Madrid",
            "--db",
            str(db),
            "--backfill-since",
            "2026-04-01",
            "--explain",
            "2026-04-30",
            "2026-06-30",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "moved the size most" in r.output or "No condition changed" in r.output
    r = run.invoke(app, ["segments", "list", "--db", str(db)])
    assert "VIP Madrid" in r.output


def _hold_open(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process reading the warehouse (an ask, the chat) for ``seconds``."""

    code = (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(db)!r}, read_only=True)\n"
        "print('open', flush=True)\n"
        f"time.sleep({seconds})\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "open"
    return p


def test_a_save_waits_for_a_short_reader_and_then_writes(db: Path) -> None:
    reader = _hold_open(db, 1.0)
    try:
        s = seg.save(
            db, "Tras la lectura", plan=HIBERNATING, request="", static=False, as_of=date(2026, 3, 31)
        )
    finally:
        reader.wait()
    assert s.name == "Tras la lectura"


def test_a_save_goes_through_while_another_process_holds_the_warehouse_open(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat keeps the warehouse open read-only for as long as it runs: saves never wait for it."""
    from segmenta.warehouse import locks

    monkeypatch.setattr(locks, "LOCK_WAIT_S", 0.5)
    reader = _hold_open(db, 30)
    try:
        s = seg.save(db, "Con el chat", plan=HIBERNATING, request="", static=False, as_of=date(2026, 3, 31))
        seg.rename(db, "Con el chat", "Con el chat abierto")
        assert [x.name for x in seg.list_segments(db)].count("Con el chat abierto") == 1
    finally:
        reader.kill()
        reader.wait()
    assert s.size > 0


def test_an_open_engine_sees_a_segment_saved_by_another_process(db: Path) -> None:
    """A chat that is already open can use a segment saved from another window in its next request."""
    from segmenta.tools.engines import open_engine

    with open_engine(db) as engine:
        assert "Desde fuera" not in engine.saved_segment_names()
        code = (
            "from datetime import date; from pathlib import Path; import segmenta.tools.segments as s\n"
            f"s.save(Path({str(db)!r}), 'Desde fuera', plan=None, request='hibernating customers', "
            "static=False, as_of=date(2026, 3, 31))\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Desde fuera" in engine.saved_segment_names()
        answer = engine.ask("'Desde fuera' from Madrid", date(2026, 3, 31))
    assert answer.answered and any(a.startswith("'Desde fuera': ") for a in answer.assumptions)
    assert answer.count is not None and 0 < answer.count <= seg.show(db, "Desde fuera").size


def test_a_save_blocked_by_another_save_says_why_and_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segmenta.errors import WarehouseError
    from segmenta.warehouse import locks
    from segmenta.warehouse.userstore import store_path

    monkeypatch.setattr(locks, "LOCK_WAIT_S", 0.5)
    seg.save(db, "Primero", plan=HIBERNATING, request="", static=False, as_of=date(2026, 3, 31))
    before = [s.name for s in seg.list_segments(db)]
    reader = _hold_open(store_path(db), 30)
    try:
        with pytest.raises(WarehouseError, match="another segmenta is saving segments") as e:
            seg.save(db, "Bloqueado", plan=HIBERNATING, request="", static=False, as_of=date(2026, 3, 31))
        assert "Conflicting lock" not in str(e.value) and "nothing was changed" in str(e.value)
    finally:
        reader.kill()
        reader.wait()
    assert [s.name for s in seg.list_segments(db)] == before


def test_segments_kept_inside_an_older_warehouse_are_read_there_and_moved_out_on_the_next_save(
    db: Path,
) -> None:
    """Before the store, segments lived in the warehouse's own user_* tables: they keep working."""
    import duckdb

    from segmenta.tools.engines import open_engine
    from segmenta.warehouse.userstore import TABLES, store_path

    seg.save(db, "Antiguo", plan=HIBERNATING, request="", static=False, as_of=date(2026, 3, 31))
    size = seg.show(db, "Antiguo").size
    # make it an older warehouse: the store's tables copied inside, the store gone
    con = duckdb.connect(str(db))
    con.execute(f"ATTACH '{store_path(db)}' AS s (READ_ONLY)")
    for t in TABLES:
        con.execute(f"CREATE TABLE main.{t} AS SELECT * FROM s.{t}")
    con.execute("DETACH s")
    con.close()
    store_path(db).unlink()

    assert [s.name for s in seg.list_segments(db)] == ["Antiguo"]
    with open_engine(db) as engine:
        assert engine.saved_segment_names() == ["Antiguo"]
        answer = engine.ask("'Antiguo'", date(2026, 3, 31))
    assert answer.count == size
    seg.save(db, "Nuevo", plan=HIBERNATING, request="", static=True, as_of=date(2026, 3, 31))
    assert store_path(db).exists()
    assert [s.name for s in seg.list_segments(db)] == ["Antiguo", "Nuevo"]
    assert seg.show(db, "Antiguo").size == size


def test_save_last_keeps_every_step_of_a_refined_segment_and_a_fresh_request_starts_over(db: Path) -> None:
    from segmenta.tools.ask import ask

    ask(db, "women from Madrid", D)
    ask(db, "only those over 30", D, continue_=True)
    plan, request = seg.last_plan(db)
    assert request == "women from Madrid + only those over 30"
    assert len(conjuncts(plan.where)) == 3
    ask(db, "men from Sevilla", D)
    assert seg.last_plan(db)[1] == "men from Sevilla"
