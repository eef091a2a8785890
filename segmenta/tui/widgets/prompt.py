"""The request line: an Input that remembers what was sent (up/down) and takes long pasted text.

A paste keeps every line, joined by spaces (Textual's Input keeps only the first line), so a
request copied from a brief or an email arrives whole.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def one_line(text: str) -> str:
    """Pasted text as one request line: lines joined by single spaces.

    >>> one_line("mujeres de Madrid\\r\\n  que compraron\\n\\nzapatillas ")
    'mujeres de Madrid que compraron zapatillas'
    """
    return " ".join(text.split())


class PromptInput(Input):
    """An Input with a history of sent requests."""

    BLINK = True
    """Whether the cursor blinks (tests turn it off so snapshots are stable)."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous request", show=False),
        Binding("down", "history(1)", "Next request", show=False),
    ]

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:  # noqa: A002
        super().__init__(placeholder=placeholder, id=id)
        self.cursor_blink = self.BLINK
        self.history: list[str] = []
        self._index = 0
        self._draft = ""

    def remember(self, text: str) -> None:
        """Add a sent request to the history (not twice in a row) and go back to a fresh line."""
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._index = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        """Walk the history: -1 older, +1 newer; past the newest comes back the unsent draft."""
        if not self.history:
            return
        if self._index == len(self.history):
            self._draft = self.value
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self._draft if self._index == len(self.history) else self.history[self._index]
        self.cursor_position = len(self.value)

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            self.insert_text_at_cursor(one_line(event.text))
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
