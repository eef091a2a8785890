"""The chat app: the conversation on the left (or top), the results beside it, the request line below.

Every request runs in a thread worker that posts ``Answered`` (or ``Failed``); the handlers alone
touch the widgets, so the screen keeps answering keys while DuckDB works. Esc, or Ctrl-C, cancels the
worker and interrupts the connection. A ``SegmentaError`` becomes one notification, never a crash. The
interface speaks the language of the marketer's first message.

Actions on the current answer, by key, command palette or typed follow-up (``commands.py``): export
(F5), save the segment (F6), the saved-segment library sidebar (F7) and a workflow draft as a tree
(F8). Each is a dialog or widget of its own module whose thread workers do the work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, LoadingIndicator, Static
from textual.worker import Worker, WorkerState, get_current_worker

from segmenta.assistant.answer import Answer
from segmenta.errors import SegmentaError, speaking
from segmenta.locale_text import day_text, integer, locale_id
from segmenta.tui.commands import Command, parse_command
from segmenta.tui.format import human_size
from segmenta.tui.screens import AsOfScreen, HelpScreen
from segmenta.tui.session import Session, WarehouseInfo
from segmenta.tui.strings import SAVED_SEGMENT_REQUEST, TEXTS, Lang, key_bar, tr
from segmenta.tui.widgets.answer_card import AnswerCard
from segmenta.tui.widgets.library import SegmentLibrary
from segmenta.tui.widgets.prompt import PromptInput
from segmenta.tui.widgets.results import ResultsPane
from segmenta.warehouse.remote import remote_of

if TYPE_CHECKING:
    from segmenta.tools.segments import SavedSegment

NARROW = 110  # below this width the results go under the conversation instead of beside it


class Opened(Message):
    """The warehouse is open: what the header shows."""

    def __init__(self, info: WarehouseInfo) -> None:
        self.info = info
        super().__init__()


class Answered(Message):
    """A request was answered; ``page`` is the first page of a segment's rows."""

    def __init__(self, serial: int, answer: Answer, page: list[list[object]]) -> None:
        self.serial = serial
        self.answer = answer
        self.page = page
        super().__init__()


class Failed(Message):
    """A request (or opening the warehouse) failed with a message for the marketer."""

    def __init__(self, message: str, title: str) -> None:
        self.message = message
        self.title = title
        super().__init__()


class SegmentaApp(App[None]):
    """segmenta's chat: requests in, checkable answers, rows and charts out."""

    CSS_PATH = "chat.tcss"
    TITLE = "segmenta"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "as_of", "Date", priority=True),
        Binding("f3", "toggle_sql", "SQL", priority=True),
        Binding("f4", "copy_sql", "Copy SQL", priority=True),
        Binding("f5", "export", "Export", priority=True),
        Binding("f6", "save", "Save", priority=True),
        Binding("f7", "library", "Library", priority=True),
        Binding("f8", "workflow", "Workflow", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+c", "ctrl_c", "Cancel", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", priority=True),
    ]

    def __init__(self, db: Path, as_of: dt.date, *, timeout: float = 30.0, mode: str | None = None) -> None:
        super().__init__()
        self.session = Session(db, as_of, timeout=timeout, mode=mode)
        self.lang: Lang = "en"
        self._lang_fixed = False
        self._serial = 0
        self.answers: list[Answer] = []
        self.info: WarehouseInfo | None = None

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="◆")
        with Horizontal(id="main"):
            with VerticalScroll(id="conversation"):
                yield Static(f"{TEXTS['welcome']['es']}\n{TEXTS['welcome']['en']}", id="welcome")
            yield ResultsPane(id="results")
            yield SegmentLibrary(id="library")
        with Horizontal(id="busy"):
            yield LoadingIndicator()
            yield Label(tr("working", self.lang), id="busy-label")
        both = tr("placeholder", "es") + "  |  " + tr("placeholder", "en")
        yield PromptInput(placeholder=both, id="prompt")
        yield Static(key_bar(self.lang, self.size.width), id="keys")

    def on_mount(self) -> None:
        self.sub_title = self._as_of_title()
        server = remote_of(self.session.db)
        self.title = f"segmenta · {server.shown if server else self.session.db.name}"
        self._fit(self.size.width)
        self.query_one(PromptInput).focus()
        self.open_warehouse()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.query_one("#main").set_class(width < NARROW, "-narrow")
        self.query_one("#keys", Static).update(key_bar(self.lang, width))
        self._retitle()

    def on_unmount(self) -> None:
        self.session.close()

    # ----------------------------------------------------------------- workers
    @work(thread=True, group="open", exit_on_error=False)
    def open_warehouse(self) -> None:
        """Open the engine and count the contacts for the header."""
        try:
            with speaking(self.lang):
                info = self.session.open()
        except SegmentaError as e:
            self.post_message(Failed(str(e), e.heading))
            return
        self.post_message(Opened(info))
        serial = self._serial  # a request typed meanwhile wins: the resumed answer is then dropped
        try:
            resumed = self.session.resume()
            if resumed is None:
                return
            page = self.session.page(resumed, 0) if resumed.kind == "segment" else []
        except SegmentaError:
            return  # the last conversation no longer runs here (another shop): start afresh
        self.post_message(Answered(serial, resumed, page))

    @work(thread=True, group="ask", exclusive=True, exit_on_error=False)
    def ask_worker(self, serial: int, text: str, again: Answer | None = None) -> None:
        """Answer one request (or run ``again`` at the new as-of date), and read the first page of a
        segment, off the UI thread."""
        worker = get_current_worker()
        try:  # a request's own language wins inside ``ask``; a run again speaks the chat's
            with speaking(again.language if again is not None else self.lang):
                answer = self.session.rerun(again) if again is not None else self.session.ask(text)
                page = self.session.page(answer, 0) if answer.kind == "segment" else []
        except SegmentaError as e:
            if not worker.is_cancelled:
                self.post_message(Failed(str(e), e.heading))
            return
        if not worker.is_cancelled:
            self.post_message(Answered(serial, answer, page))

    # ----------------------------------------------------------------- handlers
    @on(Opened)
    def _opened(self, event: Opened) -> None:
        self.info = event.info
        self._retitle()

    def _retitle(self) -> None:
        if self.info is not None:
            loc = locale_id(self.lang, self.info.country)
            contacts = f"{integer(self.info.contacts, loc)} {tr('contacts', self.lang)}"
            # at 80 columns the file's size gives way, so the as-of date (the sub-title) stays in view
            wide = self.size.width >= 100
            size = f" · {human_size(self.info.size_bytes)}" if wide and self.info.size_bytes else ""
            self.title = f"{self.info.name}{size} · {contacts}"
        self.sub_title = self._as_of_title()

    @property
    def _country(self) -> str:
        """The shop's country (for its numbers and dates), once the warehouse is open."""
        return self.info.country if self.info else ""

    def _as_of_title(self) -> str:
        """``a fecha 30 jun 2026``: the day every answer is as of, as the shop's locale writes it."""
        return f"{tr('as_of', self.lang)} {day_text(self.session.as_of, self.lang, self._country)}"

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        prompt = self.query_one(PromptInput)
        prompt.value = ""
        if text:
            prompt.remember(text)
            command = parse_command(text)
            if command is None:
                self.send(text)
            else:
                self.act(command)

    @on(AnswerCard.OptionChosen)
    def _option(self, event: AnswerCard.OptionChosen) -> None:
        self.query_one(PromptInput).remember(event.request)
        self.send(event.request)

    def send(self, text: str) -> None:
        """Answer ``text`` in a worker; a newer request replaces one still running."""
        if self.is_busy:
            self.session.interrupt()
        self._serial += 1
        self._busy(True)
        self.ask_worker(self._serial, text)

    @property
    def is_busy(self) -> bool:
        """Whether a request is running."""
        return any(w.group == "ask" and not w.is_finished for w in self.workers)

    def _busy(self, on: bool) -> None:
        self.query_one("#busy").set_class(on, "-on")

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        if event.serial != self._serial:
            return
        self._busy(False)
        a = event.answer
        if not self._lang_fixed:
            self._lang_fixed = True
            self.set_lang(a.language)
        self.answers.append(a)
        conversation = self.query_one("#conversation", VerticalScroll)
        for welcome in conversation.query("#welcome"):
            welcome.remove()
        card = AnswerCard(a, self.lang, dark=self.current_theme.dark)
        conversation.mount(card)
        # the top of a new answer (the request and its checklist) is what must be in view
        conversation.call_after_refresh(conversation.scroll_to_widget, card, animate=False, top=True)
        results = self.query_one(ResultsPane)
        if a.kind == "segment":
            results.show_segment(a, event.page, self.session)
        elif a.kind == "report" and a.rows:
            results.show_report(a)
        elif a.kind in ("clarification", "not_understood", "report"):
            # a question back or an empty report: the rows of an earlier answer must not look like its
            # (an action on the last segment, an export or a save, keeps that segment's rows)
            results.clear_results()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self._busy(False)
        self.notify(event.message, title=event.title, severity="error", timeout=8)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._busy(False)
            self.notify(str(event.worker.error), title="Error", severity="error", timeout=8)

    def set_lang(self, lang: Lang) -> None:
        """Speak ``lang`` from now on (labels, key bar, header)."""
        self.lang = lang
        self.query_one(SegmentLibrary).set_lang(lang)
        self.query_one(PromptInput).placeholder = tr("placeholder", lang)
        self.query_one("#keys", Static).update(key_bar(lang, self.size.width))
        self.query_one("#busy-label", Label).update(tr("working", lang))
        self.query_one(ResultsPane).set_lang(lang)
        self._retitle()

    # ----------------------------------------------------------------- actions
    def action_help(self) -> None:
        """Show the keys."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang))

    def action_as_of(self) -> None:
        """Ask for a new as-of date."""

        def chosen(day: dt.date | None) -> None:
            if day is not None and day != self.session.as_of:
                self.session.as_of = day
                self._retitle()
                self.notify(f"{tr('date_set', self.lang)} {day_text(day, self.lang, self._country)}")
                last = self.answers[-1] if self.answers else None
                if last is not None and last.kind in ("segment", "report") and last.plan is not None:
                    # the answer on screen is redone at the new date, so the two never disagree
                    if self.is_busy:
                        self.session.interrupt()
                    self._serial += 1
                    self._busy(True)
                    self.ask_worker(self._serial, last.request, last)

        if not isinstance(self.screen, AsOfScreen):
            self.push_screen(AsOfScreen(self.lang, self.session.as_of), chosen)

    def _last_card(self) -> AnswerCard | None:
        cards = self.query(AnswerCard)
        return cards.last() if cards else None

    def action_toggle_sql(self) -> None:
        """Open or close the last answer's SQL."""
        card = self._last_card()
        if card is not None:
            card.toggle_sql()
            self.query_one("#conversation", VerticalScroll).scroll_end(animate=False)

    def action_copy_sql(self) -> None:
        """Copy the last answer's SQL to the clipboard."""
        sql = next((a.engine_sql or a.sql for a in reversed(self.answers) if a.sql), None)
        if sql is None:
            self.notify(tr("no_sql", self.lang), severity="warning")
            return
        self.copy_to_clipboard(sql)
        self.notify(tr("copied", self.lang))

    def action_export(self, target: str | None = None) -> None:
        """Export the last segment for Meta, Google or CSV (``target``: chosen already) after a preflight."""
        from segmenta.tui.export_screen import ExportScreen

        last = next((a for a in reversed(self.answers) if a.kind == "segment" and a.sql), None)
        if last is None:
            self.notify(tr("no_segment", self.lang), severity="warning")
            return
        if not isinstance(self.screen, ExportScreen):
            self.push_screen(
                ExportScreen(
                    self.session, last.sql or "", self.session.as_of, self.lang, target, name=last.request
                )
            )

    def action_save(self, name: str = "", static: bool = False, submit: bool = False) -> None:
        """Save the last answer's segment under a name asked in a dialog (``submit``: ``name`` at once)."""
        from segmenta.tui.save_screen import SaveScreen, saved_note

        if not self.answers:
            self.notify(tr("no_segment", self.lang), severity="warning")
            return
        last = self.answers[-1]
        if last.kind != "segment" or last.plan is None:
            self.notify(tr("not_segment", self.lang), severity="warning")
            return

        def saved(seg: SavedSegment | None) -> None:
            if seg is not None:
                self.notify(saved_note(seg, self.lang, self._country))
                library = self.query_one(SegmentLibrary)
                if library.is_open:
                    library.reload(self.session)

        if not isinstance(self.screen, SaveScreen):
            screen = SaveScreen(self.session, last, self.lang, name=name, static=static, submit=submit)
            self.push_screen(screen, saved)

    def action_library(self) -> None:
        """Open (and read) or close the saved-segment sidebar."""
        library = self.query_one(SegmentLibrary)
        if library.is_open:
            library.remove_class("-open")
            self.query_one(PromptInput).focus()
            return
        library.add_class("-open")
        library.reload(self.session)
        library.query_one("#library-list").focus()

    @on(SegmentLibrary.Chosen)
    def _chosen(self, event: SegmentLibrary.Chosen) -> None:
        request = SAVED_SEGMENT_REQUEST[self.lang].format(name=event.name)
        prompt = self.query_one(PromptInput)
        prompt.remember(request)
        prompt.focus()
        self.send(request)

    def action_workflow(
        self,
        kind: str | None = None,
        audience: str | None = None,
        typed: str | None = None,
        current: bool | None = None,
    ) -> None:
        """Draft a workflow, shown as a tree: for the current segment when there is one (F8), or as typed.

        Args:
            kind: the workflow kind; None asks for it in the dialog.
            audience: audience words typed after "for" / "para".
            typed: the request as typed.
            current: the text said "for them"; None (F8) uses the current segment when there is one.
        """
        from segmenta.tui.workflow_screen import WorkflowScreen

        has_segment = self.session.current_segment is not None
        if current and not has_segment:
            self.notify(tr("no_segment", self.lang), severity="warning")
            return
        use_last = has_segment if current is None else current
        if not isinstance(self.screen, WorkflowScreen):
            self.push_screen(
                WorkflowScreen(
                    self.session,
                    self.lang,
                    kind=kind,
                    use_last=use_last,
                    audience=None if use_last else audience,
                    typed=typed,
                )
            )

    def act(self, command: Command) -> None:
        """Do what a typed follow-up asks: export, save or draft a workflow."""
        if not self._lang_fixed:
            self._lang_fixed = True
            self.set_lang(command.lang)
        if command.action == "export":
            self.action_export(command.target)
        elif command.action == "save":
            self.action_save(command.name or "", command.static, submit=True)
        else:
            self.action_workflow(command.kind, command.audience, command.text, command.current)

    def action_cancel(self) -> None:
        """Cancel the running request and interrupt its query."""
        if not self.is_busy:
            return
        self._serial += 1  # an answer that still arrives belongs to no one
        self.workers.cancel_group(self, "ask")
        self.session.interrupt()
        self._busy(False)
        self.notify(tr("cancelled", self.lang), severity="warning")

    def action_ctrl_c(self) -> None:
        """Ctrl-C as a terminal user means it: cancel a running request; else copy the prompt's
        selected text; else say how to quit (Textual's own Ctrl-C hint)."""
        if self.is_busy:
            self.action_cancel()
            return
        focused = self.focused
        if isinstance(focused, Input) and focused.selected_text:
            focused.action_copy()
            return
        self.action_help_quit()

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help / Ayuda", "The keys of the chat", self.action_help)
        yield SystemCommand("As-of date / Fecha", "Change the as-of date", self.action_as_of)
        yield SystemCommand("Show SQL / Mostrar SQL", "Open or close the last SQL", self.action_toggle_sql)
        yield SystemCommand("Copy SQL / Copiar SQL", "Copy the last SQL", self.action_copy_sql)
        yield SystemCommand("Export / Exportar", "Meta, Google or CSV audience", self.action_export)
        yield SystemCommand(
            "Save segment / Guardar segmento", "Save the last segment by name", self.action_save
        )
        yield SystemCommand(
            "Saved segments / Segmentos guardados", "Open or close the library", self.action_library
        )
        yield SystemCommand(
            "Workflow draft / Borrador de workflow", "Draft a workflow for the segment", self.action_workflow
        )
        yield SystemCommand("Light or dark / Tema", "Toggle the theme", self.action_toggle_theme)
