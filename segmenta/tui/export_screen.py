"""The export dialog: pick Meta, Google or CSV, read the preflight, confirm, and the file is written.

A typed "export them for Facebook" opens it with the platform already chosen.

The preflight (rows, contacts left out and why, match-key coverage, warnings) and the export both
come from ``segmenta.tools.exports`` and run in thread workers; the dialog only shows what they
post, so a big audience never freezes the screen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, LoadingIndicator, Static

from segmenta.errors import SegmentaError, speaking
from segmenta.labels import export_word
from segmenta.locale_text import integer, locale_id, percent
from segmenta.tools.exports import TARGETS, Preflight, export_audience, preflight
from segmenta.tui.session import Session
from segmenta.tui.strings import Lang

_T: dict[str, dict[Lang, str]] = {
    "title": {"es": "Exportar la audiencia", "en": "Export the audience"},
    "pick": {"es": "¿Para dónde?", "en": "For which platform?"},
    "rows": {"es": "filas a escribir", "en": "rows to write"},
    "of": {"es": "de", "en": "of"},
    "left_out": {"es": "fuera", "en": "left out"},
    "coverage": {"es": "cobertura de claves", "en": "match-key coverage"},
    "hashed": {"es": "valores con SHA-256", "en": "values hashed with SHA-256"},
    "plain": {"es": "valores sin hash", "en": "plain values"},
    "confirm": {"es": "Exportar", "en": "Export"},
    "cancel": {"es": "Cancelar", "en": "Cancel"},
    "written": {"es": "Escrito", "en": "Written"},
}


def preflight_table(p: Preflight, lang: Lang, country: str = "") -> Table:
    """The preflight as a short table a marketer can check before writing the file."""
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column("what", style="bold", no_wrap=True)
    t.add_column("value")
    loc = locale_id(lang, country)
    t.add_row(_T["rows"][lang], f"{integer(p.rows, loc)} {_T['of'][lang]} {integer(p.segment_contacts, loc)}")
    for reason, n in p.dropped.items():
        if n:
            t.add_row(f"{_T['left_out'][lang]}: {export_word(reason, lang)}", integer(n, loc))
    if p.coverage:
        shares = ", ".join(f"{export_word(k, lang)} {percent(v, loc)}" for k, v in p.coverage.items())
        t.add_row(_T["coverage"][lang], shares)
    t.add_row("", _T["hashed"][lang] if p.hashed else _T["plain"][lang])
    for w in p.warnings:
        t.add_row(Text("!", style="bold yellow"), Text(w, style="yellow"))
    return t


class ExportScreen(ModalScreen[Path | None]):
    """Choose a destination, read the preflight, confirm; dismisses with the file written."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 76; max-width: 95%; height: auto; max-height: 95%;
                              border: thick $accent; background: $surface; padding: 1 2; }
    ExportScreen Horizontal { height: auto; margin: 1 0 0 0; }
    ExportScreen Button { margin: 0 1 0 0; }
    ExportScreen #export-busy { height: 1; display: none; }
    ExportScreen.-busy #export-busy { display: block; }
    ExportScreen #export-confirm-row { display: none; }
    ExportScreen.-ready #export-confirm-row { display: block; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", show=False)]

    class Checked(Message):
        """The preflight of one destination is ready."""

        def __init__(self, preflight: Preflight) -> None:
            self.preflight = preflight
            super().__init__()

    class Written(Message):
        """The file was written."""

        def __init__(self, path: Path) -> None:
            self.path = path
            super().__init__()

    class Failed(Message):
        """The preflight or the export failed."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    def __init__(
        self,
        session: Session,
        contact_ids_sql: str,
        as_of: dt.date,
        lang: Lang,
        target: str | None = None,
        name: str = "",
    ) -> None:
        """``target`` (meta, google, csv) reads its preflight at once, as "export them for Facebook" asks;
        ``name`` (the request) goes in the file's name, with the date and time."""
        super().__init__()
        self.session, self.sql, self.as_of, self.lang = session, contact_ids_sql, as_of, lang
        self.audience_name = name
        self.db = session.db
        self.target: str | None = target if target in TARGETS else None

    def on_mount(self) -> None:
        if self.target is not None:
            self._mark(self.target)
            self.add_class("-busy")
            self.check(self.target)

    def _mark(self, target: str) -> None:
        """Show which destination is chosen."""
        for t in TARGETS:
            self.query_one(f"#to-{t}", Button).variant = "primary" if t == target else "default"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_T["title"][self.lang], classes="title")
            yield Label(_T["pick"][self.lang])
            with Horizontal():
                for target in TARGETS:
                    yield Button(target.capitalize() if target != "csv" else "CSV", id=f"to-{target}")
            yield LoadingIndicator(id="export-busy")
            yield Static("", id="export-preflight")
            with Horizontal(id="export-confirm-row"):
                yield Button(_T["confirm"][self.lang], id="export-confirm", variant="success")
                yield Button(_T["cancel"][self.lang], id="export-cancel")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button.startswith("to-"):
            self.target = button.removeprefix("to-")
            self._mark(self.target)
            self.remove_class("-ready")
            self.add_class("-busy")
            self.check(self.target)
        elif button == "export-confirm" and self.target is not None:
            self.add_class("-busy")
            self.write(self.target)
        elif button == "export-cancel":
            self.dismiss(None)

    @work(thread=True, group="export", exclusive=True, exit_on_error=False)
    def check(self, target: str) -> None:
        """The preflight of ``target``, read in a thread."""
        try:
            self.session.release()
            with speaking(self.lang):
                checked = preflight(self.db, self.sql, target, as_of=self.as_of)
            self.post_message(self.Checked(checked))
        except SegmentaError as e:
            self.post_message(self.Failed(str(e)))

    @work(thread=True, group="export", exclusive=True, exit_on_error=False)
    def write(self, target: str) -> None:
        """Write the audience file in a thread."""
        try:  # to segmenta-<target>-<request>-<as_of>-<time>.csv in the current folder: a new file
            self.session.release()
            with speaking(self.lang):
                report = export_audience(self.db, self.sql, target, as_of=self.as_of, name=self.audience_name)
        except SegmentaError as e:
            self.post_message(self.Failed(str(e)))
            return
        self.post_message(self.Written(report.path))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self.remove_class("-busy")
        self.add_class("-ready")
        country = self.session.engine.country
        self.query_one("#export-preflight", Static).update(
            preflight_table(event.preflight, self.lang, country)
        )

    @on(Written)
    def _written(self, event: Written) -> None:
        self.app.notify(f"{_T['written'][self.lang]}: {event.path}")
        self.dismiss(event.path)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.remove_class("-busy")
        self.app.notify(event.message, severity="error")

    def action_close(self) -> None:
        self.dismiss(None)
