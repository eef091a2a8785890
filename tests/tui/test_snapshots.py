"""Snapshots of the chat at 100x34 on the sports shop at 2026-06-30: read every SVG diff before
accepting one (``pytest tests/tui --snapshot-update``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from segmenta.tui.app import SegmentaApp

from .conftest import AS_OF
from .pilot_helpers import SIZE, send, settle

SnapCompare = Callable[..., bool]


def asking(*requests: str, then: tuple[str, ...] = ()) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for text in requests:
            await send(pilot, text)
        for key in then:
            await pilot.press(key)
        await pilot.pause()

    return run_before


def test_an_answer_shows_the_checklist_funnel_and_rows(sports_db: Path, snap_compare: SnapCompare) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("mujeres +30 de Madrid"))


def test_a_report_shows_its_table_and_chart(sports_db: Path, snap_compare: SnapCompare) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("ventas por mes"))


def test_a_clarification_offers_its_options(sports_db: Path, snap_compare: SnapCompare) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("compraron zapatilas de runing"))


def test_the_help_screen_lists_the_keys(sports_db: Path, snap_compare: SnapCompare) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("women in Madrid", then=("f1",)))


def test_the_export_dialog_shows_the_preflight(sports_db: Path, snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await asking("mujeres +30 de Madrid", then=("f5",))(pilot)
        await pilot.click("#to-meta")
        await settle(pilot)

    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_the_library_lists_saved_segments_with_their_size_history(
    shop_db: Path, snap_compare: SnapCompare
) -> None:
    from segmenta.tools import segments

    segments.save(
        shop_db, "VIP Madrid", plan=None, request="mujeres +30 de Madrid", static=False, as_of=AS_OF
    )
    segments.backfill(shop_db, "VIP Madrid", date(2025, 7, 1))
    segments.save(
        shop_db,
        "Compradores de zapatillas",
        plan=None,
        request="compraron zapatillas",
        static=True,
        as_of=AS_OF,
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await asking("los de 'VIP Madrid'", then=("f7",))(pilot)
        await settle(pilot)

    app = SegmentaApp(shop_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_the_workflow_draft_shows_its_tree_with_estimates(sports_db: Path, snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await asking("women over 30 in Madrid", then=("f8",))(pilot)
        pilot.app.screen.query_one(Select).value = "win_back"
        await settle(pilot)

    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


SCREENS = [(80, 24), (140, 45)]


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_the_seed_request_fits_the_screen(
    sports_db: Path, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    seed = "hombres de más de 30 que compraron botas de fútbol pagando con tarjeta con RFM 5 en los últimos 10 meses"
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=size, run_before=asking(seed))


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_a_report_by_category_fits_the_screen(
    sports_db: Path, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=size, run_before=asking("ventas por método de pago en 2026"))


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_the_workflow_tree_fits_the_screen(
    sports_db: Path, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await asking("mujeres de más de 30 de Madrid", then=("f8",))(pilot)
        pilot.app.screen.query_one(Select).value = "win_back"
        await settle(pilot)

    app = SegmentaApp(sports_db, AS_OF)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_at_80x24_the_header_keeps_the_as_of_date_and_the_footer_the_quit_key(sports_db: Path) -> None:
    import html
    import re

    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, "ventas por método de pago en 2026")
        screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    assert "a fecha 30 jun 2026" in screen  # the header's sub-title, not cut
    assert "F8" in screen and "^Q" in screen  # the footer's last keys
    # the revenue cells as Spain writes them (Babel), never en-US ones
    assert re.search(r"\b\d{1,3}(?:\.\d{3})+,\d\d\b", screen), screen
    assert not re.search(r"\b\d{1,3}(?:,\d{3})+\.\d\d\b", screen)
