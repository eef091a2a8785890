"""The request line: history with up/down, and long pasted text kept whole."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from segmenta.tui.widgets.prompt import PromptInput


class PromptApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield PromptInput(id="prompt")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        prompt = self.query_one(PromptInput)
        self.sent.append(event.value)
        prompt.remember(event.value)
        prompt.value = ""


async def test_up_and_down_walk_the_history_and_come_back_to_the_draft() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        for text in ("uno", "dos"):
            await pilot.press(*text, "enter")
        await pilot.press(*"tres")
        prompt = app.query_one(PromptInput)
        await pilot.press("up")
        assert prompt.value == "dos"
        await pilot.press("up", "up")
        assert prompt.value == "uno"
        await pilot.press("down")
        assert prompt.value == "dos"
        await pilot.press("down")
        assert prompt.value == "tres"
    assert app.sent == ["uno", "dos"]


async def test_a_pasted_request_keeps_all_its_lines() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        prompt.post_message(events.Paste("mujeres de Madrid\nque compraron\n  zapatillas " + "x" * 500))
        await pilot.pause()
        assert prompt.value.startswith("mujeres de Madrid que compraron zapatillas x")
        assert len(prompt.value) == len("mujeres de Madrid que compraron zapatillas ") + 500
