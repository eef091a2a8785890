"""Options every command group shares: ``--db`` (with ``$SEGMENTA_DB``) and ``--as-of``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from segmenta.warehouse import store


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD option value as a date; anything else is a usage error naming the value.

    >>> parse_date("2026-06-30")
    datetime.date(2026, 6, 30)
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a valid date in the form YYYY-MM-DD") from None


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=store.ENV_DB,
        show_default=False,
        metavar="FILE|URL",
        help="The warehouse: a DuckDB file, or a URL: postgresql://user@host:5432/db, spark://local[N] "
        "or sc://host:15002 (Spark Connect). "
        "Default: $SEGMENTA_DB, else warehouse.duckdb in your user data folder.",
    ),
]

AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=parse_date,
        metavar="YYYY-MM-DD",
        show_default="today",
        help="The as-of date: nothing after the end of that day counts.",
    ),
]


def ensure_warehouse(path: Path) -> None:
    """Build the demo shop on first use when no warehouse exists yet, and say so on stderr."""
    if path.exists():
        return
    from segmenta import render
    from segmenta.errors import current_language, say
    from segmenta.warehouse.demo import build_demo

    render.print_note(
        say(
            f"No warehouse at {path} yet: building the demo shop there first "
            "(a sports retailer, 20,000 contacts; `segmenta import DIR` loads your own shop).",
            f"Aún no hay almacén en {path}: primero construyo ahí la tienda de demostración "
            "(una tienda de deportes, 20.000 contactos; `segmenta import CARPETA` carga tu tienda).",
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with render.progress_bar() as progress:
        report = build_demo(path, progress=progress)
    render.print_lines(report.lines(current_language()), console=render.err)
