"""How results leave the command line: rich tables, report lines, progress bars, JSON, CSV, errors.

The commands of ``segmenta.cli`` (and the ``ask`` command) share these helpers so every answer
looks the same and the rules hold everywhere: data goes to stdout, progress and errors go to
stderr, an error is one red message and never a traceback. This module and ``cli.py`` are the
only ones that use Rich's console; the library below them stays headless.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from segmenta.cells import shown, spreadsheet_text
from segmenta.errors import ExportError, SegmentaError, cannot_write

ProgressCallback = Callable[[str, int, int], None]
"""``progress(step, done, total)``, as the importer and the demo generator call it."""

out = Console(highlight=False, soft_wrap=True)
"""stdout: data only (tables, report lines, JSON)."""
err = Console(stderr=True, highlight=False, soft_wrap=True)
"""stderr: progress, notes and errors."""


def print_error(error: SegmentaError | str, console: Console | None = None) -> None:
    """Print one error in red on stderr, as ``error: <message>`` (every line of it, unwrapped)."""
    text = Text("error: ", style="bold red")
    text.append(str(error), style="red")
    (console or err).print(text)


def print_note(message: str, console: Console | None = None) -> None:
    """Print a dim note for a person on stderr (what is being built, where a file went)."""
    (console or err).print(Text(message, style="dim"))


def print_lines(lines: Sequence[str], console: Console | None = None) -> None:
    """Print a report's lines as they are (no markup, no wrapping) on stdout."""
    con = console or out
    for line in lines:
        con.print(Text(line))


def cell_text(value: Any) -> str:
    """A value as a table cell shows it.

    >>> cell_text(None), cell_text(3), cell_text(0.12345), cell_text(1234.5), cell_text(True)
    ('NULL', '3', '0.1235', '1,234.50', 'true')
    >>> cell_text(dt.date(2026, 6, 30)), cell_text(dt.datetime(2026, 3, 1, 10, 15))
    ('2026-06-30', '2026-03-01 10:15:00')
    >>> cell_text(decimal.Decimal("19.90")), cell_text(decimal.Decimal("311950.93")), cell_text(2.0)
    ('19.90', '311,950.93', '2')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if abs(value) >= 100:
            return f"{value:,.2f}"
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, decimal.Decimal):
        return f"{value:,}" if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def natural_width(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> int:
    """The columns a rich table with these cells takes with no value cut (borders and padding
    included); a header may wrap at its spaces.

    >>> natural_width(["name", "n"], [["Ana", "12"]]), natural_width(["total spent (€)"], [["12,50"]])
    (13, 9)
    """
    from rich.cells import cell_len

    widths = [
        max([*(cell_len(w) for w in h.split()), *(cell_len(r[i]) for r in cells if i < len(r))])
        for i, h in enumerate(headers)
    ]
    return sum(widths) + 3 * len(widths) + 1


def fitted(
    headers: Sequence[str],
    cells: Sequence[Sequence[Text | str]],
    *,
    right: Sequence[bool] = (),
    title: str | None = None,
    caption: str | None = None,
    width: int | None = None,
    table: Table | None = None,
) -> RenderableType:
    """Rows as a table when they fit ``width`` (the terminal's, 80 at least), else as records: one
    block per row with each column's name beside its value, so no cell is cut to a letter a line.

    ``table``: a table already set up with these headers, used as it is when the rows fit.
    """
    from rich.console import Group

    width = max(80, width or out.width)
    plain = [[c.plain if isinstance(c, Text) else c for c in r] for r in cells]
    if natural_width(headers, plain) <= width or len(headers) < 3:
        if table is None:
            table = Table(title=title, caption=caption, caption_justify="left")
            for k, name in enumerate(headers):
                table.add_column(
                    name, justify="right" if k < len(right) and right[k] else "left", overflow="fold"
                )
        for row in cells:
            table.add_row(*row)
        return table
    parts: list[RenderableType] = []
    if title:
        parts.append(Text(title, style="italic"))
    for n, row in enumerate(cells, start=1):
        record = Table(show_header=False, box=None, pad_edge=False, title=f"── {n} ──", title_justify="left")
        record.add_column("column", style="bold", no_wrap=True)
        record.add_column("value", overflow="fold")
        for name, value in zip(headers, row, strict=False):
            record.add_row(name, value)
        parts.append(record)
    if caption:
        parts.append(Text(caption, style="dim"))
    return Group(*parts)


def rows_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    limit: int | None = None,
    title: str | None = None,
    count: bool = True,
) -> RenderableType:
    """A rich Table of the first ``limit`` rows (all when None); rows too wide for the terminal come
    as records, one column a line (``fitted``).

    Numeric columns are right-aligned and NULL is shown dim. With ``count``, the caption says how
    many rows there are in all (``first 50 of 1234 rows``).
    """
    visible = rows if limit is None else rows[:limit]
    total = len(rows)
    caption: str | None = None
    if count:
        caption = (
            f"{total} row{'s' if total != 1 else ''}"
            if total == len(visible)
            else (f"first {len(visible)} of {total} rows")
        )
    numeric = [any(_is_number(r[i]) for r in visible) for i in range(len(columns))]
    cells = [
        [Text("NULL", style="dim") if v is None else shown(cell_text(v)) for v in row] for row in visible
    ]
    return fitted(list(columns), cells, right=numeric, title=title, caption=caption)


def pairs_table(pairs: Sequence[tuple[str, Any]], *, title: str | None = None) -> Table:
    """A two-column table of names and values (a summary such as the warehouse's settings)."""
    table = Table(title=title, show_header=False)
    table.add_column("name", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in pairs:
        table.add_row(shown(name), shown(cell_text(value)))
    return table


def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON can hold it: dates as ISO text, decimals as numbers, lists and structs kept.

    >>> jsonable(decimal.Decimal("19.90")), jsonable(dt.date(2026, 6, 30)), jsonable(float("nan"))
    (19.9, '2026-06-30', None)
    >>> jsonable({"a": [dt.datetime(2026, 3, 1, 10, 15)]})
    {'a': ['2026-03-01T10:15:00']}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value.as_tuple().exponent == 0 else float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def rows_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """``{"columns": [...], "rows": [[...], ...]}`` as one line of JSON.

    >>> rows_json(["n", "d"], [(1, dt.date(2026, 1, 1))])
    '{"columns": ["n", "d"], "rows": [[1, "2026-01-01"]]}'
    """
    body = {"columns": list(columns), "rows": [jsonable(list(r)) for r in rows]}
    return json.dumps(body, ensure_ascii=False)


def write_csv(
    path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, force: bool = False
) -> Path:
    """Write the rows as a UTF-8 CSV with a header row (NULL as an empty cell); returns the path.

    Written beside its place and put there whole; an existing file only with ``force``.

    Raises:
        ExportError: the file exists (without ``force``) or cannot be written.
    """
    import os

    from segmenta.files import check_writable, put
    from segmenta.warehouse.locks import discard

    def cell(v: Any) -> Any:
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, list | dict):
            return json.dumps(jsonable(v), ensure_ascii=False)
        return v

    check_writable(path, force=force)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([spreadsheet_text(cell(v)) for v in row] for row in rows)
        put(tmp, path, force=force)
    except OSError as e:
        raise ExportError(cannot_write(path, e)) from e
    finally:
        discard(tmp)
    return path


_STEPS_ES = {
    "starting": "empezando",
    "reading": "leyendo",
    "checking values": "comprobando valores",
    "writing": "escribiendo",
    "finishing": "terminando",
    "exporting": "exportando",
}


def step_text(step: str) -> str:
    """A progress step in the language the command speaks (a request's: ``export --ask``).

    >>> step_text("reading orders.csv")
    'reading orders.csv'
    >>> from segmenta.errors import speaking
    >>> with speaking("es"):
    ...     step_text("reading orders.csv"), step_text("checking values")
    ('leyendo orders.csv', 'comprobando valores')
    """
    from segmenta.errors import current_language

    if current_language() != "es":
        return step
    if step in _STEPS_ES:
        return _STEPS_ES[step]
    head, _, rest = step.partition(" ")
    return f"{_STEPS_ES[head]} {rest}" if head in _STEPS_ES else step


@contextmanager
def progress_bar(console: Console | None = None) -> Iterator[ProgressCallback]:
    """One progress bar on stderr, fed by ``progress(step, done, total)``: the step names the phase,
    ``done`` of ``total`` is the work as a whole (steps or bytes).

    Nothing is drawn when stderr is not a terminal (scripts and tests see only the results); a
    ``total`` of 0 shows an indeterminate bar.
    """
    con = console or err
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=True,
        disable=not con.is_terminal,
    )
    task = bar.add_task(step_text("starting"), total=None)

    def update(step: str, done: int, total: int) -> None:
        bar.update(task, description=step_text(step), completed=done, total=total or None)

    with bar:
        yield update
