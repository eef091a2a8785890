"""The demo shop: a realistic, deterministic warehouse for a sports retailer in Spain and Mexico.

``segmenta demo`` (and the first ``ask`` without a warehouse) builds it, so the assistant has
something true-to-life to answer over: heavy-tailed repeat buying, category affinity,
seasonality, stores and online orders, messy phones and emails, anonymous visitors who later
sign up, and workflows that fire on the behaviour they are about. Everything is generated with
numpy arrays (never a Python loop over contacts or orders) and written by DuckDB, one cursor
per table on worker threads, so writing overlaps the generation of the next tables, and each
table arrives as Arrow record batches that DuckDB inserts on all its threads in order. A million
contacts (about 1.6M orders, 12M web events, 12M message events) build in about 30 s on two idle
cores (``bench/demo.py``). The same (contacts, seed, until) always gives the same rows in the
same order. This module owns the build; the parts live in ``demo_people`` (calendar,
contacts), ``demo_orders``, ``demo_web``, ``demo_messages`` and ``demo_catalog`` (fixed data).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from segmenta.errors import WarehouseError
from segmenta.warehouse import demo_catalog as cat
from segmenta.warehouse import demo_messages, demo_orders, demo_people, demo_web
from segmenta.warehouse.locks import write_lock
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE, create_schema

Progress = Callable[[str, int, int], None]
STEPS = ("contacts", "orders", "web_events", "message_events", "writing", "finishing")
COUNTED = (
    "contacts",
    "products",
    "orders",
    "order_lines",
    "web_events",
    "message_events",
    "workflows",
    CUSTOM_FIELDS_TABLE,
)


@dataclass(frozen=True)
class DemoReport:
    """What ``build_demo`` wrote: rows per table, the data's time span and how long it took."""

    db: Path
    rows: dict[str, int]
    first_at: datetime
    last_at: datetime
    seconds: float
    finished: bool = True
    notes: list[str] = field(default_factory=list)

    def lines(self, lang: str = "en") -> list[str]:
        """The report as lines for the CLI, in ``lang`` (the request's, when a request built it)."""
        from segmenta.locale_text import day_text, decimal, integer

        es = lang == "es"
        loc = "es" if es else "en"
        took = decimal(self.seconds, loc, 1)
        out = [
            f"Tienda de demostración escrita en {self.db} en {took} s"
            if es
            else f"Demo shop written to {self.db} in {took} s"
        ]
        out += [f"  {name:<22}{integer(count, loc):>12}" for name, count in self.rows.items()]
        span = day_text(self.first_at, loc), day_text(self.last_at, loc)
        out.append(f"  datos del {span[0]} al {span[1]}" if es else f"  data from {span[0]} to {span[1]}")
        return out + [f"  {'nota' if es else 'note'}: {n}" for n in self.notes]


class _Writers:
    """Table writes running on worker threads, each on its own cursor of the new warehouse.

    DuckDB releases the GIL while it inserts, so a table is written while numpy generates the
    next one. Each table is written by exactly one INSERT from its own arrays, so the rows and
    their order do not depend on how the threads interleave.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-writer")
        self.jobs: list[Future[None]] = []

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        def run() -> None:
            cursor = self.con.cursor()
            try:
                write(cursor, *args)
            finally:
                cursor.close()

        self.jobs.append(self.pool.submit(run))

    def wait(self) -> None:
        """Wait for every write; the first failure is raised after all have stopped."""
        try:
            for job in self.jobs:
                job.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def abandon(self) -> None:
        """Drop the writes not started yet and wait for the running ones (the build failed)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _finish(con: duckdb.DuckDBPyConnection, db: Path) -> bool:
    """Run the importer's shared finishing step (macros, catalog caches); False when it is not available."""
    import importlib

    try:
        importer = importlib.import_module("segmenta.warehouse.importer")
        config_mod = importlib.import_module("segmenta.warehouse.config")
    except ImportError:
        return False
    finish = getattr(importer, "finish_warehouse", None)
    if finish is None:
        return False
    finish(con, config_mod.load_config(db))
    return True


def what_would_be_lost(db: Path) -> str | None:
    """Why building the demo over ``db`` would lose the marketer's work, or None when nothing would.

    A warehouse imported from a shop's files, or one that is no warehouse, is not the demo's to
    replace; saved segments, kept beside any warehouse, would be left pointing at other contacts.
    """
    if not db.exists():
        return None
    from segmenta.warehouse import userstore

    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'source'").fetchall()
        finally:
            con.close()
        source = str(rows[0][0]) if rows else ""
    except duckdb.Error:
        return f"{db} is not a segmenta warehouse"
    reasons = []
    if source != "demo":
        reasons.append(f"it holds the shop imported from {source or 'another source'}")
    found = userstore.tables(db) or userstore.legacy(db)
    saved = found[userstore.SEGMENTS].num_rows if found else 0
    if saved:
        reasons.append(f"{saved} saved segment{'s' if saved != 1 else ''} use{'' if saved != 1 else 's'} it")
    return f"{db}: " + "; ".join(reasons) if reasons else None


def build_demo(
    db: Path,
    *,
    contacts: int = 20000,
    seed: int = 7,
    until: date | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    """Build the demo shop's warehouse at ``db``, replacing any warehouse there only on success.

    Args:
        db: the warehouse file to write.
        contacts: how many contacts (orders, events and messages scale with it).
        seed: the random seed; the same (contacts, seed, until) gives identical tables.
        until: the last day of data (default today); data covers the three years up to its end.
        progress: called with (step, steps done, steps in all) as the build goes.

    Returns:
        A DemoReport with rows per table, the data's time span and the seconds it took.
    """
    if contacts < 1:
        raise WarehouseError(f"the demo shop needs at least 1 contact, not {contacts}")
    began = time.perf_counter()
    cal = demo_people.Calendar(until or date.today())
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(db, "demo build"):
        rows, finished = _build_locked(db, cal, contacts, seed, progress)
    notes = [] if finished else ["importer.finish_warehouse not available yet: no macros installed"]
    return DemoReport(
        db, rows, cal.start, cal.end - timedelta(seconds=1), time.perf_counter() - began, finished, notes
    )


def _generate_and_write(
    con: duckdb.DuckDBPyConnection,
    cal: demo_people.Calendar,
    contacts: int,
    seed: int,
    progress: Progress | None,
) -> None:
    """Generate each table from its own random stream and hand it to a writer as soon as it is ready."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]

    def step(i: int) -> None:
        if progress is not None:
            progress(STEPS[i], i, len(STEPS))

    writers = _Writers(con)
    try:
        step(0)
        shop = demo_orders.Shop.build(streams[0])
        c = demo_people.contacts(streams[1], contacts, cal)
        affinity = shop.affinity(c)
        step(1)
        o, lines = demo_orders.orders(streams[2], cal, shop, c, affinity)
        writers.submit(demo_orders.write_orders, cal, shop, c, o, lines)
        step(2)
        terms = len(cat.search_terms(shop.products))
        web, carts = demo_web.web(streams[3], cal, shop, c, o, lines, affinity, terms)
        writers.submit(demo_web.write_web, cal, shop, seed, web)
        del web
        step(3)
        pieces, msg, subscribed = demo_messages.messages(streams[4], cal, shop, c, o, lines, carts)
        writers.submit(demo_messages.write_messages, cal, pieces, msg)
        writers.submit(demo_people.write_contacts, cal, c, subscribed)
        del msg
        step(4)
    except BaseException:
        writers.abandon()
        raise
    writers.wait()
    step(5)


def _remove(path: Path) -> None:
    """Delete a temporary warehouse and its write-ahead log, if they exist."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _build_locked(
    db: Path, cal: demo_people.Calendar, contacts: int, seed: int, progress: Progress | None
) -> tuple[dict[str, int], bool]:
    """The demo build with the writer lock held: written beside the warehouse, then swapped in."""
    tmp = db.with_name(f".{db.name}.demo-{os.getpid()}.tmp")
    _remove(tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET enable_progress_bar = false")
            create_schema(con)
            _generate_and_write(con, cal, contacts, seed, progress)
            finished = _finish(con, db)
            con.executemany(
                f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)",
                [
                    ("source", "demo"),
                    ("demo_seed", str(seed)),
                    ("demo_contacts", str(contacts)),
                    ("data_until", (cal.end - timedelta(days=1)).date().isoformat()),
                ],
            )
            rows = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED}  # type: ignore[index]
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db)
    except duckdb.Error as e:
        _remove(tmp)
        raise WarehouseError(f"could not build the demo warehouse at {db}: {e}") from e
    except BaseException:
        _remove(tmp)
        raise
    return rows, finished
