"""Readers and writers at once, as processes, the way marketers run them: asks, saves, re-imports
and a second import side by side. Each succeeds or says in one line why not; nothing that was
said saved is lost; no partial or lock file stays behind."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from segmenta.warehouse.importer import import_shop

BASE = Path(__file__).parent / "data" / "good" / "base"
CLEAR = (
    "another import is running",
    "another change is running",
    "another segmenta is",
)
RAW = ("Traceback", "this is a bug", "Conflicting lock", "Could not set lock", "IO Error")


def _segmenta(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segmenta", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_asks_saves_and_imports_at_once_succeed_or_say_why(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_shop(BASE, db)

    def loop(k: int) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
        out = [("ask", _segmenta("ask", "mujeres", "--db", db, "--as-of", "2025-06-30", "--json"))]
        out.append((f"save {k}", _segmenta("segments", "save", f"Seg {k}", "--ask", "mujeres", "--db", db)))
        out.append(("import", _segmenta("import", BASE, "--db", db)))
        out.append(("ask", _segmenta("ask", "hombres", "--db", db, "--as-of", "2025-06-30", "--json")))
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [r for rs in pool.map(loop, range(4)) for r in rs]
    saved: list[str] = []
    for what, r in results:
        said = r.stdout + r.stderr
        assert not any(raw in said for raw in RAW), (what, said)
        if r.returncode == 0:
            if what.startswith("save"):
                saved.append(what.removeprefix("save "))
            continue
        assert r.returncode == 1 and any(c in r.stderr for c in CLEAR), (what, r.returncode, said)
        assert len(r.stderr.strip().splitlines()) == 1, said
    assert saved, "no save got through"
    from segmenta.tools.segments import list_segments

    names = {s.name for s in list_segments(db)}
    assert {f"Seg {k}" for k in saved} <= names, (saved, names)
    left = sorted(
        p.name for p in tmp_path.iterdir() if p.name != "shop.duckdb" and not p.name.endswith(".toml")
    )
    assert not [n for n in left if "importing" in n or n.endswith(".lock") or n.endswith(".tmp")], left
