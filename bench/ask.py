"""Time from request to answer (parse + compile + validate + run + funnel + explain), excluding
process start, on a demo warehouse; beside the bare SQL of the same answers run in the same process.

    python bench/ask.py [--contacts 20000] [--db PATH] [--repeat 5]

Target (issue 4): median at most 150 ms on the default 20,000-contact demo.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from segmenta.tools.engines import open_engine
from segmenta.warehouse.demo import build_demo

REQUESTS = [
    "mujeres de más de 30 de Madrid",
    "men over 40 who bought running shoes in the last 6 months",
    "clientes que compraron zapatillas pero nunca camisetas",
    "Champions or Loyal subscribed to email",
    "hombres de más de 30 que compraron botas de fútbol, pagaron con tarjeta de crédito, con RFM 4+ "
    "y que gastaron más de 100 € en los últimos 10 meses",
    "people who abandoned their cart in the last 30 days",
    "clientes que no han comprado en los últimos 12 meses",
    "how many customers bought Nike in 2025?",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    until = date(2026, 6, 30)
    db: Path = a.db or Path(f"/tmp/segmenta-bench-ask-{a.contacts}.duckdb")
    if not db.exists():
        t = time.perf_counter()
        build_demo(db, contacts=a.contacts, seed=7, until=until)
        print(f"built demo of {a.contacts:,} contacts in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    engine = open_engine(db)
    engine.ask("mujeres de Madrid", until)  # warm the catalog, glossary and DuckDB caches
    print(f"engine start (catalog + glossary): {time.perf_counter() - t:.2f} s")
    answers, bare = [], []
    for text in REQUESTS:
        runs = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            ans = engine.ask(text, until)
            runs.append(time.perf_counter() - t)
        answers.append(statistics.median(runs))
        if ans.sql:
            b = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                engine.con.execute(ans.sql).fetchall()
                b.append(time.perf_counter() - t)
            bare.append(statistics.median(b))
        print(f"{statistics.median(runs) * 1000:7.1f} ms  {ans.kind:13} {ans.count!s:>8}  {text[:70]}")
    med = statistics.median(answers)
    bmed = statistics.median(bare) if bare else float("nan")
    print(
        f"median answer {med * 1000:.1f} ms; median bare SQL {bmed * 1000:.1f} ms; ratio {med / bmed:.1f} "
        f"(target <= 150 ms at 20k contacts)"
    )


if __name__ == "__main__":
    main()
