"""Pure helpers that turn answer values into what the chat screen shows: cells, bars, sizes, the
request a clarification button sends, and which kind of chart a report gets.

They know nothing of Textual, so they are tested as doctests and reused by every widget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from segmenta.tools.choices import option_value as option_value
from segmenta.tools.choices import resolve_option as resolve_option

ChartKind = Literal["lines", "bars", "none"]


def bar(count: int, top: int, width: int) -> str:
    """A bar of ``width`` cells, filled in proportion to ``count / top``.

    >>> bar(50, 100, 10)
    '█████·····'
    >>> bar(0, 0, 4), bar(7, 7, 4), bar(1, 1000, 4)
    ('····', '████', '█···')
    """
    n = round(width * count / top) if top > 0 else 0
    n = max(1 if count > 0 else 0, min(width, n))  # a non-empty step never looks empty
    return "█" * n + "·" * (width - n)


def human_size(n_bytes: int) -> str:
    """A file size for a person.

    >>> human_size(512), human_size(3_500_000), human_size(2 * 1024**3)
    ('512 B', '3.3 MB', '2.0 GB')
    """
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - the loop always returns


def is_number(value: Any) -> bool:
    """True for ints, floats and decimals, not for booleans.

    >>> is_number(3), is_number(Decimal("1.5")), is_number(True), is_number("3")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def numeric_columns(rows: Sequence[Sequence[Any]]) -> list[int]:
    """Indexes of the columns whose values are all numbers (NULLs allowed).

    >>> numeric_columns([["a", 1, None], ["b", 2.5, 3]])
    [1, 2]
    """
    if not rows:
        return []
    out = []
    for i in range(len(rows[0])):
        values = [r[i] for r in rows if r[i] is not None]
        if values and all(is_number(v) for v in values):
            out.append(i)
    return out


def chart_kind(rows: Sequence[Sequence[Any]]) -> ChartKind:
    """Lines when the first column holds dates (a time series), bars for categories, none otherwise.

    >>> chart_kind([[dt.date(2026, 1, 1), 3], [dt.date(2026, 2, 1), 4]])
    'lines'
    >>> chart_kind([["Running", 3], ["Padel", 4]]), chart_kind([[12]]), chart_kind([["a", "b"]])
    ('bars', 'none', 'none')
    """
    if len(rows) < 2 or not numeric_columns(rows):
        return "none"
    first = [r[0] for r in rows]
    if all(isinstance(v, dt.date) for v in first):
        return "lines"
    if 0 in numeric_columns(rows):
        return "none"
    return "bars"


def as_float(value: Any) -> float:
    """A number for a chart (NULL is 0).

    >>> as_float(Decimal("2.5")), as_float(None)
    (2.5, 0.0)
    """
    return float(value) if is_number(value) else 0.0
