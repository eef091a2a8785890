"""The anchor requests on DuckDB, Postgres and Spark, same machine, same run: import time and warm
answers, with the answers' numbers checked equal.

    python bench/engines.py --sizes 100000 1000000 [--pg postgresql://me@host/db] [--no-spark] [--repeat 5]

For each size it writes the demo shop (``bench/anchors.py``'s, reused when there) as canonical CSV
files once, imports them into a DuckDB file and into Postgres (the same ``segmenta import`` path:
checked locally, then copied and swapped in on the server) and into a local Spark warehouse
(``spark://local[N]``, N the machine's cores), and times each anchor request warm on each (medians
of ``--repeat``, engines interleaved). Without ``--pg`` it starts a throwaway
Postgres cluster (``tests/postgres_server.py``: the distribution's server programs, default
settings but for ``shared_buffers``/``work_mem`` sized for this machine).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.anchors import AS_OF, LABELS, REQUESTS  # noqa: E402
from segmenta.tools.engines import open_engine  # noqa: E402
from segmenta.warehouse import remote  # noqa: E402
from segmenta.warehouse.demo import build_demo  # noqa: E402
from segmenta.warehouse.importer import import_shop  # noqa: E402
from segmenta.warehouse.pg_load import import_remote  # noqa: E402
from tests.postgres_server import new_database  # noqa: E402

_TABLES = ("contacts", "products", "orders", "order_lines", "web_events", "message_events", "workflows")


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def _csvs(db: Path, folder: Path) -> Path:
    """The demo's tables as the canonical CSV files an import reads (written once)."""
    if (folder / "contacts.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in _TABLES:
            con.execute(f"COPY (SELECT * FROM {table}) TO '{folder / (table + '.csv')}' (HEADER)")
    finally:
        con.close()
    return folder


@contextlib.contextmanager
def _server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.postgres_server import throwaway_cluster

    with throwaway_cluster(
        "-c shared_buffers=2GB -c work_mem=256MB -c max_parallel_workers_per_gather=2"
    ) as u:
        yield u


def _numbers(answer: Any) -> Any:
    return [f.count for f in answer.funnel] if answer.kind == "segment" else answer.rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenta-anchors"))
    ap.add_argument("--pg", help="a Postgres server's URL (default: a throwaway cluster started here)")
    ap.add_argument("--no-spark", action="store_true", help="leave Spark out")
    ap.add_argument("--no-postgres", action="store_true", help="leave Postgres out")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SEGMENTA_CACHE_DIR", str(a.work / "cache"))
    print(f"{os.cpu_count()} cores; medians of {a.repeat}, engines interleaved")
    with _server(a.pg) as server:
        for n in a.sizes:
            demo = a.work / f"demo-{n}.duckdb"
            if not demo.exists():
                build_demo(demo, contacts=n, seed=7, until=AS_OF)
            src = _csvs(demo, a.work / f"engines-{n}" / "csv")
            duck = a.work / f"engines-{n}" / "shop.duckdb"
            duck.unlink(missing_ok=True)
            anchors: dict[str, Path] = {"DuckDB": duck}
            imports = {"DuckDB": _timed(lambda src=src, duck=duck: import_shop(src, duck))[0]}
            if not a.no_postgres:
                anchors["Postgres"] = remote.anchor_for(
                    new_database(server, f"bench_{n}"), a.work / f"engines-{n}"
                )
            if not a.no_spark:
                folder = a.work / f"engines-{n}" / "parquet"
                anchors["Spark"] = remote.anchor_for(
                    f"spark://local[{os.cpu_count() or 2}]?path={folder}", a.work / f"engines-{n}"
                )
            for name, anchor in list(anchors.items())[1:]:
                imports[name] = _timed(
                    lambda src=src, anchor=anchor: import_remote(anchor, lambda s: import_shop(src, s))
                )[0]
            said = ", ".join(f"{name} {ms / 1000:.1f} s" for name, ms in imports.items())
            print(f"\n{n:,} contacts: import {said}")
            others = list(anchors)[1:]
            print(
                f"{'request':<34} "
                + " ".join(f"{k:>9}" for k in anchors)
                + "  "
                + "  ".join(f"{k}/DuckDB" for k in others)
                + "  same"
            )
            engines = {k: open_engine(p, timeout=1800) for k, p in anchors.items()}
            for e in engines.values():
                e.ask("mujeres de Madrid", AS_OF)  # catalog, glossary and caches warm
            for key, text in REQUESTS.items():
                times: dict[str, list[float]] = {k: [] for k in engines}
                got: dict[str, Any] = {}
                for _ in range(a.repeat):
                    for name, engine in engines.items():
                        ms, answer = _timed(lambda e=engine, t=text: e.ask(t, AS_OF))
                        times[name].append(ms)
                        got[name] = _numbers(answer)
                med = {k: statistics.median(v) for k, v in times.items()}
                same = all(got[k] == got["DuckDB"] for k in got)
                print(
                    f"{LABELS[key]:<34} "
                    + " ".join(f"{med[k]:6.0f} ms" for k in anchors)
                    + "  "
                    + "  ".join(f"{med[k] / med['DuckDB']:{len(k) + 6}.2f}x" for k in others)
                    + ("  yes" if same else "  NO")
                )
            for e in engines.values():
                e.close()


if __name__ == "__main__":
    main()
