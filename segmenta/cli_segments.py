"""``segmenta segments ...``: save, list, show, refresh, history, rename and delete saved segments.

A thin typer group over ``segmenta.tools.segments``; the lead joins it to the main app with
``app.add_typer(segments_app, name="segments")``. Errors are ``SegmentaError``s, which the main
app's group prints as one line (exit 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from segmenta import render
from segmenta.cli_options import AsOfOption, DbOption, parse_date
from segmenta.warehouse import store

NameArg = Annotated[str, typer.Argument(help="The saved segment's name (spaces and accents are fine).")]
segments_app = typer.Typer(
    help="Saved segments: dynamic definitions or static snapshots, with size history.", no_args_is_help=True
)

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """A one-line chart of sizes.

    >>> sparkline([1, 5, 10]), sparkline([3, 3]), sparkline([])
    ('▁▄█', '▄▄', '')
    """
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - lo) / (hi - lo) * (len(SPARKS) - 1))] for v in values)


@segments_app.command("save")
def save_cmd(
    name: Annotated[str, typer.Argument(help="The segment's name (spaces and accents are fine).")],
    ask: Annotated[str | None, typer.Option("--ask", help="The request that defines the segment.")] = None,
    last: Annotated[bool, typer.Option("--last", help="Save the last segment of the conversation.")] = False,
    static: Annotated[bool, typer.Option("--static", help="Keep a snapshot of today's members.")] = False,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Save a segment from a request (--ask TEXT) or from the last answer (--last)."""
    from segmenta.tools import segments

    if (ask is None) == (not last):
        raise typer.BadParameter("give exactly one of --ask TEXT or --last")
    from segmenta.assistant.text import detect_language
    from segmenta.errors import speak
    from segmenta.locale_text import day_text, integer, locale_id
    from segmenta.warehouse.config import shop_locale

    path, day = store.resolve_db(db), as_of or dt.date.today()
    plan, request = segments.last_plan(path) if last else (None, ask or "")
    lang = detect_language(request)
    speak(lang)  # what goes wrong is said in the language of the request the segment holds
    seg = segments.save(path, name, plan=plan, request=request, static=static, as_of=day)
    country = shop_locale(path)[1]
    size, when = integer(seg.size, locale_id(lang, country)), day_text(seg.as_of, lang, country)
    if lang == "es":
        kind = "dinámico" if seg.kind == "dynamic" else "estático"
        render.print_lines([f"guardado el segmento {kind} '{seg.name}': {size} contactos a {when}"])
    else:
        render.print_lines([f"saved {seg.kind} segment '{seg.name}': {size} contacts on {when}"])


@segments_app.command("list")
def list_cmd(db: DbOption = None) -> None:
    """The saved segments with their size and a sparkline of their history."""
    from rich.table import Table

    from segmenta.tools import segments

    table = Table("name", "kind", "size", "as of", "history", "request")
    for s in segments.list_segments(store.resolve_db(db)):
        table.add_row(
            s.name, s.kind, f"{s.size:,}", str(s.as_of), sparkline([h.size for h in s.history]), s.request
        )
    render.out.print(table)


@segments_app.command("show")
def show_cmd(name: NameArg, db: DbOption = None) -> None:
    """One segment: its definition, its size and the funnel of its last evaluation."""
    from segmenta.tools import segments

    s = segments.show(store.resolve_db(db), name)
    lines = [f"{s.name} ({s.kind}), {s.size:,} contacts as of {s.as_of}", f"request: {s.request}"]
    if s.history:
        lines += [f"  {st.step}: {st.count:,}" for st in s.history[-1].steps]
    render.print_lines(lines)


@segments_app.command("refresh")
def refresh_cmd(name: NameArg, db: DbOption = None, as_of: AsOfOption = None) -> None:
    """Re-evaluate a segment at the as-of date and record its size."""
    from segmenta.tools import segments

    s = segments.refresh(store.resolve_db(db), name, as_of or dt.date.today())
    render.print_lines([f"'{s.name}': {s.size:,} contacts on {s.as_of}"])


@segments_app.command("history")
def history_cmd(
    name: NameArg,
    db: DbOption = None,
    backfill_since: Annotated[
        dt.date | None,
        typer.Option(
            "--backfill-since",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="First compute the size at each month-end since then.",
        ),
    ] = None,
    explain: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--explain", metavar="D1 D2", help="Say which condition moved the size most between two dates."
        ),
    ] = None,
) -> None:
    """The segment's size over time; optionally backfilled and explained."""
    from rich.table import Table

    from segmenta.tools import segments

    path = store.resolve_db(db)
    points = segments.backfill(path, name, backfill_since) if backfill_since else segments.history(path, name)
    table = Table("as of", "size")
    for p in points:
        table.add_row(str(p.as_of), f"{p.size:,}")
    render.out.print(table)
    render.print_lines([sparkline([p.size for p in points])])
    if explain:
        change = segments.explain_change(path, name, parse_date(explain[0]), parse_date(explain[1]))
        render.print_lines(change.sentences())


@segments_app.command("rename")
def rename_cmd(
    old: Annotated[str, typer.Argument(help="The segment's current name.")],
    new: Annotated[str, typer.Argument(help="Its new name.")],
    db: DbOption = None,
) -> None:
    """Rename a segment (and the references to it in other saved segments)."""
    from segmenta.tools import segments

    s = segments.rename(store.resolve_db(db), old, new)
    render.print_lines([f"renamed to '{s.name}'"])


@segments_app.command("delete")
def delete_cmd(name: NameArg, db: DbOption = None) -> None:
    """Delete a segment, its members and its history."""
    from segmenta.tools import segments

    render.print_lines([f"deleted '{segments.delete(store.resolve_db(db), name)}'"])
