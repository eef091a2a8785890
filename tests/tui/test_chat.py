"""Whole conversations in the chat, driven with Pilot on the sports shop at a fixed as-of date."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Button, Collapsible, DataTable, Label, Static
from textual_plotext import PlotextPlot

from segmenta.assistant.answer import Answer
from segmenta.errors import QueryError
from segmenta.locale_text import integer
from segmenta.tui.app import SegmentaApp
from segmenta.tui.export_screen import ExportScreen
from segmenta.tui.screens import AsOfScreen, HelpScreen
from segmenta.tui.session import Session
from segmenta.tui.widgets.answer_card import AnswerCard
from segmenta.tui.widgets.prompt import PromptInput
from segmenta.tui.widgets.results import ResultsPane
from segmenta.warehouse.store import run_query

from .conftest import AS_OF
from .pilot_helpers import SIZE, notes, send, settle


def card_text(card: AnswerCard) -> str:
    """Everything the card shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    for static in card.query(Static):
        console.print(static.content)
    return console.export_text()


async def test_a_segment_shows_its_count_funnel_and_rows(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        card = app.query_one(AnswerCard)
        answer = card.answer
        assert answer.kind == "segment" and answer.count is not None
        text = card_text(card)
        # numbers in the answer's language as the shop's country writes it (Babel): 2.857 in Spain
        assert answer.locale == "es_ES"
        assert f"{integer(answer.count, 'es_ES')} contactos" in text
        for step in answer.funnel:
            assert integer(step.count, "es_ES") in text
        assert "ciudad: Madrid" in text
        table = app.query_one(DataTable)
        assert table.row_count == answer.count
        assert (
            "3.000 contactos" in app.title
            and "sports.duckdb" in app.title
            and app.sub_title == "a fecha 30 jun 2026"
        )


async def test_a_follow_up_narrows_the_previous_segment(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        await send(pilot, "solo las que compraron zapatillas")
        first, second = (c.answer for c in app.query(AnswerCard))
        assert first.count is not None and second.count is not None
        assert 0 < second.count < first.count
        assert any("refinado" in a for a in second.assumptions)
        assert app.query_one(ResultsPane).total == second.count


async def test_a_clarification_button_sends_the_request_with_the_option(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "compraron zapatilas de runing")
        card = app.query_one(AnswerCard)
        assert card.answer.kind == "clarification"
        buttons = list(card.query(Button))
        assert buttons, "the clarification offers its options as buttons"
        await pilot.click(buttons[0])
        await settle(pilot)
        cards = list(app.query(AnswerCard))
        assert len(cards) == 2
        assert "zapatilas" not in cards[1].answer.request
        assert cards[1].answer.kind == "segment"
        assert app.query_one(PromptInput).history[-1] == cards[1].answer.request


async def test_a_report_shows_its_table_beside_a_chart(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "ventas por mes")
        answer = app.query_one(AnswerCard).answer
        assert answer.kind == "report"
        results = app.query_one(ResultsPane)
        assert results.has_class("-chart")
        assert app.query_one(PlotextPlot).display
        assert app.query_one(DataTable).row_count == len(answer.rows)


async def test_a_big_segment_loads_two_hundred_rows_at_a_time(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "compraron zapatillas")
        total = app.query_one(AnswerCard).answer.count
        assert total is not None and total > 400
        table = app.query_one(DataTable)
        assert table.row_count == 200
        table.focus()
        for expected in (400, min(600, total)):
            await pilot.press("ctrl+end")
            await settle(pilot)
            assert table.row_count == expected


async def test_the_sql_opens_and_is_copied_with_a_key(
    sports_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        collapsible = app.query_one(Collapsible)
        assert collapsible.collapsed
        await pilot.press("f3")
        assert not collapsible.collapsed
        await pilot.press("f4")
        assert copied == [app.query_one(AnswerCard).answer.sql]


def slow_ask(self: Session, text: str) -> Answer:
    """A request whose query runs until it is interrupted."""
    with self._lock:
        run_query(
            self.engine.con, "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b", timeout=60
        )
    raise AssertionError("the slow query was not interrupted")


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])  # a terminal user stops what runs with Ctrl-C too
async def test_esc_cancels_a_slow_query_and_the_chat_keeps_answering(
    sports_db: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Session, "ask", slow_ask)
        app.query_one(PromptInput).value = "mujeres +30 de Madrid"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.is_busy and app.query_one("#busy").has_class("-on")
        started = time.monotonic()
        await pilot.press(key)
        await settle(pilot)
        assert time.monotonic() - started < 10
        assert not app.is_busy and not app.query_one("#busy").has_class("-on")
        assert not app.query(AnswerCard)
        assert notes(app) == ["Request cancelled"]
        monkeypatch.undo()
        await send(pilot, "mujeres +30 de Madrid")
        assert app.query_one(AnswerCard).answer.count is not None


async def test_ctrl_c_with_nothing_running_says_how_to_quit(sports_db: Path) -> None:
    """Ctrl-C never quits nor is swallowed: with nothing running it says how to quit."""
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert app.is_running and len(notes(app)) == 1 and "ctrl+q" in notes(app)[-1].lower()


async def test_keys_work_while_a_query_runs(sports_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a request that waits (without burning the CPU, which would slow Pilot's idle waits) until interrupted
    released = threading.Event()

    def stalled(self: Session, text: str) -> Answer:
        released.wait(30)
        raise QueryError("the query was interrupted")

    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Session, "ask", stalled)
        monkeypatch.setattr(Session, "interrupt", lambda self: released.set())
        prompt = app.query_one(PromptInput)
        prompt.value = "hombres"
        await pilot.press("enter")
        assert app.is_busy
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press(*"otra")
        assert prompt.value == "otra"
        assert app.is_busy and not released.is_set()
        await pilot.press("escape")
        await settle(pilot)
        assert released.is_set() and not app.is_busy
        assert notes(app) == ["Request cancelled"], "the interrupted query's error is not shown"


async def test_an_error_becomes_one_notification(sports_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: Session, text: str) -> Answer:
        raise QueryError("the query failed: out of luck")

    monkeypatch.setattr(Session, "ask", failing)
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres")
        assert notes(app) == ["the query failed: out of luck"]
        assert app.is_running and not app.query(AnswerCard)


async def test_a_missing_warehouse_is_reported_not_raised(tmp_path: Path) -> None:
    app = SegmentaApp(tmp_path / "none.duckdb", AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(notes(app)) == 1 and "no warehouse at" in notes(app)[0]


async def test_the_interface_follows_the_language_of_the_first_message(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "women over 30 in Madrid")
        assert app.lang == "en"
        assert "F1 help" in str(app.query_one("#keys", Static).render())
        await send(pilot, "mujeres de Madrid")
        assert app.lang == "en", "the first message fixed the language"
        assert app.sub_title == "as of Jun 30, 2026"


async def test_f2_changes_the_as_of_date_and_refuses_a_bad_one(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, AsOfScreen)
        date_input = app.screen.query_one("#as-of-input")
        date_input.value = "31/12/2025"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert isinstance(app.screen, AsOfScreen)
        assert "YYYY-MM-DD" in str(app.screen.query_one("#as-of-error", Label).render())
        date_input.value = "2025-12-31"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert not isinstance(app.screen, AsOfScreen)
        assert app.session.as_of.isoformat() == "2025-12-31"
        assert app.sub_title.endswith("Dec 31, 2025")
        await send(pilot, "mujeres de Madrid")
        assert app.query_one(AnswerCard).answer.as_of == "2025-12-31"


async def test_f2_redoes_the_answer_on_screen_at_the_new_date(sports_db: Path) -> None:
    """The header's date and the answer shown never disagree: a new date runs the answer again."""
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres de Madrid que compraron en los últimos 90 días")
        await send(pilot, "solo las de más de 30")  # a follow-up: redone as the plan, not refined again
        before = app.answers[-1]
        await pilot.press("f2")
        app.screen.query_one("#as-of-input").value = "2025-12-31"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        after = app.answers[-1]
        assert after.as_of == "2025-12-31" and after.plan == before.plan
        assert after.count != before.count
        assert app.query(AnswerCard).last().answer.as_of == "2025-12-31"


async def test_ctrl_t_switches_between_light_and_dark(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark


async def test_the_layout_stacks_on_a_small_terminal_and_sits_side_by_side_on_a_large_one(
    sports_db: Path,
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        assert app.query_one("#main").has_class("-narrow")
        conversation, results = app.query_one("#conversation"), app.query_one(ResultsPane)
        assert results.region.y > conversation.region.y and results.region.height >= 5
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert not app.query_one("#main").has_class("-narrow")
        assert results.region.x > conversation.region.x


async def test_f5_exports_the_segment_after_showing_its_preflight(
    sports_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        await pilot.press("f5")
        assert isinstance(app.screen, ExportScreen)
        await pilot.click("#to-meta")
        await settle(pilot)
        assert app.screen.has_class("-ready")
        shown = str(app.screen.query_one("#export-preflight", Static).content)
        assert shown != ""
        assert not list(tmp_path.glob("*.csv")), "nothing is written before the confirmation"
        await pilot.click("#export-confirm")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        files = list(tmp_path.glob("segmenta-meta-*.csv"))
        assert len(files) == 1
        assert any(str(files[0].name) in n for n in notes(app))
        assert files[0].name.startswith("segmenta-meta-mujeres-30-de-madrid-2026-06-30-")
        await pilot.press("f5")  # the same export again: a second file, the first one kept
        await pilot.click("#to-meta")
        await settle(pilot)
        await pilot.click("#export-confirm")
        await settle(pilot)
        assert len(list(tmp_path.glob("segmenta-meta-*.csv"))) == 2 and files[0].exists()


async def test_f5_without_a_segment_says_what_to_do_first(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        assert not isinstance(app.screen, ExportScreen)
        assert notes(app) == ["Ask for a segment first"]


async def test_a_question_back_clears_the_rows_of_the_answer_before(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres de Madrid")
        results = app.query_one(ResultsPane)
        assert results.loaded > 0
        await send(pilot, "compraron productos Zzyzx")
        assert app.answers[-1].kind in ("clarification", "not_understood")
        assert results.loaded == 0 and results.answer is None


async def test_a_restart_goes_on_from_the_last_conversation(shop_db: Path) -> None:
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres de Madrid")
        await send(pilot, "solo las de más de 30")
        count = app.answers[-1].count
    again = SegmentaApp(shop_db, AS_OF)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = again.query(AnswerCard)
        assert len(shown) == 1 and shown.last().answer.count == count
        assert shown.last().answer.request == "mujeres de Madrid + solo las de más de 30"
        assert any("última conversación" in a for a in shown.last().answer.assumptions)
        await send(pilot, "solo las de Sevilla")  # a follow-up refines the segment of the last chat
        refined = again.answers[-1]
        assert refined.answered and "gender" in str(refined.plan) and "Sevilla" in str(refined.plan)


@pytest.mark.parametrize("lang_request", ["mujeres de Madrid", "women in Madrid"])
async def test_at_80_columns_the_key_bar_keeps_f8_and_the_quit_key(
    sports_db: Path, lang_request: str
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, lang_request)
        bar = str(app.query_one("#keys", Static).render())
        assert "F8" in bar and "^Q" in bar and len(bar) <= 78
        assert "30 jun 2026" in app.sub_title or "Jun 30, 2026" in app.sub_title


async def test_a_report_marks_the_buckets_its_period_cuts_short(sports_db: Path) -> None:
    """Weekly since March: the week of 2026-02-23 counts from 1 March and the last week stops at the
    as-of date; the table marks both with * and its title says what * means."""
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "ventas semanales desde marzo")
        table = app.query_one(DataTable)
        first = str(table.get_row_at(0)[0])
        last = str(table.get_row_at(table.row_count - 1)[0])
        middle = str(table.get_row_at(1)[0])
        assert first == "2026-02-23*" and last == "2026-06-29*" and not middle.endswith("*")
        title = str(app.query_one("#results-title", Static).content)
        assert "periodo incompleto" in title
