"""Driving the chat like a marketer: type a request, send it, wait for the answer."""

from __future__ import annotations

from textual.pilot import Pilot

from segmenta.tui.app import SegmentaApp
from segmenta.tui.widgets.prompt import PromptInput

SIZE = (100, 34)


async def send(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` in the request line, press Enter and wait until the answer is on screen."""
    app = pilot.app
    assert isinstance(app, SegmentaApp)
    app.query_one(PromptInput).value = text
    await pilot.press("enter")
    await settle(pilot)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker, then for the messages they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    # a screen may start its worker after it is mounted: wait while it says it is busy
    for _ in range(200):
        if not pilot.app.screen.has_class("-busy"):
            break
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def notes(app: SegmentaApp) -> list[str]:
    """The notifications shown so far."""
    return [n.message for n in app._notifications]
