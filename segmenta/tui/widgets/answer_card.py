"""One answer in the conversation, laid out so its logic shows at a glance.

Top to bottom: the request (words not understood highlighted), the conditions as a checklist with
the funnel (contacts left and a bar per condition), assumptions, clarification questions with their
options as buttons, the result line, and a collapsed "show SQL" section.

A clarification button posts ``AnswerCard.OptionChosen`` with the request to send next: the
previous request with the words not understood replaced by the option's value
(``segmenta.tui.format.resolve_option``), so the marketer sees and keeps the whole request.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Collapsible, Static

from segmenta.assistant.answer import Answer
from segmenta.cells import shown
from segmenta.labels import header
from segmenta.locale_text import integer
from segmenta.report_view import shown_value
from segmenta.tui.format import bar, resolve_option
from segmenta.tui.strings import Lang, tr

BAR_WIDTH = 16


def request_text(answer: Answer) -> Text:
    """The request as typed, with the words segmenta did not understand highlighted."""
    text = Text("› ", style="bold")
    body = shown(answer.request)
    body.highlight_words(answer.unrecognized, style="bold reverse red", case_sensitive=False)
    text.append_text(body)
    return text


def checklist(answer: Answer, width: int = BAR_WIDTH) -> Table:
    """The conditions understood, each checked, with the contacts left and a bar when there is a funnel."""
    table = Table(show_header=False, box=None, pad_edge=False, expand=False)
    table.add_column("mark", width=1)
    table.add_column("condition", ratio=1, overflow="fold")
    if not answer.funnel:
        for line in answer.explanation:
            table.add_row(Text("✔", style="green"), shown(line))
        for word in answer.unrecognized:
            table.add_row(Text("✘", style="bold red"), shown(word, style="bold red"))
        return table
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    top = max(s.count for s in answer.funnel) or 1
    steps = answer.funnel[1:]
    # one explanation sentence per AND-ed step reads better than the short step label
    labels = answer.explanation if len(answer.explanation) == len(steps) else [s.step for s in steps]
    base = answer.funnel[0]
    table.add_row(
        Text("·", style="dim"),
        shown(base.step, style="dim"),
        integer(base.count, answer.locale),
        Text(bar(base.count, top, width), style="dim"),
    )
    for step, label in zip(steps, labels, strict=True):
        table.add_row(
            Text("✔", style="green"),
            shown(label),
            integer(step.count, answer.locale),
            Text(bar(step.count, top, width), style="green"),
        )
    return table


def result_line(answer: Answer, lang: Lang) -> Text | None:
    """The headline number: contacts in the segment, the single value of a count, or the report size."""
    if answer.kind == "segment" and answer.count is not None:
        return Text(f"{integer(answer.count, answer.locale)} {tr('contacts', lang)}", style="bold green")
    if answer.kind == "report":
        if len(answer.rows) == 1 and len(answer.columns) == 1:
            column = answer.columns[0]
            said = shown_value(column, answer.rows[0][0], answer.locale, answer.currency)
            return shown(f"{header(column, answer.language)}: {said}", style="bold green")
        return Text(f"{integer(len(answer.rows), answer.locale)} {tr('rows', lang)}", style="bold green")
    return None


class AnswerCard(Vertical):
    """One request and its answer in the conversation."""

    DEFAULT_CSS = """
    AnswerCard { height: auto; margin: 0 0 1 0; padding: 0 1; border-left: thick $accent; }
    AnswerCard.-unanswered { border-left: thick $warning; }
    AnswerCard .request { text-style: bold; }
    AnswerCard .assumptions { color: $warning; }
    AnswerCard .question { color: $secondary; text-style: bold; }
    AnswerCard .options { height: auto; }
    AnswerCard .options Button { height: 1; min-width: 0; width: auto; border: none; margin: 0 0 0 2; }
    AnswerCard Collapsible { padding: 0; margin: 0; border: none; }
    AnswerCard Collapsible Contents { padding: 0 0 0 2; }
    """

    class OptionChosen(Message):
        """A clarification option was pressed: ``request`` is what to send next."""

        def __init__(self, request: str) -> None:
            self.request = request
            super().__init__()

    def __init__(self, answer: Answer, lang: Lang, *, dark: bool = True) -> None:
        super().__init__(classes="" if answer.answered else "-unanswered")
        self.answer = answer
        self.lang = lang
        self.dark = dark
        self._options: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        a = self.answer
        yield Static(request_text(a), classes="request")
        if a.explanation or a.funnel or a.unrecognized:
            yield Static(checklist(a), classes="checklist")
        if a.assumptions:
            yield Static(shown("\n".join(f"• {x}" for x in a.assumptions)), classes="assumptions")
        if a.unrecognized:
            words = ", ".join(f"'{w}'" for w in a.unrecognized)
            yield Static(shown(f"{tr('unrecognized', self.lang)}: {words}", style="bold red"))
        if a.ignored:
            ignored = f"{tr('ignored', self.lang)}: {', '.join(a.ignored)}"
            yield Static(shown(ignored, style="dim"), classes="ignored")
        for c in a.clarifications:
            yield Static(shown(c.question), classes="question")
            if c.options:
                buttons = []
                for k, option in enumerate(c.options):
                    button_id = f"option-{len(self._options)}-{k}"
                    self._options[button_id] = option
                    buttons.append(Button(shown(option), id=button_id, compact=True, variant="primary"))
                yield Vertical(*buttons, classes="options")
        line = result_line(a, self.lang)
        if line is not None:
            yield Static(line, classes="result")
        if a.sql:
            yield Collapsible(
                Static(self.sql_renderable(), classes="sql"), title=tr("show_sql", self.lang), collapsed=True
            )

    def sql_renderable(self) -> RenderableType:
        """The answer's SQL, syntax highlighted for the current theme."""
        return Syntax(
            self.answer.engine_sql or self.answer.sql or "",  # as the warehouse ran it
            "sql",
            word_wrap=True,
            theme="ansi_dark" if self.dark else "ansi_light",
            background_color="default",
        )

    def toggle_sql(self) -> None:
        """Open or close the "show SQL" section."""
        for c in self.query(Collapsible):
            c.collapsed = not c.collapsed

    def on_button_pressed(self, event: Button.Pressed) -> None:
        option = self._options.get(event.button.id or "")
        if option is None:
            return
        event.stop()
        a = self.answer
        self.post_message(self.OptionChosen(resolve_option(a.request, a.unrecognized, option)))
