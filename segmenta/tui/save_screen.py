"""The save dialog: name the current segment, choose dynamic or static, and it is kept in the warehouse.

A dynamic segment keeps its Plan (re-evaluated at any date); a static one keeps today's members.
Saving runs in a thread worker through ``Session.save_segment`` (which closes the chat's read-only
engine first, since saving needs the warehouse writable). A name already taken (case and accents
ignored) is never overwritten silently: the dialog says so and offers a Replace button.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, LoadingIndicator

from segmenta.assistant.answer import Answer
from segmenta.errors import SegmentaError, speaking
from segmenta.tools.segments import SavedSegment
from segmenta.tui.session import Session
from segmenta.tui.strings import Lang, tr

_T: dict[str, dict[Lang, str]] = {
    "title": {"es": "Guardar el segmento", "en": "Save the segment"},
    "name": {"es": "Nombre (p. ej. VIP Madrid)", "en": "Name (e.g. VIP Madrid)"},
    "static": {
        "es": "Foto estática de hoy (si no: dinámico, se recalcula)",
        "en": "Static snapshot of today (else dynamic: re-evaluated)",
    },
    "save": {"es": "Guardar", "en": "Save"},
    "replace": {"es": "Reemplazar", "en": "Replace"},
    "cancel": {"es": "Cancelar", "en": "Cancel"},
    "taken": {
        "es": "Ya hay un segmento llamado '{name}'. ¿Reemplazarlo?",
        "en": "A segment named '{name}' already exists. Replace it?",
    },
    "empty": {"es": "Escribe un nombre", "en": "Type a name"},
}


def saved_note(seg: SavedSegment, lang: Lang, country: str = "") -> str:
    """What the chat says once a segment is saved: its name, size, kind and date, as the shop's
    locale writes them."""
    from segmenta.locale_text import day_text, integer, locale_id

    kind = tr("static", lang) if seg.kind == "static" else tr("dynamic", lang)
    return (
        f"{tr('saved', lang)} '{seg.name}': {integer(seg.size, locale_id(lang, country))} "
        f"{tr('contacts', lang)} ({kind}, {tr('as_of', lang)} {day_text(seg.as_of, lang, country)})"
    )


class SaveScreen(ModalScreen[SavedSegment | None]):
    """Ask a name (and dynamic or static), save, and dismiss with the saved segment."""

    DEFAULT_CSS = """
    SaveScreen { align: center middle; }
    SaveScreen > Vertical { width: 76; max-width: 95%; height: auto; max-height: 95%;
                            border: thick $accent; background: $surface; padding: 1 2; }
    SaveScreen .title { text-style: bold; }
    SaveScreen #save-what { color: $text-muted; margin: 0 0 1 0; }
    SaveScreen #save-error { color: $error; height: auto; width: 100%; }
    SaveScreen Horizontal { height: auto; margin: 1 0 0 0; }
    SaveScreen Button { margin: 0 1 0 0; }
    SaveScreen #save-replace { display: none; }
    SaveScreen.-taken #save-replace { display: block; }
    SaveScreen #save-busy { height: 1; display: none; }
    SaveScreen.-busy #save-busy { display: block; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", show=False)]

    class Saved(Message):
        """The segment was saved."""

        def __init__(self, segment: SavedSegment) -> None:
            self.segment = segment
            super().__init__()

    class Taken(Message):
        """The name is taken by ``existing``."""

        def __init__(self, existing: str) -> None:
            self.existing = existing
            super().__init__()

    class Failed(Message):
        """The name cannot be used or saving failed."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    def __init__(
        self,
        session: Session,
        answer: Answer,
        lang: Lang,
        *,
        name: str = "",
        static: bool = False,
        submit: bool = False,
    ) -> None:
        super().__init__()
        self.session, self.answer, self.lang = session, answer, lang
        self.initial_name, self.initial_static, self.submit = name, static, submit

    def compose(self) -> ComposeResult:
        a = self.answer
        with Vertical():
            yield Label(_T["title"][self.lang], classes="title")
            yield Label(Text(f"› {a.request} · {a.count or 0:,} {tr('contacts', self.lang)}"), id="save-what")
            yield Input(value=self.initial_name, placeholder=_T["name"][self.lang], id="save-name")
            yield Checkbox(_T["static"][self.lang], value=self.initial_static, id="save-static")
            yield LoadingIndicator(id="save-busy")
            yield Label("", id="save-error")
            with Horizontal():
                yield Button(_T["save"][self.lang], id="save-confirm", variant="success")
                yield Button(_T["replace"][self.lang], id="save-replace", variant="warning")
                yield Button(_T["cancel"][self.lang], id="save-cancel")

    def on_mount(self) -> None:
        self.query_one("#save-name", Input).focus()
        if self.submit and self.initial_name:
            self.start(replace=False)

    @property
    def name_typed(self) -> str:
        return self.query_one("#save-name", Input).value

    def start(self, *, replace: bool) -> None:
        """Save under the typed name in a worker (``replace`` overwrites a segment of that name)."""
        if not self.name_typed.strip():
            self.query_one("#save-error", Label).update(_T["empty"][self.lang])
            return
        self.add_class("-busy")
        self.query_one("#save-error", Label).update("")
        self.write(self.name_typed, self.query_one("#save-static", Checkbox).value, replace)

    @work(thread=True, group="save", exclusive=True, exit_on_error=False)
    def write(self, name: str, static: bool, replace: bool) -> None:
        """Check the name, then save, off the UI thread."""
        try:
            with speaking(self.lang):
                existing = self.session.taken(name)
                if existing is not None and not replace:
                    self.post_message(self.Taken(existing))
                    return
                seg = self.session.save_segment(self.answer, name, static=static, replace=replace)
        except SegmentaError as e:
            self.post_message(self.Failed(str(e)))
            return
        self.post_message(self.Saved(seg))

    @on(Input.Submitted, "#save-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start(replace=self.has_class("-taken"))

    @on(Input.Changed, "#save-name")
    def _renamed(self) -> None:
        if self.has_class("-taken"):
            self.remove_class("-taken")
            self.query_one("#save-error", Label).update("")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-confirm":
            self.start(replace=False)
        elif event.button.id == "save-replace":
            self.start(replace=True)
        elif event.button.id == "save-cancel":
            self.dismiss(None)

    @on(Taken)
    def _taken(self, event: Taken) -> None:
        self.remove_class("-busy")
        self.add_class("-taken")
        self.query_one("#save-error", Label).update(_T["taken"][self.lang].format(name=event.existing))
        self.query_one("#save-replace", Button).focus()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.remove_class("-busy")
        self.query_one("#save-error", Label).update(Text(event.message))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.remove_class("-busy")
        self.dismiss(event.segment)

    def action_close(self) -> None:
        self.dismiss(None)
