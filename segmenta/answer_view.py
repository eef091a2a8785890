"""An Answer rendered for a person in the terminal (rich): conditions with counts, assumptions,
unrecognised words, the first rows and the SQL that ran."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from segmenta.assistant.answer import Answer
from segmenta.cells import shown, terminal_text
from segmenta.labels import header, value_label
from segmenta.locale_text import cell, integer

_T = {
    "es": {
        "understood": "Lo que he entendido",
        "funnel": "Embudo",
        "assumptions": "Supuestos",
        "unrecognized": "No reconocido",
        "ignored": "ignoré",
        "rows": "Primeros contactos",
        "of": "de",
        "contacts": "contactos",
        "question": "Necesito una aclaración",
        "sql": "SQL ejecutado",
        "count": "Resultado",
        "options": "Opciones",
        "choose": "Elige una opción: segmenta ask N --continue (y --remember para guardarla en esta tienda)",
    },
    "en": {
        "understood": "What I understood",
        "funnel": "Funnel",
        "assumptions": "Assumptions",
        "unrecognized": "Not recognised",
        "ignored": "ignored",
        "rows": "First contacts",
        "of": "of",
        "contacts": "contacts",
        "question": "I need a clarification",
        "sql": "SQL that ran",
        "count": "Result",
        "options": "Options",
        "choose": "Pick an option: segmenta ask N --continue (add --remember to keep it for this shop)",
    },
}


def answer_renderable(
    a: Answer, *, show_sql: bool = True, bar_width: int = 24, width: int | None = None
) -> RenderableType:
    """Everything a marketer needs to check an answer, top to bottom; the funnel's bars give way
    to its labels within ``width`` columns."""
    from segmenta.report_view import shown_value

    t = _T[a.language]
    parts: list[RenderableType] = []
    if a.explanation:
        body = Text()
        for k, line in enumerate(a.explanation):
            body.append(("\n" if k else "") + f"{k + 1}. ", style="bold cyan")
            body.append(terminal_text(line))
        parts.append(Panel(body, title=t["understood"], title_align="left", border_style="cyan"))
    if a.funnel:
        parts.append(funnel_table(a, bar_width, width))
    if a.assumptions:
        parts.append(
            Panel(
                shown("\n".join(f"• {x}" for x in a.assumptions)),
                title=t["assumptions"],
                title_align="left",
                border_style="yellow",
            )
        )
    if a.unrecognized:
        parts.append(
            shown(f"{t['unrecognized']}: " + ", ".join(f"'{w}'" for w in a.unrecognized), style="bold red")
        )
    if a.ignored:
        parts.append(shown(f"{t['ignored']}: " + ", ".join(a.ignored), style="dim"))
    number = 0
    for c in a.clarifications:
        body = shown(c.question + "\n", style="bold")
        for o in c.options:
            number += 1
            body.append(f"  {number}. {terminal_text(o)}\n")
        parts.append(Panel(body, title=t["question"], title_align="left", border_style="magenta"))
    if number:
        parts.append(Text(t["choose"], style="dim"))
    if a.kind == "segment" and a.count is not None:
        parts.append(Text(f"{integer(a.count, a.locale)} {t['contacts']}", style="bold green"))
        if a.rows:
            shown_of = f"{integer(len(a.rows), a.locale)} {t['of']} {integer(a.count, a.locale)}"
            parts.append(rows_table(a, f"{t['rows']} ({shown_of})"))
    elif a.kind == "report" and a.rows:
        if len(a.rows) == 1 and len(a.columns) == 1:
            parts.append(
                shown(
                    f"{header(a.columns[0], a.language, a.currency, a.locale)}: "
                    + shown_value(a.columns[0], a.rows[0][0], a.locale, a.currency),
                    style="bold green",
                )
            )
        else:
            parts.append(rows_table(a, t["count"]))
    if show_sql and a.sql:
        parts.append(
            Panel(
                Syntax(a.engine_sql or a.sql, "sql", word_wrap=True, theme="ansi_dark"),
                title=t["sql"] + (f" ({a.engine})" if a.engine_sql and a.engine else ""),
                title_align="left",
                border_style="dim",
            )
        )
    return Group(*parts)


def funnel_table(a: Answer, bar_width: int = 24, width: int | None = None) -> Table:
    """The funnel: each step, its count and a bar; within ``width``, the bar shortens (to 10) so
    the steps' labels stay on one line (a label longer than that wraps beside a whole bar)."""
    t = _T[a.language]
    if width is not None and a.funnel:
        label = max(len(shown(s.step)) for s in a.funnel)
        count = max(len(integer(s.count, a.locale)) for s in a.funnel)
        room = width - label - count - 5  # the cells' padding between the three columns
        bar_width = min(bar_width, room) if room >= 10 else bar_width
    table = Table(title=t["funnel"], title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column("step")
    table.add_column("count", justify="right")
    table.add_column("bar")
    top = max((s.count for s in a.funnel), default=0) or 1
    for s in a.funnel:
        n = round(bar_width * s.count / top)
        table.add_row(
            shown(s.step), integer(s.count, a.locale), Text("█" * n + "·" * (bar_width - n), style="green")
        )
    return table


def rows_table(a: Answer, title: str) -> RenderableType:
    """The rows as a table in the answer's language: headers named (amounts with the currency's
    symbol), data-model codes in words, numbers in the locale's marks and right-aligned, rates as
    percentages."""
    from segmenta.report_view import is_rate

    rates = [a.kind == "report" and is_rate(c) for c in a.columns]
    numeric = [
        bool(a.rows) and all(isinstance(r[k], (int, float, Decimal)) or r[k] is None for r in a.rows)
        for k in range(len(a.columns))
    ]
    from segmenta.report_view import PARTIAL_MARK, partial_days, partial_note

    cut = partial_days(a)
    marked = bool(cut) and any(r and r[0] in cut for r in a.rows)
    table = Table(title=title, title_justify="left", caption=partial_note(a) if marked else None)
    for c, num in zip(a.columns, numeric, strict=True):
        table.add_column(header(c, a.language, a.currency, a.locale), justify="right" if num else "left")
    rows = []
    for r in a.rows:
        cells = [
            cell(value_label(c, v, a.language), a.locale, rate=rate)
            for c, v, rate in zip(a.columns, r, rates, strict=True)
        ]
        if marked and r[0] in cut:
            cells[0] += PARTIAL_MARK
        rows.append([shown(c) for c in cells])
    if a.kind != "report":  # a segment's preview: a few columns, long ones cut with an ellipsis
        for row in rows:
            table.add_row(*row)
        return table
    # a report too wide for the terminal (a comparison by two dimensions) comes as records
    from segmenta.render import fitted

    headers = [header(c, a.language, a.currency, a.locale) for c in a.columns]
    return fitted(headers, rows, title=title, caption=partial_note(a) if marked else None, table=table)


def print_answer(a: Answer, console: Console, *, show_sql: bool = True) -> None:
    console.print(answer_renderable(a, show_sql=show_sql, width=console.width))
