"""A report answer as files and charts: CSV, Excel, a PNG for a deck and a chart for the terminal.

One reading of the answer serves every chart (:func:`chart_data`): the TUI's rule picks the shape
(lines when the first column holds dates, bars for categories, see ``segmenta.tui.format``), the
plan names the key columns (time bucket, dimensions) and the metric columns, and metrics of one
kind (counts, money, rates) share a panel, so a rate never shares an axis with a count and gets a
percentage axis. The PNG (matplotlib, Agg) and the terminal chart (plotext) only draw that data.
Files are written beside their target and renamed into place, so a failed write leaves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from segmenta.assistant.answer import Answer
from segmenta.cells import spreadsheet_text
from segmenta.errors import ExportError, cannot_write, say
from segmenta.files import check_writable, put
from segmenta.labels import column_label, is_money
from segmenta.locale_text import cell, integer
from segmenta.tui.format import as_float, chart_kind, is_number, numeric_columns
from segmenta.warehouse.locks import discard

Shape = Literal["lines", "bars"]
MAX_SERIES = 8
TERMINAL_MAX_SERIES = 6
MAX_BARS = 30
LONG_LABEL = 12  # characters: longer category labels turn bars horizontal
PNG_SIZE = (1600, 900)
_DERIVED = ("_difference", "_pct_change")  # compare columns the tables show and the charts leave out
_NONE = {"en": "(none)", "es": "(sin valor)"}
_PREVIOUS = {"en": "previous", "es": "anterior"}
_AS_OF = {"en": "as of", "es": "a fecha de"}
_TOP = {"en": "top {n} of {m}", "es": "los {n} primeros de {m}"}


def is_rate(column: str) -> bool:
    """True for a column holding fractions shown as percentages (a rate metric or a change ratio).

    >>> is_rate("open_rate"), is_rate("revenue_pct_change"), is_rate("open_rate_previous"), is_rate("sends")
    (True, True, True, False)
    """
    from segmenta.tools.metrics import METRICS

    base = column
    for suffix in ("_previous", "_difference"):
        base = base.removesuffix(suffix)
    if base.endswith(("_rate", "_pct_change")):
        return True
    return base in METRICS and METRICS[base].kind == "rate"


def shown_value(column: str, value: Any, loc: str, currency: str = "") -> str:
    """A report's value as a person reads it: a rate in percent, an amount with the currency's
    symbol, any other number in the locale's marks.

    >>> shown_value("open_rate", 0.25, "en"), shown_value("revenue", 1500.5, "es_ES", "EUR")
    ('25.0%', '1.500,50\\xa0€')
    """
    money = currency if currency and is_money(column) else None
    return cell(value, loc, rate=is_rate(column), currency=money)


def rate_columns(answer: Answer) -> set[int]:
    """Indexes of the report columns that are rates (fractions shown as percentages)."""
    return {i for i, c in enumerate(answer.columns) if is_rate(c)}


def _kind(column: str) -> str:
    """The panel a metric column is drawn in: its metric's kind, rates together, unknown alone."""
    from segmenta.tools.metrics import METRICS

    if is_rate(column):
        return "rate"
    base = column.removesuffix("_previous")
    return METRICS[base].kind if base in METRICS else column


PARTIAL_MARK = "*"
_PARTIAL = {"en": "* partial period", "es": "* periodo incompleto"}


def partial_days(answer: Answer) -> set[dt.date]:
    """The first days of the report's buckets that its window cuts short (the first and last week
    of "weekly since March"), which its table and chart mark with ``*``."""
    plan = answer.plan or {}
    if answer.kind != "report" or not plan.get("grain") or plan.get("segment_sizes"):
        return set()
    from segmenta.assistant.plan import ReportPlan
    from segmenta.tools.report import partial_bucket_days

    try:
        parsed = ReportPlan.model_validate(plan)
        return {d for d, _, _ in partial_bucket_days(parsed, dt.date.fromisoformat(answer.as_of))}
    except (ValueError, TypeError):
        return set()


def partial_note(answer: Answer) -> str:
    """The note under a table or chart with marked buckets ("* periodo incompleto")."""
    return _PARTIAL[answer.language]


def chart_title(answer: Answer) -> str:
    """The chart's title from what the answer measured, not the words typed: its metrics, by its
    dimensions and period ("facturación por método de pago", "sends, opens by week").

    >>> a = Answer(request="x", kind="report", as_of="2026-01-01", language="es",
    ...            plan={"metrics": ["revenue"], "dimensions": ["payment_method"], "grain": "month"})
    >>> chart_title(a)
    'Facturación por mes y método de pago'
    """
    from segmenta.assistant.explainer import join_words

    plan, lang = answer.plan or {}, answer.language
    metrics = [column_label(m, lang) for m in plan.get("metrics") or []]
    keys = [column_label(k, lang) for k in [plan.get("grain"), *(plan.get("dimensions") or [])] if k]
    if not metrics:
        return answer.request
    title = join_words(metrics, lang, "and")
    if keys:
        title += (" por " if lang == "es" else " by ") + join_words(keys, lang, "and")
    return title[:1].upper() + title[1:]


# ----------------------------------------------------------------- the chart, read once


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: its legend label and a value per x position (None: no value)."""

    label: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartPanel:
    """Metrics of one kind on one axis; ``rate`` puts the axis in percent."""

    title: str
    rate: bool
    series: list[Series]
    money: bool = False


@dataclass(frozen=True)
class ChartData:
    """What to draw: the shape, the x positions (dates or category labels) and the panels."""

    shape: Shape
    title: str
    subtitle: str
    x: list[Any]
    labels: list[str]
    panels: list[ChartPanel]
    locale: str = "en"
    currency: str = ""

    def tick(self, value: float, panel: ChartPanel) -> str:
        """An axis mark of ``panel`` in the answer's locale: percent for rates, the currency for
        money, large numbers short ("5,1 M €", "25 mil", "1.3M")."""
        return axis_mark(value, self.locale, rate=panel.rate, currency=self.currency if panel.money else "")

    @property
    def horizontal(self) -> bool:
        """Bars lie down when their labels are long or many."""
        return self.shape == "bars" and (
            len(self.labels) > LONG_LABEL or max((len(s) for s in self.labels), default=0) > LONG_LABEL
        )


def _roles(answer: Answer, shape: Shape) -> tuple[list[int], list[int]]:
    """(key columns, metric columns to draw): the plan's grain and dimensions are keys."""
    plan = answer.plan or {}
    named = {plan.get("grain"), *(plan.get("dimensions") or [])} - {None}
    nums = numeric_columns(answer.rows)
    keys = [
        i
        for i, c in enumerate(answer.columns)
        if c in named or i not in nums or (i == 0 and shape == "lines")
    ]
    values = [i for i in nums if i not in keys and not answer.columns[i].endswith(_DERIVED)]
    return keys, values


def chart_data(answer: Answer, *, max_series: int = MAX_SERIES, max_bars: int = MAX_BARS) -> ChartData | None:
    """The chart of a report answer, or None when there is nothing to draw (one row, no numbers).

    Args:
        max_series: lines per panel at most; dimension values past it (the smallest) are left out.
        max_bars: categories at most (the first rows, in the report's order).
    """
    if answer.kind != "report" or len(answer.rows) < 2:
        return None
    kind = chart_kind(answer.rows)
    shape: Shape = "lines" if kind == "lines" else "bars"
    keys, values = _roles(answer, shape)
    if not values or (kind == "none" and not keys):
        return None
    from segmenta.labels import is_money, value_label

    rows, lang, loc = answer.rows, answer.language, answer.locale
    groups: dict[str, list[list[Any]]] = {}
    key_of = keys[1:] if shape == "lines" else keys
    for r in rows:
        label = " · ".join(
            _NONE[lang] if r[i] is None else cell(value_label(answer.columns[i], r[i], lang), loc=loc)
            for i in key_of
        )
        groups.setdefault(label, []).append(r)
    kinds = list(dict.fromkeys(_kind(answer.columns[i]) for i in values))
    period = next(
        (e.split(": ", 1)[1] for e in answer.explanation if e.startswith(("periodo: ", "period: "))), ""
    )
    subtitle = f"{period} · {_AS_OF[lang]} {answer.as_of}" if period else f"{_AS_OF[lang]} {answer.as_of}"
    if shape == "lines":
        x = sorted({r[0] for r in rows})
        cut = partial_days(answer)
        labels = [cell(d) + (PARTIAL_MARK if d in cut else "") for d in x]
        if cut & set(x):
            subtitle += " · " + partial_note(answer)
        per_panel = max(sum(_kind(answer.columns[i]) == k for i in values) for k in kinds)
        room = max(1, max_series // per_panel)
        if len(groups) > room:
            size = values[0]
            ranked = sorted(groups, key=lambda g: -sum(abs(as_float(r[size])) for r in groups[g]))[:room]
            subtitle += " · " + _TOP[lang].format(n=room, m=len(groups))
            groups = {g: groups[g] for g in groups if g in ranked}
    else:
        if len(rows) > max_bars:
            subtitle += " · " + _TOP[lang].format(n=max_bars, m=len(rows))
        x = list(groups)[:max_bars]
        labels = x
    panels = []
    for k in kinds:
        cols = [i for i in values if _kind(answer.columns[i]) == k]
        series = []
        for i in cols:
            if shape == "bars":
                series.append(
                    Series(column_label(answer.columns[i], lang), [_num(groups[g][0][i]) for g in x])
                )
                continue
            for g, members in groups.items():
                at = {r[0]: _num(r[i]) for r in members}
                name = column_label(answer.columns[i], lang)
                label = name if not g else g if len(cols) == 1 else f"{g} · {name}"
                series.append(Series(label, [at.get(d) for d in x]))
        title = ", ".join(column_label(answer.columns[i], lang) for i in cols)
        money = all(is_money(answer.columns[i]) for i in cols)
        if money and answer.currency:
            from babel.numbers import get_currency_symbol

            title += f" ({get_currency_symbol(answer.currency, locale=loc)})"
        panels.append(ChartPanel(title, k == "rate", series, money))
    title = chart_title(answer)
    return ChartData(shape, title, subtitle, x, labels, panels, loc, answer.currency)


def axis_mark(value: float, loc: str, *, rate: bool = False, currency: str = "") -> str:
    """One axis mark: a percentage, an amount or a number, short from ten thousand up.

    >>> axis_mark(5078877.66, "es_ES", currency="EUR"), axis_mark(0.25, "en", rate=True)
    ('5,1\xa0M\xa0€', '25%')
    >>> axis_mark(10.0, "es_ES", rate=True), axis_mark(0.125, "es_ES", rate=True)
    ('1.000\xa0%', '12,5\xa0%')
    >>> axis_mark(1269719.4, "en"), axis_mark(950, "es_ES", currency="EUR"), axis_mark(2.5, "en")
    ('1.3M', '950\xa0€', '2.5')
    """
    from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_percent

    from segmenta.locale_text import decimal, percent

    if rate:  # a whole percentage in the locale's own pattern, else one decimal
        whole = round(value * 100, 6).is_integer()
        return str(format_percent(value, locale=loc)) if whole else percent(value, loc)
    if abs(value) >= 10000:
        if currency:
            return str(format_compact_currency(value, currency, locale=loc, fraction_digits=1))
        return str(format_compact_decimal(value, locale=loc, fraction_digits=1))
    digits = 0 if float(value).is_integer() or abs(value) >= 10 else 1
    if currency:
        return (
            str(format_currency(value, currency, locale=loc))
            if digits
            else _whole_money(value, loc, currency)
        )
    return decimal(value, loc, digits)


def _whole_money(value: float, loc: str, currency: str) -> str:
    """An amount without decimals, in the locale's currency pattern ("950 €", "€950")."""
    from babel import Locale
    from babel.numbers import format_currency

    pattern = Locale.parse(loc).currency_formats["standard"].pattern.split(";")[0]
    whole = pattern.replace(".00", "")
    return str(format_currency(value, currency, format=whole, locale=loc, currency_digits=False))


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round positions from ``lo`` to ``hi`` (1, 2, 2.5 or 5 times a power of ten).

    >>> nice_ticks(0, 5078877.66)
    [0.0, 1000000.0, 2000000.0, 3000000.0, 4000000.0, 5000000.0]
    >>> nice_ticks(0, 0)
    [0.0]
    """
    if hi <= lo:
        return [float(lo)]
    raw = (hi - lo) / max(1, n)
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 2.5, 5, 10)), key=lambda st: abs(st - raw))
    first = math.ceil(lo / step - 1e-9)
    return [float(round(k * step, 10)) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def value_ticks(found: Sequence[float], *, lines: bool, n: int) -> list[float]:
    """Round marks for a value axis: lines span the data alone (as plotext draws them), bars start
    at zero.

    >>> value_ticks([120.0, 480.0], lines=True, n=4), value_ticks([120.0, 480.0], lines=False, n=4)
    ([200.0, 300.0, 400.0], [0.0, 100.0, 200.0, 300.0, 400.0])
    """
    lo = min(found) if lines else min(0.0, *found)
    return [v for v in nice_ticks(lo, max(0.0, *found), n) if v >= lo]


def _num(value: Any) -> float | None:
    return float(value) if is_number(value) and not (isinstance(value, float) and math.isnan(value)) else None


def percent_ticks(lo: float, hi: float, n: int = 5) -> list[tuple[float, str]]:
    """About ``n`` round tick positions (fractions) from ``lo`` to ``hi``, labelled in percent.

    >>> percent_ticks(0.0, 0.42)
    [(0.0, '0%'), (0.1, '10%'), (0.2, '20%'), (0.3, '30%'), (0.4, '40%')]
    >>> percent_ticks(0.0, 0.03, 3)
    [(0.0, '0%'), (0.01, '1%'), (0.02, '2%'), (0.03, '3%')]
    >>> percent_ticks(0.5, 0.5)
    [(0.5, '50%')]
    """
    if hi <= lo:
        return [(lo, f"{lo * 100:.0f}%")]
    raw = (hi - lo) / max(1, n - 1)
    steps = (0.001, 0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0)
    step = max((s for s in steps if s <= raw), default=steps[0])  # at least about n ticks
    digits = max(0, -math.floor(math.log10(step * 100) + 1e-9)) if step < 0.01 else 0
    first = math.floor(lo / step + 1e-9)
    ticks = []
    for k in range(first, math.floor(hi / step + 1e-9) + 1):
        v = round(k * step, 6)
        ticks.append((v, f"{v * 100:.{digits}f}%"))
    return ticks


# ----------------------------------------------------------------- terminal (plotext)


def terminal_chart(answer: Answer, width: int, height: int | None = None) -> str:
    """The report's chart as text for the terminal (ANSI colours), or ``""`` when there is none.

    Args:
        width: columns of text.
        height: lines of text in all (default 12 per panel).
    """
    from plotext import colorize
    from plotext._figure import _figure_class

    data = chart_data(answer, max_series=TERMINAL_MAX_SERIES)
    if data is None:
        return ""
    # bars: one panel per metric (plotext's grouped bars are hard to read), two text rows per bar
    panels = (
        data.panels
        if data.shape == "lines"
        else [ChartPanel(s.label, p.rate, [s], p.money) for p in data.panels for s in p.series]
    )
    n = len(panels)
    legends = [
        _wrap_legend(
            [
                colorize("━━", _LINE_COLOURS[j % len(_LINE_COLOURS)]) + " " + s.label
                for j, s in enumerate(p.series)
            ],
            width,
        )
        if data.shape == "lines" and len(p.series) > 1
        else ""
        for p in panels
    ]
    own = 2 * len(data.labels) + 4 if data.shape == "bars" else 12
    if height is not None:  # the title line and the legends come out of the height asked for
        height = max(n * 4, height - 1 - sum(legend.count("\n") + 1 for legend in legends if legend))
    rows = [height // n + (k < height % n) for k in range(n)] if height is not None else [own] * n
    fig = _figure_class()
    fig._limit_size(False, False)  # the size asked for, not the terminal's (plotext has no public setter)
    fig.subplots(n, 1)
    fig.plotsize(width, sum(rows))
    for k, panel in enumerate(panels, start=1):
        plot = fig.subplot(k, 1)
        plot.plotsize(width, rows[k - 1])
        plot.canvas_color("default")  # the terminal's own background and text colour
        plot.axes_color("default")
        plot.ticks_color("default")
        # the chart's title is its own line above; a panel's names its metrics when there are two
        if n > 1:
            plot.title(_clip(panel.title, width - 2))
        if data.shape == "lines":
            # the legend goes under the panel (``legends``), not over its lines as plotext draws it
            for j, s in enumerate(panel.series):
                pts = [(q, v) for q, v in enumerate(s.values) if v is not None]
                if pts:
                    colour = _LINE_COLOURS[j % len(_LINE_COLOURS)]
                    plot.plot([p[0] for p in pts], [p[1] for p in pts], marker="braille", color=colour)
            # first, middle and last date: few enough labels that plotext never has to drop one
            ticks = sorted({0, len(data.x) // 2, len(data.x) - 1})
            plot.xticks(ticks, [data.labels[j] for j in ticks])
        else:  # plotext stacks bars from the bottom: reversed, the first row is on top as in the table
            values = [v or 0.0 for v in panel.series[0].values]
            plot.bar(data.labels[::-1], values[::-1], orientation="horizontal", marker="sd", width=0.5)
        found = [v for s in panel.series for v in s.values if v is not None]
        place = plot.yticks if data.shape == "lines" else plot.xticks
        if panel.rate:
            marks = percent_ticks(min(0.0, *found), max(0.0, *found), 5)
            place([t[0] for t in marks], [t[1] for t in marks])
        elif found:
            # the locale's marks and the shop's currency, never plotext's raw 1269719.4
            at = value_ticks(found, lines=data.shape == "lines", n=4)
            place(at, [data.tick(v, panel) for v in at])
    drawn = _clip(data.title, width).center(width).rstrip() + "\n" + str(fig.build())
    if not any(legends):
        return drawn
    rows = [1, *rows]  # the title line comes first
    # plotext stacks the panels' rows in order: each legend goes right under its panel
    lines, out, start = drawn.split("\n"), [], 0
    for k, legend in enumerate(["", *legends]):
        out.extend(lines[start : start + rows[k]])
        start += rows[k]
        if legend:
            out.append(legend)
    out.extend(lines[start:])
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis.

    >>> _clip("weekly email performance", 10)
    'weekly em…'
    """
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


_LINE_COLOURS = ("blue+", "red+", "green+", "orange+", "magenta+", "cyan+", "yellow", "gray")


def _wrap_legend(items: list[str], width: int) -> str:
    """Legend items on as few lines of ``width`` as they fit, two spaces apart (ANSI colours)."""
    from rich.text import Text

    lines, line, used = [], "", 0
    for item in items:
        size = Text.from_ansi(item).cell_len
        if line and used + 2 + size > width:
            lines.append(line)
            line, used = "", 0
        line, used = (f"{line}  {item}", used + 2 + size) if line else (item, size)
    if line:
        lines.append(line)
    return "\n".join(lines)


# ----------------------------------------------------------------- PNG (matplotlib)


CHART_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
"""The chart files ``--chart`` writes, by the file's extension."""


def chart_format(path: Path) -> str:
    """The format a chart file's extension names, or a clear refusal (never PNG bytes in a .jpg).

    >>> chart_format(Path("deck/revenue.SVG"))
    'svg'
    """
    fmt = CHART_FORMATS.get(path.suffix.lower())
    if fmt is None:
        said = f"'{path.suffix}'" if path.suffix else say("no extension", "sin extensión")
        raise ExportError(
            say(
                f"cannot draw {path}: {said} is not a chart format segmenta writes; "
                "name the file .png, .svg or .pdf",
                f"no puedo dibujar {path}: {said} no es un formato de gráfico que segmenta escriba; "
                "llama al fichero .png, .svg o .pdf",
            )
        )
    return fmt


def write_png(answer: Answer, path: Path, *, force: bool = False) -> Path:
    """Draw the report for a deck: 1600x900, lines over time, bars for categories, rates in percent;
    PNG, SVG or PDF by the file's extension (``chart_format``).

    Raises:
        ExportError: the answer has nothing to chart, the extension names no chart format, the file
            exists (without ``force``) or cannot be written.
    """
    fmt = chart_format(path)
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    data = chart_data(answer)
    if data is None:
        raise ExportError(
            say(
                f"cannot draw {path}: the answer is not a report with two or more rows to chart",
                f"no puedo dibujar {path}: la respuesta no es un informe con dos o más filas que dibujar",
            )
        )
    n = len(data.panels)
    side = data.horizontal and n > 1  # horizontal bars share their labels side by side
    with rc_context(
        {"font.size": 13, "axes.titlesize": 15, "axes.spines.top": False, "axes.spines.right": False}
    ):
        fig = Figure(figsize=(PNG_SIZE[0] / 100, PNG_SIZE[1] / 100), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(
            1 if side else n,
            n if side else 1,
            squeeze=False,
            sharey=side,
            sharex=not side and data.shape == "lines",
        ).flatten()
        fig.suptitle(f"{data.title}\n{data.subtitle}", fontsize=20)
        for ax, panel in zip(axes, data.panels, strict=True):
            ax.set_title(panel.title, loc="left")
            if data.shape == "lines":
                for s in panel.series:
                    ax.plot(
                        data.x,
                        [math.nan if v is None else v for v in s.values],
                        marker="o",
                        markersize=3,
                        linewidth=2,
                        label=s.label,
                    )
                if len(panel.series) > 1:
                    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
            else:
                _bars(ax, data, panel)
            axis = ax.xaxis if data.horizontal else ax.yaxis
            marks = FuncFormatter(lambda v, _p, panel=panel: data.tick(v, panel))
            axis.set_major_formatter(marks)
            ax.grid(axis="x" if data.horizontal else "y", alpha=0.3)
        _atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=100), force)
    return path


def _bars(ax: Any, data: ChartData, panel: ChartPanel) -> None:
    """Grouped bars, lying down for long labels, with their values written at the ends."""
    k = len(panel.series)
    width = 0.8 / k
    for j, s in enumerate(panel.series):
        pos = [p + (j - (k - 1) / 2) * width for p in range(len(data.labels))]
        vals = [v or 0.0 for v in s.values]
        bars = (
            ax.barh(pos, vals, height=width, label=s.label)
            if data.horizontal
            else ax.bar(pos, vals, width=width, label=s.label)
        )
        if len(data.labels) * k <= 24:
            money = data.currency if panel.money else None
            said = [cell(v, data.locale, rate=panel.rate, currency=money) for v in s.values]
            ax.bar_label(bars, labels=said, padding=3, fontsize=10)
    ticks = list(range(len(data.labels)))
    if data.horizontal:
        ax.set_yticks(ticks, data.labels)
        ax.invert_yaxis()  # the first row on top, as in the table
    else:
        ax.set_xticks(ticks, data.labels)
    if k > 1:
        ax.legend(frameon=False)


# ----------------------------------------------------------------- tables (CSV, Excel)


XLSX_MAX_ROWS = 1_048_576
"""The rows of an Excel sheet, the header included."""


def _check_rows(answer: Answer, path: Path) -> None:
    if not answer.columns:
        raise ExportError(
            say(
                f"cannot write {path}: the answer has no rows ({answer.kind})",
                f"no puedo escribir {path}: la respuesta no tiene filas ({answer.kind})",
            )
        )


def _atomic(path: Path, write: Callable[[Path], Any], force: bool = False) -> None:
    """Write through a temporary file beside ``path`` and put it in place (an existing file only
    with ``force``: ``segmenta.files.put``)."""
    check_writable(path, force=force)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        put(tmp, path, force=force)
    except OSError as e:
        raise ExportError(cannot_write(path, e)) from e
    finally:
        discard(tmp)


def _csv_value(value: Any) -> str:
    """One value as a CSV field: ISO dates, plain numbers, rates as fractions.

    >>> _csv_value(dt.date(2026, 3, 2)), _csv_value(Decimal("12.50")), _csv_value(None), _csv_value(0.25)
    ('2026-03-02', '12.50', '', '0.25')
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(answer: Answer, path: Path, *, force: bool = False) -> Path:
    """Write the answer's columns and rows (UTF-8, header row; rates stay fractions for scripts)."""
    _check_rows(answer, path)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(answer.columns)
            out.writerows([spreadsheet_text(_csv_value(v)) for v in r] for r in answer.rows)

    _atomic(path, write, force)
    return path


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (bool, int, float, dt.date, str)):
        return value
    return str(value)


def _xlsx_format(values: Sequence[Any], rate: bool) -> str | None:
    """The Excel number format of a column, from its values."""
    present = [v for v in values if v is not None]
    if rate:
        return "0.0%"
    if present and all(isinstance(v, dt.datetime) for v in present):
        return "yyyy-mm-dd hh:mm"
    if present and all(isinstance(v, dt.date) for v in present):
        return "yyyy-mm-dd"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "#,##0"
    if present and all(is_number(v) for v in present):
        return "#,##0.00"
    return None


def write_xlsx(
    answer: Answer,
    path: Path,
    *,
    force: bool = False,
    table: tuple[list[str], list[tuple[Any, ...]]] | None = None,
) -> Path:
    """Write the answer as an Excel sheet: a bold header, dates as dates, rates as percentages.

    A second sheet, ``about``, holds the request, the as-of date, what was understood and the SQL.
    ``table`` (columns, rows) replaces the answer's own rows: a segment's every contact.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    _check_rows(answer, path)
    check_writable(path, force=force)
    columns, rows = table if table is not None else (answer.columns, [tuple(r) for r in answer.rows])
    if len(rows) >= XLSX_MAX_ROWS:
        raise ExportError(
            say(
                f"cannot write {path}: {len(rows):,} rows do not fit an Excel sheet "
                f"({XLSX_MAX_ROWS - 1:,} at most); write a CSV (--csv) instead",
                f"no puedo escribir {path}: {integer(len(rows), 'es')} filas no caben en una hoja de Excel "
                f"({integer(XLSX_MAX_ROWS - 1, 'es')} como máximo); escribe un CSV (--csv)",
            )
        )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = answer.kind
    sheet.append(columns)
    for c in sheet[1]:
        c.font = Font(bold=True)
    for r in rows:
        sheet.append([_xlsx_value(v) for v in r])
    rates = rate_columns(answer) if table is None else set()
    for i, name in enumerate(columns):
        values = [r[i] for r in rows]
        fmt = _xlsx_format(values, i in rates)
        letter = get_column_letter(i + 1)
        if fmt is not None:
            for c in sheet[letter][1:]:
                c.number_format = fmt
        widest = max([len(name), *(len(cell(v, rate=i in rates)) for v in values[:1000])])
        sheet.column_dimensions[letter].width = min(50, widest + 2)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("about")
    for line in (
        ["request", answer.request],
        ["as_of", answer.as_of],
        ["kind", answer.kind],
        *(["understood", e] for e in answer.explanation),
        ["sql", answer.sql or ""],
    ):
        about.append(line)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 100
    for ws in (sheet, about):
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":  # openpyxl takes text starting with "=" for a formula: keep it text
                    c.data_type = "s"
    _atomic(path, lambda tmp: book.save(tmp), force)
    return path


# ----------------------------------------------------------------- the files ``ask`` was asked for


def _wrote(answer: Answer, n: int, what: str, path: Path) -> str:
    """``Wrote 1,357 contacts to x.csv`` / ``Escribí 1.357 contactos en x.csv``: in the answer's
    language and number format."""
    count, one = integer(n, answer.locale), n == 1
    if answer.language == "es":
        word = ("contacto" if one else "contactos") if what == "contacts" else ("fila" if one else "filas")
        return f"Escribí {count} {word} en {path}"
    return f"Wrote {count} {what[:-1] if one else what} to {path}"


def write_files(
    answer: Answer,
    db: Path,
    *,
    csv_path: Path | None = None,
    xlsx_path: Path | None = None,
    png_path: Path | None = None,
    force: bool = False,
) -> tuple[Answer, list[str]]:
    """Write the files asked for and name them in the answer's ``files``.

    A segment's CSV and Excel files hold all its contacts (every contact column, as of the answer's
    date). A file already there is refused (nothing written) unless ``force``; every path is
    checked before the first is written, so a refusal leaves no half of the set behind.

    Returns:
        The answer with the written paths added to ``files``, and one line per file for stderr.
    """
    for p in (csv_path, xlsx_path, png_path):
        if p is not None:
            check_writable(p, force=force)
    if png_path is not None:
        chart_format(png_path)
    written: list[str] = []
    notes: list[str] = []
    segment = answer.kind == "segment" and bool(answer.sql)
    day = dt.date.fromisoformat(answer.as_of)
    if csv_path is not None:
        if segment:
            from segmenta.tools.exports import export_audience

            report = export_audience(db, answer.sql or "", "csv", csv_path, as_of=day, force=force)
            notes.append(_wrote(answer, report.rows, "contacts", report.path))
        else:
            write_csv(answer, csv_path, force=force)
            notes.append(_wrote(answer, len(answer.rows), "rows", csv_path))
        written.append(str(csv_path))
    if xlsx_path is not None:
        if segment:
            from segmenta.tools.exports import contact_table

            table = contact_table(db, answer.sql or "", day, max_rows=XLSX_MAX_ROWS - 1)
            write_xlsx(answer, xlsx_path, force=force, table=table)
            notes.append(_wrote(answer, len(table[1]), "contacts", xlsx_path))
        else:
            write_xlsx(answer, xlsx_path, force=force)
            notes.append(_wrote(answer, len(answer.rows), "rows", xlsx_path))
        written.append(str(xlsx_path))
    if png_path is not None:
        write_png(answer, png_path, force=force)
        notes.append(
            f"Dibujé el gráfico en {png_path} ({PNG_SIZE[0]}x{PNG_SIZE[1]})"
            if answer.language == "es"
            else f"Drew the chart in {png_path} ({PNG_SIZE[0]}x{PNG_SIZE[1]})"
        )
        written.append(str(png_path))
    return answer.model_copy(update={"files": [*answer.files, *written]}), notes
