"""The results pane: the rows of the last answer, paged lazily for segments, with a chart for reports.

A segment may hold a million contacts, so the table holds only the pages read so far: 200 rows at a
time from the warehouse (the answer's SQL joined to ``contacts``, LIMIT/OFFSET), the next page read
in a thread worker when the cursor or the scroll comes near the end. A report's rows are all in the
answer; they show beside a chart: lines when the first column holds dates, bars for categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from segmenta.assistant.answer import Answer
from segmenta.cells import shown
from segmenta.errors import SegmentaError
from segmenta.labels import column_label, header, value_label
from segmenta.locale_text import cell, integer
from segmenta.report_view import PARTIAL_MARK, chart_title, is_rate, partial_days, partial_note, rate_columns
from segmenta.tui.format import as_float, chart_kind, numeric_columns
from segmenta.tui.session import PAGE_SIZE, Session
from segmenta.tui.strings import Lang, tr

NEAR_END = 20  # rows from the end of what is loaded at which the next page is read
MAX_SERIES = 6
MAX_BARS = 30
MAX_COLUMN_WIDTH = 40
BAR_LABEL = 14


def _clip(label: str) -> str:
    """A bar's label at most ``BAR_LABEL`` characters, an ellipsis where it is cut.

    >>> _clip("transferencia bancaria"), _clip("PayPal")
    ('transferencia…', 'PayPal')
    """
    return label if len(label) <= BAR_LABEL else label[: BAR_LABEL - 1].rstrip() + "…"


class SegmentTable(DataTable[Text]):
    """A DataTable that asks for more rows when scrolled near the end of what it holds."""

    class NearEnd(Message):
        """The view reached the last loaded rows."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.row_count and new_value + self.scrollable_content_region.height >= self.row_count - NEAR_END:
            self.post_message(self.NearEnd())


class ResultsPane(Vertical):
    """The rows of the last answer (and a chart for a report)."""

    DEFAULT_CSS = """
    ResultsPane { height: 1fr; }
    ResultsPane #results-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    ResultsPane #results-body { height: 1fr; }
    ResultsPane SegmentTable { width: 1fr; height: 1fr; }
    ResultsPane PlotextPlot { width: 1fr; height: 1fr; display: none; }
    ResultsPane.-chart PlotextPlot { display: block; }
    """

    class PageLoaded(Message):
        """A page of the current segment was read."""

        def __init__(self, serial: int, offset: int, rows: list[list[Any]]) -> None:
            self.serial = serial
            self.offset = offset
            self.rows = rows
            super().__init__()

    class PageFailed(Message):
        """Reading a page failed with a message for the marketer."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.lang: Lang = "en"
        self.answer: Answer | None = None
        self.session: Session | None = None
        self.total = 0
        self.fetching = False
        self._serial = 0
        self._columns: list[str] = []
        self._partial: set[Any] = set()
        self._rates: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Static(tr("no_results", self.lang), id="results-title")
        with Horizontal(id="results-body"):
            yield SegmentTable(id="results-table", zebra_stripes=True, cursor_type="row")
            yield PlotextPlot(id="results-chart")

    @property
    def table(self) -> SegmentTable:
        return self.query_one(SegmentTable)

    @property
    def loaded(self) -> int:
        """Rows held by the table."""
        return self.table.row_count

    def set_lang(self, lang: Lang) -> None:
        """Relabel the pane in ``lang``."""
        self.lang = lang
        self._retitle()

    def _retitle(self) -> None:
        title = self.query_one("#results-title", Static)
        a = self.answer
        if a is None:
            title.update(tr("no_results", self.lang))
        elif a.kind == "segment":
            title.update(
                f"{tr('results', self.lang)}: {integer(self.total, a.locale)} "
                f"{tr('contact' if self.total == 1 else 'contacts', self.lang)} · "
                f"{integer(self.loaded, a.locale)} {tr('loaded', self.lang)}"
            )
        else:
            marked = f" · {partial_note(a)}" if self._partial & {r[0] for r in a.rows if r} else ""
            rows = f"{integer(len(a.rows), a.locale)} {tr('rows', self.lang)}"
            title.update(f"{tr('results', self.lang)}: {rows}{marked}")

    def show_segment(self, answer: Answer, first_page: list[list[Any]], session: Session) -> None:
        """Show a segment: its first page now, the next ones as the marketer scrolls."""
        self._serial += 1
        self.answer, self.session = answer, session
        self.total = answer.count or 0
        self._partial = set()
        self.fetching = False
        self.remove_class("-chart")
        self._reset(session.page_columns, first_page, set())
        self._retitle()

    def show_report(self, answer: Answer) -> None:
        """Show a report's rows beside its chart."""
        self._serial += 1
        self.answer, self.session = answer, None
        self.total = len(answer.rows)
        self._partial = partial_days(answer)
        self._reset(answer.columns, answer.rows, rate_columns(answer))
        self.set_class(chart_kind(answer.rows) != "none", "-chart")
        self.draw_chart(answer)
        self._retitle()

    def clear_results(self) -> None:
        """Empty the pane (an answer without rows)."""
        self._serial += 1
        self.answer, self.session, self.total = None, None, 0
        self.table.clear(columns=True)
        self.remove_class("-chart")
        self._retitle()

    def _cells(self, row: Sequence[Any], rates: set[int]) -> list[str]:
        """One row as the pane shows it: codes in words, numbers in the answer's locale."""
        a = self.answer
        lang, loc = (a.language, a.locale) if a is not None else (self.lang, "en")
        cols = self._columns
        out = [
            cell(value_label(cols[i] if i < len(cols) else "", v, lang), loc, rate=i in rates)
            for i, v in enumerate(row)
        ]
        if out and row[0] in self._partial:  # a bucket the period cuts short, as the CLI marks it
            out[0] += PARTIAL_MARK
        return out

    def _reset(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], rates: set[int]) -> None:
        """New columns, sized once from their first rows (so later pages never reflow the table).

        Text columns are cut at ``MAX_COLUMN_WIDTH``; a number never is: its column takes the width
        of its widest value."""
        table = self.table
        table.clear(columns=True)
        self._columns, self._rates = list(columns), set(rates)
        a = self.answer
        lang, loc, currency = (a.language, a.locale, a.currency) if a is not None else (self.lang, "en", "")
        cells = [self._cells(r, rates) for r in rows]
        nums = set(numeric_columns(rows))
        for i, name in enumerate(columns):
            label = header(name, lang, currency, loc)
            width = max([len(label), *(len(r[i]) for r in cells[:PAGE_SIZE])])
            if i in nums:
                width = max([width, *(len(r[i]) for r in cells)])
            else:
                width = min(width, MAX_COLUMN_WIDTH)
            table.add_column(label, width=width)
        table.add_rows([[shown(c) for c in r] for r in cells])

    def _add_rows(self, rows: Sequence[Sequence[Any]], rates: set[int]) -> None:
        self.table.add_rows([[shown(c) for c in self._cells(r, rates)] for r in rows])

    def draw_chart(self, answer: Answer) -> None:
        """Lines for a time series (one per numeric column, or per category of a second column), else bars."""
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        rows, cols, lang = answer.rows, answer.columns, answer.language
        names = [column_label(c, lang) for c in cols]
        kind = chart_kind(rows)
        nums = numeric_columns(rows)
        if kind == "lines":
            dates = sorted({r[0] for r in rows})
            pos = {d: i for i, d in enumerate(dates)}
            if len(cols) >= 3 and 1 not in nums:  # date, category, value: one line per category
                value = nums[0]
                for name in list(dict.fromkeys(str(r[1]) for r in rows))[:MAX_SERIES]:
                    pts = [(pos[r[0]], as_float(r[value])) for r in rows if str(r[1]) == name]
                    label = str(value_label(cols[1], name, lang))
                    plt.plot([p[0] for p in pts], [p[1] for p in pts], label=label, marker="braille")
                plt.title(chart_title(answer) or names[value])
            else:
                series = nums[:MAX_SERIES]
                for i in series:
                    plt.plot(
                        [pos[r[0]] for r in rows],
                        [as_float(r[i]) for r in rows],
                        # one line needs no legend (it would be drawn over the line): the title names it
                        label=names[i] if len(series) > 1 else None,
                        marker="braille",
                    )
                plt.title(chart_title(answer) or ", ".join(names[i] for i in series))
            # first, middle and last date: few enough labels that plotext never has to drop one; a
            # bucket the window cuts short is marked as in the table
            ticks = sorted({0.0, float(len(dates) // 2), float(len(dates) - 1)})
            plt.xticks(
                ticks,
                [
                    cell(dates[int(i)]) + (PARTIAL_MARK if dates[int(i)] in self._partial else "")
                    for i in ticks
                ],
            )
            shown_values = [as_float(r[i]) for r in rows for i in nums[:MAX_SERIES]]
            self._value_marks(plt.yticks, answer, cols[nums[0]], shown_values, lines=True)
        elif kind == "bars":
            value = nums[0]
            # labels cut to BAR_LABEL characters: the bars and their axis keep the room they need
            labels = [
                _clip(" ".join(str(value_label(cols[i], v, lang)) for i, v in enumerate(r) if i not in nums))
                for r in rows
            ][:MAX_BARS]
            values = [as_float(r[value]) for r in rows][:MAX_BARS]
            labels, values = top_with_other(
                labels,
                values,
                room=self._bar_room(),
                lang=lang,
                summable=not is_rate(cols[value]),
            )
            # plotext stacks bars from the bottom: reversed, the first row is on top as in the table
            plt.bar(labels[::-1], values[::-1], orientation="horizontal", marker="hd", width=0.4)
            plt.title(header(cols[value], lang, answer.currency, answer.locale))
            self._value_marks(plt.xticks, answer, cols[value], values, lines=False)
        plot.refresh()

    def _bar_room(self) -> int:
        """How many bars the chart shows: from the screen's height, which is known before the pane is
        laid out (the plot's own size is not yet, and a snapshot must not depend on when it is)."""
        return max(3, self.app.size.height - 20)

    @staticmethod
    def _value_marks(place: Any, answer: Answer, column: str, values: list[float], *, lines: bool) -> None:
        """The value axis in the answer's locale: amounts with the currency, rates in percent."""
        from segmenta.labels import is_money
        from segmenta.report_view import axis_mark, is_rate, value_ticks

        found = [v for v in values if v == v]  # NaN: no value
        if not found:
            return
        # two marks, the low end and the largest round value: always room for both labels, so
        # plotext never has to choose which to drop
        marks = value_ticks(found, lines=lines, n=3)
        at = sorted({marks[0], marks[-1]}) if marks else []
        money = answer.currency if is_money(column) else ""
        place(at, [axis_mark(v, answer.locale, rate=is_rate(column), currency=money) for v in at])

    # ----------------------------------------------------------------- lazy paging
    @on(DataTable.RowHighlighted)
    def _near_cursor(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.loaded - NEAR_END:
            self.more()

    @on(SegmentTable.NearEnd)
    def _near_scroll(self) -> None:
        self.more()

    def more(self) -> None:
        """Read the next page of the segment, unless all is loaded or a read is under way."""
        a, session = self.answer, self.session
        if a is None or session is None or a.kind != "segment" or self.fetching or self.loaded >= self.total:
            return
        self.fetching = True
        self.load_page(session, a, self._serial, self.loaded)

    @work(thread=True, group="page", exclusive=True, exit_on_error=False)
    def load_page(self, session: Session, answer: Answer, serial: int, offset: int) -> None:
        """Read one page in a thread and post it."""
        try:
            rows = session.page(answer, offset, PAGE_SIZE)
        except SegmentaError as e:
            self.post_message(self.PageFailed(str(e)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(serial, offset, rows))

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        if event.serial != self._serial:
            return  # a page of an older answer
        self.fetching = False
        if event.offset != self.loaded:
            return  # a page already added
        self._add_rows(event.rows, set())
        self._retitle()

    @on(PageFailed)
    def _page_failed(self, event: PageFailed) -> None:
        self.fetching = False
        self.notify(event.message, severity="error")


def top_with_other(
    labels: list[str], values: list[float], *, room: int, lang: Lang, summable: bool = True
) -> tuple[list[str], list[float]]:
    """The bars that fit ``room`` rows: the first ones (the table's order, largest first) and, when
    some are left out, one more bar for them all ("Otros (3)", their sum; a rate is not summed, so
    the bars are the first ``room`` alone).

    >>> top_with_other(["a", "b", "c", "d"], [4.0, 3.0, 2.0, 1.0], room=3, lang="es")
    (['a', 'b', 'Otros (2)'], [4.0, 3.0, 3.0])
    >>> top_with_other(["a", "b"], [4.0, 3.0], room=3, lang="en")
    (['a', 'b'], [4.0, 3.0])
    """
    if len(labels) <= room:
        return labels, values
    if not summable:
        return labels[:room], values[:room]
    keep = room - 1
    rest = [v for v in values[keep:] if v == v]
    other = f"{'Otros' if lang == 'es' else 'Other'} ({len(labels) - keep})"
    return [*labels[:keep], other], [*values[:keep], float(sum(rest))]
