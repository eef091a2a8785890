"""The anchor requests at 100k and 1M contacts: segmenta warm beside its own SQL run bare, a
hand-written DuckDB query and Polars computing the same numbers, all in the same run.

    python bench/anchors.py [--sizes 100000 1000000] [--repeat 5] [--work /tmp/segmenta-anchors]
                            [--no-io]

1. builds (or reuses) the demo shop of each size under ``--work`` (``build_demo``, seed 7, data
   until 2026-06-30, the as-of date of every request here);
2. per request and size, interleaving the four in each of ``--repeat`` rounds (medians shown):
   - segmenta: ``Engine.ask`` warm (parse, compile, validate, run, funnel, explain, preview rows);
   - its SQL bare: the SQL the answer shows, run as it is on the same connection;
   - hand-written DuckDB: the query a person would write for the same numbers (the funnel's counts
     for a segment, the rows for a report), over the raw tables (RFM computed from the orders);
   - Polars: the same numbers with Polars' lazy API over the tables loaded in memory (loading
     not timed);
   and checks that the four give the same numbers (``same`` column; a mismatch is printed);
3. unless ``--no-io``, at the largest size: importing the shop's CSVs beside a bare ``read_csv``
   CREATE TABLE of the same files, and a Meta export of every contact beside a bare COPY.

Ratios are against the hand-written DuckDB query and Polars, measured in the same round. Needs
``polars`` (``pip install -e '.[bench]'``). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from segmenta.tools.engines import open_engine
from segmenta.warehouse.demo import build_demo
from segmenta.warehouse.derived import rfm_segment_case

AS_OF = date(2026, 6, 30)
END = datetime(2026, 7, 1)
END_SQL = "TIMESTAMP '2026-07-01 00:00:00'"
SEED_FROM = datetime(2025, 9, 1)  # "los últimos 10 meses" at 2026-06-30
VIEWED_FROM = datetime(2026, 6, 1)  # "the last 30 days"
BOUGHT_FROM = datetime(2026, 4, 2)  # "the last 90 days"
CARD = ["credit_card", "debit_card"]

REQUESTS = {
    "seed": "hombres de más de 30 que compraron botas de fútbol con tarjeta, RFM 5 y más de 300 € en los "
    "últimos 10 meses",
    "viewed": "people who viewed a product but did not buy in the last 30 days",
    "rfm": "clientes por segmento RFM",
    "first": "compradores nuevos vs recurrentes por mes en 2025",
    "funnel5": "contacts who visited in the last 30 days, viewed a product, searched, added to cart and bought "
    "in the last 90 days",
}
LABELS = {
    "seed": "seed segment + funnel (6 steps)",
    "viewed": "viewed, not bought, 30 days",
    "rfm": "RFM + 11 segments",
    "first": "first-time vs recurring by month",
    "funnel5": "5-step funnel",
}

# ---- hand-written DuckDB ------------------------------------------------------------------------

_CONTACTS = f"SELECT * FROM contacts WHERE created_at IS NULL OR created_at < {END_SQL}"
_ORDERS = f"SELECT * FROM orders WHERE status = 'completed' AND ordered_at < {END_SQL}"


def _quintile(col: str) -> str:
    return f"CAST(1 + floor(5 * (rank() OVER (ORDER BY {col}) - 1) / count(*) OVER ()) AS INTEGER)"


_RFM = f"""
per AS (
  SELECT contact_id, max(ordered_at)::DATE AS r, count(*) AS f, sum(total_amount) AS m
  FROM o WHERE contact_id IN (SELECT contact_id FROM c) GROUP BY contact_id),
scored AS (SELECT contact_id, {_quintile("r")} AS rs, {_quintile("f")} AS fs, {_quintile("m")} AS ms FROM per)"""

HAND: dict[str, str] = {
    "seed": f"""
WITH c AS ({_CONTACTS}), o AS ({_ORDERS}), {_RFM},
spent AS (SELECT contact_id, sum(total_amount) AS s FROM o
          WHERE ordered_at >= TIMESTAMP '{SEED_FROM}' GROUP BY contact_id),
boots AS (SELECT DISTINCT o.contact_id FROM o JOIN order_lines l USING (order_id)
          JOIN products p USING (product_id)
          WHERE o.ordered_at >= TIMESTAMP '{SEED_FROM}' AND o.payment_method IN ('credit_card', 'debit_card')
            AND p.category = 'Fútbol' AND p.subcategory = 'Botas'),
f AS (
  SELECT c.gender = 'male' AS f1,
         coalesce(2026 - year(c.birth_date)
                  - CASE WHEN month(c.birth_date) * 100 + day(c.birth_date) > 630 THEN 1 ELSE 0 END > 30,
                  false) AS f2,
         b.contact_id IS NOT NULL AS f3,
         coalesce(s.rs = 5 AND s.fs = 5 AND s.ms = 5, false) AS f4,
         coalesce(sp.s, 0) > 300 AS f5
  FROM c LEFT JOIN scored s USING (contact_id) LEFT JOIN spent sp USING (contact_id)
  LEFT JOIN boots b USING (contact_id))
SELECT count(*), count(*) FILTER (f1), count(*) FILTER (f1 AND f2), count(*) FILTER (f1 AND f2 AND f3),
       count(*) FILTER (f1 AND f2 AND f3 AND f4), count(*) FILTER (f1 AND f2 AND f3 AND f4 AND f5)
FROM f""",
    "viewed": f"""
WITH c AS ({_CONTACTS}),
v AS (SELECT DISTINCT contact_id FROM web_events WHERE event_type = 'product_view' AND occurred_at < {END_SQL}),
b AS (SELECT DISTINCT contact_id FROM orders WHERE status = 'completed'
      AND ordered_at >= TIMESTAMP '{VIEWED_FROM}' AND ordered_at < {END_SQL}),
f AS (SELECT v.contact_id IS NOT NULL AS f1, b.contact_id IS NULL AS f2
      FROM c LEFT JOIN v USING (contact_id) LEFT JOIN b USING (contact_id))
SELECT count(*), count(*) FILTER (f1), count(*) FILTER (f1 AND f2) FROM f""",
    "rfm": f"""
WITH c AS ({_CONTACTS}), o AS ({_ORDERS}), {_RFM},
named AS (SELECT ({rfm_segment_case().replace("r_score", "rs").replace("f_score", "fs").replace("m_score", "ms")})
          AS segment FROM scored)
SELECT segment, count(*) FROM named WHERE segment IS NOT NULL GROUP BY 1""",
    "first": f"""
WITH o AS ({_ORDERS}),
fo AS (SELECT contact_id, min(ordered_at) AS first_at FROM o GROUP BY contact_id),
m AS (SELECT o.contact_id, date_trunc('month', o.ordered_at) AS month, fo.first_at
      FROM o JOIN fo USING (contact_id)
      WHERE o.ordered_at >= TIMESTAMP '2025-01-01' AND o.ordered_at < TIMESTAMP '2026-01-01')
SELECT month::DATE, count(DISTINCT contact_id) FILTER (first_at >= month),
       count(DISTINCT contact_id) FILTER (first_at < month)
FROM m GROUP BY 1""",
    "funnel5": f"""
WITH c AS ({_CONTACTS}),
w AS (SELECT contact_id, bool_or(occurred_at >= TIMESTAMP '{VIEWED_FROM}') AS v,
             bool_or(event_type = 'product_view') AS pv, bool_or(event_type = 'search') AS s,
             bool_or(event_type = 'add_to_cart') AS a
      FROM web_events WHERE occurred_at < {END_SQL} AND contact_id IS NOT NULL GROUP BY contact_id),
b AS (SELECT DISTINCT contact_id FROM orders WHERE status = 'completed'
      AND ordered_at >= TIMESTAMP '{BOUGHT_FROM}' AND ordered_at < {END_SQL}),
f AS (SELECT coalesce(w.v, false) AS f1, coalesce(w.pv, false) AS f2, coalesce(w.s, false) AS f3,
             coalesce(w.a, false) AS f4, b.contact_id IS NOT NULL AS f5
      FROM c LEFT JOIN w USING (contact_id) LEFT JOIN b USING (contact_id))
SELECT count(*), count(*) FILTER (f1), count(*) FILTER (f1 AND f2), count(*) FILTER (f1 AND f2 AND f3),
       count(*) FILTER (f1 AND f2 AND f3 AND f4), count(*) FILTER (f1 AND f2 AND f3 AND f4 AND f5)
FROM f""",
}

# ---- Polars -------------------------------------------------------------------------------------

Frames = dict[str, pl.DataFrame]


def load_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    cols = {
        "contacts": "contact_id, gender, birth_date, created_at",
        # cents as integers: sums stay exact, so RFM ranks tie exactly as DuckDB's decimals do
        "orders": "order_id, contact_id, ordered_at, CAST(round(total_amount * 100) AS BIGINT) AS total_amount, "
        "payment_method, status",
        "order_lines": "order_id, product_id",
        "products": "product_id, category, subcategory",
        "web_events": "contact_id, event_type, occurred_at",
    }
    return {t: con.sql(f"SELECT {c} FROM {t}").pl() for t, c in cols.items()}


def _pl_contacts(f: Frames) -> pl.LazyFrame:
    c = f["contacts"].lazy()
    return c.filter(pl.col("created_at").is_null() | (pl.col("created_at") < END))


def _pl_orders(f: Frames) -> pl.LazyFrame:
    o = f["orders"].lazy()
    return o.filter((pl.col("status") == "completed") & (pl.col("ordered_at") < END))


def _pl_scored(f: Frames) -> pl.LazyFrame:
    per = (
        _pl_orders(f)
        .join(_pl_contacts(f).select("contact_id"), on="contact_id", how="semi")
        .group_by("contact_id")
        .agg(
            r=pl.col("ordered_at").max().dt.date(),
            f=pl.len(),
            m=pl.col("total_amount").sum(),
        )
    )

    def q(col: str) -> pl.Expr:
        return (1 + (5 * (pl.col(col).rank("min") - 1)) // pl.len()).cast(pl.Int32)

    return per.select("contact_id", rs=q("r"), fs=q("f"), ms=q("m"))


def _counts(flags: pl.LazyFrame, names: list[str]) -> list[int]:
    acc: pl.Expr = pl.lit(True)
    exprs = [pl.len().alias("n")]
    for i, name in enumerate(names):
        acc = acc & pl.col(name)
        exprs.append(acc.sum().alias(f"s{i}"))
    row = flags.select(exprs).collect().row(0)
    return [int(v) for v in row]


def pl_seed(f: Frames) -> Any:
    o = _pl_orders(f)
    spent = (
        o.filter(pl.col("ordered_at") >= SEED_FROM).group_by("contact_id").agg(s=pl.col("total_amount").sum())
    )
    prods = f["products"].lazy().filter((pl.col("category") == "Fútbol") & (pl.col("subcategory") == "Botas"))
    boots = (
        o.filter((pl.col("ordered_at") >= SEED_FROM) & pl.col("payment_method").is_in(CARD))
        .join(f["order_lines"].lazy(), on="order_id")
        .join(prods, on="product_id", how="semi")
        .select("contact_id")
        .unique()
        .with_columns(b=pl.lit(True))
    )
    birth = pl.col("birth_date")
    age = (
        2026
        - birth.dt.year()
        - ((birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day()) > 630).cast(pl.Int32)
    )
    flags = (
        _pl_contacts(f)
        .join(_pl_scored(f), on="contact_id", how="left")
        .join(spent, on="contact_id", how="left")
        .join(boots, on="contact_id", how="left")
        .select(
            f1=(pl.col("gender") == "male").fill_null(False),
            f2=(age > 30).fill_null(False),
            f3=pl.col("b").fill_null(False),
            f4=((pl.col("rs") == 5) & (pl.col("fs") == 5) & (pl.col("ms") == 5)).fill_null(False),
            f5=pl.col("s").fill_null(0) > 300 * 100,  # cents
        )
    )
    return _counts(flags, ["f1", "f2", "f3", "f4", "f5"])


def pl_viewed(f: Frames) -> Any:
    w = f["web_events"].lazy()
    v = w.filter((pl.col("event_type") == "product_view") & (pl.col("occurred_at") < END)).select(
        "contact_id"
    )
    b = _pl_orders(f).filter(pl.col("ordered_at") >= VIEWED_FROM).select("contact_id")
    flags = _pl_contacts(f).select(
        f1=pl.col("contact_id").is_in(v.unique().collect()["contact_id"].drop_nulls().implode()),
        f2=~pl.col("contact_id").is_in(b.unique().collect()["contact_id"].drop_nulls().implode()),
    )
    return _counts(flags, ["f1", "f2"])


def _segment_names() -> dict[int, str]:
    out: dict[int, str] = {}
    for codes, name in re.findall(r"IN \(([\d, ]+)\) THEN '((?:[^']|'')*)'", rfm_segment_case()):
        for code in codes.split(","):
            out[int(code)] = name.replace("''", "'")
    return out


def pl_rfm(f: Frames) -> Any:
    names = pl.DataFrame(
        {"code": list(_segment_names()), "segment": list(_segment_names().values())},
        schema={"code": pl.Int32, "segment": pl.Utf8},
    ).lazy()
    scored = _pl_scored(f).with_columns(code=100 * pl.col("rs") + 10 * pl.col("fs") + pl.col("ms"))
    out = scored.join(names, on="code").group_by("segment").agg(pl.len()).collect()
    return sorted((str(s), int(n)) for s, n in out.iter_rows())


def pl_first(f: Frames) -> Any:
    o = _pl_orders(f).filter(pl.col("contact_id").is_not_null())
    fo = o.group_by("contact_id").agg(first_at=pl.col("ordered_at").min())
    m = (
        o.filter(
            (pl.col("ordered_at") >= datetime(2025, 1, 1)) & (pl.col("ordered_at") < datetime(2026, 1, 1))
        )
        .join(fo, on="contact_id")
        .with_columns(month=pl.col("ordered_at").dt.truncate("1mo"))
        .group_by("month")
        .agg(
            first=pl.col("contact_id").filter(pl.col("first_at") >= pl.col("month")).n_unique(),
            again=pl.col("contact_id").filter(pl.col("first_at") < pl.col("month")).n_unique(),
        )
        .collect()
    )
    return sorted((r[0].date(), int(r[1]), int(r[2])) for r in m.iter_rows())


def pl_funnel5(f: Frames) -> Any:
    w = (
        f["web_events"]
        .lazy()
        .filter((pl.col("occurred_at") < END) & pl.col("contact_id").is_not_null())
        .group_by("contact_id")
        .agg(
            v=(pl.col("occurred_at") >= VIEWED_FROM).any(),
            pv=(pl.col("event_type") == "product_view").any(),
            s=(pl.col("event_type") == "search").any(),
            a=(pl.col("event_type") == "add_to_cart").any(),
        )
    )
    b = _pl_orders(f).filter(pl.col("ordered_at") >= BOUGHT_FROM).select("contact_id").unique()
    flags = (
        _pl_contacts(f)
        .join(w, on="contact_id", how="left")
        .join(b.with_columns(bought=pl.lit(True)), on="contact_id", how="left")
        .select(
            *(pl.col(k).fill_null(False).alias(k) for k in ("v", "pv", "s", "a")),
            pl.col("bought").fill_null(False),
        )
    )
    return _counts(flags, ["v", "pv", "s", "a", "bought"])


POLARS: dict[str, Callable[[Frames], Any]] = {
    "seed": pl_seed,
    "viewed": pl_viewed,
    "rfm": pl_rfm,
    "first": pl_first,
    "funnel5": pl_funnel5,
}

# ---- the comparison ----------------------------------------------------------------------------


def _numbers(key: str, rows: list[Any]) -> Any:
    """The numbers a result carries, in one shape for all four."""
    if key in ("seed", "viewed", "funnel5"):
        return [int(v) for v in rows[0]]
    if key == "rfm":
        return sorted((str(r[0]), int(r[1])) for r in rows)
    return sorted((r[0], int(r[1]), int(r[2])) for r in rows if int(r[1]) or int(r[2]))


def _answer_numbers(key: str, answer: Any) -> Any:
    if answer.funnel:
        return [f.count for f in answer.funnel]
    return _numbers(key, answer.rows)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def run_size(db: Path, repeat: int) -> list[tuple[str, list[float], bool]]:
    engine = open_engine(db)
    engine.ask("mujeres de Madrid", AS_OF)  # warm the catalog, the glossary and DuckDB's caches
    con = engine.con
    frames = load_frames(con)
    out = []
    for key, text in REQUESTS.items():
        answer = engine.ask(text, AS_OF)
        if answer.kind not in ("segment", "report"):
            raise SystemExit(f"{key}: segmenta answered with a {answer.kind}: {text!r}")
        times: list[list[float]] = [[], [], [], []]
        results: list[Any] = [None] * 4
        for _ in range(repeat):
            ms, a = _timed(lambda t=text: engine.ask(t, AS_OF))
            times[0].append(ms)
            results[0] = _answer_numbers(key, a)
            ms, _ = _timed(lambda s=answer.sql: con.sql(s).fetchall())
            times[1].append(ms)
            ms, rows = _timed(lambda k=key: con.sql(HAND[k]).fetchall())
            times[2].append(ms)
            results[2] = _numbers(key, rows)
            ms, got = _timed(lambda k=key: POLARS[k](frames))
            times[3].append(ms)
            results[3] = _numbers(key, [got]) if key in ("seed", "viewed", "funnel5") else got
        same = results[0] == results[2] == results[3]
        if not same:
            print(
                f"  MISMATCH {key}: segmenta {results[0]}\n    DuckDB {results[2]}\n    Polars {results[3]}"
            )
        out.append((key, [statistics.median(t) for t in times], same))
    engine.close()
    return out


def io_figures(db: Path, work: Path) -> None:
    from segmenta.tools.exports import export_audience
    from segmenta.warehouse.importer import import_shop
    from segmenta.warehouse.schema import TABLES

    csv_dir = work / "csv"
    if not csv_dir.exists():
        csv_dir.mkdir(parents=True)
        with duckdb.connect(str(db), read_only=True) as con:
            for name in TABLES:
                con.execute(f"COPY {name} TO '{csv_dir / (name + '.csv')}' (HEADER, DELIMITER ',')")
    base_db, imported = work / "bare.duckdb", work / "imported.duckdb"

    def bare_import() -> None:
        base_db.unlink(missing_ok=True)
        with duckdb.connect(str(base_db)) as b:
            for f in sorted(csv_dir.glob("*.csv")):
                b.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_csv('{f}')")
            b.execute("CHECKPOINT")

    def segmenta_import() -> None:
        imported.unlink(missing_ok=True)
        import_shop(csv_dir, imported)

    bare_s = statistics.median(_timed(bare_import)[0] for _ in range(3)) / 1000
    imp_s = _timed(segmenta_import)[0] / 1000
    print(
        f"import      segmenta {imp_s:6.2f} s   bare read_csv CTAS {bare_s:6.2f} s   ratio {imp_s / bare_s:4.2f}x"
    )
    with tempfile.TemporaryDirectory(prefix="segmenta-anchors-") as tmp:
        out = Path(tmp)

        def export() -> None:
            export_audience(
                imported, "SELECT contact_id FROM contacts", "meta", out / "meta.csv",
                include_no_consent=True, as_of=AS_OF, force=True,
            )  # fmt: skip

        def copy() -> None:
            with duckdb.connect(str(imported), read_only=True) as con:
                con.execute(
                    "COPY (SELECT email, phone, first_name, last_name, postal_code, city, region, country, "
                    f"birth_date, gender FROM contacts ORDER BY contact_id) TO '{out / 'x.csv'}' (FORMAT csv, HEADER)"
                )

        exp_times, copy_times = [], []
        for _ in range(3):
            exp_times.append(_timed(export)[0] / 1000)
            copy_times.append(_timed(copy)[0] / 1000)
        e, c = statistics.median(exp_times), statistics.median(copy_times)
        print(f"Meta export segmenta {e:6.2f} s   bare COPY          {c:6.2f} s   ratio {e / c:4.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenta-anchors"))
    ap.add_argument("--no-io", action="store_true", help="skip the import and export figures")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; medians of {a.repeat}, interleaved"
    )
    for n in a.sizes:
        db = a.work / f"demo-{n}.duckdb"
        if not db.exists():
            ms, _ = _timed(lambda n=n, db=db: build_demo(db, contacts=n, seed=7, until=AS_OF))
            print(f"built the {n:,}-contact demo in {ms / 1000:.1f} s")
        print(
            f"\n{n:,} contacts               segmenta  its SQL   DuckDB   Polars   vs DuckDB  vs Polars  same"
        )
        for key, (seg, bare, hand, polars), same in run_size(db, a.repeat):
            print(
                f"{LABELS[key]:<34} {seg:6.0f} ms {bare:6.0f} {hand:8.0f} {polars:8.0f}"
                f"   {seg / hand:6.2f}x   {seg / polars:6.2f}x   {'yes' if same else 'NO'}"
            )
    if not a.no_io:
        biggest = max(a.sizes)
        print(f"\nimport and export at {biggest:,} contacts")
        io = a.work / f"io-{biggest}"
        shutil.rmtree(io / "imported.duckdb", ignore_errors=True)
        io.mkdir(exist_ok=True)
        io_figures(a.work / f"demo-{biggest}.duckdb", io)


if __name__ == "__main__":
    main()
