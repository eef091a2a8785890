"""The chat's modal screens: the key help and the as-of date picker.

Both are small ModalScreens that close with Esc; the date picker returns the new date (or None)
through ``dismiss`` so the app owns the change.
"""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from segmenta.tui.strings import KEYS, Lang, tr


def parse_day(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None when the text is not one.

    >>> parse_day(" 2026-06-30 "), parse_day("30/06/2026")
    (datetime.date(2026, 6, 30), None)
    """
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def keys_table(lang: Lang) -> Table:
    """Every key of the chat and what it does."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("action")
    for key, action in KEYS:
        table.add_row(key, action[lang])
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the chat, in the marketer's language."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 70; max-width: 95%; height: auto; max-height: 95%;
                            border: thick $accent; background: $surface; padding: 1 2; }
    HelpScreen .title { text-style: bold; margin: 0 0 1 0; }
    HelpScreen .close { color: $text-muted; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close", show=False),
        Binding("f1", "app.pop_screen", "Close", show=False),
        Binding("question_mark", "app.pop_screen", "Close", show=False),
    ]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(tr("help_title", self.lang), classes="title")
            yield Static(keys_table(self.lang))
            yield Label(tr("help_close", self.lang), classes="close")


class AsOfScreen(ModalScreen[dt.date | None]):
    """Asks for a new as-of date (YYYY-MM-DD); Esc keeps the current one."""

    DEFAULT_CSS = """
    AsOfScreen { align: center middle; }
    AsOfScreen > Vertical { width: 50; max-width: 95%; height: auto; border: thick $accent;
                            background: $surface; padding: 1 2; }
    AsOfScreen #as-of-error { color: $error; height: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, lang: Lang, current: dt.date) -> None:
        super().__init__()
        self.lang = lang
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(tr("date_title", self.lang))
            yield Input(placeholder=self.current.isoformat(), id="as-of-input")
            yield Label("", id="as-of-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        day = parse_day(event.value) if event.value.strip() else self.current
        if day is None:
            self.query_one("#as-of-error", Label).update(tr("date_bad", self.lang))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
