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
from segmenta.errors import ExportError, cannot_write
from segmenta.files import check_writable, put
from segmenta.tui.format import as_float, cell, chart_kind, is_number, numeric_columns
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


def _label(column: str, lang: Literal["es", "en"]) -> str:
    """A metric column's name for a person."""
    from segmenta.tools.metrics import METRICS

    base = column.removesuffix("_previous")
    name = METRICS[base].label(lang) if base in METRICS else base.replace("_", " ")
    return f"{name} ({_PREVIOUS[lang]})" if base != column else name


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


@dataclass(frozen=True)
class ChartData:
    """What to draw: the shape, the x positions (dates or category labels) and the panels."""

    shape: Shape
    title: str
    subtitle: str
    x: list[Any]
    labels: list[str]
    panels: list[ChartPanel]

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
    rows, lang = answer.rows, answer.language
    groups: dict[str, list[list[Any]]] = {}
    key_of = keys[1:] if shape == "lines" else keys
    for r in rows:
        label = " · ".join(_NONE[lang] if r[i] is None else cell(r[i]) for i in key_of)
        groups.setdefault(label, []).append(r)
    kinds = list(dict.fromkeys(_kind(answer.columns[i]) for i in values))
    subtitle = f"{_AS_OF[lang]} {answer.as_of}"
    if shape == "lines":
        x = sorted({r[0] for r in rows})
        labels = [cell(d) for d in x]
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
                series.append(Series(_label(answer.columns[i], lang), [_num(groups[g][0][i]) for g in x]))
                continue
            for g, members in groups.items():
                at = {r[0]: _num(r[i]) for r in members}
                name = _label(answer.columns[i], lang)
                label = name if not g else g if len(cols) == 1 else f"{g} · {name}"
                series.append(Series(label, [at.get(d) for d in x]))
        title = ", ".join(_label(answer.columns[i], lang) for i in cols)
        panels.append(ChartPanel(title, k == "rate", series))
    return ChartData(shape, answer.request, subtitle, x, labels, panels)


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
    from plotext._figure import _figure_class

    data = chart_data(answer, max_series=TERMINAL_MAX_SERIES)
    if data is None:
        return ""
    # bars: one panel per metric (plotext's grouped bars are hard to read), two text rows per bar
    panels = (
        data.panels
        if data.shape == "lines"
        else [ChartPanel(s.label, p.rate, [s]) for p in data.panels for s in p.series]
    )
    n = len(panels)
    own = 2 * len(data.labels) + 4 if data.shape == "bars" else 12
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
        plot.title(f"{data.title} — {panel.title}" if k == 1 else panel.title)
        if data.shape == "lines":
            for s in panel.series:
                pts = [(j, v) for j, v in enumerate(s.values) if v is not None]
                if pts:
                    label = s.label if len(panel.series) > 1 else None  # one line needs no legend
                    plot.plot([p[0] for p in pts], [p[1] for p in pts], label=label, marker="braille")
            # first, middle and last date: few enough labels that plotext never has to drop one
            ticks = sorted({0, len(data.x) // 2, len(data.x) - 1})
            plot.xticks(ticks, [data.labels[j] for j in ticks])
        else:  # plotext stacks bars from the bottom: reversed, the first row is on top as in the table
            values = [v or 0.0 for v in panel.series[0].values]
            plot.bar(data.labels[::-1], values[::-1], orientation="horizontal", marker="sd", width=0.5)
        if panel.rate:
            found = [v for s in panel.series for v in s.values if v is not None]
            marks = percent_ticks(min(0.0, *found), max(0.0, *found), 5)
            place = plot.yticks if data.shape == "lines" else plot.xticks
            place([t[0] for t in marks], [t[1] for t in marks])
    return str(fig.build())


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
        said = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ExportError(
            f"cannot draw {path}: {said} is not a chart format segmenta writes; "
            "name the file .png, .svg or .pdf"
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
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    data = chart_data(answer)
    if data is None:
        raise ExportError(f"cannot draw {path}: the answer is not a report with two or more rows to chart")
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
            plain = FuncFormatter(lambda v, _p: f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2g}")
            axis.set_major_formatter(PercentFormatter(1.0) if panel.rate else plain)
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
            ax.bar_label(bars, labels=[cell(v, rate=panel.rate) for v in s.values], padding=3, fontsize=10)
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
        raise ExportError(f"cannot write {path}: the answer has no rows ({answer.kind})")


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
            f"cannot write {path}: {len(rows):,} rows do not fit an Excel sheet "
            f"({XLSX_MAX_ROWS - 1:,} at most); write a CSV (--csv) instead"
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
            notes.append(f"Wrote {report.rows:,} contacts to {report.path}")
        else:
            write_csv(answer, csv_path, force=force)
            notes.append(f"Wrote {len(answer.rows):,} rows to {csv_path}")
        written.append(str(csv_path))
    if xlsx_path is not None:
        if segment:
            from segmenta.tools.exports import contact_table

            table = contact_table(db, answer.sql or "", day, max_rows=XLSX_MAX_ROWS - 1)
            write_xlsx(answer, xlsx_path, force=force, table=table)
            notes.append(f"Wrote {len(table[1]):,} contacts to {xlsx_path}")
        else:
            write_xlsx(answer, xlsx_path, force=force)
            notes.append(f"Wrote {len(answer.rows):,} rows to {xlsx_path}")
        written.append(str(xlsx_path))
    if png_path is not None:
        write_png(answer, png_path, force=force)
        notes.append(f"Drew the chart in {png_path} ({PNG_SIZE[0]}x{PNG_SIZE[1]})")
        written.append(str(png_path))
    return answer.model_copy(update={"files": [*answer.files, *written]}), notes
