"""Fuzz the request path: thousands of hostile and half-broken requests through the function
``segmenta ask`` calls (``segmenta.tools.ask.ask``), on a demo warehouse.

    python bench/fuzz.py [--n 10000] [--contacts 20000] [--db PATH] [--seed 7]

Kinds of request: random unicode (lone surrogates and control characters included), long texts
(past the 1,000-character cap too), SQL fragments inside requests, realistic requests with words
dropped, swapped and repeated, and ``--continue`` chains (a third of requests refine the last one).

Counts, and prints: crashes (any exception that is not segmenta's own one-line error), answers
over 2 s, answers whose SQL fails the validator, and the outcome of every kind. Exits 1 when any
crash or invalid SQL happened. Speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REALISTIC = [
    "mujeres de más de 30 de Madrid",
    "men over 40 who bought running shoes in the last 6 months",
    "clientes que compraron zapatillas pero nunca camisetas",
    "Champions or Loyal subscribed to email",
    "hombres de más de 30 que compraron botas de fútbol con RFM 5 en los últimos 10 meses",
    "people who abandoned a cart worth over 50 in the last 30 days",
    "clientes que no han comprado en los últimos 12 meses",
    "how many customers bought Nike in 2025?",
    "facturación por categoría este año vs el año pasado",
    "weekly email performance by workflow",
    "los 5 productos que más han facturado en lo que va de año",
    "chavales de bcn q pillaron algo en rebajas x tarjeta",
    "solo los de Sevilla, no los de Madrid",
    "y también los que pagaron con paypal",
    "quita la condición de edad",
    "export them for Facebook",
]
SQL_BITS = [
    "'; DROP TABLE contacts; --",
    '" OR 1=1 --',
    "UNION SELECT * FROM duckdb_settings()",
    "); COPY contacts TO '/tmp/x.csv'; --",
    "read_csv('/etc/passwd')",
    "%_;--",
    "[link=http://evil]x[/link]",
    '=HYPERLINK("http://x")',
    "\x1b[31m",
]
KINDS = ("unicode", "long", "sql", "realistic", "chain")


def random_unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.05:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # a lone surrogate
        elif r < 0.1:
            out.append(chr(rng.randint(0, 31)))
        elif r < 0.4:
            out.append(chr(rng.randint(0x20, 0x7E)))
        else:
            out.append(chr(rng.randint(0xA0, 0x2FFF)))
    return "".join(out)


def mangle(rng: random.Random, text: str) -> str:
    """A realistic request with words dropped, swapped or said twice."""
    words = text.split()
    for _ in range(rng.randint(0, 3)):
        if not words:
            break
        op, k = rng.random(), rng.randrange(len(words))
        if op < 0.4:
            words.pop(k)
        elif op < 0.7 and len(words) > 1:
            j = rng.randrange(len(words))
            words[k], words[j] = words[j], words[k]
        else:
            words.insert(k, words[k])
    return " ".join(words)


def request(rng: random.Random, kind: str) -> str:
    if kind == "unicode":
        return random_unicode(rng, rng.randint(0, 200))
    if kind == "long":
        base = rng.choice(REALISTIC)
        return (base + " ") * rng.randint(5, 60)
    if kind == "sql":
        base = mangle(rng, rng.choice(REALISTIC))
        words = base.split()
        words.insert(rng.randint(0, len(words)), rng.choice(SQL_BITS))
        return " ".join(words)
    return mangle(rng, rng.choice(REALISTIC))


@dataclass
class Tally:
    """What the run saw, by kind of request."""

    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    times: list[float] = field(default_factory=list)
    slow: list[tuple[float, str]] = field(default_factory=list)
    crashes: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)


def one(i: int, rng: random.Random, db: Path, until: date, tally: Tally) -> None:
    """Ask one request of the kind its turn gives, through the function ``segmenta ask`` calls."""
    from segmenta.assistant.validator import validate
    from segmenta.errors import SegmentaError
    from segmenta.tools.ask import ask

    kind = KINDS[i % len(KINDS)]
    text = request(rng, "realistic" if kind == "chain" else kind)
    started = time.perf_counter()
    try:
        answer = ask(db, text, until, continue_=kind == "chain")
        outcome = answer.kind
        if answer.sql:
            try:
                validate(answer.sql)
            except SegmentaError as e:
                tally.invalid.append((text, str(e)))
    except SegmentaError as e:
        outcome = f"refused ({type(e).__name__})"
    except Exception:  # noqa: BLE001 - a crash is what this counts
        outcome = "CRASH"
        tally.crashes.append((text, traceback.format_exc(limit=3)))
    took = time.perf_counter() - started
    tally.times.append(took)
    if took > 2.0:
        tally.slow.append((took, text[:80]))
    tally.outcomes[kind][outcome] += 1


def main() -> None:
    from segmenta.warehouse.demo import build_demo

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    until = date(2026, 6, 30)
    db: Path = a.db or Path(f"/tmp/segmenta-bench-fuzz-{a.contacts}.duckdb")
    if not db.exists():
        build_demo(db, contacts=a.contacts, until=until)
    db = db.resolve()
    os.chdir(tempfile.mkdtemp(prefix="segmenta-fuzz-"))  # "export them…" writes its file here
    from segmenta.tools.ask import ask

    warm = time.perf_counter()
    ask(db, "mujeres de Madrid", until)  # the process's first answer loads dictionaries: not a request's time
    print(
        f"  first answer of the process (loads the word lists): {time.perf_counter() - warm:.2f} s",
        file=sys.stderr,
    )
    rng = random.Random(a.seed)
    tally = Tally()
    done = 0
    try:
        for i in range(a.n):
            one(i, rng, db, until, tally)
            done = i + 1
            if done % 500 == 0:
                print(f"  {done:,} requests, {len(tally.crashes)} crashes", file=sys.stderr)
    except KeyboardInterrupt:  # Ctrl-C: the figures of what ran
        print(f"  stopped after {done:,} requests", file=sys.stderr)
    print(f"fuzz: {done:,} requests on {db.name} (seed {a.seed})")
    for kind, c in tally.outcomes.items():
        print(f"  {kind:<10} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    times = sorted(tally.times) or [0.0]
    print(
        f"  time per request: median {statistics.median(times) * 1000:.0f} ms, "
        f"p99 {times[max(0, int(len(times) * 0.99) - 1)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )
    print(
        f"crashes: {len(tally.crashes)}, over 2 s: {len(tally.slow)}, "
        f"SQL failing validation: {len(tally.invalid)}"
    )
    for text, tb in tally.crashes[:5]:
        print(f"CRASH {text[:80]!r}\n{tb}")
    for took, text in sorted(tally.slow, reverse=True)[:5]:
        print(f"SLOW {took:.2f} s {text!r}")
    for text, why in tally.invalid[:5]:
        print(f"INVALID {text[:80]!r}: {why}")
    sys.exit(1 if tally.crashes or tally.invalid else 0)


if __name__ == "__main__":
    main()
