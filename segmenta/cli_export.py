"""``segmenta export``: a segment's audience as a Meta or Google Ads file, or a plain contact CSV.

The lead joins this sub-app to the main one with ``app.add_typer(export_app, name="export")``.
The audience comes from a saved segment (``--segment NAME``) or from a request answered on the
spot (``--ask TEXT``). The preflight (rows, drops by reason, key coverage, preview) goes to stderr
as rich tables, then the file is written; stdout gets only the path written.

Exit codes: 0 written, 1 error (unknown target, unwritable path, failed query), 3 when the
request needs a clarification or is not a segment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from segmenta import render
from segmenta.cli_options import DbOption, parse_date
from segmenta.errors import ExportError, SegmentaError, say
from segmenta.labels import Lang, export_word
from segmenta.locale_text import date_text, integer, locale_id, percent
from segmenta.warehouse import store

if TYPE_CHECKING:
    from rich.console import RenderableType

    from segmenta.tools.exports import Preflight

export_app = typer.Typer(
    help="Write a segment's audience for Meta or Google Ads (hashed), or its contacts as a CSV.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


_date = parse_date


def _fail(error: SegmentaError | str, code: int = 1) -> typer.Exit:
    render.print_error(error)
    return typer.Exit(code=code)


def _segment_sql(db: Path, segment: str | None, ask: str | None, as_of: dt.date) -> str:
    """The SQL listing the audience's contact ids, from a saved segment or an answered request."""
    if (segment is None) == (ask is None):
        raise _fail("say which audience to export: --segment NAME or --ask TEXT (one of them)")
    if segment is not None:
        from segmenta.tools.segments import segment_sql

        return segment_sql(db, segment, as_of)
    assert ask is not None
    from segmenta.tools.ask import ask as ask_tool

    answer = ask_tool(db, ask, as_of)
    if not answer.answered:
        questions = "; ".join(c.question for c in answer.clarifications) or "the request was not understood"
        raise _fail(f"cannot export {ask!r}: {questions}", code=3)
    if answer.kind != "segment" or not answer.sql:
        raise _fail(f"cannot export {ask!r}: it is a {answer.kind}, not a list of contacts", code=3)
    return answer.sql


def _preflight_tables(pre: Preflight, lang: Lang = "en", country: str = "") -> list[RenderableType]:
    """Rich tables of a preflight: summary, drops and coverage, then the preview; in the request's
    language (English for a saved segment), numbers as the shop's locale writes them."""
    from rich.table import Table
    from rich.text import Text

    es = lang == "es"
    loc = locale_id(lang, country)
    day = date_text(pre.as_of, loc)
    title = f"Exportación a {pre.target} a fecha {day}" if es else f"Export to {pre.target} as of {day}"
    summary = Table(title=title, show_header=False)
    summary.add_column("what", style="bold")
    summary.add_column("value", justify="right")
    summary.add_row(
        "contactos del segmento" if es else "contacts in the segment", integer(pre.segment_contacts, loc)
    )
    for reason, n in pre.dropped.items():
        summary.add_row(f"{'fuera' if es else 'left out'}: {export_word(reason, lang)}", integer(n, loc))
    for column, n in pre.invalid_values.items():
        name = export_word(column, lang)
        summary.add_row(
            f"valores de {name} no utilizables (vacíos)" if es else f"{name} values not usable (left empty)",
            integer(n, loc),
        )
    summary.add_row("filas a escribir" if es else "rows to write", integer(pre.rows, loc))
    for key, share in pre.coverage.items():
        summary.add_row(f"{'filas con' if es else 'rows with'} {export_word(key, lang)}", percent(share, loc))
    summary.add_row("celdas" if es else "cells", "SHA-256" if pre.hashed else ("sin hash" if es else "plain"))
    tables: list[RenderableType] = [summary]
    normalised = "normalizadas" if es else "normalised"
    previews = [(normalised, pre.preview_normalized)]
    if pre.hashed:
        previews.append(
            ("tal como se escriben (con hash)" if es else "as written (hashed)", pre.preview_hashed)
        )
    for label, rows in previews:
        if not rows:
            continue
        first = "Primeras filas" if es else "First rows"
        if pre.hashed and label != normalised:
            # hashes: the first characters are enough to see they are hashes
            table = Table(title=f"{first}, {label}")
            for c in pre.columns:
                table.add_column(c, overflow="ellipsis", no_wrap=True, max_width=10)
            for r in rows:
                table.add_row(*(Text(v) for v in r))
            tables.append(table)
        else:
            # every column readable: as records when they do not fit the terminal side by side
            tables.append(
                render.fitted(
                    list(pre.columns), [[Text(v) for v in r] for r in rows], title=f"{first}, {label}"
                )
            )
    return tables


@export_app.callback(invoke_without_command=True)
def export(
    to: Annotated[str, typer.Option("--to", metavar="meta|google|csv", help="Where the file goes.")],
    segment: Annotated[str | None, typer.Option("--segment", metavar="NAME", help="A saved segment.")] = None,
    ask: Annotated[str | None, typer.Option("--ask", metavar="TEXT", help="A request for a segment.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Write normalised values, not SHA-256.")] = False,
    include_no_consent: Annotated[
        bool, typer.Option("--include-no-consent", help="Also export contacts without ads consent.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            dir_okay=False,
            metavar="PATH",
            help="The file to write (default: segmenta-<to>-<segment>-<as-of>-<time>.csv here, a new "
            "name each time).",
        ),
    ] = None,
    db: DbOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_date,
            metavar="YYYY-MM-DD",
            show_default="today",
            help="The day the audience is as of.",
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Accepted for scripts; the file is always written.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")] = False,
) -> None:
    """Write an audience file: hashed Meta or Google Ads customer list, or a plain contact CSV."""
    from segmenta.assistant.text import detect_language
    from segmenta.errors import speak
    from segmenta.tools.exports import TARGETS, export_audience, unknown_target

    lang: Lang = detect_language(ask) if ask else "en"
    speak(lang)  # what goes wrong is said in the language of --ask's request
    try:
        if to not in TARGETS:
            raise ExportError(unknown_target(to))
        day = as_of or dt.date.today()
        path = store.resolve_db(db)
        if out is not None:
            from segmenta.files import check_writable

            check_writable(out, force=force)
        sql = _segment_sql(path, segment, ask, day)
        with render.progress_bar() as progress:
            report = export_audience(
                path,
                sql,
                to,
                out,
                plain=plain,
                include_no_consent=include_no_consent,
                as_of=day,
                progress=progress,
                name=segment or ask or "",
                force=force,
            )
    except SegmentaError as e:
        raise _fail(e) from None
    from segmenta.locale_text import decimal
    from segmenta.warehouse.config import shop_locale

    country = shop_locale(path)[1]
    for table in _preflight_tables(report.preflight, lang, country):
        render.err.print(table)
    from rich.text import Text

    for warning in report.warnings:
        render.err.print(Text(f"{say('warning', 'aviso')}: {warning}", style="yellow"))
    loc = locale_id(lang, country)
    rows, took = integer(report.rows, loc), decimal(report.seconds, loc, 1)
    render.print_note(
        say(
            f"Wrote {rows} {'row' if report.rows == 1 else 'rows'} to {report.path} in {took} s",
            f"Escribí {rows} {'fila' if report.rows == 1 else 'filas'} en {report.path} en {took} s",
        )
    )
    typer.echo(str(report.path))
