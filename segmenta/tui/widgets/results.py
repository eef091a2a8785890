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
from segmenta.report_view import rate_columns
from segmenta.tui.format import as_float, cell, chart_kind, numeric_columns
from segmenta.tui.session import PAGE_SIZE, Session
from segmenta.tui.strings import Lang, tr

NEAR_END = 20  # rows from the end of what is loaded at which the next page is read
MAX_SERIES = 6
MAX_BARS = 30
MAX_COLUMN_WIDTH = 40


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
                f"{tr('results', self.lang)}: {self.total:,} {tr('contacts', self.lang)} · "
                f"{self.loaded:,} {tr('loaded', self.lang)}"
            )
        else:
            title.update(f"{tr('results', self.lang)}: {len(a.rows):,} {tr('rows', self.lang)}")

    def show_segment(self, answer: Answer, first_page: list[list[Any]], session: Session) -> None:
        """Show a segment: its first page now, the next ones as the marketer scrolls."""
        self._serial += 1
        self.answer, self.session = answer, session
        self.total = answer.count or 0
        self.fetching = False
        self.remove_class("-chart")
        self._reset(session.page_columns, first_page, set())
        self._retitle()

    def show_report(self, answer: Answer) -> None:
        """Show a report's rows beside its chart."""
        self._serial += 1
        self.answer, self.session = answer, None
        self.total = len(answer.rows)
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

    def _reset(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], rates: set[int]) -> None:
        """New columns, sized once from their first rows (so later pages never reflow the table)."""
        table = self.table
        table.clear(columns=True)
        cells = [[cell(v, rate=i in rates) for i, v in enumerate(r)] for r in rows]
        for i, name in enumerate(columns):
            width = max([len(name), *(len(r[i]) for r in cells[:PAGE_SIZE])])
            table.add_column(name, width=min(width, MAX_COLUMN_WIDTH))
        table.add_rows([[shown(c) for c in r] for r in cells])

    def _add_rows(self, rows: Sequence[Sequence[Any]], rates: set[int]) -> None:
        self.table.add_rows([[shown(cell(v, rate=i in rates)) for i, v in enumerate(r)] for r in rows])

    def draw_chart(self, answer: Answer) -> None:
        """Lines for a time series (one per numeric column, or per category of a second column), else bars."""
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        rows, cols = answer.rows, answer.columns
        kind = chart_kind(rows)
        nums = numeric_columns(rows)
        if kind == "lines":
            dates = sorted({r[0] for r in rows})
            pos = {d: i for i, d in enumerate(dates)}
            if len(cols) >= 3 and 1 not in nums:  # date, category, value: one line per category
                value = nums[0]
                for name in list(dict.fromkeys(str(r[1]) for r in rows))[:MAX_SERIES]:
                    pts = [(pos[r[0]], as_float(r[value])) for r in rows if str(r[1]) == name]
                    plt.plot([p[0] for p in pts], [p[1] for p in pts], label=name, marker="braille")
            else:
                for i in nums[:MAX_SERIES]:
                    plt.plot(
                        [pos[r[0]] for r in rows],
                        [as_float(r[i]) for r in rows],
                        label=cols[i],
                        marker="braille",
                    )
            # first, middle and last date: few enough labels that plotext never has to drop one
            ticks = sorted({0.0, float(len(dates) // 2), float(len(dates) - 1)})
            plt.xticks(ticks, [cell(dates[int(i)]) for i in ticks])
            plt.title(", ".join(cols[i] for i in nums[:MAX_SERIES]))
        elif kind == "bars":
            value = nums[0]
            labels = [" ".join(str(v) for i, v in enumerate(r) if i not in nums) for r in rows][:MAX_BARS]
            plt.bar(
                labels, [as_float(r[value]) for r in rows][:MAX_BARS], orientation="horizontal", marker="hd"
            )
            plt.title(cols[value])
        plot.refresh()

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
