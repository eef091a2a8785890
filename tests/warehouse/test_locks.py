"""One writer at a time, no leftovers of writers that died, and bad output paths said in one line."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from segmenta.errors import WarehouseError
from segmenta.warehouse import locks
from segmenta.warehouse.importer import import_shop
from tests.test_cli import run

BASE = Path(__file__).parent.parent / "data" / "good" / "base"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_second_writer_is_refused_with_who_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    with locks.write_lock(db, "import of shop"):
        with pytest.raises(
            WarehouseError, match=r"another import is running .*import of shop, pid \d+, since"
        ):
            import_shop(BASE, db)
    import_shop(BASE, db)  # released: the next one runs
    assert db.exists()


def test_a_lock_held_by_another_process_is_reported_not_raw(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from segmenta.warehouse.locks import write_lock\n"
            f"with write_lock(Path({str(db)!r}), 'import of x'):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        r = run("import", BASE, "--db", db)
        assert r.exit_code != 0 and "another import is running" in r.output
        assert "Conflicting lock" not in r.output
    finally:
        holder.kill()
        holder.wait()
    assert run("import", BASE, "--db", db).exit_code == 0  # the OS let go of a killed holder's lock


def test_partial_files_of_dead_writers_are_removed_by_the_next_import(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    dead = _dead_pid()
    stale = [
        tmp_path / f"shop.duckdb.importing-{dead}",
        tmp_path / f"shop.duckdb.importing-{dead}.wal",
        tmp_path / f".shop.duckdb.demo-{dead}.tmp",
    ]
    for p in stale:
        p.write_bytes(b"x" * 1000)
    live = tmp_path / f"shop.duckdb.importing-{os.getpid()}"  # ours: never taken for a dead one
    import_shop(BASE, db)
    assert not any(p.exists() for p in stale)
    assert not live.exists()  # ours was the import's own partial file, renamed into place


def test_an_export_removes_a_dead_exports_partial_file_and_writes_owner_only_partials(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shop.duckdb"
    import_shop(BASE, db)
    out = tmp_path / "out.csv"
    dead_partial = tmp_path / f".out.csv.{_dead_pid()}.tmp"
    dead_partial.write_text("email\nana@example.com\n", encoding="utf-8")
    seen: list[int] = []

    def spy(step: str, done: int, total: int) -> None:
        for p in tmp_path.glob(".out.csv.*.tmp"):
            seen.append(stat.S_IMODE(p.stat().st_mode))

    from segmenta.tools.exports import export_audience

    export_audience(
        db, "SELECT contact_id FROM contacts", "csv", as_of=dt.date(2025, 6, 30), out=out, progress=spy
    )
    assert not dead_partial.exists() and out.exists()
    assert seen and all(mode == 0o600 for mode in seen), seen


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("sql", "SELECT 1", "--csv", "{blocker}/x.csv"), "is a file, not a folder"),
        (("ask", "women", "--csv", "{blocker}/x.csv"), "is a file, not a folder"),
        (("ask", "mujeres", "--csv", "{blocker}/x.csv"), "es un fichero, no una carpeta"),
        (
            ("export", "--to", "meta", "--ask", "mujeres", "--out", "{blocker}/x.csv"),
            "es un fichero, no una carpeta",
        ),
    ],
)
def test_an_output_path_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    db = tmp_path / "shop.duckdb"
    import_shop(BASE, db)
    blocker = tmp_path / "afile"
    blocker.write_text("", encoding="utf-8")
    r = run(*(a.format(blocker=blocker) for a in args), "--db", db, "--as-of", "2025-06-30")
    assert r.exit_code == 1, r.output
    assert f"{blocker} {said}" in r.output and "bug" not in r.output  # in the request's language
